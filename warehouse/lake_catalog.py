"""The DuckLake catalog as this process sees it: one DuckDB with the lake attached READ_ONLY (reopened after a
fork), the release pointer (which release is `current`, and at which snapshot), and the release -> snapshot list.

The pointer is read from the catalog at most once per request and, in a server, at most once per POINTER_SECONDS;
while the catalog is unreachable the last pointer seen is served. warehouse/ducklake.py publishes; this module and
warehouse/lake_reader.py only read.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass

import duckdb

from warehouse import lake_setup as backend
from warehouse.errors import NoReleaseError

log = logging.getLogger("warehouse.ducklake")  # the backend's one logger, whichever of its modules speaks
META_TABLES = ("releases", "release_pointer")


@dataclass(frozen=True)
class Pointer:
    """The release `current` points to, and what the lake's newest snapshot was when that was read."""

    release_id: str
    snapshot: int  # the release's snapshot
    lake_snapshot: int  # the newest snapshot when the pointer was read


_process: tuple[int, duckdb.DuckDBPyConnection] | None = None
_process_lock = threading.Lock()
_last_pointer: Pointer | None = None
_checked_at = 0.0
POINTER_SECONDS = 1.0  # under load, one catalog round trip per second per worker instead of one per request


def lake_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on this process's DuckDB (lake attached READ_ONLY), opened on first use and after a fork."""
    global _process
    with _process_lock:
        if _process is None or _process[0] != os.getpid():
            con = backend.open_duckdb()
            try:
                backend.attach_lake(con, read_only=True)
            except duckdb.Error as error:
                con.close()
                if "does not exist" in str(error):
                    raise NoReleaseError("no release has been published to the lake yet: run `lmm build`") from None
                raise NoReleaseError(f"the DuckLake catalog cannot be opened: {error}") from error
            _process = (os.getpid(), con)
        return _process[1].cursor()


def close_connection() -> None:
    """Close this process's lake connection and forget the pointer (warehouse/ducklake.py's close() also resets the
    reader)."""
    global _process, _last_pointer
    with _process_lock:
        if _process is not None and _process[0] == os.getpid():
            _process[1].close()
        _process, _last_pointer = None, None


def pointer() -> Pointer | None:
    """The current release and its snapshot. In an HTTP request: one answer for the whole request, read from the
    catalog at most once per POINTER_SECONDS per process (a publish is seen within that time); elsewhere (CLI,
    publisher) read on every call. While the catalog is unreachable the last pointer seen is served (the Parquet
    views need no catalog)."""
    global _last_pointer, _checked_at
    cache = _request_cache()
    if cache is not None:
        if "lmm_lake_pointer" in cache:
            return cache["lmm_lake_pointer"]
        if _last_pointer is not None and time.monotonic() - _checked_at < POINTER_SECONDS:
            cache["lmm_lake_pointer"] = _last_pointer
            return _last_pointer
    try:
        _last_pointer = read_pointer(lake_cursor(), _last_pointer)
        _checked_at = time.monotonic()
    except (duckdb.Error, NoReleaseError) as error:
        if _last_pointer is None:
            raise NoReleaseError(str(error)) from error
        _checked_at = time.monotonic()  # retried once per POINTER_SECONDS, not by every request
        log.warning("DuckLake catalog unreadable (%s); serving release %s", error, _last_pointer.release_id)
    if cache is not None:
        cache["lmm_lake_pointer"] = _last_pointer
    return _last_pointer


def read_pointer(cur: duckdb.DuckDBPyConnection, previous: Pointer | None) -> Pointer | None:
    """The newest pointer row (None before any release); `previous` itself while no snapshot has been added."""
    newest = cur.execute("SELECT * FROM lake.current_snapshot()").fetchall()[0][0]
    if previous is not None and previous.lake_snapshot == newest:
        return previous
    try:
        row = cur.execute("SELECT release_id, snapshot FROM lake.release_pointer ORDER BY seq DESC LIMIT 1").fetchall()
    except duckdb.CatalogException:
        return None  # a lake without any release yet
    return Pointer(row[0][0], row[0][1], newest) if row else None


def forget_pointer() -> None:
    """After this process wrote to the lake, its next look at the pointer goes to the catalog."""
    global _checked_at
    _checked_at = 0.0
    cache = _request_cache()
    if cache is not None:
        cache.pop("lmm_lake_pointer", None)


def _request_cache() -> dict | None:
    """Flask's per-request namespace when inside a request (Dash callbacks and the API are Flask views)."""
    from flask import g, has_request_context

    return g.__dict__ if has_request_context() else None


def release_snapshots(cur: duckdb.DuckDBPyConnection | None = None) -> dict[str, int]:
    """Release id -> snapshot, for every release whose snapshot has not been pruned."""
    sql = """SELECT release_id, snapshot FROM lake.releases
             WHERE snapshot IN (SELECT snapshot_id FROM lake.snapshots()) ORDER BY release_id"""
    try:
        return dict((cur or lake_cursor()).execute(sql).fetchall())
    except (duckdb.CatalogException, NoReleaseError):
        return {}
