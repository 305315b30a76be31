"""Dash components made without Dash's checks of each prop, for the few builders that make a thousand of them per
page (a profile's tiles, a heat map's rows).

`html.Span("x", className="a")` runs Dash's generated constructor: every keyword is checked against the
component's props and wildcard prefixes and an error message is prepared for it whether or not it is wrong, about
10 µs a component on this host, a third of a profile's build. `quick(html.Span, "x", className="a")` makes the
same component (the same attributes, so the same `to_plotly_json()`, JSON and HTML: tests/dashboard/test_quick.py)
by copying the class's own attributes, taken once from a component Dash made, and setting the props. The props
are the builders' own, fixed in the code, so Dash's checks would never fire there; anything else uses Dash's
constructor."""

from __future__ import annotations

import re
import threading
from typing import Any, TypeVar

from dash.development.base_component import Component

C = TypeVar("C", bound=Component)
_REQUIRED = re.compile(r"Required argument `(\w+)`")
_META: dict[type, dict[str, Any]] = {}
_LOCK = threading.Lock()


def quick(cls: type[C], children: Any = None, **props: Any) -> C:
    """`cls(children, **props)`, made without Dash's per-prop checks (props must be the component's own)."""
    meta = _META.get(cls)
    if meta is None:
        meta = _meta(cls)
    component = cls.__new__(cls)
    state = component.__dict__
    state.update(meta)
    state["children"] = children  # as Dash's constructor sets it, None included
    state.update(props)
    return component


def _meta(cls: type[C]) -> dict[str, Any]:
    """The attributes Dash's constructor gives every component of `cls` (its prop names, type, namespace, ...): from
    one made with nothing but its required props (placeholders), kept per class."""
    required: dict[str, Any] = {}
    while True:
        try:
            made = cls(**required)
            break
        except TypeError as error:
            found = _REQUIRED.search(str(error))
            if found is None or found.group(1) in required:
                raise
            required[found.group(1)] = None
    props = set(made._prop_names) | {"children"}  # type: ignore[attr-defined]
    meta = {k: v for k, v in made.__dict__.items() if k not in props}
    with _LOCK:
        _META[cls] = meta
    return meta
