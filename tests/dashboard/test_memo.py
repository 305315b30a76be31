"""dashboard/memo.py and dashboard/pages/_query.py: a page resolves ?release= once to the concrete release id and
keeps a layout per release, language and URL (never stale: a release never changes); the one memo is bounded."""

from __future__ import annotations

import importlib

import dash
import pytest

from dashboard.i18n import use_lang
from dashboard.memo import memo
from dashboard.pages._query import one


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    """The country page under a Dash app with no other pages (register_page needs an app), its memo emptied."""
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    module = importlib.import_module("dashboard.pages.country")
    module.layout.cache_clear()
    return module


def test_a_layout_asked_again_is_the_kept_one(page, release_id: str) -> None:
    first = page.layout(iso3="PHL")
    assert page.layout(iso3="PHL") is first
    pinned = page.layout(iso3="PHL", release=release_id)  # another URL, the same release: the same figures
    assert pinned is page.layout(iso3="PHL", release=release_id) and pinned.children[0].data == first.children[0].data


def test_language_and_url_keep_layouts_apart(page) -> None:
    english = page.layout(iso3="GHA")
    with use_lang("fr"):
        french = page.layout(iso3="GHA")
        assert french is page.layout(iso3="GHA")
    assert french is not english
    assert page.layout(iso3="GHA", group="principle") is not english


def test_the_memo_is_bounded_and_keyed_by_every_argument() -> None:
    calls: list[tuple] = []

    @memo(2)
    def double(x: int, *, sex: str = "total") -> tuple:
        calls.append((x, sex))
        return (2 * x, sex)

    assert double(1) == double(1) == (2, "total") and calls == [(1, "total")]
    double(1, sex="female")
    double(2)  # three keys kept in a memo of two: the oldest (1, total) goes
    double(1)
    assert calls == [(1, "total"), (1, "female"), (2, "total"), (1, "total")]


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("", None), ("MEX", "MEX"), (["MEX", "PHL"], "MEX"),
                                                 ([], None), (2020, "2020")])  # fmt: skip
def test_one_value_per_query_key(value: object, expected: str | None) -> None:
    assert one(value) == expected
