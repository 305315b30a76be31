"""The first view of a page drawn on the server, in the index HTML itself: the reader sees the page (a profile, a
compare) as soon as the HTML arrives, before Dash's JavaScript has loaded, run, fetched its layout and
made the page's callback round trip (about 0.5-1.5 s of a cold load, measured by bench/browser_bench.py).

The page's own layout (the same memoised tree Dash's page callback returns moments later) is written as plain HTML
into `<div id="lmm-first-view" inert>` before Dash's entry point; assets/first_view.js removes it in the same task
in which Dash has drawn the page's content, so the two copies are never both in the document for a script or a
test to see. Until then the copy is a picture of the page: `inert` (no focus, no clicks), hidden from assistive
technology, and without the ids of anything a reader acts on (buttons, inputs, links, Dash's controls), so an
action waits for the live page. Components that only JavaScript can draw are drawn as pictures of themselves:
a dropdown's choices, a chart of line traces as SVG (components/chart_svg.py: the same lines plotly.js draws), a
data table's first page as a plain table; other controls leave their space. A browser without JavaScript still
reads the whole static page. The compare's first view writes its ids as `data-lmm-id` (OWN_IDS): a script or a
test asking for `#compare-heatmap-table` finds only Dash's live copy, never the picture that is about to go.

Dash's own layout (`/_dash-layout`) carries the page too (`page_container()`: the page named by the Referer, as the
language is), with its location already set, so Dash draws the frame and the page in one go and its page callback
does not run on load: no second round trip, and the server's copy goes in the very step Dash's frame appears."""

from __future__ import annotations

import html as escape
import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import dash
from _plotly_utils.utils import PlotlyJSONEncoder
from dash import dcc, html
from dash._pages import _parse_query_string, _path_to_page
from dash.development.base_component import Component
from flask import request

from dashboard.components.chart_svg import figure_svg
from dashboard.i18n import page_url
from dashboard.memo import memo
from dashboard.pages._query import pinned
from warehouse.errors import ReleaseError

PAGES = ("dashboard.pages.country", "dashboard.pages.compare")  # pages Dash's layout carries (no page callback)
# Pages whose first view is drawn into the HTML. The compare's charts are drawn there as SVG (the same lines as
# plotly.js draws later, components/chart_svg.py) and its table's first page as a plain table.
FIRST_VIEW = ("dashboard.pages.country", "dashboard.pages.compare")
# Pages whose first view writes its elements' ids as `data-lmm-id`: a script or a test that asks for an element by
# its id finds only Dash's live copy (which can be acted on and stays), never the picture that is about to go.
OWN_IDS = ("dashboard.pages.compare",)
ID_ATTR = "data-lmm-id"
# Pages whose charts, tables and dropdowns Dash draws with code it fetches only once it has drawn their components
# (after its own start, layout and page callback): plotly.js above all (4.8 MB). Asked for at once instead, beside
# Dash's own scripts, by the same URLs Dash uses later (so the browser reuses what it fetched).
CHUNKS = "/_dash-component-suites/dash/"
CHARTS = (f"{CHUNKS}dcc/async-graph.js", "/_dash-component-suites/plotly/package_data/plotly.min.js",
          f"{CHUNKS}dcc/async-dropdown.js", f"{CHUNKS}dash_table/async-table.js",
          f"{CHUNKS}dash_table/async-highlight.js")  # fmt: skip
CHART_PAGES = ("dashboard.pages.compare", "dashboard.pages.indicator")
SVG_URI = "data:image/svg+xml,"
VOID = {"area", "br", "col", "hr", "img", "input", "source", "track", "wbr"}
ACTED_ON = {"A", "Button", "Input", "Textarea", "Select", "Option", "Form", "Label", "Details", "Summary"}
# Not written: Dash's own props, and `title` (a tooltip, which an `inert` copy never shows: a compare of 15 countries
# carried ~200 kB of them, half its HTML).
SKIPPED = {
    "n_clicks",
    "n_clicks_timestamp",
    "disable_n_clicks",
    "loading_state",
    "key",
    "setProps",
    "children",
    "title",
}
RENAMED = {"className": "class", "htmlFor": "for"}
UNSAFE_URL = re.compile(r"^\s*(javascript|vbscript|data(?!:image/))", re.IGNORECASE)
SLOT = "\0lmm-page\0"  # where the page goes in the frame (a text no page can hold)
UNITLESS = {"opacity", "zIndex", "flex", "flexGrow", "flexShrink", "fontWeight", "lineHeight", "order", "zoom"}


def _css(style: Mapping[str, Any]) -> str:
    """React's style object as CSS text (camelCase names; a bare number is pixels, as React reads it)."""
    out = []
    for name, value in style.items():
        prop = re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), name)
        text = f"{value}px" if isinstance(value, int | float) and name not in UNITLESS and value != 0 else str(value)
        out.append(f"{prop}:{text}")
    return ";".join(out)


def _attr_value(name: str, value: Any) -> str | None:
    if value is None or value is False:
        return None
    if value is True:
        return ""
    if name == "style" and isinstance(value, Mapping):
        return _css(value)
    if name in ("href", "src", "action") and UNSAFE_URL.match(str(value)):
        return None  # as Dash itself refuses javascript: URLs
    return str(value) if not isinstance(value, list | dict) else None


def props_of(component: Component) -> dict[str, Any]:
    """A component's props as `to_plotly_json()["props"]` has them (same names, values and order), read from the
    instance's own attributes: Dash's version asks `hasattr` of every prop the component could have (20-50) and
    tests every attribute against the wildcard prefixes with `any()`; it was a quarter of a profile's build CPU."""
    own = component.__dict__
    names = own.get("_prop_names")
    if names is None or type(component).to_plotly_json is not Component.to_plotly_json:
        return component.to_plotly_json()["props"]  # a component class of its own making: ask it
    props = {name: own[name] for name in names if name in own}
    wildcards = tuple(own.get("_valid_wildcard_attributes") or ())
    if wildcards:
        props.update({key: value for key, value in own.items() if key.startswith(wildcards)})
    return props


class _LayoutEncoder(PlotlyJSONEncoder):
    """plotly's JSON encoder (Dash's `to_json`) with a component's dict made by props_of."""

    def default(self, obj: Any) -> Any:
        if isinstance(obj, Component):
            return {"props": props_of(obj), "type": obj._type, "namespace": obj._namespace}
        return super().default(obj)


SAFE_JSON = (("<", "\\u003c"), (">", "\\u003e"), ("/", "\\u002f"))  # as plotly.io's JSON engine writes them


def layout_to_json(tree: Any) -> str:
    """`dash._utils.to_json(tree)`, byte for byte (its JSON engine, its escapes), in about half the time: Dash's
    `to_plotly_json` is most of that encoding's cost."""
    text = json.dumps(tree, cls=_LayoutEncoder, separators=(",", ":"))
    for unsafe, safe in SAFE_JSON:
        text = text.replace(unsafe, safe)
    return text


def _attrs(component: Component, keep_id: bool, id_name: str = "id") -> str:
    props = props_of(component)
    out = []
    for name, value in props.items():
        if name in SKIPPED or (name == "id" and (not keep_id or not isinstance(value, str) or value.startswith("_"))):
            continue
        text = _attr_value(name, value)
        if text is not None:
            attr = (
                id_name
                if name == "id"
                else RENAMED.get(name, name.lower() if not name.startswith(("data-", "aria-")) else name)
            )
            out.append(f' {attr}="{escape.escape(text, quote=True)}"')
    return "".join(out)


def to_html(node: Any, keep_ids: bool = True, id_name: str = "id") -> str:
    """A Dash component tree as HTML: html.* components as their elements, dcc.Link as a link, dcc.Loading as its
    children; components only JavaScript draws as a picture of themselves (a chart as SVG, a data table's first
    page, a dropdown's choices) or an empty box with their class; stores and downloads as nothing. Kept ids are
    written as `id_name` (the id itself, or ID_ATTR)."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, str | int | float):
        return escape.escape(str(node), quote=False)
    if isinstance(node, Iterable) and not isinstance(node, Component):
        return "".join(to_html(child, keep_ids, id_name) for child in node)
    if not isinstance(node, Component):
        return ""
    return _component(node, keep_ids, id_name)


def _component(node: Component, keep_ids: bool, id_name: str) -> str:
    kind, namespace = node._type, node._namespace
    children = getattr(node, "children", None)
    if namespace == "dash_html_components":
        if kind == "Img" and (picture := _inline_svg(node, keep_ids, id_name)):
            return picture
        tag = kind.lower()
        attrs = _attrs(node, keep_ids and kind not in ACTED_ON, id_name)
        inner = to_html(children, keep_ids, id_name)
        return f"<{tag}{attrs}>" if tag in VOID else f"<{tag}{attrs}>{inner}</{tag}>"
    if kind == "Link":
        return f"<a{_attrs(node, False)}>{to_html(children, keep_ids, id_name)}</a>"
    if kind == "Loading":
        return to_html(children, keep_ids, id_name)
    if kind in ("Store", "Download", "Location", "Interval", "Clipboard"):
        return ""
    return _control(node, kind, id_name if keep_ids and id_name != "id" else "")


def _inline_svg(image: Component, keep_ids: bool, id_name: str) -> str | None:
    """An image drawn on the server as an SVG data URI (components/svg.py: sparklines, timelines) as that SVG
    itself, with the image's class and its alt text as the label. Each `<img>` of SVG is a document of its own that
    the browser parses and decodes before it is drawn (21 of them took ~0.1 s of a cold profile's main thread here);
    inline, the picture is drawn with the page."""
    src = getattr(image, "src", None)
    if not isinstance(src, str) or not src.startswith(SVG_URI):
        return None
    svg = unquote(src.removeprefix(SVG_URI))
    if not svg.startswith("<svg ") or "<script" in svg.lower():
        return None
    css = escape.escape(str(getattr(image, "className", None) or ""), quote=True)
    label = escape.escape(str(getattr(image, "alt", None) or ""), quote=True)
    own = getattr(image, "id", None)
    whose = f'{id_name}="{escape.escape(own, quote=True)}" ' if keep_ids and isinstance(own, str) else ""
    return f'<svg {whose}class="{css}" role="img" aria-label="{label}" {svg.removeprefix("<svg ")}'


def _control(node: Component, kind: str, id_name: str = "") -> str:
    """A control as a disabled picture of itself (its space kept, so the page does not move when Dash draws it).
    With `id_name` (not "id": a control's id belongs to the live copy) the picture says whose it is."""
    css = escape.escape(f"first-view-pending {getattr(node, 'className', None) or ''}".strip(), quote=True)
    hint = escape.escape(str(getattr(node, "placeholder", None) or ""), quote=True)
    own = getattr(node, "id", None)
    whose = f' {id_name}="{escape.escape(own, quote=True)}"' if id_name and isinstance(own, str) else ""
    if kind == "Input":
        return f'<input class="{css}" placeholder="{hint}" disabled>'
    if kind == "Textarea":
        return f'<textarea class="{css}" placeholder="{hint}" rows="{getattr(node, "rows", None) or 2}" disabled></textarea>'
    if kind in ("RadioItems", "Checklist"):
        kind_of = "radio" if kind == "RadioItems" else "checkbox"
        chosen = getattr(node, "value", None)
        chosen = chosen if isinstance(chosen, list) else [chosen]
        items = [o if isinstance(o, dict) else {"label": o, "value": o} for o in getattr(node, "options", None) or []]
        return f'<div class="{css}">' + "".join(
            f'<label><input type="{kind_of}" disabled{" checked" if o.get("value") in chosen else ""}> '
            f"{to_html(o.get('label'), False)}</label> " for o in items
        ) + "</div>"  # fmt: skip
    if kind == "DataTable":
        return f'<div class="{css} first-view-datatable"{whose}>{first_page(node)}</div>'
    figure = getattr(node, "figure", None) if kind == "Graph" else None
    height = _figure_height(figure)
    picture = (figure_svg(figure) or "") if kind == "Graph" else _chosen(node) if kind == "Dropdown" else ""
    return (
        f'<div class="{css} first-view-{kind.lower()}"{whose}'
        + (f' style="height:{int(height)}px"' if height else "")
        + f">{picture}</div>"
    )


def _chosen(dropdown: Component) -> str:
    """A dropdown's chosen options as it shows them on one line (their labels, then "15 selected" for several), or
    its placeholder."""
    value = getattr(dropdown, "value", None)
    values = value if isinstance(value, list) else [] if value is None else [value]
    labels = {o.get("value"): o.get("label") for o in getattr(dropdown, "options", None) or [] if isinstance(o, dict)}
    words = [str(labels.get(v, v)) for v in values if isinstance(labels.get(v, v), str | int | float)]
    if not words:
        hint = getattr(dropdown, "placeholder", None)
        return f'<span class="first-view-hint">{escape.escape(str(hint))}</span>' if hint else ""
    count = str((getattr(dropdown, "labels", None) or {}).get("selected_count", "{num_selected}"))
    counted = f'<span class="first-view-count">{escape.escape(count.replace("{num_selected}", str(len(words))))}</span>'
    return f'<span class="first-view-value">{escape.escape(", ".join(words))}</span>' + (
        counted if len(words) > 1 else ""
    )


def first_page(table: Component) -> str:
    """A DataTable's first page as a plain table: its column names, then its first `page_size` rows as the table
    shows them before any sort or filter (numbers with the column's decimal sign)."""
    columns = getattr(table, "columns", None) or []
    rows = (getattr(table, "data", None) or [])[: getattr(table, "page_size", None) or 250]
    widths = {
        (c.get("if") or {}).get("column_id"): c.get("minWidth")
        for c in getattr(table, "style_cell_conditional", None) or []
    }
    sized = {
        c["id"]: f' style="min-width:{widths[c["id"]]};width:{widths[c["id"]]}"' if widths.get(c["id"]) else ""
        for c in columns
    }
    head = "".join(
        f'<th scope="col"{sized[c["id"]]}>{escape.escape(str(c.get("name", c["id"])))}</th>' for c in columns
    )
    filters = "<th></th>" * len(columns) if getattr(table, "filter_action", None) == "native" else ""
    body = "".join(
        "<tr>" + "".join(f'<td data-dash-column="{escape.escape(c["id"], quote=True)}">'
                         f"{escape.escape(_cell_text(row.get(c['id']), c))}</td>" for c in columns) + "</tr>"
        for row in rows
    )  # fmt: skip
    filter_row = f'<tr class="first-view-filters">{filters}</tr>' if filters else ""
    return f"<table><thead><tr>{head}</tr>{filter_row}</thead><tbody>{body}</tbody></table>"


def _cell_text(value: Any, column: Mapping[str, Any]) -> str:
    """A cell's text as the DataTable writes it: numbers as JavaScript does, or by the column's `.6~f` format with
    its locale's decimal sign; missing as nothing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    spec = column.get("format") or {}
    if spec.get("specifier") == ".6~f":
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text.replace(".", (spec.get("locale") or {}).get("decimal", "."))
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def chart_preloads() -> str:
    """`<link rel="preload">` of plotly.js for a page that draws charts (the same URLs Dash asks for later). On a
    page drawn on the server (the compare) they are asked for once that page is painted (AFTER_PAINT), while Dash
    starts: 4.8 MB fetched and unpacked beside the first paint had slowed it on this 2-core host."""
    page, _ = _path_to_page(request.path.strip("/"))
    if not page or page.get("module") not in CHART_PAGES:
        return ""
    rel = LATER_REL if page.get("module") in FIRST_VIEW else "preload"
    return "".join(f'<link rel="{rel}" as="script" href="{url}">' for url in CHARTS)


def _figure_height(figure: Any) -> float | None:
    """The height a chart's figure asks for (a dict or a plotly Figure), if any."""
    layout = figure.get("layout") if isinstance(figure, dict) else getattr(figure, "layout", None)
    height = layout.get("height") if isinstance(layout, dict) else getattr(layout, "height", None)
    return height if isinstance(height, int | float) else None


def page_of_request(pages: tuple[str, ...] = PAGES) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The registered page (one of `pages`) the reader is on (the request, or the page a Dash request comes from)
    and the values its layout takes."""
    url = urlsplit(page_url())
    page, variables = _path_to_page(url.path.strip("/"))
    if not page or page.get("module") not in pages or not callable(page.get("layout")):
        return None
    return page, {**(variables or {}), **_parse_query_string(f"?{url.query}")}


def page_container() -> Component:
    """Dash's page container (dash.page_container) with the reader's page already in it and its location set, so
    the page callback does not run on load; Dash's empty container for other pages."""
    found = page_of_request()
    if found is None:
        return dash.page_container
    page, values = found
    url = urlsplit(page_url())
    _, variables = _path_to_page(url.path.strip("/"))
    title = page["title"](**(variables or {})) if callable(page["title"]) else page["title"]  # as Dash's callback
    return html.Div([
        dcc.Location(id="_pages_location", refresh="callback-nav", pathname=url.path,
                     search=f"?{url.query}" if url.query else ""),
        html.Div(page["layout"](**values), id="_pages_content", disable_n_clicks=True),
        dcc.Store(id="_pages_store", data={"title": title}),
        html.Div(id="_pages_dummy", disable_n_clicks=True),
    ])  # fmt: skip


def first_view() -> str:
    """`<div id="lmm-first-view">` with the request's page drawn in HTML, or nothing for other pages."""
    found = page_of_request(FIRST_VIEW)
    if found is None:
        return ""
    page, values = found
    try:
        release_id = pinned(values.get("release"))
    except ReleaseError:
        return ""  # the page says so itself once Dash draws it
    return _drawn(release_id, request.path, urlencode(sorted(request.args.items(multi=True))), page["module"])


def layout_json() -> str | None:
    """Dash's layout as JSON for a page drawn here, kept per release, language and page address (encoding it took
    ~40 ms for a profile's 230 KB and ~150 ms for a compare of 15 countries' 910 KB, on every load); None for
    other pages (Dash encodes those itself)."""
    found = page_of_request()
    if found is None:
        return None
    try:
        release_id = pinned(found[1].get("release"))
    except ReleaseError:
        return None
    return _layout_json(release_id, page_url())


@memo(32, by_language=True)
def _layout_json(release_id: str, url: str) -> str:
    return layout_to_json(dash.get_app().get_layout())


@memo(64, by_language=True)
def _drawn(release_id: str, path: str, query: str, module: str) -> str:
    """The HTML of one page view, kept per release, language, path and query (the layout is kept likewise)."""
    from dashboard.components.layout import page_shell

    page, values = page_of_request(FIRST_VIEW) or ({}, {})
    content = page["layout"](**values) if page else None
    outer, _, after = to_html(page_shell(SLOT), keep_ids=False).partition(SLOT)
    drawn = to_html(content, id_name=ID_ATTR if module in OWN_IDS else "id")
    return f'<div id="lmm-first-view" inert aria-hidden="true">{outer}{drawn}{after}</div>'


SCRIPT_SRC = re.compile(r'<script(?: defer)? src="([^"]+)"></script>')
LATER = "text/lmm-after-paint"  # a script type the browser neither fetches nor runs: the loader below runs them
LATER_REL = "lmm-after-paint"  # a link the browser ignores: the loader below asks for it once the page is painted
# Runs Dash once the server's first view has been painted: after the first frame the bundles are fetched and run in
# their order (async = false), plotly.js is asked for on a page with charts, and the renderer starts when the last
# bundle has run.
AFTER_PAINT = """<script id="_dash-renderer">(function () {
  function start() {
    document.querySelectorAll('link[rel="LATER_REL"]').forEach(function (later) {
      var link = document.createElement("link");
      link.rel = "preload";
      link.as = "script";
      link.href = later.href;
      document.head.appendChild(link);
    });
    var last = null;
    document.querySelectorAll('script[type="LATER"]').forEach(function (later) {
      var script = document.createElement("script");
      script.src = later.src;
      script.async = false;
      later.parentNode.replaceChild(script, later);
      last = script;
    });
    var run = function () { window.renderer = new DashRenderer(); };
    if (last) { last.addEventListener("load", run); last.addEventListener("error", run); } else { run(); }
  }
  requestAnimationFrame(function () { setTimeout(start, 0); });
})();</script>""".replace("LATER_REL", LATER_REL).replace("LATER", LATER)


def scripts_after_first_paint(scripts: str) -> tuple[str, str]:
    """For a page whose first view is in its HTML: Dash's scripts fetched and run only once the browser has painted
    that view. Run earlier, Dash's start (~0.2-0.5 s of the page's main thread) kept the drawn page from showing;
    fetched earlier (preloaded), the 1.4 MB of JavaScript arriving and compiled beside the page's parse and layout
    slowed its first paint on a 2-core host (cold profile drawn 0.29-0.45 s preloaded, 0.21-0.29 s not) and Dash
    was live no sooner. Returns (the scripts with each `src` one marked to run later, the script that fetches and
    runs them in their order and starts Dash)."""
    return SCRIPT_SRC.sub(rf'<script type="{LATER}" src="\1"></script>', scripts), AFTER_PAINT
