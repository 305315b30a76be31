"""Synthetic seeds and releases for the benches: `scale` times the bundled seed's observations, from a fixed seed.

Shape (the issue's example): 250 areas x every national value indicator of the registry x up to 60 years x 3 sexes,
plus a 250 x 249 corridor matrix (migrant stocks and recruitment costs) over as many years as the scale needs, with
events, event lists and aggregates in proportion. Values, categories, units, sources and flags are drawn from the
real seed's rows of the same indicator (or from the registry's categories and thresholds when the seed has none),
so scoring and the pages see realistic values. The real registry is used as it is: the pages look indicators up in
it.

Area codes come from ISO 3166-1's user-assigned range (QMA-QZZ; aggregates XAA-XAZ), which ISO never gives to a
country, so a synthetic row can never pass for a real one. Seeds and releases are written only into temporary
folders (a temporary LMM_DATA_DIR per release), never into data/ or var/.

    .venv/bin/python -m bench.synthetic --scale 50 --to /tmp/seed50   # write a synthetic seed to look at
"""

from __future__ import annotations

import argparse
import atexit
import itertools
import json
import os
import shutil
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
AREAS = 250
NATIONAL_YEARS = 60
LAST_YEAR = 2024
SEXES = ("total", "female", "male")
CORRIDOR_INDICATORS = ("migrant_stock_corridor", "recruitment_cost_corridor")
NATIONAL_SHARE = 0.5  # of the observations, as in the real seed (the other half: corridors)
MISSING_SHARE = 0.1  # cells dropped at random: no data


def area_codes(n: int) -> list[str]:
    """ISO 3166-1 alpha-3 user-assigned codes (QMA..QZZ): never a country."""
    codes = [f"Q{a}{b}" for a, b in itertools.product("MNOPQRSTUVWXYZ", string.ascii_uppercase)]
    if n > len(codes):
        raise ValueError(f"at most {len(codes)} synthetic areas")
    return codes[:n]


def aggregate_codes(n: int) -> list[str]:
    return [f"XA{c}" for c in string.ascii_uppercase[:n]]


def is_synthetic(code: str) -> bool:
    return len(code) == 3 and (code[0] == "Q" and code[1] >= "M" or code.startswith("XA"))


def real_seed():
    from lmm.config import seed_dir
    from loaders.seed import read_seed

    return read_seed(seed_dir())


def synthetic_seed(scale: float, areas: int = AREAS, rng_seed: int = 42):
    """A Seed with about `scale` x the real seed's observations (and events, aggregates) over synthetic areas."""
    from indicators.registry import load_registry
    from loaders.seed import Seed

    rng = np.random.default_rng(rng_seed)
    real, registry = real_seed(), load_registry()
    target = round(scale * len(real["observations"]))
    codes = area_codes(areas)
    countries = _countries(real["countries"], codes, rng)
    national = [
        i for i in registry.indicators.values() if i.type != "event" and "partner_country" not in i.disaggregations
    ]
    templates = _templates(real["observations"], registry)
    nat = _national(national, codes, templates, round(target * NATIONAL_SHARE), rng)
    cor = _corridors(codes, templates, target - len(nat), rng)
    aggs = _national(national, aggregate_codes(6), templates, round(scale * len(real["aggregate_observations"])), rng)
    tables = dict(real.tables)
    tables.update(
        countries=countries,
        observations=pd.concat([nat, cor], ignore_index=True),
        aggregate_observations=aggs,
        events=_events(real["events"], codes, round(scale * len(real["events"])), rng),
        unmatched=real["unmatched"].iloc[0:0],
    )
    for name in [n for n in tables if n.startswith("practice")]:
        tables[name] = tables[name].iloc[0:0]  # the practice library names real countries
    return Seed(tables)


def _countries(real: pd.DataFrame, codes: list[str], rng: np.random.Generator) -> pd.DataFrame:
    own = real[~real["is_aggregate"]]
    groups = own[["un_region", "un_subregion", "wb_region", "income_group"]].dropna().drop_duplicates()
    picked = groups.iloc[rng.integers(0, len(groups), len(codes))].reset_index(drop=True)
    areas = pd.DataFrame({"iso3": codes, "iso2": None, "m49": pd.array([None] * len(codes), dtype="Int64"),
                          "name": [f"Synthetic area {c}" for c in codes]}).join(picked)  # fmt: skip
    areas = areas.assign(is_aggregate=False, aggregate_kind=None, area_kind="state", un_member=True, ilo_member=True)
    aggs = pd.DataFrame({"iso3": aggregate_codes(6), "iso2": None, "m49": pd.array([None] * 6, dtype="Int64"),
                         "name": [f"Synthetic aggregate {c}" for c in aggregate_codes(6)], "un_region": None,
                         "un_subregion": None, "wb_region": None, "income_group": None, "is_aggregate": True,
                         "aggregate_kind": "region", "area_kind": None, "un_member": False, "ilo_member": False})  # fmt: skip
    frame = pd.concat([areas, aggs], ignore_index=True).reindex(columns=list(real.columns))  # other columns: empty
    return frame.astype(real.dtypes.to_dict())


@dataclass
class Template:
    """What one indicator's rows look like: values with their labels, unit, source and flags."""

    value: np.ndarray
    label: np.ndarray
    unit: np.ndarray
    source: np.ndarray
    flags: np.ndarray


def _templates(obs: pd.DataFrame, registry) -> dict[str, Template]:
    out = {}
    for ind in registry.indicators.values():
        rows = obs[obs["indicator_id"] == ind.id]
        if len(rows):
            out[ind.id] = Template(*(rows[c].to_numpy(dtype=object) for c in ("value", "value_label", "unit",
                                                                              "source_id", "flags")))  # fmt: skip
            out[ind.id].value = rows["value"].to_numpy(dtype=float)
            continue
        source = ind.source_ids[0]
        if ind.categories:
            codes = [c.code for c in ind.categories]
            value = pd.to_numeric(pd.Series(codes), errors="coerce").to_numpy(dtype=float)
            label = np.array([c.label for c in ind.categories], dtype=object)
        else:
            th = ind.thresholds
            low, high = (min(th.green, th.red), max(th.green, th.red)) if th else (0.0, 100.0)
            span = (high - low) or 1.0
            value = np.linspace(low - span / 2, high + span / 2, 41).round(2)
            label = np.full(len(value), None, dtype=object)
        n = len(value)
        out[ind.id] = Template(value, label, np.full(n, ind.unit, dtype=object), np.full(n, source, dtype=object),
                               np.full(n, "", dtype=object))  # fmt: skip
    return out


def _frame(ind_ids, countries, years, sexes, partners, templates: dict[str, Template], rng) -> pd.DataFrame:
    """Observation rows for the given cells, values drawn from each indicator's template."""
    n = len(ind_ids)
    value = np.empty(n, dtype=float)
    label, unit, source, flags = (np.empty(n, dtype=object) for _ in range(4))
    for ind in np.unique(ind_ids):
        at = np.flatnonzero(ind_ids == ind)
        t = templates[ind]
        pick = rng.integers(0, len(t.value), len(at))
        value[at], label[at], unit[at], source[at], flags[at] = (t.value[pick], t.label[pick], t.unit[pick],
                                                                 t.source[pick], t.flags[pick])  # fmt: skip
    frame = pd.DataFrame({"indicator_id": ind_ids, "country": countries, "year": years.astype("int64"),
                          "sex": sexes, "partner_country": partners, "value": value, "value_label": label,
                          "unit": unit, "source_id": source, "flags": flags})  # fmt: skip
    return frame.astype({c: "str" for c in ("indicator_id", "country", "sex", "partner_country", "unit",
                                            "source_id", "flags")} | {"value_label": "str"})  # fmt: skip


def _cube(parts: list[np.ndarray]) -> list[np.ndarray]:
    """Every combination of the parts (the first varies slowest), as flat arrays."""
    grids = np.meshgrid(*parts, indexing="ij")
    return [g.ravel() for g in grids]


def _national(indicators, codes: list[str], templates, target: int, rng) -> pd.DataFrame:
    """Country-level rows: the most recent years first, 3 sexes, MISSING_SHARE of the cells dropped."""
    per_year = len(indicators) * len(codes) * len(SEXES)
    n_years = int(np.clip(np.ceil(target / (per_year * (1 - MISSING_SHARE))), 1, NATIONAL_YEARS))
    years = np.arange(LAST_YEAR - n_years + 1, LAST_YEAR + 1)
    ind, country, year, sex = _cube([np.array([i.id for i in indicators]), np.array(codes), years, np.array(SEXES)])
    keep = rng.random(len(ind)) < min(1 - MISSING_SHARE, target / len(ind))
    frame = _frame(ind[keep], country[keep], year[keep], sex[keep], np.full(int(keep.sum()), ""), templates, rng)
    return frame


def _corridors(codes: list[str], templates, target: int, rng) -> pd.DataFrame:
    """The corridor matrix (every ordered pair of areas) by sex over the most recent years the target needs."""
    n = len(codes)
    pairs = n * (n - 1)
    per_year = pairs * len(SEXES) * len(CORRIDOR_INDICATORS)
    n_years = max(1, int(np.ceil(target / per_year)))
    origin, dest = _cube([np.arange(n), np.arange(n - 1)])
    dest = np.where(dest >= origin, dest + 1, dest)  # no area is its own partner
    frames = []
    keep_share = min(1.0, target / (per_year * n_years))
    for indicator in CORRIDOR_INDICATORS:
        pair, year, sex = _cube([np.arange(pairs), np.arange(LAST_YEAR - n_years + 1, LAST_YEAR + 1), np.array(SEXES)])
        keep = rng.random(len(pair)) < keep_share
        pair, year, sex = pair[keep], year[keep], sex[keep]
        code = np.array(codes)
        frames.append(_frame(np.full(len(pair), indicator), code[origin[pair]], year, sex, code[dest[pair]],
                             templates, rng))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def _events(real: pd.DataFrame, codes: list[str], target: int, rng) -> pd.DataFrame:
    """Events drawn from the real ones (indicator, status, note, source, dated or not), at synthetic areas."""
    pick = real.iloc[rng.integers(0, len(real), target)].reset_index(drop=True)
    year = rng.integers(1950, LAST_YEAR + 1, target)
    dated = pick["event_date"].notna().to_numpy()
    dates = np.array([f"{y}-{m:02d}-{d:02d}" for y, m, d in zip(year, rng.integers(1, 13, target),
                                                                 rng.integers(1, 29, target), strict=True)])  # fmt: skip
    events = pick.assign(
        country=np.array(codes)[rng.integers(0, len(codes), target)],
        year=pd.array(year, dtype="Int64"),
        event_date=np.where(dated, dates, np.array(None, dtype=object)),
        note="synthetic " + pick["status"].astype(str),
    )
    events = events.drop_duplicates(["indicator_id", "country", "partner_country", "year", "status"])
    return events.astype(real.dtypes.to_dict()).reset_index(drop=True)


def write_seed(scale: float, folder: Path) -> dict[str, int]:
    """Write a synthetic seed (Parquet, as `lmm seed` does) into `folder`; rows per table."""
    from loaders.seed import write_seed as write

    return write(synthetic_seed(scale), folder)


# --- releases built from synthetic seeds, kept for the life of the process (benches share them) ---------------


@dataclass
class SyntheticRelease:
    scale: float
    data_dir: Path  # a temporary LMM_DATA_DIR holding only this release
    seed_dir: Path
    release_id: str
    observations: int
    build_seconds: float


_BUILT: dict[float, SyntheticRelease] = {}
_FOLDERS: list[Path] = []


def temporary_folder(prefix: str) -> Path:
    """A temporary folder removed when the process ends."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    _FOLDERS.append(path)
    return path


@atexit.register
def _cleanup() -> None:
    for path in _FOLDERS:
        shutil.rmtree(path, ignore_errors=True)


def build(seed_dir: Path, data_dir: Path, status_year: int = 2025) -> tuple[str, float, list[tuple[float, str]]]:
    """`lmm build --seed` in a fresh process into data_dir: (release id, seconds, [(seconds, progress line)])."""
    env = dict(os.environ, LMM_DATA_DIR=str(data_dir), LMM_KEEP_RELEASES="3")
    cmd = [sys.executable, "-m", "lmm.cli", "build", "--seed", str(seed_dir), "--status-year", str(status_year),
           "--actor", "bench", "--reason", "synthetic bench release"]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    assert proc.stderr is not None and proc.stdout is not None
    for line in proc.stderr:
        lines.append((time.perf_counter() - started, line.strip()))
    out = proc.stdout.read()
    if proc.wait() != 0:
        raise RuntimeError(f"lmm build failed: {lines[-5:]}")
    return out.strip().splitlines()[-1], time.perf_counter() - started, lines


def register(release: SyntheticRelease) -> None:
    _BUILT[release.scale] = release


def built_release(scale: float) -> SyntheticRelease:
    """A release of the synthetic seed at `scale`, built once per process (a temporary LMM_DATA_DIR of its own)."""
    if scale not in _BUILT:
        folder = temporary_folder(f"lmm-synthetic-{scale:g}x-")
        counts = write_seed(scale, folder / "seed")
        release_id, seconds, _ = build(folder / "seed", folder / "var")
        register(SyntheticRelease(scale, folder / "var", folder / "seed", release_id, counts["observations"], seconds))
    return _BUILT[scale]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--to", type=Path, required=True, help="folder to write the seed into (not data/seed)")
    args = parser.parse_args(argv)
    if args.to.resolve() == (ROOT / "data" / "seed").resolve():
        parser.error("never write a synthetic seed over the bundled one")
    print(json.dumps(write_seed(args.scale, args.to), indent=1))


if __name__ == "__main__":
    main()
