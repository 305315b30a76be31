"""Original source files in; the bundled seed (tidy, attributed Parquet in data/seed) out.

`lmm seed --from DIR` runs every loader, checks the union (every indicator registered, no duplicate keys) and
only then replaces the seed files, so a loader that stops leaves the previous seed untouched.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from loaders.base import EventListModel, EventModel, LoadResult, ObservationModel, UnmatchedModel
from loaders.country_names import country_names
from loaders.practices import PRACTICE_TABLES, load_practices, reference_problems
from loaders.reference import CountryIndex, load_countries
from loaders.wb_class import history as wb_class_history

# Loader modules in the order they run; each exposes SOURCE_ID and load(raw_dir, countries).
LOADER_MODULES = [
    "loaders.world_bank",
    "loaders.un_sdg",
    "loaders.un_desa",
    "loaders.globalcit",
    "loaders.un_treaties",
    "loaders.ilo_normlex",
    "loaders.unsd_gender",
    "loaders.iab",
    "loaders.owid",
    "loaders.knomad",
    "loaders.knomad_remittances",
    "loaders.iab_rates",
    "loaders.wb_class",
]
SEED_TABLES = [
    "countries",
    "observations",
    "aggregate_observations",
    "events",
    "event_lists",
    "unmatched",
    "source_files",
    "country_names",  # every name a reader may search a country by (loaders/country_names.py)
    *PRACTICE_TABLES,  # the good-practice library (data/practices/practices.yaml, loaders/practices.py)
]

# A seed written before the table existed (or a test's synthetic seed) still builds: the search then knows each
# country by its release name only.
OPTIONAL_TABLES = {"country_names"}


@dataclass
class Seed:
    """The tidy union of every loader's output."""

    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def run_loaders(raw_dir: Path, progress: Callable[[str], None] = lambda _msg: None) -> Seed:
    """Parse every source; raise the first loader's error (with its file and row) before anything is written."""
    countries, reference = load_countries(raw_dir)
    results = [reference, wb_class_history(raw_dir, countries)]  # FY2023; loaders.wb_class: FY2026
    for name in LOADER_MODULES:
        module = importlib.import_module(name)
        progress(f"parsing {module.SOURCE_ID}")
        results.append(module.load(raw_dir, countries))
    seed = _combine(results, countries)
    seed.tables["country_names"] = country_names(raw_dir, seed["countries"])
    progress("reading the practice library")
    seed.tables.update(load_practices())
    _check_practices(seed.tables)
    return seed


def _combine(results: list[LoadResult], countries: CountryIndex) -> Seed:
    def stack(attr: str, model: type[pa.DataFrameModel]) -> pd.DataFrame:
        frames = [getattr(r, attr) for r in results if len(getattr(r, attr))]
        return model.validate(pd.concat(frames, ignore_index=True), lazy=True) if frames else getattr(results[0], attr)

    source_files = pd.DataFrame(
        [(r.source_id, f, digest, r.release_date) for r in results for f, digest in r.files.items()],
        columns=["source_id", "file", "sha256", "release_date"],
    )
    tables = {
        "countries": countries.full_table(),
        "observations": stack("observations", ObservationModel),
        "aggregate_observations": stack("aggregate_observations", ObservationModel),
        "events": stack("events", EventModel),
        "event_lists": stack("event_lists", EventListModel),
        "unmatched": stack("unmatched", UnmatchedModel).drop_duplicates(ignore_index=True),
        "source_files": source_files,
    }
    _check_registered(tables)
    return Seed(tables)


def _check_registered(tables: dict[str, pd.DataFrame]) -> None:
    from indicators.registry import load_registry

    registry = load_registry()
    used = set(tables["observations"].indicator_id) | set(tables["events"].indicator_id)
    unknown = sorted(used - set(registry.indicators))
    if unknown:
        raise ValueError(f"loaders emitted indicator ids missing from the registry: {unknown}")
    sources = set(tables["source_files"].source_id) | set(tables["observations"].source_id)
    missing = sorted(sources - set(registry.sources))
    if missing:
        raise ValueError(f"source ids missing from indicators/sources.yaml: {missing}")


def _check_practices(tables: dict[str, pd.DataFrame]) -> None:
    from indicators.registry import load_registry

    known = tables["countries"]
    countries = set(known.loc[~known["is_aggregate"].astype(bool), "iso3"])
    problems = reference_problems(tables, load_registry(), countries)
    if problems:
        raise ValueError("data/practices/practices.yaml names what the release lacks: " + "; ".join(problems))


def write_seed(seed: Seed, seed_dir: Path) -> dict[str, int]:
    """Write every table to a temporary folder, then swap it in: a reader never sees half a seed."""
    seed_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".seed-", dir=seed_dir.parent))
    staging.chmod(0o755)  # mkdtemp's private mode would hide the seed from other users of the checkout
    counts = {}
    for name in [n for n in SEED_TABLES if n in seed.tables or n not in OPTIONAL_TABLES]:
        frame = seed[name].sort_values(list(seed[name].columns[:3])).reset_index(drop=True)
        frame.to_parquet(staging / f"{name}.parquet", index=False, compression="zstd")
        counts[name] = len(frame)
    (staging / "manifest.json").write_text(json.dumps({"tables": counts}, indent=2) + "\n")
    _swap_in(staging, seed_dir)
    return counts


def _swap_in(staging: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)


def read_seed(seed_dir: Path) -> Seed:
    missing = [n for n in SEED_TABLES if not (seed_dir / f"{n}.parquet").exists() and n not in OPTIONAL_TABLES]
    if missing:
        raise FileNotFoundError(f"the seed in {seed_dir} lacks {missing}: run `lmm seed --from ../shared/data/raw`")
    present = [name for name in SEED_TABLES if (seed_dir / f"{name}.parquet").exists()]
    return Seed({name: pd.read_parquet(seed_dir / f"{name}.parquet") for name in present})
