"""/indicator/<id>: the share link pinned to the release shown (?view=chart opens the chart alone), and the table's
country names as links to the profiles, plain names in the download (real release built from the seed)."""

from __future__ import annotations

import importlib
import io

import dash
import pandas as pd
import pytest

from dashboard.i18n import use_lang


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    return importlib.import_module("dashboard.pages.indicator")


def test_the_share_link_is_pinned_to_the_release_shown(page, release_id: str) -> None:
    with use_lang("es"):
        tree = str(page.layout(indicator_id="lfpr_national", sex="both", countries="KEN,PER"))
    expected = f"/indicator/lfpr_national?sex=both&countries=KEN,PER&release={release_id}&view=chart&lang=es"
    assert expected in tree and f"fijado a la versión {release_id}" in tree


def test_view_chart_is_the_chart_alone(page, release_id: str) -> None:
    alone = page.layout(indicator_id="lfpr_national", sex="both", countries="KEN", release=release_id, view="chart")
    text = str(alone)
    assert "indicator-chart-alone" in text and "indicator-year-slider" not in text and "indicator-map" not in text
    assert f"Release {release_id} (pinned" in text and "/indicator/lfpr_national?sex=both&countries=KEN" in text
    assert "Kenya in" in text, "the caption says the women's and men's values"


def test_table_links_each_country_and_the_download_keeps_plain_names(page) -> None:
    with use_lang("fr"):
        _, _, rows, columns, _ = page.year_outputs("female_lfpr", 2020, "female", None)
        ken = next(r for r in rows if r["iso3"] == "KEN")
        assert ken["country_link"] == "[Kenya](/country/KEN?lang=fr)"
        assert {"id": "country_link", "name": "Pays", "type": "text", "presentation": "markdown"} in columns
        payload = page.download_table(1, [ken], columns, "female_lfpr", 2020, "female", None)
    table = pd.read_csv(io.StringIO(payload["content"].lstrip("\ufeff")))
    assert table.loc[0, "Pays"] == "Kenya"
