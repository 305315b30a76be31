"""Prints the time of `lmm seed` and `lmm build` on the real data (median and p95 of repeated runs, each as a
fresh process) and the size of the seed and of a release. Run: `python -m bench.build_bench [--repeat N]`."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(repeat: int | None = None) -> dict[str, object]:
    if repeat is None:  # called by `python -m bench` with sys.argv = [path] or [path, "--quick"]
        repeat = 2 if "--quick" in sys.argv[1:] else 5
    raw = ROOT.parent / "shared" / "data" / "raw"
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, LMM_DATA_DIR=str(Path(tmp) / "var"), LMM_KEEP_RELEASES="3")
        seed_dir = Path(tmp) / "seed"
        lmm = [sys.executable, "-m", "lmm.cli"]
        seed_times = [timed([*lmm, "seed", "--from", str(raw), "--to", str(seed_dir)], env) for _ in range(repeat)]
        build_times = [
            timed([*lmm, "build", "--seed", str(seed_dir), "--status-year", "2025"], env) for _ in range(repeat)
        ]
        release = max((Path(tmp) / "var" / "releases").glob("r*.duckdb"))
        result: dict[str, Any] = {
            "seed_seconds": {"median": statistics.median(seed_times), "p95": percentile(seed_times, 0.95)},
            "build_seconds": {"median": statistics.median(build_times), "p95": percentile(build_times, 0.95)},
            "seed_bytes": sum(p.stat().st_size for p in seed_dir.glob("*.parquet")),
            "release_bytes": release.stat().st_size,
            "runs": repeat,
        }
    print(
        f"lmm seed  (real data, {repeat} runs): median {result['seed_seconds']['median']:.2f} s, p95 {result['seed_seconds']['p95']:.2f} s"
    )
    print(
        f"lmm build (real data, {repeat} runs): median {result['build_seconds']['median']:.2f} s, p95 {result['build_seconds']['p95']:.2f} s"
    )
    print(f"seed size {result['seed_bytes'] / 1e6:.2f} MB, release size {result['release_bytes'] / 1e6:.2f} MB")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 runs (make bench-quick)")
    parsed = parser.parse_args()
    main(2 if parsed.quick else parsed.repeat)
