"""GET /api/v1/indicators[/<id>]: when each source was last updated and when the next update is expected (added
fields, issue 18); the indicator page says the same in en/es/fr."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import dash
import pytest

from dashboard.i18n import use_lang
from indicators.updates import next_yearly


def test_one_indicator_says_last_and_next_update(client, release_id: str) -> None:
    body = client.get("/api/v1/indicators/wb_income_group").get_json()["indicator"]
    assert body["last_updated"]["wb_class_fy2026"].startswith("2025-10-07")
    assert body["last_updated"]["wb_class"].startswith("2022-07-01")
    expected = next_yearly("07-01", datetime.now(UTC).date()).isoformat()
    assert body["next_expected_update"] == expected
    assert {u["basis"] for u in body["updates"]} == {"schedule"}
    assert body["source_ids"] == ["wb_class", "wb_class_fy2026"], "the fields before stay as they were"


def test_a_source_without_a_stated_schedule_is_not_announced(client, release_id: str) -> None:
    body = client.get("/api/v1/indicators").get_json()
    lfpr = next(i for i in body["indicators"] if i["indicator_id"] == "female_lfpr")
    assert lfpr["last_updated"] == {"wb_wdi": "2025-03-24"}
    assert lfpr["next_expected_update"] is None
    assert lfpr["updates"] == [{"source_id": "wb_wdi", "last_updated": "2025-03-24", "next_expected": None,
                                "basis": None, "detail": None}]  # fmt: skip
    assert all("next_expected_update" in i and "updates" in i for i in body["indicators"])


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    return importlib.import_module("dashboard.pages.indicator")


@pytest.mark.parametrize(
    ("lang", "last", "next_words"),
    [("en", "Last updated", "Not announced by the source"), ("es", "Última actualización", "No anunciada por la fuente"),
     ("fr", "Dernière mise à jour", "Non annoncée par la source")],
)  # fmt: skip
def test_the_indicator_page_says_it(page, lang: str, last: str, next_words: str) -> None:
    with use_lang(lang):
        text = str(page.layout(indicator_id="female_lfpr"))
        scheduled = str(page.layout(indicator_id="wb_income_group"))
    assert last in text and "2025-03-24" in text and next_words in text
    assert next_words not in scheduled and "07" in scheduled
