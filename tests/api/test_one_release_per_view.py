"""One release per view: a page pins the release it reads once, at its edge, keeps the id in its store, and every
later callback of the view reads that release even when a publish lands between them (issue 15). The API pins one
release per request the same way."""

from __future__ import annotations

import importlib

import dash
import pytest

from tests.api.conftest import TwoReleases


@pytest.fixture(scope="module")
def indicator_page(tmp_path_factory: pytest.TempPathFactory):
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    return importlib.import_module("dashboard.pages.indicator")


def store(layout, ident: str):
    from tests.dashboard.test_country import find

    return find(layout, ident).data


def zwe_1901(rows: list[dict]) -> object:
    """The planted value of the second release (female LFPR, Zimbabwe, men, 1901) as the table shows it."""
    return next(r for r in rows if r["iso3"] == "ZWE").get("value")


def test_a_callback_after_a_publish_reads_the_release_its_page_was_built_from(
    in_two_releases: TwoReleases, indicator_page
) -> None:
    from warehouse import releases

    releases.point_current_to(in_two_releases.first)
    indicator_page.layout.cache_clear()
    layout = indicator_page.layout(indicator_id="female_lfpr")
    pinned = store(layout, "indicator-release")
    assert pinned == in_two_releases.first, "the store keeps the concrete release, not 'current'"

    releases.point_current_to(in_two_releases.second)  # a publish lands between the page and its callback
    _, _, rows, *_ = indicator_page.on_year_or_sex(1901, "male", "female_lfpr", pinned)
    assert zwe_1901(rows) is None, "the view's callback reads the release the page showed"
    _, _, fresh, *_ = indicator_page.on_year_or_sex(1901, "male", "female_lfpr", None)
    assert zwe_1901(fresh) == 1.0, "control: the new current release has the planted value"
    again = indicator_page.layout(indicator_id="female_lfpr")
    assert store(again, "indicator-release") == in_two_releases.second, "a new view pins the new release"


def test_an_api_request_names_the_release_it_read(in_two_releases: TwoReleases, client) -> None:
    from warehouse import releases

    releases.point_current_to(in_two_releases.second)
    body = client.get("/api/v1/observations?indicator=female_lfpr&country=ZWE&year_from=1901&year_to=1901").get_json()
    assert body["release"] == in_two_releases.second and body["rows"][0]["value"] == 1.0
