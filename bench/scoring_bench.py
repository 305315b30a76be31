"""The bundled seed and synthetic releases (numpy default_rng(42)) in; score_release timings out.

Times `score_release` (the scoring work of `lmm build`, no I/O) on the real release from the bundled seed, then on
synthetic releases of the same size and `--scale` times larger (default 50), and reports seconds per 10,000
observations and how the time grows with size. Synthetic rows live in memory only, under codes that are not
countries (S00000...), and are never written to a release.

Usage: .venv/bin/python -m bench.scoring_bench [--scale 50] [--repeat 3] [--status-year 2025]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from typing import Any

import numpy as np
import pandas as pd

from indicators.model import Category, Indicator, Registry, Thresholds
from indicators.scoring import score_release

ILO = (
    Category("in_force", "in force", 100, "green"), Category("not_in_force", "not in force", 50, "yellow"),
    Category("party", "ratified", 100, "green"), Category("denounced", "denounced", 0, "red"),
    Category("not_ratified", "not ratified", 0, "red"), Category("not_known", "not known", None, "no_data"),
)  # fmt: skip
FEE = (
    Category("none", "none", 0, "red"),
    Category("partial", "partial", 50, "yellow"),
    Category("full", "full", 100, "green"),
)
KINDS = ["cont"] * 30 + ["ctx"] * 4 + ["cat"] * 6  # value indicators; 9 event indicators besides
MISSING_SHARE = 0.1


def _indicator(i: int, kind: str) -> Indicator:
    common: dict[str, Any] = {"id": f"{kind}_{i:02d}", "theme": f"theme{i % 4}", "title": "t", "description": "d", "unit": "u",
              "threshold_basis": "project", "principles": (1 + i % 15, 1 + (i * 7) % 15), "source_ids": ("s",)}  # fmt: skip
    if kind == "cont":
        lower = i % 3 == 0
        th = Thresholds(0, 20, 60, 100) if lower else Thresholds(100, 70, 40, 0)
        return Indicator(**common, type="continuous", direction="lower" if lower else "higher", thresholds=th)
    if kind == "ctx":
        return Indicator(**common, type="continuous", direction="context")
    if kind == "cat":
        return Indicator(**common, type="categorical", direction="higher", categories=FEE)
    return Indicator(**common, type="event", direction="higher", categories=ILO)


def countries_for(observations: int, years: int) -> int:
    """How many synthetic countries give about `observations` rows (40 value indicators, 10% missing)."""
    return max(1, math.ceil(observations / (years * len(KINDS) * (1 - MISSING_SHARE))))


def synthetic(n_countries: int, years: int, rng: np.random.Generator) -> tuple[Any, ...]:
    """n_countries x years x 40 indicators, about 10% missing; events for 9 more; a registry of the 49."""
    inds = [_indicator(i, k) for i, k in enumerate(KINDS)] + [_indicator(40 + i, "ev") for i in range(9)]
    iso3 = np.array([f"S{i:05d}" for i in range(n_countries)])  # never a country code
    value_inds = [ind for ind in inds if ind.type != "event"]
    ind_ids = np.repeat([ind.id for ind in value_inds], n_countries * years)
    country = np.tile(np.repeat(iso3, years), len(value_inds))
    year = np.tile(np.arange(2024 - years + 1, 2025), n_countries * len(value_inds))
    value = rng.uniform(0, 100, len(ind_ids)).round(2)
    categorical = np.isin(ind_ids, [ind.id for ind in value_inds if ind.type == "categorical"])
    labels = rng.choice(["none", "partial", "full"], len(ind_ids)).astype(object)
    labels[~categorical] = None
    obs = pd.DataFrame({
        "indicator_id": ind_ids, "country": country, "year": year, "sex": "total", "partner_country": "",
        "value": np.where(categorical, np.nan, value), "value_label": labels, "unit": "u",
        "source_id": "s", "flags": "",
    })[rng.random(len(ind_ids)) > MISSING_SHARE]  # fmt: skip
    ev_ids = [ind.id for ind in inds if ind.type == "event"]
    n_ev = n_countries * len(ev_ids) // 2
    ev_year = rng.integers(1950, 2025, n_ev)
    events = pd.DataFrame({
        "indicator_id": rng.choice(ev_ids, n_ev), "country": rng.choice(iso3, n_ev), "partner_country": "",
        "event_date": [f"{y}-06-01" for y in ev_year], "year": ev_year,
        "status": rng.choice(["in_force", "not_in_force", "party", "denounced"], n_ev, p=[0.7, 0.1, 0.15, 0.05]),
        "note": None, "source_id": "s",
    }).astype({"year": "Int64"})  # fmt: skip
    lists = pd.DataFrame({"indicator_id": ev_ids, "source_id": "s", "complete": [i % 2 == 0 for i in range(len(ev_ids))],
                          "as_of": "2023", "stated_total": None, "rows": 0, "note": None})  # fmt: skip
    regions = rng.choice(["Africa", "Americas", "Asia", "Europe", "Oceania"], n_countries)
    countries = pd.DataFrame({
        "iso3": iso3, "name": iso3, "un_region": regions, "un_subregion": [f"{r}-{i % 4}" for i, r in enumerate(regions)],
        "wb_region": None, "income_group": rng.choice(["Low", "Lower middle", "Upper middle", "High"], n_countries),
        "is_aggregate": False,
    })  # fmt: skip
    registry = Registry({ind.id: ind for ind in inds}, {}, {}, {}, {}, "bench")
    return obs, events, lists, countries, registry


def timed(inputs: tuple[Any, ...], status_year: int, repeat: int) -> dict[str, Any]:
    """Median seconds of `repeat` score_release runs, with the input and output sizes."""
    obs, events, lists, countries, registry = inputs
    runs, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = score_release(obs, events, lists, countries, registry, status_year)
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    seconds, cpu_seconds = statistics.median(runs), statistics.median(cpu)
    return {
        "observations": len(obs), "events": len(events), "countries": len(countries), "seconds": round(seconds, 4),
        "cpu_seconds": round(cpu_seconds, 4), "seconds_per_10k_observations": round(seconds / len(obs) * 10_000, 5),
        "cpu_seconds_per_10k_observations": round(cpu_seconds / len(obs) * 10_000, 5),
        "runs": [round(r, 4) for r in runs], "rows_out": {name: len(frame) for name, frame in out.items()},
    }  # fmt: skip


def real_inputs() -> tuple[Any, ...]:
    from indicators.registry import load_registry
    from lmm.config import seed_dir
    from loaders.seed import read_seed

    seed = read_seed(seed_dir())
    return seed["observations"], seed["events"], seed["event_lists"], seed["countries"], load_registry()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=50, help="synthetic release size / real size (default 50)")
    parser.add_argument("--years", type=int, default=28, help="synthetic years per series (default 28)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size below 1M observations (median kept)")
    parser.add_argument("--status-year", type=int, default=2025)
    parser.add_argument("--quick", action="store_true", help="10x instead of 50x, one run (make bench-quick)")
    args = parser.parse_args(argv)
    if args.quick:
        args.scale, args.repeat = min(args.scale, 10), 1
    real = real_inputs()
    results: dict[str, Any] = {"real": timed(real, args.status_year, args.repeat)}
    _report("real release (bundled seed)", results["real"])
    size = results["real"]["observations"]
    real_codes = set(real[3]["iso3"])
    for name, factor in (("synthetic_1x", 1), (f"synthetic_{args.scale}x", args.scale)):
        inputs = synthetic(countries_for(size * factor, args.years), args.years, np.random.default_rng(42))
        assert not real_codes & set(inputs[3]["iso3"]), "synthetic codes must never be country codes"
        results[name] = timed(inputs, args.status_year, args.repeat if len(inputs[0]) < 1_000_000 else 1)
        _report(f"synthetic, {factor}x the real size", results[name])
    small, large = results["synthetic_1x"], results[f"synthetic_{args.scale}x"]
    size_ratio = large["observations"] / small["observations"]
    time_ratio = large["cpu_seconds"] / small["cpu_seconds"]  # CPU time: less sensitive to a busy machine
    results["growth"] = {"size_ratio": round(size_ratio, 2), "time_ratio": round(time_ratio, 2),
                         "per_observation_ratio": round(time_ratio / size_ratio, 3)}  # fmt: skip
    print(f"growth: {size_ratio:.1f}x the observations took {time_ratio:.1f}x the CPU time "
          f"(per-observation cost x{time_ratio / size_ratio:.2f}: "
          f"{'about linear' if 0.7 <= time_ratio / size_ratio <= 1.3 else 'not linear'})")  # fmt: skip
    return results


def _report(label: str, result: dict[str, Any]) -> None:
    print(f"{label}: {result['observations']:,} observations, {result['events']:,} events, "
          f"{result['countries']:,} countries -> {result['seconds']:.3f} s wall, {result['cpu_seconds']:.3f} s CPU "
          f"({result['seconds_per_10k_observations']:.4f} s wall, {result['cpu_seconds_per_10k_observations']:.4f} s "
          "CPU per 10,000 observations)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
