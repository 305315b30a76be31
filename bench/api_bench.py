"""The bundled seed in; API latency (median, 95th percentile) and the bulk-zip build time out.

Builds a release from the bundled seed into a temporary LMM_DATA_DIR, serves the real app under gunicorn (2 workers,
127.0.0.1, a free port) and times, from a client on the same machine:
- one country's observations of one indicator (JSON and CSV), `--requests` times each;
- a full-indicator download (the largest indicator, migrant_stock_corridor, paged at the 50,000-row maximum and
  following `next`), `--repeat` times, JSON and CSV;
- 304 revalidation with If-None-Match;
- the bulk zip: build time in-process (`--repeat` builds) and the first HTTP request that builds and caches it.

Usage: .venv/bin/python -m bench.api_bench [--requests 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIG = "migrant_stock_corridor"


def _stats(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(ordered), "median_ms": round(1000 * statistics.median(ordered), 1), "p95_ms": round(1000 * p95, 1)}


def _timed(session: requests.Session, url: str, **kwargs) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    answer = session.get(url, timeout=120, **kwargs)
    answer.raise_for_status() if answer.status_code != 304 else None
    return time.perf_counter() - started, answer


def _full_download(session: requests.Session, base: str, fmt: str) -> tuple[float, int]:
    started, rows, offset = time.perf_counter(), 0, 0
    url: str | None = f"{base}/api/v1/observations?indicator={BIG}&limit=50000&format={fmt}"
    while url:
        answer = session.get(url, timeout=120)
        answer.raise_for_status()
        if fmt == "json":
            body = answer.json()
            rows, url = rows + len(body["rows"]), body["next"]
        else:
            rows += answer.text.count("\n") - 1
            offset += 50000
            url = answer.links.get("next", {}).get("url")
    return time.perf_counter() - started, rows


def _serve(data_dir: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, LMM_DATA_DIR=str(data_dir), LMM_BRIEFINGS_AHEAD="0")  # steady state: no render-ahead job
    cmd = [sys.executable, "-m", "gunicorn", "dashboard.wsgi:server", "--bind", f"127.0.0.1:{port}", "--workers", "2",
           "--timeout", "120"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def _bulk_build(release_id: str, repeat: int, folder: Path) -> dict[str, float]:
    from warehouse.bulk import write_zip
    from warehouse.connection import cursor

    times = []
    for n in range(repeat):
        started = time.perf_counter()
        write_zip(cursor(release_id)[1], release_id, folder / f"bench-{n}.zip")
        times.append(time.perf_counter() - started)
    size = (folder / "bench-0.zip").stat().st_size
    return {"median_s": round(statistics.median(times), 2), "max_s": round(max(times), 2), "mb": round(size / 1e6, 1)}


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="50 requests, 2 repeats (make bench-quick)")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.repeat = min(args.requests, 50), min(args.repeat, 2)
    with tempfile.TemporaryDirectory(prefix="lmm-api-bench-") as tmp:
        os.environ["LMM_DATA_DIR"] = tmp
        from lmm.config import seed_dir
        from loaders.seed import read_seed
        from tests.conftest import free_port
        from warehouse.build import BuildInputs, build_release

        release_id = build_release(BuildInputs(read_seed(seed_dir()), status_year=2025, actor="bench"))
        bulk = _bulk_build(release_id, args.repeat, Path(tmp))
        port = free_port()
        proc = _serve(Path(tmp), port)
        try:
            result = _measure(f"http://127.0.0.1:{port}", args, bulk)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    result["release"] = release_id
    result["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)  # other work on the 2 cores inflates the figures
    print(f"release {release_id}; load average (1 min) at the end: {result['load_average_1m_at_end']}")
    return result


def _measure(base: str, args: argparse.Namespace, bulk: dict[str, float]) -> dict[str, object]:
    session = requests.Session()
    country = f"{base}/api/v1/observations?indicator=female_lfpr&country=MEX"
    for _ in range(20):  # warm both workers
        _timed(session, country)
    json_times = [_timed(session, country)[0] for _ in range(args.requests)]
    csv_times = [_timed(session, country + "&format=csv")[0] for _ in range(args.requests)]
    etag = _timed(session, country)[1].headers["ETag"]
    not_modified = [_timed(session, country, headers={"If-None-Match": etag})[0] for _ in range(args.requests)]
    full_json = [_full_download(session, base, "json") for _ in range(args.repeat)]
    full_csv = [_full_download(session, base, "csv") for _ in range(args.repeat)]
    first_zip, answer = _timed(session, f"{base}/api/v1/bulk.zip")
    cached_zip = [_timed(session, f"{base}/api/v1/bulk.zip")[0] for _ in range(args.repeat)]
    result: dict[str, object] = {
        "country_observations_json": _stats(json_times),
        "country_observations_csv": _stats(csv_times),
        "country_observations_304": _stats(not_modified),
        f"full_indicator_json ({full_json[0][1]} rows)": _stats([t for t, _ in full_json]),
        f"full_indicator_csv ({full_csv[0][1]} rows)": _stats([t for t, _ in full_csv]),
        "bulk_zip_build": bulk,
        "bulk_zip_first_request_s": round(first_zip, 2),
        "bulk_zip_cached": _stats(cached_zip),
    }
    for name, figures in result.items():
        print(f"{name:<44} {figures}")
    print(f"bulk zip: {len(answer.content) / 1e6:.1f} MB")
    return result


if __name__ == "__main__":
    main()
