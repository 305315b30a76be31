"""/framework on the real release: 15 principles in 9 areas with their indicators and "to verify" flags, the
coverage matrix (one row per country, never an aggregate), and the methodology downloads."""

from __future__ import annotations

import io
import json
import sys

import pandas as pd
import pytest

from tests.dashboard.test_compare import find, texts


@pytest.fixture(scope="module")
def fw(release_id: str):
    import dash

    from dashboard.app import create_app

    create_app()
    name = next(key for key, p in dash.page_registry.items() if p["path"] == "/framework")
    return sys.modules[name]


def sql(query: str, params: list | None = None) -> pd.DataFrame:
    from warehouse.connection import cursor

    _, cur = cursor()
    return cur.execute(query, params or []).df()


def test_fifteen_principles_in_nine_areas(fw):
    view = fw.layout()
    areas = [s for s in view.children if getattr(s, "className", "") == "area"]
    assert len(areas) == 9
    headings = [find(view, f"principle-{n}") for n in range(1, 16)]
    assert all(h is not None for h in headings) and find(view, "principle-16") is None
    assert texts(areas[0].children[0]) == ["", "I. Decent work"]


def test_unverified_entries_say_to_verify_and_indicators_link(fw):
    from dashboard.pages import _framework_view as view
    from dashboard.queries import framework as q

    sections = view.principle_sections(q.principles(), q.guidelines(), q.mapped_indicators(), q.themes())
    words = " ".join(texts(sections))
    assert "to verify" not in words, "unverified entries are listed in the methodology, not flagged on the page"
    verified = sql("SELECT count(*) AS n FROM guidelines WHERE verified")["n"][0]
    assert verified == 1 and words.count("verified") == verified  # guideline 9.9, with its citation as the title
    assert "Guideline 13.5" in words and "Guideline 9.9" in words
    method = json.loads(sql("SELECT value FROM release_info WHERE key = 'methodology'")["value"][0])
    assert method["unverified_framework_entries"]["guidelines"] == ["4.5", "13.4", "13.5"]
    links = [a.href for a in _links(sections)]
    assert "/indicator/recruitment_cost_months" in links and "/indicator/female_lfpr" in links


def _links(component: object) -> list:
    from dash import html

    if isinstance(component, html.A):
        return [component]
    children = getattr(component, "children", None) if not isinstance(component, list) else component
    if not isinstance(children, list | tuple):
        children = [children] if children is not None and not isinstance(children, str) else []
    return [a for c in children for a in _links(c)]


def test_dual_nationality_reading_note_sits_under_principle_15(fw):
    from dashboard.pages import _framework_view as view
    from dashboard.queries import framework as q

    sections = view.principle_sections(q.principles(), q.guidelines(), q.mapped_indicators(), q.themes())
    blocks = [b for s in sections for b in s.children[1:]]
    fifteen = next(b for b in blocks if b.children[0].id == "principle-15")
    note = " ".join(texts(fifteen))
    assert "Reading note (Dual nationality and diaspora links)" in note and "normative reading" in note
    others = " ".join(t for b in blocks if b is not fifteen for t in texts(b))
    assert "Reading note" not in others


def test_coverage_matrix_has_one_row_per_country_never_an_aggregate(fw):
    from dashboard.pages import _framework_view as view
    from dashboard.queries import framework as q

    countries = sql("SELECT DISTINCT country AS iso3 FROM indicator_scores")["iso3"]  # every area with a scorecard
    aggregates = set(sql("SELECT iso3 FROM countries WHERE is_aggregate")["iso3"])
    wide = view.matrix_frame(q.coverage(), q.principles())
    assert len(wide) == len(countries) and set(wide["country"]) == set(countries)
    assert not set(wide["country"]) & aggregates
    assert [c.id for c in view.matrix_columns(q.principles())][-15:] == [f"p{n}" for n in range(1, 16)]
    method = json.loads(sql("SELECT value FROM release_info WHERE key = 'methodology'")["value"][0])
    assert method["not_measured"]
    for n in method["not_measured"]:  # no public data measure these principles: a visible gap for every country
        assert (wide[f"p{n}"] == view.NO_INDICATOR).all()


def test_matrix_cells_match_principle_scores(fw):
    from dashboard.pages import _framework_view as view
    from dashboard.queries import framework as q

    row = view.matrix_frame(q.coverage(), q.principles()).set_index("country").loc["MEX"]
    method = json.loads(sql("SELECT value FROM release_info WHERE key = 'methodology'")["value"][0])
    expected = sql("SELECT principle, coverage, level, score FROM principle_scores WHERE country = 'MEX'")
    expected = expected[~expected["principle"].isin(method["not_measured"])]
    for n in method["not_measured"]:
        assert row[f"p{n}"] == view.NO_INDICATOR
    for r in expected.itertuples():
        text = row[f"p{r.principle}"]
        assert text.startswith(f"{round(100 * r.coverage):>3d}% · ")
        assert ("no aggregate" in text) == (pd.isna(r.score) or r.level == "no_data")
    assert row["aggregates"] == ((expected["score"].notna()) & (expected["level"] != "no_data")).sum()
    assert row["country_link"] == "[Mexico](/country/MEX)"


def test_text_sort_of_a_principle_column_is_a_coverage_sort(fw):
    from dashboard.pages import _framework_view as view

    texts_ = [view.cell_text(c, None, "no_data") for c in (1.0, 0.05, 0.45, 0.0, 0.8)]
    assert sorted(texts_) == [view.cell_text(c, None, "no_data") for c in (0.0, 0.05, 0.45, 0.8, 1.0)]


def test_region_filter_and_sort_go_to_the_url(fw):
    rows, page, count = fw.update_matrix("Africa", None)
    african = sql("""SELECT count(*) AS n FROM countries WHERE un_region = 'Africa'
                     AND iso3 IN (SELECT country FROM indicator_scores)""")["n"][0]
    assert len(rows) == african and page == 0 and count.startswith(f"{african} countries")
    assert {r["un_region"] for r in rows} == {"Africa"}
    assert fw.update_query("Africa", [{"column_id": "p9", "direction": "asc"}]) == "?region=Africa&sort=p9"
    assert fw.update_query("all", [{"column_id": "aggregates", "direction": "desc"}]) == "?sort=-aggregates"
    assert fw.update_query("all", []) == ""
    two = [{"column_id": "aggregates", "direction": "desc"}, {"column_id": "p9", "direction": "asc"}]
    assert fw.update_query(None, two) == "?sort=-aggregates,p9"


def test_sort_from_the_url(fw):
    from dashboard.pages import _framework_view as view
    from dashboard.queries import framework as q

    columns = view.matrix_columns(q.principles())
    assert view.sort_by("-aggregates", columns) == [{"column_id": "aggregates", "direction": "desc"}]
    assert view.sort_by("p9", columns) == [{"column_id": "p9", "direction": "asc"}]
    assert view.sort_by("nonsense; DROP", columns) == []
    assert view.sort_by("-aggregates,p9,zz", columns) == [{"column_id": "aggregates", "direction": "desc"},
                                                          {"column_id": "p9", "direction": "asc"}]  # fmt: skip
    table = find(fw.layout(region="Europe", sort="p13"), "framework-matrix")
    assert table.sort_by == [{"column_id": "p13", "direction": "asc"}]  # type: ignore[union-attr]
    assert {r["un_region"] for r in table.data} == {"Europe"}  # type: ignore[union-attr]


def test_methodology_json_is_the_release_value_exactly(fw):
    payload = fw.download_json(1, None)
    stored = sql("SELECT value FROM release_info WHERE key = 'methodology'")["value"][0]
    assert payload["content"] == stored and payload["type"] == "application/json"
    method = json.loads(payload["content"])
    assert len(method["principles"]) == 15 and method["coverage_threshold"] == 0.8
    assert payload["filename"].startswith(f"methodology-{method['methodology_version']}-r")


def test_methodology_csv_one_row_per_indicator_or_category(fw):
    payload = fw.download_csv(1, None)
    csv = pd.read_csv(io.StringIO(payload["content"]), comment="#")
    method = json.loads(sql("SELECT value FROM release_info WHERE key = 'methodology'")["value"][0])
    expected = sum(max(1, len(ind["categories"])) for ind in method["indicators"].values())
    assert len(csv) == expected and set(csv["indicator_id"]) == set(method["indicators"])
    lfpr = csv[csv["indicator_id"] == "female_lfpr"].iloc[0]
    assert (lfpr["green"], lfpr["red"], lfpr["optimum"], lfpr["lower_bound"]) == (60, 35, 78, 15)


def test_matrix_csv_is_the_matrix_shown(fw):
    from dashboard.pages import _framework_view as view
    from dashboard.queries import framework as q

    rows = fw.update_matrix("Europe", None)[0]
    rows = sorted(rows, key=lambda r: r["p9"])[:7]  # as if sorted by principle 9 and on the first page of a filter
    columns = [c.spec() for c in view.matrix_columns(q.principles())]
    payload = fw.download_matrix(1, rows, columns, "?region=Europe&sort=p9", None)
    csv = pd.read_csv(io.StringIO(payload["content"]), comment="#")
    assert len(csv) == 7 and list(csv["ISO3"]) == [r["country"] for r in rows]
    assert not csv["Country"].str.startswith("[").any()
    assert (csv["P13 Recruitment and placement services"] == view.NO_INDICATOR).all()
    assert csv["P9 Labour standards and equality of treatment"].str.match(r"^\d+% · ").all()
