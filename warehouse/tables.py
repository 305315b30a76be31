"""Seed + accepted steward submissions + registry in; every table of a new release out (scored, with its
release_info), for either backend to publish (warehouse/local.py writes a DuckDB file, warehouse/ducklake.py a
DuckLake snapshot). `BuildInputs` is what `lmm build` and the publish job hand in: the submissions are an explicit
input, never looked up from here."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pandas as pd

from indicators.quality import flag_suspect
from indicators.registry import load_registry
from indicators.registry_export import methodology_dict, registry_tables, release_methodology
from loaders.practices import merge_practices
from loaders.seed import Seed
from warehouse.merge import apply_submissions
from warehouse.records import now_iso

Progress = Callable[[str], None]


@dataclass
class BuildInputs:
    seed: Seed
    submissions: list[pd.DataFrame] = field(default_factory=list)  # accepted, in approval order
    actor: str = "lmm build"
    reason: str = "build from the bundled seed"
    status_year: int | None = None


def status_year_default() -> int:
    """Scores describe the year before the current one: most sources publish with at least a year's lag."""
    return datetime.now(UTC).year - 1


def release_summary(inputs: BuildInputs, changes: dict) -> str:
    return f"{inputs.reason}: {changes['observations']} observations, {changes['submissions']} submissions"


def write_release(path: os.PathLike[str], release_id: str, inputs: BuildInputs, progress: Progress,
                  parent: str | None) -> dict:  # fmt: skip
    """Every table of the release into a new DuckDB file at `path`; returns the counts of what changed."""
    tables, changes = release_tables(release_id, inputs, progress, parent)
    progress("writing the release file")
    write_tables(path, tables)
    return changes


def release_tables(
    release_id: str, inputs: BuildInputs, progress: Progress, parent: str | None = None
) -> tuple[dict[str, pd.DataFrame], dict]:
    """Every table of a release (seed + merged submissions + registry + scores + release_info) and its counts."""
    from indicators.scoring import score_release

    registry = load_registry()
    tables = dict(inputs.seed.tables)
    progress("merging steward submissions")
    tables["observations"], tables["events"], merged = apply_submissions(
        tables["observations"], tables["events"], inputs.submissions
    )
    tables["observations"] = flag_suspect(tables["observations"], registry.indicators.values())
    tables.update(merge_practices(tables, inputs.submissions))  # steward practices replace records by id
    tables.update(registry_tables(registry))
    year = inputs.status_year or status_year_default()
    progress(f"scoring {len(tables['observations'])} observations for {year}")
    tables.update(
        score_release(
            tables["observations"], tables["events"], tables["event_lists"], tables["countries"], registry, year
        )
    )
    info = _release_info(release_id, inputs, registry, year, tables, parent)
    tables["release_info"] = pd.DataFrame([{"key": k, "value": json.dumps(v)} for k, v in info.items()])
    return tables, {"observations": len(tables["observations"]), "events": len(tables["events"]), "submissions": merged}


def _release_info(release_id: str, inputs: BuildInputs, registry, year: int, tables: dict, parent: str | None) -> dict:
    return {
        "release_id": release_id,
        "created_at": now_iso(),
        "actor": inputs.actor,
        "reason": inputs.reason,
        "status_year": year,
        "methodology_version": registry.methodology_version,
        "methodology": release_methodology(methodology_dict(registry), registry, tables["indicator_index"]),
        "parent_release": parent,
        "row_counts": {name: len(frame) for name, frame in tables.items()},
    }


def write_tables(path: os.PathLike[str], tables: dict[str, pd.DataFrame]) -> None:
    con = duckdb.connect(str(path))
    try:
        for name, frame in tables.items():
            con.register("frame_in", frame)
            order = sort_keys(frame)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame_in {order}')  # noqa: S608 (names are ours)
            con.unregister("frame_in")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def sort_keys(frame: pd.DataFrame) -> str:
    """Rows sorted by indicator then country keep DuckDB's zone maps effective for the pages' filters."""
    keys = [c for c in ("indicator_id", "country", "year") if c in frame.columns]
    return "ORDER BY " + ", ".join(keys) if keys else ""
