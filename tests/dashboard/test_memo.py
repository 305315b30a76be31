"""dashboard/pages/_memo.py: a kept layout is the one built for the same release, language and URL; served again,
it carries its JSON, which must be exactly the JSON of the same layout built anew."""

from __future__ import annotations

import importlib

import dash
import pytest
from dash._utils import to_json

from dashboard.i18n import use_lang


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    """The country page under a Dash app with no other pages (register_page needs an app), its memo emptied."""
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    module = importlib.import_module("dashboard.pages.country")
    module.layout.cache_clear()
    return module


def test_a_layout_asked_again_is_the_kept_one_with_the_json_of_one_built_anew(page) -> None:
    first = page.layout(iso3="PHL")
    assert "to_plotly_json" not in vars(first), "a layout asked once carries no extra JSON"
    again = page.layout(iso3="PHL")
    assert again is first
    assert "to_plotly_json" in vars(again)
    assert to_json(again) == to_json(page.layout.__wrapped__(iso3="PHL"))


def test_language_and_url_keep_layouts_apart(page) -> None:
    english = page.layout(iso3="GHA")
    with use_lang("fr"):
        french = page.layout(iso3="GHA")
        assert french is page.layout(iso3="GHA")
    assert french is not english
    assert to_json(french) != to_json(english)
    assert page.layout(iso3="GHA", group="principle") is not english
