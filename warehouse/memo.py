"""The project's one memo: `@memo(n)` keeps the last `n` results of a function, keyed by all its arguments (and by
`extra()`'s answer, e.g. the reader's language: dashboard/memo.py).

Every memoised function takes the concrete release id among its arguments (pages resolve the release once, at the
edge: dashboard/pages/_query.py): a published release never changes and a new one has a new id, so a kept result is
never stale, in any worker. The bound is per function and per process; `fn.cache_clear()` empties it,
`fn.__wrapped__` is the function without the memo (tests, benches). Results are shared by every caller: nothing may
change one after it is returned.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def _frozen(value: object) -> object:
    """A hashable form of an argument (Dash passes repeated query keys as lists, filters as dicts)."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


def memo(maxsize: int, extra: Callable[[], object] | None = None) -> Callable[[F], F]:
    """Keep the last `maxsize` results, keyed by the arguments (and by `extra()` when given)."""

    def decorate(fn: F) -> F:
        kept: OrderedDict[tuple, Any] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = (extra() if extra else None, _frozen(args), _frozen(kwargs))
            with lock:
                if key in kept:
                    kept.move_to_end(key)
                    return kept[key]
            result = fn(*args, **kwargs)
            with lock:
                kept[key] = result
                while len(kept) > maxsize:
                    kept.popitem(last=False)
            return result

        wrapper.cache_clear = kept.clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
