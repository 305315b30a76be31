"""The first view drawn on the server (dashboard/first_view.py): Dash components as HTML, and the index pages of the
profile and the compare carrying their page before Dash starts, in the reader's language, under the app's CSP."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
from dash import dcc, html

from dashboard.first_view import to_html


def test_html_components_become_their_elements_with_classes_styles_and_ids() -> None:
    tree = html.Div([html.H2("Title"), html.Img(src="data:image/svg+xml;x", alt="a")], id="box", className="tile",
                    style={"marginTop": 4, "opacity": 0.5})  # fmt: skip
    assert to_html(tree) == (
        '<div id="box" class="tile" style="margin-top:4px;opacity:0.5"><h2>Title</h2>'
        '<img alt="a" src="data:image/svg+xml;x"></div>'
    )


def test_an_svg_image_is_written_into_the_page_as_its_svg_with_its_class_label_and_id() -> None:
    from dashboard.components.svg import data_uri

    svg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 160 48'><polyline points='3,42 154,6'/></svg>"
    image = html.Img(id="spark", src=data_uri(svg), alt='Rate "x" <1 %', className="spark-graph", width=160)
    assert to_html(image) == (
        '<svg id="spark" class="spark-graph" role="img" aria-label="Rate &quot;x&quot; &lt;1 %" '
        "xmlns='http://www.w3.org/2000/svg' viewBox='0 0 160 48'><polyline points='3,42 154,6'/></svg>"
    )
    assert to_html(image, keep_ids=False).startswith('<svg class="spark-graph" role="img"')
    assert to_html(image, id_name="data-lmm-id").startswith('<svg data-lmm-id="spark" class=')
    scripted = html.Img(src=data_uri("<svg><script>alert(1)</script></svg>"), alt="a")
    assert to_html(scripted).startswith("<img ")  # never written into the page: it stays an image
    assert to_html(html.Img(src="/assets/logo.png", alt="logo")) == '<img alt="logo" src="/assets/logo.png">'


def test_text_and_attributes_are_escaped() -> None:
    tree = html.P(['<script>alert(1)</script> & "x"'], className='a" onload="x')
    assert to_html(tree) == '<p class="a&quot; onload=&quot;x">&lt;script&gt;alert(1)&lt;/script&gt; &amp; "x"</p>'


def test_tooltips_are_left_out_of_the_inert_copy() -> None:
    assert to_html(html.Td("✓ 52.9%", className="heat-cell heat-green", title="Mexico, LFPR: ✓ 52.9%")) == (
        '<td class="heat-cell heat-green">✓ 52.9%</td>'
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:x", "vbscript:x", "data:text/html,<b>"])
def test_script_urls_are_dropped(url: str) -> None:
    assert to_html(html.A("x", href=url)) == "<a>x</a>"


def test_what_a_reader_acts_on_has_no_id_until_dash_draws_it() -> None:
    tree = html.Div([html.Button("Go", id="go"), dcc.Link("Mexico", href="/country/MEX", id="to-mex"),
                     html.Span("x", id="plain")], id="_pages_content")  # fmt: skip
    assert to_html(tree) == '<div><button>Go</button><a href="/country/MEX">Mexico</a><span id="plain">x</span></div>'


def test_data_and_aria_attributes_are_kept_and_stores_are_nothing() -> None:
    span = html.Span("2019-2021", className="spark-span")
    span.__setattr__("aria-hidden", "true")
    tree = html.Div([span, dcc.Store(id="s", data={"a": 1}), dcc.Download(id="d")])
    assert to_html(tree) == '<div><span class="spark-span" aria-hidden="true">2019-2021</span></div>'


def test_controls_are_disabled_pictures_of_themselves_and_charts_keep_their_height() -> None:
    assert to_html(dcc.Dropdown(id="pick", options=["a"], className="picker")) == (
        '<div class="first-view-pending picker first-view-dropdown"></div>'
    )
    assert to_html(dcc.Input(id="name", placeholder="e.g. <x>")) == (
        '<input class="first-view-pending" placeholder="e.g. &lt;x&gt;" disabled>'
    )
    radios = to_html(dcc.RadioItems(id="r", options=[{"label": "All", "value": "all"}, "b"], value="all"))
    assert radios == (
        '<div class="first-view-pending"><label><input type="radio" disabled checked> All</label> '
        '<label><input type="radio" disabled> b</label> </div>'
    )
    graph = to_html(dcc.Graph(id="g", figure={"data": [], "layout": {"height": 420}}))
    assert graph == '<div class="first-view-pending first-view-graph" style="height:420px"></div>'


def test_loading_wrappers_show_their_children() -> None:
    assert to_html(dcc.Loading(html.P("in"), type="dot")) == "<p>in</p>"


@pytest.fixture(scope="module")
def client(release_id: str):
    yield the_app().server.test_client()
    forget_the_app_of_requests()


def forget_the_app_of_requests() -> None:
    """Dash remembers the app that served a layout in a context variable of this thread (`get_layout`); a later
    create_app() would register its pages' redirects on that one, which has served requests and refuses them."""
    from dash._get_app import app_context

    app_context.set(None)


def the_app():
    """The session's app if one was made (Dash's pages register once per process: a second app made after the first
    has served requests cannot add their redirects), else a new one."""
    import dash

    from dashboard.app import MonitorDash, create_app

    try:
        app = dash.get_app()
    except dash.exceptions.AppNotFoundError:  # the first test of the session to make one
        return create_app()
    return app if isinstance(app, MonitorDash) else create_app()


def _first_view(page: str) -> str:
    found = re.search(r'<div id="lmm-first-view" inert aria-hidden="true">(.*?)<div id="react-entry-point">', page,
                      re.DOTALL)  # fmt: skip
    assert found, "no first view in the page"
    return found.group(1)


def test_the_profile_is_in_its_html_before_dash_starts(client) -> None:
    response = client.get("/country/MEX")
    page = response.get_data(as_text=True)
    view = _first_view(page)
    assert 'id="country-scorecard"' in view and 'id="country-events"' in view
    assert len(re.findall(r'<article[^>]*class="tile tile-', view)) >= 40  # every tile of the scorecard
    assert view.count('<svg class="spark-graph" role="img" aria-label="') >= 10 and "Mexico" in view
    assert "data:image/svg+xml" not in view  # each <img> of SVG was a document of its own for the browser
    assert '<svg id="country-timeline-graph" class="timeline-svg"' in view
    assert "<script" not in view
    assert 'id="country-csv"' not in view and 'id="country-print"' not in view  # the buttons wait for Dash
    assert page.index('id="lmm-first-view"') < page.index('<script type="text/lmm-after-paint" src=')
    assert "<script defer src=" not in page and "window.renderer = new DashRenderer()" in page  # run after paint
    assert 'rel="preload" as="script"' not in page  # nothing fetched beside the first paint: Dash comes after it


def test_a_drawn_page_carries_the_app_s_stylesheets_in_its_html(client) -> None:
    from dashboard.app import HERE

    page = client.get("/country/GHA").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/assets/' not in page  # its first paint waits for no request
    for sheet in sorted((HERE / "assets").glob("*.css")):
        assert f"<style>{sheet.read_text(encoding='utf-8')}</style>" in page, sheet.name
    assert page.index("<style>") < page.index('id="lmm-first-view"')


def test_a_stylesheet_that_could_end_its_element_is_missing_or_outside_the_assets_stays_a_link(tmp_path) -> None:
    from dashboard.delivery import inline_stylesheets

    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "plain.css").write_text("p { color: #123; }", encoding="utf-8")
    (assets / "odd.css").write_text("p::after { content: '</style><script>'; }", encoding="utf-8")
    (tmp_path / "outside.css").write_text("p { color: red; }", encoding="utf-8")
    kept = ('<link rel="stylesheet" href="/app/assets/odd.css?m=2">'
            '<link rel="stylesheet" href="/app/assets/gone.css?m=3">'
            '<link rel="stylesheet" href="/app/assets/../outside.css?m=4">'
            '<link rel="stylesheet" href="https://cdn.example/x.css">')  # fmt: skip
    links = '<link rel="stylesheet" href="/app/assets/plain.css?m=1.5">' + kept
    assert inline_stylesheets(links, "/app/", assets) == "<style>p { color: #123; }</style>" + kept
    (assets / "plain.css").write_text("p { color: #456; }", encoding="utf-8")
    os.utime(assets / "plain.css", (10, 10))  # a changed file is read again
    assert inline_stylesheets(links, "/app/", assets) == "<style>p { color: #456; }</style>" + kept


def test_dash_s_scripts_run_after_the_first_view_is_painted_and_in_their_order() -> None:
    from dashboard.first_view import scripts_after_first_paint

    scripts = (
        '<script defer src="/a.js?v=1&amp;x=2"></script>\n<script>inline()</script>\n<script src="/b.js"></script>'
    )
    kept, loader = scripts_after_first_paint(scripts)
    assert kept == ('<script type="text/lmm-after-paint" src="/a.js?v=1&amp;x=2"></script>\n<script>inline()</script>'
                    '\n<script type="text/lmm-after-paint" src="/b.js"></script>')  # fmt: skip
    assert 'id="_dash-renderer"' in loader and "script.async = false" in loader and "requestAnimationFrame" in loader


def test_pages_without_a_first_view_keep_deferred_scripts(client) -> None:
    page = client.get("/framework").get_data(as_text=True)
    assert "<script defer src=" in page and '<link rel="stylesheet" href="/assets/style.css' in page
    assert "text/lmm-after-paint" not in page
    chart_page = client.get("/indicator/female_lfpr").get_data(as_text=True)
    assert (
        '<link rel="preload" as="script" href="/_dash-component-suites/plotly/package_data/plotly.min.js">'
        in chart_page
    )


def test_the_csp_still_hashes_every_inline_script(client) -> None:
    from dashboard.security import script_hashes

    response = client.get("/country/MEX")
    policy = response.headers["Content-Security-Policy"]
    for digest in script_hashes(response.get_data()):
        assert digest in policy


def test_the_first_view_speaks_the_readers_language(client) -> None:
    view = _first_view(client.get("/country/MEX?lang=fr").get_data(as_text=True))
    assert "Mexique" in view and "Pratiques de recrutement" in view


def test_the_compare_is_in_its_html_with_its_heat_map_chart_and_table(client) -> None:
    page = client.get("/compare?countries=MEX,PHL,GHA&lang=en").get_data(as_text=True)
    view = _first_view(page)
    plotly = "/_dash-component-suites/plotly/package_data/plotly.min.js"
    assert f'<link rel="lmm-after-paint" as="script" href="{plotly}">' in page  # asked for once the page is painted
    assert 'link[rel="lmm-after-paint"]' in page and f'rel="preload" as="script" href="{plotly}"' not in page
    assert 'data-lmm-id="compare-heatmap-table"' in view and 'data-lmm-id="compare-principles-table"' in view
    assert not re.search(r' id="compare-', view)  # ids are the live copy's: a test or script finds only Dash's
    heads = re.search(r'data-lmm-id="compare-heatmap-table".*?<thead>(.*?)</thead>', view, re.DOTALL)
    assert heads and [re.sub("<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", heads.group(1))][1:] == [
        "Mexico", "Philippines", "Ghana"]  # fmt: skip
    layout = client.get("/_dash-layout", headers={"Referer": "http://x/compare?countries=MEX,PHL,GHA&lang=en"}).json
    location, content = _content(layout)
    assert location["search"] == "?countries=MEX,PHL,GHA&lang=en"
    chart, table = _component(content, "compare-charts"), _component(content, "compare-table")
    assert view.count('<g class="trace"') == len(chart["figure"]["data"]) > 0  # every line plotly.js draws
    svg = re.search(r'data-lmm-id="compare-charts"[^>]*>(<svg.*?</svg>)', view, re.DOTALL)
    assert svg and "Values over time: Mexico, Philippines, Ghana" in svg.group(1)
    rows = re.search(r'data-lmm-id="compare-table".*?<tbody>(.*?)</tbody>', view, re.DOTALL)
    assert rows and rows.group(1).count("<tr>") == min(len(table["data"]), table["page_size"])
    assert "Mexico (MEX), Philippines (PHL), Ghana (GHA)" in view and "3 selected" in view  # the picker's choice


def test_the_compare_s_first_view_speaks_the_readers_language(client) -> None:
    view = _first_view(client.get("/compare?countries=MEX,PHL&theme=women&lang=fr").get_data(as_text=True))
    assert "Mexique" in view and "Philippines" in view and "2 choisi(s)" in view
    assert re.search(r'data-dash-column="number">\d+,\d+<', view)  # the table's numbers with a decimal comma


def _component(layout: object, wanted: str) -> dict:
    """The props of the component with id `wanted` in a layout's JSON."""
    if isinstance(layout, dict):
        props = layout.get("props", layout)
        if props.get("id") == wanted:
            return props
        children = props.values()
    elif isinstance(layout, list):
        children = layout
    else:
        return {}
    for child in children:
        if found := _component(child, wanted):
            return found
    return {}


def test_other_pages_and_unavailable_releases_have_no_first_view(client) -> None:
    assert 'id="lmm-first-view"' not in client.get("/framework").get_data(as_text=True)
    assert 'id="lmm-first-view"' not in client.get("/country/MEX?release=r19990101T000000000Z").get_data(as_text=True)


def _content(layout: dict) -> tuple[dict, dict]:
    """(the `_pages_location` props, the `_pages_content` props) of Dash's layout JSON."""
    found: dict[str, dict] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("id") in ("_pages_location", "_pages_content"):
                found[props["id"]] = props
            for value in props.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(layout)
    return found["_pages_location"], found["_pages_content"]


def test_dash_layout_carries_the_page_named_by_the_referer_with_its_location_set(client) -> None:
    english = {"Referer": "http://localhost/country/MEX?group=principle&lang=en"}
    layout = client.get("/_dash-layout", headers=english).json
    location, content = _content(layout)
    assert location["pathname"] == "/country/MEX" and location["search"] == "?group=principle&lang=en"  # no callback
    assert '"country-scorecard"' in json.dumps(content["children"]) and "principle-13" in json.dumps(content)
    again = client.get("/_dash-layout", headers=english).json
    assert again == layout  # kept per release, language and page
    french = client.get("/_dash-layout", headers={"Referer": "http://localhost/country/MEX?group=principle&lang=fr"})
    assert "Principe 13" in french.get_data(as_text=True) and "Principe 13" not in json.dumps(layout)


def test_dash_layout_without_a_drawn_page_leaves_the_page_to_dash(client) -> None:
    for headers in ({}, {"Referer": "http://localhost/framework"}):
        location, content = _content(client.get("/_dash-layout", headers=headers).json)
        assert "pathname" not in location and not content.get("children")


def test_the_layout_json_is_dash_s_own_byte_for_byte() -> None:
    """layout_to_json (components read by props_of) writes exactly what Dash's `to_json` writes: wildcard
    attributes, nested components, a figure with a NaN (null), text that must be escaped."""
    import numpy as np
    from dash import dash_table
    from dash._utils import to_json

    from dashboard.components.attrs import with_attrs
    from dashboard.first_view import layout_to_json, props_of

    data: list[Any] = [{"plain": (1, 2)}, None, 3.5]
    tree = html.Div([
        with_attrs(html.P(["a</script>", html.B("b")], className="x"), {"data-iso3": "MEX", "aria-label": "é"}),
        dcc.Graph(id="g", figure={"data": [{"y": np.array([1.0, np.nan])}], "layout": {"height": 300}}),
        dcc.Dropdown(id="d", options=[{"label": html.Span("s"), "value": 1}], value=None, multi=True),
        dash_table.DataTable(id="t", data=[{"a": float("nan"), "b": "<b>"}], columns=[{"id": "a", "name": "A"}]),  # type: ignore[attr-defined]
        *data,
    ], id="root", style={"marginTop": 4})  # fmt: skip
    assert layout_to_json(tree) == to_json(tree)
    for node in (tree, tree.children[0], tree.children[2]):
        assert props_of(node) == node.to_plotly_json()["props"]
        assert list(props_of(node)) == list(node.to_plotly_json()["props"])  # the same order


def test_the_pages_layout_json_is_dash_s_own_byte_for_byte(client) -> None:
    """Dash's layout of the profile and the compare, as the app sends it, equals Dash's own encoding."""
    import dash
    from dash._utils import to_json

    from dashboard.first_view import layout_to_json

    app = the_app()
    for url in ("/country/PHL?lang=fr", "/country/ATA", "/compare?countries=PRI,USA,COK", "/compare?countries=ATA,YUG"):
        with app.server.test_request_context("/_dash-layout", headers={"Referer": f"http://localhost{url}"}):
            tree = dash.get_app().get_layout()
            assert layout_to_json(tree) == to_json(tree), url
