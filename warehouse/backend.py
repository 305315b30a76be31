"""The one warehouse backend, chosen once from configuration (LMM_BACKEND): local versioned DuckDB files
(warehouse/local.py, warehouse/local_reader.py) or DuckLake snapshots with the catalog in PostgreSQL
(warehouse/ducklake.py, warehouse/lake_reader.py). Both offer the same interface: build and publish a release,
roll back, say which release is current and which are kept, verify one, read the history, prune, take the publish
lock, and open a release for reading. Nothing else in the project asks which backend it is."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache

import duckdb

from lmm.config import setting
from warehouse import ducklake, lake_reader, local, local_reader
from warehouse.errors import ReleaseError
from warehouse.records import HistoryEntry
from warehouse.tables import BuildInputs, Progress

BACKENDS = ("local", "ducklake")


@dataclass(frozen=True)
class Backend:
    """What a backend does: the functions of one backend module, and its reader (looked up at each call, so a
    process that replaces its reader, as a forked worker or a test does, is served by the new one)."""

    name: str
    build_release: Callable[[BuildInputs, Progress], str]
    rollback: Callable[[str, str], None]
    current_release_id: Callable[[], str | None]
    list_release_ids: Callable[[], list[str]]
    verify: Callable[[str], bool]
    read_history: Callable[[], list[HistoryEntry]]
    prune: Callable[..., list[str]]
    publish_lock: Callable[[], AbstractContextManager[None]]
    cursor: Callable[..., tuple[str, duckdb.DuckDBPyConnection]]
    serving_warning: Callable[[], str | None]


def name() -> str:
    value = setting("LMM_BACKEND").strip().lower() or "local"
    if value not in BACKENDS:
        raise ReleaseError(f"LMM_BACKEND must be one of {', '.join(BACKENDS)}, not {value!r}")
    return value


def get() -> Backend:
    """The backend of this configuration (LMM_BACKEND is read at each call, so a test can switch it)."""
    return _backend(name())


@lru_cache(maxsize=len(BACKENDS))
def _backend(which: str) -> Backend:
    if which == "ducklake":
        return Backend(
            which, ducklake.build_release, ducklake.rollback, ducklake.current_release_id, ducklake.list_release_ids,
            ducklake.verify, ducklake.read_history, ducklake.prune, ducklake.publish_lock,
            lambda release_id=None: lake_reader.READER.cursor(release_id), lambda: None,
        )  # fmt: skip
    return Backend(
        which, local.build_release, local.rollback, local.current_release_id, local.list_release_ids, local.verify,
        local.read_history, local.prune, local.publish_lock,
        lambda release_id=None: local_reader.READER.cursor(release_id), lambda: local_reader.READER.warning,
    )  # fmt: skip
