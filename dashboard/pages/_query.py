"""A page's URL values as the page uses them: one value per key, and the release resolved once, at the edge.

A page's layout resolves `?release=` (or the current release) to a concrete release id once, reads only that
release while it is built (warehouse.connection.reading), and keeps the id in its store (`view_release`), so every
callback of the view reads the same release even when a publish lands between them (the API pins one per request:
dashboard/api/common.py `begin()`). Links keep `?release=` as the reader asked (none for the current release)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from dashboard.memo import memo
from warehouse.connection import cursor, pinned_release, reading
from warehouse.errors import ReleaseError


def one(value: object) -> str | None:
    """A query value as one string: a repeated key gives a list (the first one wins, as URLSearchParams.get() reads
    it); empty is None."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return str(value) if value not in (None, "") else None


def pinned(release: object) -> str:
    """The concrete id of the release asked for (`?release=`), or of the current one; raises NoReleaseError (a
    ReleaseError) when it is not available."""
    return cursor(one(release))[0]


def view_release(release: str | None = None) -> str | None:
    """The release a view reads: the one asked for, else the one pinned while its layout is built (for its store)."""
    return release or pinned_release()


def pinned_layout(maxsize: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`@pinned_layout(n)` on a page's `layout(release=..., **query)`: `?release=` (or the current release) is resolved
    once to its concrete id, the layout is built reading only that release, and the last `n` layouts are kept per
    release id, language and query (dashboard/memo.py). A release that is not available is passed on as asked: the
    page says so itself, and such a page is never kept."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @memo(maxsize, by_language=True)
        def kept(release_id: str, **query: Any) -> Any:
            with reading(release_id):
                return fn(**query)

        @functools.wraps(fn)
        def layout(**query: Any) -> Any:
            try:
                release_id = pinned(query.get("release"))
            except ReleaseError:
                return fn(**query)
            return kept(release_id, **query)

        layout.cache_clear = kept.cache_clear  # type: ignore[attr-defined]
        return layout

    return decorate
