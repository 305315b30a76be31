"""The local backend's read side: one read-only DuckDB connection per process to the published release, reopened
when it changes.

Pattern from stack-notes: workers never open the warehouse at import time, hand out `cursor()`s from one kept-open
read-only connection, and check the `current` symlink on each request (a readlink, microseconds). A release that
fails its checksum is refused and the newest release that passes is served instead, with a logged warning.
The DuckLake backend's reader (same contract, bare table names) is warehouse/lake_reader.py.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

import duckdb

from warehouse import local as releases
from warehouse.errors import NoReleaseError, ReleaseError

log = logging.getLogger(__name__)
_MAX_PINNED = 4  # earlier releases kept open for ?release= citations


@dataclass
class _Open:
    release_id: str
    con: duckdb.DuckDBPyConnection


class ReleaseReader:
    """Per-process reader. Thread-safe: Dash's dev server and gunicorn threads share it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: _Open | None = None
        self._retired: list[_Open] = []  # old connections stay open while requests may still use them
        self._pinned: dict[str, _Open] = {}
        self._verified: dict[str, tuple[tuple[int, ...], bool]] = {}  # id -> (files' sizes and mtimes, checksum ok)
        self._pid = os.getpid()
        self.warning: str | None = None  # why the current release is not the one served (shown by /api/v1/health)

    def cursor(self, release_id: str | None = None) -> tuple[str, duckdb.DuckDBPyConnection]:
        """(release id, cursor) for the current release, or for the given earlier one."""
        with self._lock:
            self._reset_after_fork()
            if release_id and release_id != releases.current_release_id():
                return release_id, self._pinned_cursor(release_id)
            opened = self._current_open()
            if release_id and opened.release_id != release_id:  # asked for by id: that release or none
                raise NoReleaseError(f"release {release_id!r} is not available (it fails its checksum)")
            return opened.release_id, opened.con.cursor()

    def _reset_after_fork(self) -> None:
        if os.getpid() != self._pid:  # a forked worker must not share its parent's connections
            self.__init__()  # type: ignore[misc]

    def _current_open(self) -> _Open:
        wanted = self._servable_release()
        if self._current is None or self._current.release_id != wanted:
            if self._current is not None:
                self._retired = ([self._current] + self._retired)[:2]
            self._current = _Open(wanted, _connect(wanted))
        return self._current

    def _servable_release(self) -> str:
        current = releases.current_release_id()
        if current and self._is_verified(current):
            self.warning = None
            return current
        # the last good release: the one served before, never one a rollback withdrew (any, without a history)
        earlier = releases.served_before() or sorted(releases.list_release_ids(), reverse=True)
        for release_id in earlier:
            if release_id != current and self._is_verified(release_id):
                self._warn(f"release {current} fails its checksum or is missing; serving {release_id}")
                return release_id
        self._warn(f"release {current} fails its checksum or is missing, and no earlier release can be served")
        raise NoReleaseError("no published release passes its checksum: run `lmm build`")

    def _warn(self, text: str) -> None:
        if text != self.warning:  # once per change, not once per request
            log.warning(text)
            self.warning = text

    def _is_verified(self, release_id: str) -> bool:
        """Checked once per version of the files (sizes, mtimes): a release changed or cut on disk is checked again."""
        try:
            path = releases.release_path(release_id)
            stats = path.stat(), path.with_suffix(".sha256").stat()
        except (OSError, ReleaseError):
            return False
        version = tuple(n for s in stats for n in (s.st_size, s.st_mtime_ns))
        if release_id not in self._verified or self._verified[release_id][0] != version:
            self._verified[release_id] = (version, releases.verify(release_id))
        return self._verified[release_id][1]

    def _pinned_cursor(self, release_id: str) -> duckdb.DuckDBPyConnection:
        if not self._is_verified(release_id):
            self._pinned.pop(release_id, None)  # dropped, not closed (below)
            raise NoReleaseError(f"release {release_id!r} is not available")
        if release_id not in self._pinned:
            if len(self._pinned) >= _MAX_PINNED:  # dropped, not closed: closing a connection closes its cursors,
                # which another thread's request may be reading; the last cursor's end closes the database
                self._pinned.pop(next(iter(self._pinned)))
            self._pinned[release_id] = _Open(release_id, _connect(release_id))
        return self._pinned[release_id].con.cursor()


def _connect(release_id: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(releases.release_path(release_id)), read_only=True)


READER = ReleaseReader()
