"""dashboard/components/quick.py: a component made without Dash's per-prop checks is the component Dash makes (the
same attributes, so the same JSON and HTML), for every kind the builders make that way."""

from __future__ import annotations

from typing import Any

import pytest
from dash import dcc, html

from dashboard.components.attrs import with_attrs
from dashboard.components.quick import quick
from dashboard.first_view import layout_to_json, to_html

CASES: list[tuple[Any, Any, dict[str, Any]]] = [
    (html.Span, "x", {"className": "a"}),
    (html.Span, None, {}),
    (html.P, ["a", html.B("b"), " ", 3], {"className": "tile-reading"}),
    (html.Img, None, {"src": "data:image/svg+xml,x", "alt": "words", "className": "spark-graph", "width": 120}),
    (html.Article, [html.H4("t")], {"id": "tile-x", "className": "tile tile-green"}),
    (html.Tr, [html.Th("h", scope="row")], {"className": "heat-row heat-indicator"}),
    (html.Th, "header", {"scope": "row"}),
    (html.A, "History", {"href": "/api/v1/history?x=1", "className": "tile-history"}),
    (dcc.Link, "Mexico", {"href": "/country/MEX"}),  # a required prop (href)
]


@pytest.mark.parametrize(("kind", "children", "props"), CASES)
def test_a_quick_component_is_the_one_dash_makes(kind: Any, children: Any, props: dict[str, Any]) -> None:
    made = kind(children, **props) if children is not None else kind(**props)
    fast = quick(kind, children, **props)
    assert type(fast) is type(made) and fast.__dict__ == made.__dict__
    assert fast.to_plotly_json() == made.to_plotly_json()
    assert layout_to_json(fast) == layout_to_json(made) and to_html(fast) == to_html(made)
    labelled = {"aria-hidden": "true", "data-indicator": "x"}
    assert to_html(with_attrs(quick(kind, children, **props), labelled)) == to_html(with_attrs(made, labelled))


def test_quick_components_do_not_share_their_props() -> None:
    first, second = quick(html.Span, "a", className="x"), quick(html.Span, "b")
    assert (first.children, second.children) == ("a", "b") and not hasattr(second, "className")
