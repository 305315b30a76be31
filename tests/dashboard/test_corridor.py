"""`/corridor/<ORIGIN>/<DEST>`: stocks by sex, coverage of the source, each side's rules and the asymmetry note,
CSV and URL callbacks, as plain functions on the real release built from the bundled seed."""

from __future__ import annotations

import importlib
import io

import dash
import pandas as pd
import pytest
from dash import no_update

from dashboard.queries import corridor as q
from tests.dashboard.test_country import find, text
from warehouse.connection import cursor

# Published IAB brain-drain figures (iabbd_8010_v1_gender.xls, sheet USA, row Mexico, 2010).
MEX_USA_2010 = {"total": 11_468_807, "female": 5_182_146, "male": 6_286_661}


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    """The page module, imported under a Dash app that has no other pages (register_page needs an app)."""
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    return importlib.import_module("dashboard.pages.corridor")


@pytest.fixture(scope="module")
def mex_usa(release_id: str) -> q.Corridor:
    found = q.corridor("MEX", "USA", release_id)
    assert found is not None
    return found


def test_mex_usa_2010_stock_is_the_published_iab_value(release_id: str, mex_usa: q.Corridor) -> None:
    _, cur = cursor(release_id)
    stored = cur.execute(
        "SELECT sex, value FROM observations WHERE indicator_id = 'migrant_stock_corridor' AND country = 'MEX'"
        " AND partner_country = 'USA' AND year = 2010",
    ).fetchall()
    assert dict(stored) == MEX_USA_2010
    shown = {r["sex"]: r["value"] for r in mex_usa.stock if r["year"] == 2010}
    assert shown == MEX_USA_2010
    table = q.stock_table(mex_usa.stock)
    assert [r["year"] for r in table] == list(range(1980, 2011, 5))
    assert table[-1]["women_share"] == pytest.approx(100 * 5_182_146 / 11_468_807)


def test_layout_shows_chart_and_table_row(page) -> None:
    layout = page.layout(origin="MEX", dest="USA")
    assert find(layout, "corridor-stock-graph").figure["data"][0]["name"] == "Total"
    table = text(find(layout, "corridor-stock-table"))
    assert "2010 11,468,807 5,182,146 6,286,661 45.2%" in table
    assert "20 OECD destinations" in text(layout)
    assert find(layout, "corridor-origin").value == "MEX" and find(layout, "corridor-dest").value == "USA"
    assert find(layout, "corridor-swap").href == "/corridor/USA/MEX"


def test_destination_outside_the_source_says_which_it_covers(page, release_id: str) -> None:
    found = q.corridor("MEX", "JPN", release_id)
    assert found is not None and found.stock == []
    assert len(found.covered) == 20 and "JPN" not in found.covered and "USA" in found.covered
    words = text(find(page.layout(origin="MEX", dest="JPN"), "corridor-no-stock"))
    assert "Japan is not one of them" in words and "Australia" in words and "Switzerland" in words


def test_each_side_rules_and_asymmetry(mex_usa: q.Corridor, page) -> None:
    mex = {r["indicator_id"]: r for r in mex_usa.rules["MEX"]}
    usa = {r["indicator_id"]: r for r in mex_usa.rules["USA"]}
    assert list(mex)[:3] == ["dual_citizenship_acceptance", "dual_citizenship_emigrants", "naturalisation_renunciation"]
    assert (mex["naturalisation_renunciation"]["level"], usa["naturalisation_renunciation"]["level"]) == (
        "red",
        "green",
    )
    flagged = {o["indicator_id"] for o, _ in q.asymmetries(mex_usa.rules["MEX"], mex_usa.rules["USA"])}
    assert "naturalisation_renunciation" in flagged and "dual_citizenship_emigrants" in flagged
    assert "dual_citizenship_acceptance" not in flagged  # yellow vs green: both score well
    assert "ilo_c097" not in flagged  # not known on both sides is never an asymmetry
    note = text(find(page.layout(origin="MEX", dest="USA"), "corridor-asymmetry"))
    assert "Naturalising immigrants must renounce" in note and "major challenges" in note


def test_no_agreement_or_recruitment_figure_is_said(page) -> None:
    layout = page.layout(origin="MEX", dest="USA")
    assert "No social-security agreement between Mexico and United States" in text(find(layout, "corridor-agreements"))
    assert "No recruitment-cost figure" in text(find(layout, "corridor-recruitment"))


def test_bad_codes_are_explained(page) -> None:
    assert "no country with the code “XXX”" in text(find(page.layout(origin="XXX", dest="USA"), "corridor-problem"))
    assert "aggregate, not a country" in text(find(page.layout(origin="MEX", dest="WLD"), "corridor-problem"))
    assert "two different countries" in text(find(page.layout(origin="MEX", dest="MEX"), "corridor-problem"))
    assert "Choose the origin" in text(find(page.layout(origin="none", dest="none"), "corridor-problem"))


def test_dropdowns_write_the_url(page) -> None:
    assert page.choose("PHL", "USA", "/corridor/MEX/USA") == "/corridor/PHL/USA"
    assert page.choose("MEX", "USA", "/corridor/MEX/USA") is no_update
    assert page.choose(None, "USA", "/corridor/MEX/USA") is no_update


def test_csv_holds_what_the_page_shows(page, mex_usa: q.Corridor, release_id: str) -> None:
    payload = page.download_csv(1, {"origin": "MEX", "dest": "USA", "release": release_id})
    frame = pd.read_csv(io.StringIO(payload["content"]), comment="#")
    stock = frame[frame["section"] == "migrant stock"]
    assert len(stock) == 21  # 7 years x 3 sexes
    row = stock[(stock["year"] == 2010) & (stock["sex"] == "total")].iloc[0]
    assert (row["value"], row["country"], row["partner_country"]) == (11_468_807, "MEX", "USA")
    rules = frame[frame["section"] == "rules"]
    assert set(rules["country"]) == {"MEX", "USA"} and len(rules) == 2 * len(q.RULE_INDICATORS)
    assert set(frame["release"]) == {release_id}
    assert payload["filename"] == f"corridor_MEX_USA_{release_id}.csv"
