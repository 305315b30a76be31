"""Queries kept per concrete release id by the project's one memo (warehouse/memo.py): `@per_release` on a query
that takes `release=`. A query returns data (values, codes, levels, English names), the same for every reader, so
the key holds no language; what a page makes of it in words is kept per language on the page side
(dashboard/memo.py `per_release_in_language`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import pandas as pd

from warehouse.connection import cursor
from warehouse.memo import memo

T = TypeVar("T")
KEPT = 256  # answers kept per function and process


def per_release(fn: Callable[..., T], extra: Callable[[], object] | None = None) -> Callable[..., T]:
    """`fn` kept per concrete release id (and `extra()`'s answer when given): `release=None` is resolved to the
    current release's id first, so the key is always a concrete release. Frames are copied out so callers cannot
    change the kept answer."""
    signature = inspect.signature(fn)
    kept = memo(KEPT, extra)(fn)

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        bound.arguments["release"], _ = cursor(bound.arguments.get("release"))
        return copied(kept(**bound.arguments))

    wrapper.cache_clear = kept.cache_clear  # type: ignore[attr-defined]
    return wrapper


def copied(answer: T) -> T:
    """The answer with its frames copied (tuples and named tuples keep their type)."""
    if isinstance(answer, pd.DataFrame):
        return answer.copy()  # type: ignore[return-value]
    if isinstance(answer, tuple):
        parts = [copied(part) for part in answer]
        return answer._make(parts) if hasattr(answer, "_make") else tuple(parts)  # type: ignore[attr-defined, return-value]
    return answer
