"""Synthetic observations and events in (numpy default_rng(42)); score_release timings out.

Usage: .venv/bin/python bench/scoring_bench.py [--countries 200] [--years 28] [--scale 1 5 50]
`--scale k` multiplies the number of countries by k (so observations and events grow k times).
"""

from __future__ import annotations

import argparse
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


def synthetic(n_countries: int, years: int, rng: np.random.Generator) -> tuple[pd.DataFrame, ...]:
    """~200k observations: 200 countries x 28 years x 40 indicators, about 10% missing; events for 9 more."""
    kinds = ["cont"] * 30 + ["ctx"] * 4 + ["cat"] * 6
    inds = [_indicator(i, k) for i, k in enumerate(kinds)] + [_indicator(40 + i, "ev") for i in range(9)]
    iso3 = np.array(
        [f"{chr(65 + i // 676 % 26)}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}" for i in range(n_countries)]
    )
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
    })[rng.random(len(ind_ids)) > 0.1]  # fmt: skip
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
    return obs, events, lists, countries, registry  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--years", type=int, default=28)
    parser.add_argument("--scale", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    for scale in args.scale:
        obs, events, lists, countries, registry = synthetic(
            args.countries * scale, args.years, np.random.default_rng(42)
        )
        groups = {"half": list(countries["iso3"][::2])}
        start = time.perf_counter()
        out = score_release(obs, events, lists, countries, registry, 2024, groups)  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        sizes = ", ".join(f"{name} {len(frame)}" for name, frame in out.items())
        print(f"scale {scale}: {len(obs):,} observations, {len(events):,} events -> {seconds:.2f} s "
              f"({seconds / len(obs) * 10_000:.3f} s per 10,000 observations); {sizes}")  # fmt: skip


if __name__ == "__main__":
    main()
