"""The web app's use of the one memo (warehouse/memo.py) on the page side: results that hold words are kept per
reader's language too. Queries (dashboard/queries/) return data and are kept per release only
(dashboard/queries/kept.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from dashboard.i18n import current_lang
from dashboard.queries.kept import per_release
from warehouse.memo import memo as _memo

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def memo(maxsize: int, by_language: bool = False) -> Callable[[F], F]:
    """`warehouse.memo.memo`, keyed by the reader's language as well when `by_language`."""
    return _memo(maxsize, current_lang if by_language else None)


def per_release_in_language(fn: Callable[..., T]) -> Callable[..., T]:
    """`per_release` keyed by the reader's language as well: page-side words over a release's data."""
    return per_release(fn, current_lang)
