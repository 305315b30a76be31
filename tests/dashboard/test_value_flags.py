"""Per-value flags in words in the indicator table and its download (issue 18): estimated, modelled, steward
submitted, break in series, third-party copy (given/expect, and the real release built from the seed)."""

from __future__ import annotations

import importlib
import io

import dash
import pandas as pd
import pytest

from dashboard.components.provenance import value_flags
from dashboard.i18n import use_lang


@pytest.mark.parametrize(
    ("source", "flags", "expected"),
    [
        ("wb_wdi", "", ""),
        ("un_sdg", "nature=e", "Estimated"),
        ("wb_wdi", "estimate=ILO modelled", "Modelled (ILO modelled)"),
        ("steward", "submitted_by=INEGI", "Submitted by INEGI"),
        ("knomad_remittances", "third_party_copy=not verified against the publisher's file",
         "Third-party copy: not verified against the publisher's file"),
        ("knomad_migration", "break=source changed from IAB to KNOMAD", "Break in series: source changed from IAB to KNOMAD"),
        (None, "nature=e", ""),
    ],
)  # fmt: skip
def test_flags_in_words(source: str | None, flags: str, expected: str) -> None:
    assert value_flags(source, flags) == expected


def test_flags_in_spanish() -> None:
    with use_lang("es"):
        assert value_flags("knomad_migration", "break=x") == "Ruptura de serie: x"


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    return importlib.import_module("dashboard.pages.indicator")


def test_the_indicator_table_and_its_download_show_the_flags(page) -> None:
    _, _, rows, columns, _ = page.year_outputs("female_lfpr", 2020, "female", None)
    assert "Flags" in [c["name"] for c in columns]
    bgd = next(r for r in rows if r["iso3"] == "BGD")
    assert bgd["flags_text"] == "Modelled (ILO modelled)", "WDI's ILO modelled estimates say so on every row"
    payload = page.download_table(1, [bgd], columns, "female_lfpr", 2020, "female", None)
    table = pd.read_csv(io.StringIO(payload["content"].lstrip("\ufeff")))
    assert table.loc[0, "Flags"] == "Modelled (ILO modelled)" and table.loc[0, "Country"] == "Bangladesh"


def test_no_flag_column_where_no_value_has_one(page) -> None:
    _, _, _, columns, _ = page.year_outputs("ilo_c189", 2020, "total", None)
    assert "Flags" not in [c["name"] for c in columns]


def test_the_compare_table_says_the_flags_in_words(release_id: str) -> None:
    from dashboard.pages import _compare_selection as chosen
    from dashboard.pages import _compare_view as view

    ref = chosen.reference()
    selection = chosen.resolve("KEN,BGD", None, None, ref, [])
    rows = view.table_rows(selection, None)
    lfpr = [r for r in rows if r["indicator_id"] == "female_lfpr"]
    assert lfpr and all(r["flags_text"] == "Modelled (ILO modelled)" for r in lfpr)
    assert "flags_text" in [c.id for c in view.TABLE_COLUMNS] and "flags" in [c.id for c in view.TABLE_COLUMNS]


def test_the_profile_download_has_the_flags_in_words(page, release_id: str) -> None:
    country = importlib.import_module("dashboard.pages.country")
    payload = country.scorecard_download("KEN", "theme", release_id)
    table = pd.read_csv(io.StringIO(str(payload["content"]).lstrip("\ufeff")))
    lfpr = table[table["indicator_id"] == "female_lfpr"].iloc[0]
    assert lfpr["flags_in_words"] == "Modelled (ILO modelled)" and "estimate=" in lfpr["flags"]
