"""The read side as pages, API and CLI use it: a cursor on the current release (or a given earlier one), from the
backend chosen by configuration (warehouse/backend.py), and why this process serves another release than current.

One release per view: a page or an API request pins the release it reads once, at its edge (`with reading(id)`);
inside, `cursor()` without an id reads that release, never a newer one published meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import duckdb

from warehouse import backend
from warehouse.errors import NoReleaseError
from warehouse.local_reader import READER

__all__ = ["READER", "NoReleaseError", "cursor", "pinned_release", "reading", "serving_warning"]

_PINNED: ContextVar[str | None] = ContextVar("lmm_pinned_release", default=None)


@contextmanager
def reading(release_id: str) -> Iterator[str]:
    """Within the block, `cursor()` without an id reads `release_id` (the release this view or request pinned)."""
    token = _PINNED.set(release_id)
    try:
        yield release_id
    finally:
        _PINNED.reset(token)


def pinned_release() -> str | None:
    """The release pinned by the enclosing `reading()` block, if any."""
    return _PINNED.get()


def cursor(release_id: str | None = None) -> tuple[str, duckdb.DuckDBPyConnection]:
    """(release id, cursor) of the given release, else of the one pinned by `reading()`, else of the current one
    (NoReleaseError when unavailable)."""
    return backend.get().cursor(release_id or _PINNED.get())


def serving_warning() -> str | None:
    """Why this process serves another release than `current` (None when it serves `current`)."""
    return backend.get().serving_warning()
