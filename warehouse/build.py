"""Seed + accepted steward submissions + registry in; a new scored, published release out, through the backend
chosen by configuration (warehouse/backend.py): the tables come from warehouse/tables.py, the publishing (atomic
in both backends: a failed or killed build leaves the current release as it was) from the backend."""

from __future__ import annotations

from warehouse import backend
from warehouse.tables import BuildInputs, Progress, release_summary, release_tables, status_year_default

__all__ = ["BuildInputs", "Progress", "build_release", "release_summary", "release_tables", "status_year_default"]


def build_release(inputs: BuildInputs, progress: Progress = lambda _m: None) -> str:
    """Build, publish and return the id of a new release."""
    return backend.get().build_release(inputs, progress)
