"""Page layouts kept per release, language and URL: `@memo_layout(n)` on a page's `layout(**query)`.

A published release never changes and a new one has a new id, so a layout is a pure function of (release id,
language, the URL's path variables and query): every worker may keep the last `n` it built and serve them again
without serving stale figures. A kept tree served again also carries its JSON as plain dicts and lists (built
once), so Dash's encoder writes it with the C JSON encoder instead of calling `to_plotly_json` on every component:
building and encoding a country profile took ~30 ms of CPU per request, serving a kept one well under a millisecond.
Measured by bench/pages_bench.py (as served and uncached) and bench/load_bench.py.

Memory: a kept country profile is ~1.4 MB (tree + JSON); the sizes given per page keep a worker under ~100 MB.
The tree is shared by every request that gets it: nothing may change a layout after it is returned (Dash only
reads it). `layout.__wrapped__` is the function without the memo (tests and benches), `layout.cache_clear()`
empties it.
"""

from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from dash._utils import to_json

from dashboard.i18n import current_lang
from warehouse.connection import cursor


def _frozen(value: object) -> object:
    """A hashable form of a URL value (Dash passes repeated query keys as lists)."""
    return tuple(_frozen(v) for v in value) if isinstance(value, list | tuple) else value


def _with_json(tree: Any) -> Any:
    """The kept tree, carrying its JSON from its second use on (a layout asked for once costs no more than one
    built anew; encoding and parsing it again took ~10 ms of a country profile's ~40)."""
    if hasattr(tree, "to_plotly_json") and "to_plotly_json" not in vars(tree):
        plain = json.loads(to_json(tree))
        object.__setattr__(tree, "to_plotly_json", lambda: plain)  # encode the kept JSON, not the tree
    return tree


def memo_layout(maxsize: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        kept: OrderedDict[tuple, Any] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(fn)
        def layout(**query: Any) -> Any:
            release = query.get("release")
            release = release[-1] if isinstance(release, list) and release else release
            try:
                release_id, _ = cursor(str(release) if release else None)
            except Exception:  # no such release: the page says so itself (never kept)
                return fn(**query)
            key = (release_id, current_lang(), tuple(sorted((k, _frozen(v)) for k, v in query.items())))
            with lock:
                kept_tree = kept.get(key)
                if kept_tree is not None:
                    kept.move_to_end(key)
            if kept_tree is not None:
                return _with_json(kept_tree)
            tree = fn(**query)
            with lock:
                kept[key] = tree
                while len(kept) > maxsize:
                    kept.popitem(last=False)
            return tree

        layout.cache_clear = kept.clear  # type: ignore[attr-defined]
        return layout

    return decorate
