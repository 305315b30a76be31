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


class Kept:
    """The memo's store: the last `maxsize` values by key, most recently used last, and at most `max_bytes` of them
    as `weigh` counts (when given); shared by a process's threads (a lock around each look-up and insertion). The
    memo below keeps a function's results in one; the API's fast lane keeps finished answers in another."""

    def __init__(self, maxsize: int, max_bytes: int | None = None, weigh: Callable[[Any], int] | None = None) -> None:
        self.maxsize, self.max_bytes, self._weigh = maxsize, max_bytes, weigh
        self._values: OrderedDict[object, Any] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: object, default: Any = None) -> Any:
        with self._lock:
            if key not in self._values:
                return default
            self._values.move_to_end(key)
            return self._values[key]

    def put(self, key: object, value: Any) -> None:
        """Keep `value` (a value already kept under `key` stays: both are the same result)."""
        size = self._weigh(value) if self._weigh else 0
        with self._lock:
            if key in self._values:
                return
            self._values[key] = value
            self._bytes += size
            while len(self._values) > self.maxsize or (self.max_bytes is not None and self._bytes > self.max_bytes):
                _, dropped = self._values.popitem(last=False)
                self._bytes -= self._weigh(dropped) if self._weigh else 0

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._bytes = 0


_MISSING = object()


def memo(maxsize: int, extra: Callable[[], object] | None = None) -> Callable[[F], F]:
    """Keep the last `maxsize` results, keyed by the arguments (and by `extra()` when given). A result being worked
    out is worked out once: a worker's other threads asking for it meanwhile wait for that one. After a publish, a
    worker's threads all ask for the new release's shared pieces at once; each working them out for itself made
    every one of them wait for all (seconds at 32 readers, the GIL shared)."""

    def decorate(fn: F) -> F:
        kept = Kept(maxsize)
        working: dict[object, threading.Lock] = {}  # key -> held while one thread works its result out
        guard = threading.Lock()

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = (extra() if extra else None, _frozen(args), _frozen(kwargs))
            result = kept.get(key, _MISSING)
            if result is not _MISSING:
                return result
            with guard:
                lock = working.setdefault(key, threading.Lock())
            try:
                with lock:  # the first thread works it out; the others find it kept (or, if it failed, try again)
                    result = kept.get(key, _MISSING)
                    if result is _MISSING:
                        result = fn(*args, **kwargs)
                        kept.put(key, result)
                    return result
            finally:
                with guard:
                    if working.get(key) is lock and not lock.locked():
                        del working[key]

        wrapper.cache_clear = kept.clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
