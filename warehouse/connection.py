"""The read side as pages, API and CLI use it: a cursor on the current release (or a given earlier one), from the
backend chosen by configuration (warehouse/backend.py), and why this process serves another release than current."""

from __future__ import annotations

import duckdb

from warehouse import backend
from warehouse.errors import NoReleaseError
from warehouse.local_reader import READER

__all__ = ["READER", "NoReleaseError", "cursor", "serving_warning"]


def cursor(release_id: str | None = None) -> tuple[str, duckdb.DuckDBPyConnection]:
    """(release id, cursor) of the current release, or of the given earlier one (NoReleaseError when unavailable)."""
    return backend.get().cursor(release_id)


def serving_warning() -> str | None:
    """Why this process serves another release than `current` (None when it serves `current`)."""
    return backend.get().serving_warning()
