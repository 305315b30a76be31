"""`/indicator/<id>`'s table links each value to its history (`/api/v1/history?indicator=&country=&year=`), as the
profile tiles do; the link answers with the series' values in each kept release; the download leaves it out."""

from __future__ import annotations

import importlib
import re

import dash
import pandas as pd
import pytest

from dashboard.i18n import use_lang


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    return importlib.import_module("dashboard.pages.indicator")


def test_each_value_links_to_its_history_and_the_link_answers(page, release_id: str) -> None:
    """Before: only profile tiles linked to a value's history; the indicator table had no such column."""
    _, _, rows, columns, _ = page.year_outputs("female_lfpr", 2020, "female", None)
    assert {"id": "history_link", "name": "History of this value", "presentation": "markdown"}.items() <= next(
        c for c in columns if c["id"] == "history_link").items()  # fmt: skip
    mex = next(r for r in rows if r["iso3"] == "MEX")
    found = re.fullmatch(r"\[in each release\]\((/api/v1/history\?[^)]+)\)", mex["history_link"])
    assert found and found[1] == "/api/v1/history?indicator=female_lfpr&country=MEX&year=2020", mex["history_link"]
    blank = [r["history_link"] for r in rows if r.get("value") is None and r.get("label") is None]
    assert blank and set(blank) == {""}  # no value, no link (a markdown cell of None reads 'null')

    from dashboard.app import create_app

    answer = create_app().server.test_client().get(found[1])
    assert answer.status_code == 200, answer.json
    assert answer.json["values"] and {v["year"] for v in answer.json["values"]} == {2020}
    assert release_id in {v["release"] for v in answer.json["values"]}


def test_the_link_is_in_the_readers_language_and_not_in_the_download(page) -> None:
    with use_lang("fr"):
        _, _, rows, columns, _ = page.year_outputs("female_lfpr", 2020, "female", None)
        assert next(r for r in rows if r["iso3"] == "MEX")["history_link"].startswith("[dans chaque version](")
        payload = page.download_table(1, [r for r in rows if r["iso3"] == "MEX"], columns, "female_lfpr", 2020,
                                      "female", None)  # fmt: skip
    table = pd.read_csv(pd.io.common.StringIO(payload["content"]), comment="#")
    assert "Historique de cette valeur" not in table.columns and "history" not in payload["content"]


def test_events_have_no_history_column(page) -> None:
    _, _, rows, columns, _ = page.year_outputs("ilo_c189", 2020, None, None)
    assert "history_link" not in [c["id"] for c in columns] and rows
