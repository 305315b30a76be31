"""A compare of a new set of countries is assembled from each country's kept part (dashboard/queries/compare.py
`country_part`, the page's worded rows and heat-map cells): the same rows as the compare's queries give for those
countries, and the same page, byte for byte, whether its parts were kept from other compares or built cold.

The countries cover the kinds of area a compare can hold: states, a territory (PRI, ABW), economies without an
income group (COK, AIA), an uninhabited area (ATA) and historical codes (YUG, CSK)."""

from __future__ import annotations

import re

import pytest

from tests.dashboard.test_first_view import forget_the_app_of_requests, the_app

SETS = [["MEX", "PHL", "GHA"], ["PRI", "USA", "COK"], ["ATA", "FRA", "YUG"], ["CSK", "ABW", "AIA", "MEX"],
        ["DEU", "IND", "BRA", "NGA", "KEN", "SEN", "NPL", "BGD", "MAR", "COL", "PER", "VNM", "JPN", "GBR", "CHL"],
        ["GHA", "GHA", "PHL"]]  # fmt: skip
THEMES = [None, "recruitment", "women", "portability", "dual_nationality"]


def by(*keys: str):
    return lambda row: tuple(str(row[k]) for k in keys)


@pytest.mark.parametrize("codes", SETS)
def test_the_kept_parts_assemble_the_queries_answers(release_id: str, codes: list[str]) -> None:
    from dashboard.queries import compare as q

    q._PARTS.clear()
    q._CONTEXT.clear()
    for theme in THEMES:
        # the scorecard and theme scores come in no order of their own (the page sorts them): compared as sets
        key = by("indicator_id", "country")
        assert sorted(q.kept_scorecard(codes, theme), key=key) == sorted(q.scorecard(codes, theme), key=key)
        key = by("theme", "country")
        assert sorted(q.kept_theme_scores(codes, theme), key=key) == sorted(q.theme_scores(codes, theme), key=key)
        for scored_only in (True, False):
            assert q.kept_series(codes, theme, scored_only=scored_only) == q.series(codes, theme, None, scored_only)
    assert q.kept_principle_scores(codes) == q.principle_scores(codes)


def test_the_kept_parts_are_not_changed_by_their_users(release_id: str) -> None:
    from dashboard.queries import compare as q

    first = q.kept_scorecard(["MEX"])
    first[0]["value"] = "changed"
    assert q.kept_scorecard(["MEX"])[0]["value"] != "changed"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_table_rows_are_the_worded_query_rows_in_display_order(release_id: str, lang: str) -> None:
    """table_rows (kept worded rows per country) == enrich of the scorecard query, as the page built it before."""
    from dashboard.i18n import use_lang
    from dashboard.pages import _compare_selection as chosen
    from dashboard.pages import _compare_view as view
    from dashboard.queries import compare as q

    the_app()
    with use_lang(lang):
        ref, themes = chosen.reference(), q.themes()
        for codes in SETS:
            for theme in THEMES:
                selection = chosen.resolve(codes, None, theme, ref, themes["theme_id"])
                expected = view.enrich(q.scorecard(list(selection.members), selection.theme), q.categories(), themes,
                                       selection.members)  # fmt: skip
                assert view.table_rows(selection, None) == expected


def _clear_compare_memos() -> None:
    from dashboard import first_view
    from dashboard.components.heatmap import heat_cell
    from dashboard.pages import _compare_view as view
    from dashboard.pages import compare
    from dashboard.queries import compare as q

    q._PARTS.clear()
    q._CONTEXT.clear()
    for kept in (view._country_rows, view._aggregate_cell_of, heat_cell, compare.layout, first_view._drawn,
                 first_view._layout_json):  # fmt: skip
        kept.cache_clear()  # type: ignore[attr-defined, union-attr]


def _served(client, url: str) -> tuple[str, str]:
    """(the page's HTML without Dash's per-process token, Dash's layout JSON) as the app serves them."""
    page = client.get(url).get_data(as_text=True)
    layout = client.get("/_dash-layout", headers={"Referer": f"http://localhost{url}"}).get_data(as_text=True)
    return re.sub(r'"end_id":"[^"]*"', "", page), layout


def test_a_compare_is_the_same_page_from_kept_parts_as_built_cold(release_id: str) -> None:
    client = the_app().server.test_client()
    try:
        urls = [f"/compare?countries={','.join(codes)}" + (f"&theme={theme}" if theme else "") + f"&lang={lang}"
                for codes, theme, lang in [(SETS[0], None, "en"), (SETS[1], "women", "fr"), (SETS[2], None, "es"),
                                           (SETS[3], "portability", "fr"), (SETS[4], None, "en")]]  # fmt: skip
        cold = {}
        for url in urls:
            _clear_compare_memos()
            cold[url] = _served(client, url)
        _clear_compare_memos()
        for url in reversed(urls):  # every country's part kept by the others first (and in other languages)
            for other in urls:
                if other != url:
                    _served(client, other)
            _clear_compare_memos_of_pages()
            assert _served(client, url) == cold[url], url
    finally:
        forget_the_app_of_requests()


def _clear_compare_memos_of_pages() -> None:
    """Forget the whole pages (HTML, layout), keep the countries' parts: the next compare is assembled from them."""
    from dashboard import first_view
    from dashboard.pages import compare

    for kept in (compare.layout, first_view._drawn, first_view._layout_json):
        kept.cache_clear()  # type: ignore[attr-defined, union-attr]


@pytest.mark.parametrize("theme", ["women", "portability"])
def test_a_themed_compare_of_countries_not_kept_runs_its_themes_queries_and_keeps_nothing(release_id, theme):
    """With a theme chosen and countries not kept yet, the page runs that theme's own queries (reading and wording
    every theme to keep them is the slower path at 50x scale): the same rows as assembled from kept parts, and no
    part kept by it."""
    from dashboard.pages import _compare_view as view
    from dashboard.pages._compare_selection import Selection
    from dashboard.queries import compare as q

    codes = ("PRI", "COK", "ATA", "MEX")
    selection = Selection(countries=codes, group=None, theme=theme)
    q._PARTS.clear()
    fresh = view.table_rows(selection, release_id)
    assert not view.from_kept_parts(selection, release_id) and not q.all_kept(list(codes), release_id)
    q.country_parts(list(codes), release_id)
    assert view.from_kept_parts(selection, release_id)
    assert view.table_rows(selection, release_id) == fresh
