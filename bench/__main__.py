"""`make bench` (`python -m bench [NAME ...]`): every bench/*_bench.py module's main() in turn; each module's
result goes to bench/results/<name>.json (its return value, printed lines, time, status).

A bench module needs only a `main()` callable with no required argument; it is called with sys.argv reduced to its
own name (plus `--quick` when the runner is given --quick), so its argparse defaults apply. Return a JSON-ready dict
to have the figures recorded as data; its "summary" rows (figure, measured, target, met) go into the table printed
at the end and into bench/results/summary.json.

    python -m bench                 # every bench (make bench)
    python -m bench --quick         # every bench with fewer runs and smaller sizes (make bench-quick)
    python -m bench pages_bench     # one bench
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


class Tee(io.StringIO):
    """Keeps what a bench prints and still shows it as it comes."""

    def __init__(self, echo: TextIO):
        super().__init__()
        self.echo = echo

    def write(self, text: str) -> int:
        self.echo.write(text)
        self.echo.flush()
        return super().write(text)


def bench_names() -> list[str]:
    return sorted(path.stem for path in HERE.glob("*_bench.py"))


def run(name: str, quick: bool = False) -> dict[str, Any]:
    """Run bench/<name>.py's main(); the record written to bench/results/<name>.json."""
    started, clock = datetime.now(UTC).isoformat(timespec="seconds"), time.perf_counter()
    output, argv = Tee(sys.stdout), sys.argv
    result: Any = None
    error = None
    try:
        sys.argv = [str(HERE / f"{name}.py")] + (["--quick"] if quick else [])
        with contextlib.redirect_stdout(output):
            result = importlib.import_module(f"bench.{name}").main()
    except (Exception, SystemExit):  # one failing bench must not hide the others' figures
        error = traceback.format_exc()
        print(error, file=sys.stderr)
    finally:
        sys.argv = argv
    return {
        "bench": name, "ok": error is None, "quick": quick, "started_at": started,
        "seconds": round(time.perf_counter() - clock, 3), "commit": _commit(), "python": sys.version.split()[0],
        "result": result, "output": output.getvalue().splitlines(), "error": error,
    }  # fmt: skip


def _commit() -> str | None:
    """The checked-out commit (read only), so figures can be compared across versions."""
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=HERE, capture_output=True, text=True, check=False)
    return done.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benches to run (default: all of {', '.join(bench_names())})")
    parser.add_argument("--list", action="store_true", help="list the benches and exit")
    parser.add_argument("--quick", action="store_true", help="pass --quick to every bench (fewer runs, smaller sizes)")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(bench_names()))
        return 0
    unknown = sorted(set(args.names) - set(bench_names()))
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)} (have: {', '.join(bench_names())})")
    RESULTS.mkdir(exist_ok=True)
    failed: list[str] = []
    for name in args.names or bench_names():
        print(f"== bench {name}", flush=True)
        record = run(name, args.quick)
        path = RESULTS / f"{name}.json"
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        status = "ok" if record["ok"] else "FAILED"
        print(f"== bench {name}: {status} in {record['seconds']:.1f} s -> {path.relative_to(HERE.parent)}", flush=True)
        failed += [] if record["ok"] else [name]
    rows = latest_rows()
    print_table(rows)
    (RESULTS / "summary.json").write_text(json.dumps(
        {"at": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick, "commit": _commit(),
         "rows": rows}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")  # fmt: skip
    return 1 if failed else 0


def latest_rows() -> list[dict[str, Any]]:
    """The summary rows of every bench's latest record in bench/results (those just run and earlier ones)."""
    rows = []
    for name in bench_names():
        path = RESULTS / f"{name}.json"
        if path.exists():
            record = json.loads(path.read_text(encoding="utf-8"))
            when = str(record.get("started_at", ""))[:16] + (" quick" if record.get("quick") else "")
            rows += [{**row, "run": when} for row in summary_rows(record)]
    return rows


def summary_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The bench's own "summary" rows, or a few read from the figures of the benches that predate them."""
    name, result = record["bench"], record["result"]
    if not record["ok"]:
        return [{"bench": name, "figure": "(bench failed: see its JSON)", "measured": "FAILED", "target": "",
                 "met": False}]  # fmt: skip
    rows = result.get("summary") if isinstance(result, dict) else None
    if rows is None:
        try:
            rows = LEGACY.get(name, lambda _r: [])(result)
        except (KeyError, TypeError, ValueError, StopIteration):
            rows = []
    return [{"bench": name, **row} for row in rows]


def _row(figure: str, measured: str, target: str = "", met: bool | None = None) -> dict[str, Any]:
    return {"figure": figure, "measured": measured, "target": target, "met": met}


def _scaleout(result: dict[str, Any]) -> list[dict[str, Any]]:
    ratios = [row["ducklake"]["median_ratio"] for row in result["queries"].values() if "ducklake" in row]
    return [_row("scale-out (DuckLake, as served) / local query latency, median ratio per query",
                 f"{min(ratios):.2f}-{max(ratios):.2f}x")]  # fmt: skip


LEGACY = {  # benches that return figures but no summary rows
    "build_bench": lambda r: [_row("lmm seed / lmm build, real data (median)",
                                   f"{r['seed_seconds']['median']:.1f} s / {r['build_seconds']['median']:.1f} s")],
    "api_bench": lambda r: [_row("API: one country's observations (JSON), median / p95",
                                 f"{r['country_observations_json']['median_ms']:.1f} / "
                                 f"{r['country_observations_json']['p95_ms']:.1f} ms")],
    "scoring_bench": lambda r: [_row("scoring: per-observation CPU cost, largest synthetic / 1x",
                                     f"{r['growth']['per_observation_ratio']:.2f}", "<= 1.3 (linear)",
                                     r["growth"]["per_observation_ratio"] <= 1.3)],
    "steward_bench": lambda r: [_row("steward: approval -> new release served", f"{r['approval_to_served_s']:.1f} s"),
                                _row("steward: XLSX validation throughput", f"{r['xlsx_rows_per_s']:,} rows/s")],
    "scaleout_bench": _scaleout,
}  # fmt: skip


def print_table(rows: list[dict[str, Any]]) -> None:
    """One table: bench, figure, measured, target, met."""
    mark = {True: "yes", False: "NO", None: ""}
    table = [("bench", "figure", "measured", "target", "met?", "run (UTC)")] + [
        (r["bench"].removesuffix("_bench"), r["figure"], r["measured"], r["target"], mark[r["met"]], r.get("run", ""))
        for r in rows
    ]
    widths = [min(max(len(str(row[i])) for row in table), limit) for i, limit in enumerate((10, 92, 28, 34, 4, 22))]
    print("\n== summary")
    for n, row in enumerate(table):
        print("  ".join(str(cell)[: widths[i]].ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    sys.exit(main())
