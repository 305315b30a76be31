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


def test_the_embed_snippet_frames_the_chart_pinned_to_the_release_shown(page, release_id: str) -> None:
    with use_lang("fr"):
        tree = str(page.layout(indicator_id="lfpr_national", sex="both", countries="COL,SEN"))
    src = f"/embed/indicator/lfpr_national?sex=both&amp;countries=COL,SEN&amp;release={release_id}&amp;lang=fr"
    assert f'<iframe src="{src}" title="Taux d' in tree and 'height="640"' in tree
    assert "Intégrer ce graphique à votre site" in tree


def test_the_embed_page_is_the_chart_alone_with_its_release_and_sources(release_id: str) -> None:
    embed = importlib.import_module("dashboard.pages.embed")
    with use_lang("es"):
        text = str(embed.layout(indicator_id="lfpr_national", sex="both", countries="COL", release=release_id))
    assert "embed-page" in text and "indicator-year-slider" not in text and "target='_blank'" in text
    assert f"Versión {release_id} (fijada" in text and "United Nations Statistics Division" in text
    assert "Colombia en" in text, "the caption says the women's and men's values"
    assert "indicator-not-found" in str(embed.layout(indicator_id="nope"))
