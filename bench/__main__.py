"""`make bench` (`python -m bench [NAME ...]`): every bench/*_bench.py module's main() in turn; each module's
result goes to bench/results/<name>.json (its return value, printed lines, time, status).

A bench module needs only a `main()` callable with no required argument; it is called with sys.argv reduced to its
own name, so its argparse defaults apply. Return a JSON-ready dict to have the figures recorded as data.
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


def run(name: str) -> dict[str, Any]:
    """Run bench/<name>.py's main(); the record written to bench/results/<name>.json."""
    started, clock = datetime.now(UTC).isoformat(timespec="seconds"), time.perf_counter()
    output, argv = Tee(sys.stdout), sys.argv
    result: Any = None
    error = None
    try:
        sys.argv = [str(HERE / f"{name}.py")]
        with contextlib.redirect_stdout(output):
            result = importlib.import_module(f"bench.{name}").main()
    except (Exception, SystemExit):  # one failing bench must not hide the others' figures
        error = traceback.format_exc()
        print(error, file=sys.stderr)
    finally:
        sys.argv = argv
    return {
        "bench": name, "ok": error is None, "started_at": started,
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
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(bench_names()))
        return 0
    unknown = sorted(set(args.names) - set(bench_names()))
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)} (have: {', '.join(bench_names())})")
    RESULTS.mkdir(exist_ok=True)
    failed = []
    for name in args.names or bench_names():
        print(f"== bench {name}", flush=True)
        record = run(name)
        path = RESULTS / f"{name}.json"
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        status = "ok" if record["ok"] else "FAILED"
        print(f"== bench {name}: {status} in {record['seconds']:.1f} s -> {path.relative_to(HERE.parent)}", flush=True)
        failed += [] if record["ok"] else [name]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
