"""Where a briefing's time goes, per phase, on the bundled seed's release (a diagnostic for the render-ahead job,
not part of `make bench`): reading the facts (one country at a time as a request does, and all countries in one
pass as the job does), writing the HTML (render()), Chromium loading it and printing it (one kept Chromium), and
the job's pace with one and with two printers at once. The load average is printed before and after: on a busy
machine every figure is slower (the job runs at nice 19 and only takes CPU others leave idle).

    .venv/bin/python -m bench.briefing_phases [--n 12] [--printers 1,2]
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench._common import load_average, real_release


def _ms(seconds: float, n: int) -> str:
    return f"{1000 * seconds / max(1, n):7.1f} ms"


def facts_phase(release_id: str, codes: list[str], sample: list[str]) -> dict[str, Any]:
    from dashboard.api.briefing import facts, facts_all

    started = time.perf_counter()
    for iso3 in sample:
        facts(release_id, iso3)
    one = time.perf_counter() - started
    started = time.perf_counter()
    every = facts_all(release_id, codes)
    together = time.perf_counter() - started
    print(f"facts, one country at a time (a request):  {_ms(one, len(sample))} per country", flush=True)
    print(f"facts, all {len(codes)} in one pass (the job):    {_ms(together, len(codes))} per country "
          f"({together:.1f} s in all)", flush=True)  # fmt: skip
    return {"facts_one_ms": 1000 * one / len(sample), "facts_all_ms": 1000 * together / len(codes), "facts": every}


def render_phase(every: dict[str, Any], picks: list[tuple[str, str]], folder: Path) -> tuple[float, list[Path]]:
    from dashboard.api.briefing import render

    for lang in ("en", "es", "fr"):  # the catalogues and map outlines load on first use: not timed
        render(every[picks[0][0]], lang)
    paths, started = [], time.perf_counter()
    for iso3, lang in picks:
        html = render(every[iso3], lang)
        path = folder / f"{iso3}.{lang}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    seconds = time.perf_counter() - started
    print(f"render() HTML:                              {_ms(seconds, len(picks))} per briefing", flush=True)
    return 1000 * seconds / len(picks), paths


def print_phase(paths: list[Path]) -> dict[str, float]:
    """Load and print each file with one kept Chromium (after one warm-up), the two steps timed apart."""
    from warehouse.briefing_print import PRINT, PdfPrinter

    load = printing = 0.0
    with PdfPrinter() as printer:
        printer.print(paths[0], paths[0].with_suffix(".warm.pdf"))
        for path in paths:
            started = time.perf_counter()
            printer._send("Page.navigate", {"url": path.resolve().as_uri()}, printer._session)
            printer._until(lambda m: m.get("method") == "Page.loadEventFired")
            loaded = time.perf_counter()
            data = printer._call("Page.printToPDF", PRINT, printer._session)["data"]
            printing += time.perf_counter() - loaded
            load += loaded - started
            path.with_suffix(".pdf").write_bytes(base64.b64decode(data))
    print(f"Chromium: page load                         {_ms(load, len(paths))} per briefing", flush=True)
    print(f"Chromium: printToPDF (tagged)               {_ms(printing, len(paths))} per briefing", flush=True)
    return {"load_ms": 1000 * load / len(paths), "print_ms": 1000 * printing / len(paths)}


def pace_phase(every: dict[str, Any], picks: list[tuple[str, str]], printers: int) -> float:
    """The job's own loop (dashboard.api.briefings_ahead.Renderer) over the picks with `printers` at once:
    milliseconds per briefing, wall clock (render and print, each printer its own Chromium)."""
    from dashboard.api.briefings_ahead import Renderer, Shared
    from warehouse import briefing
    from warehouse.briefing_print import PdfPrinter

    shared = Shared()
    shared.facts = every
    items, lock = iter(picks), threading.Lock()

    def work() -> None:
        with PdfPrinter() as printer:
            renderer = Renderer(release, printer, shared)
            while True:
                with lock:
                    item = next(items, None)
                if item is None:
                    return
                renderer.render(*item)

    release = f"phases-{printers}-{os.getpid()}"
    threads = [threading.Thread(target=work) for _ in range(printers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    written = len(list(briefing.folder(release).glob("*.pdf")))
    print(f"the job's pace, {printers} printer(s) at once:        {_ms(seconds, written)} per briefing "
          f"({written} written; all {3 * len(every)} would take ~{seconds / written * 3 * len(every):.0f} s)",
          flush=True)  # fmt: skip
    return 1000 * seconds / written


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=12, help="briefings per phase (random countries and languages)")
    parser.add_argument("--printers", default="1,2", help="printers at once to time the job's pace with")
    args = parser.parse_args(argv)
    data_dir, release_id = real_release()
    os.environ["LMM_DATA_DIR"] = str(data_dir)
    from dashboard.api.briefings_ahead import countries

    codes = countries(release_id)
    rng = random.Random(42)
    picks = [(iso3, rng.choice(("en", "es", "fr"))) for iso3 in rng.sample(codes, args.n)]
    print(f"release {release_id}: {len(codes)} countries; {args.n} random briefings; load average "
          f"{load_average():.2f} on {os.cpu_count()} cores", flush=True)  # fmt: skip
    result: dict[str, Any] = {"load_before": load_average()}
    with tempfile.TemporaryDirectory(prefix="lmm-phases-") as tmp:
        found = facts_phase(release_id, codes, [iso3 for iso3, _ in picks])
        every = found.pop("facts")
        result |= found
        result["render_ms"], paths = render_phase(every, picks, Path(tmp))
        result |= print_phase(paths)
        for printers in (int(p) for p in args.printers.split(",")):
            result[f"pace_{printers}_ms"] = pace_phase(every, picks, printers)
    result["load_after"] = load_average()
    print(f"load average after: {result['load_after']:.2f}", flush=True)
    return result


if __name__ == "__main__":
    main()
