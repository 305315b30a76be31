"""Seed + accepted steward submissions + registry in; a new scored, published release out.

The whole build happens under the publish lock into a `.building-*` file; only a complete file is sealed and
pointed to. Any error (or a killed process) leaves the current release as it was. With LMM_BACKEND=ducklake the same
tables are published as one DuckLake snapshot instead (warehouse/ducklake.py).
"""

from __future__ import annotations

import errno
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
from warehouse import backend, releases
from warehouse.merge import apply_submissions

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


def build_release(inputs: BuildInputs, progress: Progress = lambda _m: None) -> str:
    """Build, seal and publish a release; return its id."""
    if backend.is_ducklake():
        from warehouse import ducklake

        return ducklake.build_release(inputs, progress)
    with releases.publish_lock():
        release_id = releases.new_release_id()
        building = releases.releases_dir() / f".building-{release_id}.duckdb"
        try:
            changes = _write_release(building, release_id, inputs, progress)
            releases.seal(building, release_id)
            summary = release_summary(inputs, changes)
            entry = releases.HistoryEntry(release_id, "publish", inputs.actor, releases.now_iso(), summary, changes)
            releases.append_history(entry)  # before the switch: a served release always has its history line
            releases.point_current_to(release_id)
        except (OSError, duckdb.Error) as error:
            if not _disk_full(error):
                raise
            raise releases.ReleaseError(
                f"release {release_id} was abandoned: the disk is full or the file size limit was reached ({error}). "
                f"Nothing was published; release {releases.current_release_id()} is still served. Free space, then "
                f"build again."
            ) from error
        finally:
            for partial in (building, building.with_name(building.name + ".wal")):
                partial.unlink(missing_ok=True)
        releases.prune()
    return release_id


def _disk_full(error: BaseException) -> bool:
    """ENOSPC / EFBIG / EDQUOT, raised by Python or reported in a DuckDB error's text."""
    if getattr(error, "errno", None) in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    return any(text in str(error) for text in ("No space left on device", "File too large", "Disk quota exceeded"))


def release_summary(inputs: BuildInputs, changes: dict) -> str:
    return f"{inputs.reason}: {changes['observations']} observations, {changes['submissions']} submissions"


def _write_release(path: os.PathLike[str], release_id: str, inputs: BuildInputs, progress: Progress) -> dict:
    tables, changes = release_tables(release_id, inputs, progress)
    progress("writing the release file")
    _write_tables(path, tables)
    return changes


def release_tables(release_id: str, inputs: BuildInputs, progress: Progress) -> tuple[dict[str, pd.DataFrame], dict]:
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
    info = _release_info(release_id, inputs, registry, year, tables)
    tables["release_info"] = pd.DataFrame([{"key": k, "value": json.dumps(v)} for k, v in info.items()])
    return tables, {"observations": len(tables["observations"]), "events": len(tables["events"]), "submissions": merged}


def _release_info(release_id: str, inputs: BuildInputs, registry, year: int, tables: dict) -> dict:
    return {
        "release_id": release_id,
        "created_at": releases.now_iso(),
        "actor": inputs.actor,
        "reason": inputs.reason,
        "status_year": year,
        "methodology_version": registry.methodology_version,
        "methodology": release_methodology(methodology_dict(registry), registry, tables["indicator_index"]),
        "parent_release": releases.current_release_id(),
        "row_counts": {name: len(frame) for name, frame in tables.items()},
    }


def _write_tables(path: os.PathLike[str], tables: dict[str, pd.DataFrame]) -> None:
    con = duckdb.connect(str(path))
    try:
        for name, frame in tables.items():
            con.register("frame_in", frame)
            order = _sort_keys(frame)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame_in {order}')  # noqa: S608 (names are ours)
            con.unregister("frame_in")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _sort_keys(frame: pd.DataFrame) -> str:
    """Rows sorted by indicator then country keep DuckDB's zone maps effective for the pages' filters."""
    keys = [c for c in ("indicator_id", "country", "year") if c in frame.columns]
    return "ORDER BY " + ", ".join(keys) if keys else ""
