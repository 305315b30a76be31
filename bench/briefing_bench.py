"""Briefings ready at publish: the app under gunicorn (the Procfile's options) serves a release; a new release is
published (`lmm build`, as a steward's approval or a deploy does); the bench times

- publish -> every briefing on disk: from the end of `lmm build` until the render-ahead job has written every
  country's briefing in English, Spanish and French (HTML and PDF; `.complete.json` in the release's folder), with
  the job's own seconds and the files' size;
- the first request of 10 random (country, language) PDFs RANDOM_AFTER_S after the publish (each never asked for
  before; whether it was already on disk is checked just before asking), median and worst;
- beside them, in the same run, the same first request with rendering ahead off (LMM_BRIEFINGS_AHEAD=0, a second
  server on a copy of the release): the briefing rendered on request, as before issue 20.

The job runs at nice 19 and SCHED_IDLE: on a busy machine it takes longer, by design (it only uses CPU others leave
idle); the load average is printed at the publish and when every briefing is on disk.
--quick waits RANDOM_AFTER_S, asks the 10 countries, and extrapolates the time to all ready from the job's pace.

    .venv/bin/python -m bench.briefing_bench [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import requests

from bench import synthetic
from bench._common import add_quick, gunicorn, load_average, publish, summary

RANDOM_AFTER_S = 60.0
LANGS = ("en", "es", "fr")
ON_DEMAND = 3  # first requests with rendering ahead off, for comparison
ALL_READY_TIMEOUT_S = 3600.0


def briefings(data_dir: Path, release_id: str) -> Path:
    return data_dir / "briefings" / release_id


def countries(data_dir: Path, release_id: str) -> list[str]:
    import duckdb

    from warehouse.scorecard import no_scorecard_reason

    con = duckdb.connect(str(data_dir / "releases" / f"{release_id}.duckdb"), read_only=True)
    try:
        result = con.execute("SELECT * FROM countries WHERE NOT is_aggregate ORDER BY iso3")
        names = [d[0] for d in result.description or []]
        rows = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    finally:
        con.close()
    return [row["iso3"] for row in rows if no_scorecard_reason(row) is None]


def first_requests(url: str, folder: Path, picks: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """One first request per (country, language) PDF: seconds, status, and whether the file was on disk before."""
    out = []
    for iso3, lang in picks:
        on_disk = (folder / f"{iso3}.{lang}.pdf").exists()
        started = time.perf_counter()
        answer = requests.get(f"{url}/api/v1/briefings/{iso3}.pdf", params={"lang": lang}, timeout=300)
        seconds = time.perf_counter() - started
        ok = answer.status_code == 200 and answer.content.startswith(b"%PDF")
        out.append({"iso3": iso3, "lang": lang, "seconds": round(seconds, 3), "ok": ok, "on_disk_before": on_disk})
        print(f"  {iso3}.{lang}.pdf: {1000 * seconds:8.1f} ms  {'from disk' if on_disk else 'rendered on request'}"
              f"{'' if ok else f'  FAILED {answer.status_code}'}", flush=True)  # fmt: skip
    return out


def wait_until_seen(url: str, release_id: str, timeout: float = 60) -> float:
    """Ask the app until it serves the release (that request is what lets a worker notice it); seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if requests.get(f"{url}/api/v1/health", timeout=30).headers.get("X-LMM-Release") == release_id:
            return time.monotonic() - started
        time.sleep(0.2)
    raise RuntimeError(f"the app did not serve {release_id} within {timeout:.0f} s")


def job_done(folder: Path) -> dict[str, Any] | None:
    path = folder / ".complete.json"
    return json.loads(path.read_text()) if path.exists() else None


def on_demand(data_dir: Path, release_id: str, picks: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The same first requests with rendering ahead off, on a copy of the release (its own LMM_DATA_DIR)."""
    other = synthetic.temporary_folder("lmm-briefing-off-") / "var"
    (other / "releases").mkdir(parents=True)
    for suffix in (".duckdb", ".sha256"):
        shutil.copy(data_dir / "releases" / f"{release_id}{suffix}", other / "releases")
    (other / "releases" / "current").symlink_to(f"{release_id}.duckdb")
    with gunicorn(other, env={"LMM_BRIEFINGS_AHEAD": "0"}) as server:
        return first_requests(server.url, briefings(other, release_id), picks)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_quick(parser)
    args = parser.parse_args(argv)
    from lmm.config import seed_dir

    data_dir = synthetic.temporary_folder("lmm-briefing-") / "var"
    synthetic.build(seed_dir(), data_dir)
    rng = random.Random(42)
    with gunicorn(data_dir, env={"LMM_BRIEFINGS_AHEAD": "1"}) as server:
        release_id, build_s = publish(data_dir)
        published = time.monotonic()
        seen_s = wait_until_seen(server.url, release_id)
        folder = briefings(data_dir, release_id)
        codes = countries(data_dir, release_id)
        print(f"release {release_id} published ({build_s:.1f} s build), served after {seen_s:.1f} s; "
              f"{len(codes)} countries x {len(LANGS)} languages to render; load average {load_average():.1f}",
              flush=True)  # fmt: skip
        picks = [(iso3, rng.choice(LANGS)) for iso3 in rng.sample(codes, 10)]
        time.sleep(max(0.0, published + RANDOM_AFTER_S - time.monotonic()))
        ready_at_60 = len(list(folder.glob("*.pdf")))
        print(f"{RANDOM_AFTER_S:.0f} s after the publish: {ready_at_60} of {len(codes) * len(LANGS)} PDFs on disk; "
              "first requests of 10 random ones:", flush=True)  # fmt: skip
        firsts = first_requests(server.url, folder, picks)
        done = None if args.quick else _wait_for_job(folder, published)
        all_ready_s = round(time.monotonic() - published, 1) if done else None
        if done:
            print(f"publish -> every briefing on disk: {all_ready_s:.0f} s (the job's own {done['seconds']:.0f} s; "
                  f"{done['written']} written, {len(done['failed'])} failed; load average {load_average():.1f})",
                  flush=True)  # fmt: skip
        pdfs = len(list(folder.glob("*.pdf")))
        pace = pdfs / max(1e-9, time.monotonic() - published)
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    print("the same first requests with rendering ahead off (rendered on request):", flush=True)
    demand = on_demand(data_dir, release_id, picks[:ON_DEMAND])
    return _result(release_id, codes, seen_s, ready_at_60, firsts, demand, done, all_ready_s, pdfs, pace, size)


def _wait_for_job(folder: Path, published: float) -> dict[str, Any] | None:
    while time.monotonic() - published < ALL_READY_TIMEOUT_S:
        done = job_done(folder)
        if done:
            return done
        time.sleep(1.0)
    return None


def _result(
    release_id, codes, seen_s, ready_at_60, firsts, demand, done, all_ready_s, pdfs, pace, size
) -> dict[str, Any]:
    total = len(codes) * len(LANGS)
    estimate = round(total / pace, 0) if pace else None
    seconds = [f["seconds"] for f in firsts]
    demand_s = [f["seconds"] for f in demand]
    result: dict[str, Any] = {
        "release": release_id, "countries": len(codes), "briefings": total, "seen_after_publish_s": round(seen_s, 1),
        "pdfs_on_disk_60s": ready_at_60, "first_requests_60s": firsts, "on_demand": demand, "job": done,
        "all_ready_s": all_ready_s, "all_ready_estimate_s": estimate, "pdfs_written": pdfs,
        "folder_mb": round(size / 1e6, 1), "load_average_1m": load_average(),
    }  # fmt: skip
    from_disk = sum(f["on_disk_before"] for f in firsts)
    ready = f"{all_ready_s:.0f} s" if all_ready_s is not None else f"~{estimate:.0f} s (extrapolated from the pace)"
    result["summary"] = [
        summary(f"briefings: publish -> every country's briefing on disk ({len(codes)} countries x en/es/fr, HTML+PDF;"
                f" {size / 1e6:,.0f} MB; nice 19)", ready, "in the background"),
        summary(f"briefings: first request of 10 random (country, language) PDFs {RANDOM_AFTER_S:.0f} s after publish "
                f"({from_disk} of 10 already on disk)",
                f"median {1000 * statistics.median(seconds):,.0f} ms, worst {1000 * max(seconds):,.0f} ms",
                "from disk", from_disk == len(firsts)),
        summary("  the same, rendered on request (rendering ahead off, as before)",
                f"median {statistics.median(demand_s):.1f} s, worst {max(demand_s):.1f} s"),
    ]  # fmt: skip
    return result


if __name__ == "__main__":
    for row in main()["summary"]:
        print(f"{row['figure']}: {row['measured']}")
