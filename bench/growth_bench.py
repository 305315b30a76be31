"""Build growth: the seed step, `lmm build` (and its scoring phase) and the release size at 1x, 10x and 50x the real
observations, from bench/synthetic.py's seeds (numpy default_rng(42)); how each cost grows with the observations.

Per scale: the synthetic seed is made once (not timed: it stands in for the publishers' files), then
- seed: what `lmm seed` does with the parsed rows: the pandera check of the union (observations, events) and the
  Parquet write of every table (loaders.seed.write_seed), in this process;
- build: `lmm build --seed DIR --status-year 2025` in a fresh process into a temporary LMM_DATA_DIR; its progress
  lines split it into read + merge, scoring (indicators.scoring, as `lmm build` runs it) and write + seal + publish;
- size: the release file.
Growth: cost per observation at each scale over that at the scale before (1.0 = linear; above ~1.3 = worse than
linear), on CPU seconds for the seed step and the build (a busy shared machine stretches wall time), on wall time
for the scoring phase and on bytes for the release.
The real `lmm seed` / `lmm build` on the original files are in bench/build_bench.py.

    .venv/bin/python -m bench.growth_bench [--quick] [--scales 1,10,50] [--repeat 2]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from bench import synthetic
from bench._common import add_quick, load_average, percentile, summary

LINEAR_LIMIT = 1.3  # per-observation cost ratio still called linear (noise on a shared machine)


def seed_step(seed: Any, folder: Path) -> tuple[float, float]:
    """The scale-dependent part of `lmm seed`: pandera on the union, then the Parquet files: (wall, CPU) seconds."""
    from loaders.base import EventModel, ObservationModel
    from loaders.seed import write_seed

    started, cpu = time.perf_counter(), time.process_time()
    ObservationModel.validate(seed["observations"], lazy=True)
    EventModel.validate(seed["events"], lazy=True)
    write_seed(seed, folder)
    return time.perf_counter() - started, time.process_time() - cpu


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def phases(lines: list[tuple[float, str]], total: float) -> dict[str, float]:
    """Seconds of each build phase from its progress lines (time since the process started)."""
    at = {text: t for t, text in lines}
    merging = next((t for text, t in at.items() if "merging" in text), 0.0)
    scoring = next((t for text, t in at.items() if "scoring" in text), merging)
    writing = next((t for text, t in at.items() if "writing" in text), total)
    return {"start_and_read": merging, "merge": scoring - merging, "scoring": writing - scoring,
            "write_seal_publish": total - writing}  # fmt: skip


def one_scale(scale: float, repeat: int) -> dict[str, Any]:
    folder = synthetic.temporary_folder(f"lmm-growth-{scale:g}x-")
    made = time.perf_counter()
    seed = synthetic.synthetic_seed(scale)
    made = time.perf_counter() - made
    observations = len(seed["observations"])
    seeds = [seed_step(seed, folder / "seed") for _ in range(repeat)]
    del seed
    builds: list[tuple[float, dict[str, float], Path]] = []
    build_cpu: list[float] = []
    release_id = ""
    for n in range(repeat):
        data_dir = folder / f"var{n}"
        before = children_cpu()
        release_id, seconds, lines = synthetic.build(folder / "seed", data_dir)
        build_cpu.append(children_cpu() - before)
        builds.append((seconds, phases(lines, seconds), data_dir))
    size = (builds[-1][2] / "releases" / f"{release_id}.duckdb").stat().st_size
    synthetic.register(synthetic.SyntheticRelease(scale, builds[-1][2], folder / "seed", release_id, observations,
                                                  builds[-1][0]))  # fmt: skip
    build_times = [b[0] for b in builds]
    scoring_times = [b[1]["scoring"] for b in builds]
    row: dict[str, Any] = {
        "observations": observations, "generate_s": round(made, 2),
        "seed_s": _fig([w for w, _ in seeds]), "build_s": _fig(build_times), "scoring_s": _fig(scoring_times),
        "seed_cpu_s": _fig([c for _, c in seeds]), "build_cpu_s": _fig(build_cpu),
        "build_phases_s": {k: round(statistics.median([b[1][k] for b in builds]), 2) for k in builds[0][1]},
        "release_bytes": size, "seed_bytes": sum(p.stat().st_size for p in (folder / "seed").glob("*.parquet")),
    }  # fmt: skip
    print(f"{scale:>4g}x {observations:>10,} obs  seed {row['seed_s']['median']:7.2f} s (CPU "
          f"{row['seed_cpu_s']['median']:.2f})  build {row['build_s']['median']:7.2f} s (CPU "
          f"{row['build_cpu_s']['median']:.2f}; scoring {row['scoring_s']['median']:6.2f} s; phases "
          f"{row['build_phases_s']})  release {size / 1e6:7.1f} MB", flush=True)  # fmt: skip
    return row


def _fig(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "p95": round(percentile(values, 0.95), 3), "n": len(values)}


COSTS = ("seed_cpu_s", "build_cpu_s", "scoring_s")  # CPU seconds where a busy machine would distort wall time


def growth(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per-observation cost of each scale over the previous scale's, for each cost (1.0 = linear)."""
    out = {}
    keys = list(rows)
    for before, key in zip(keys, keys[1:], strict=False):
        base, row = rows[before], rows[key]
        n = row["observations"] / base["observations"]
        out[f"{key} vs {before}"] = {"observations_ratio": round(n, 1)}
        for cost in COSTS:
            out[f"{key} vs {before}"][cost.removesuffix("_s")] = round(
                row[cost]["median"] / base[cost]["median"] / n, 2
            )
        out[f"{key} vs {before}"]["release_bytes"] = round(row["release_bytes"] / base["release_bytes"] / n, 2)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_quick(parser)
    parser.add_argument("--scales", default="1,10,50", help="comma-separated multiples of the real observations")
    parser.add_argument("--repeat", type=int, help="runs per scale (default 2, 50x once; quick 1)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 2)
    scales = [float(s) for s in args.scales.split(",")]
    rows = {}
    for scale in scales:
        runs = repeat if scale < 50 else max(1, repeat - 1)  # 50x: a minute per build
        rows[f"{scale:g}x"] = one_scale(scale, runs)
    ratios = growth(rows)
    for key, figures in ratios.items():
        print(f"per-observation cost, {key}: {figures}")
    result: dict[str, Any] = {"scales": rows, "growth_per_observation": ratios, "load_average_1m": load_average()}
    worst = max((v for figures in ratios.values() for k, v in figures.items() if k != "observations_ratio"),
                default=0.0)  # fmt: skip
    top = list(rows)[-1]
    result["summary"] = [
        summary(f"build at {top} ({rows[top]['observations']:,} obs): lmm build (scoring; seed step)",
                f"{rows[top]['build_s']['median']:.0f} s ({rows[top]['scoring_s']['median']:.0f} s; "
                f"{rows[top]['seed_s']['median']:.0f} s)"),
        summary(f"release size at {top} (1x: {rows[list(rows)[0]]['release_bytes'] / 1e6:.0f} MB)",
                f"{rows[top]['release_bytes'] / 1e6:.0f} MB"),
        summary("cost growth: worst per-observation ratio, CPU of seed and build, scoring, size (1x->10x->50x)",
                f"{worst:.2f}", f"<= {LINEAR_LIMIT} (linear)", worst <= LINEAR_LIMIT),
    ]  # fmt: skip
    return result


if __name__ == "__main__":
    main()
