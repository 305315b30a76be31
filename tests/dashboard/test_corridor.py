"""`/corridor/<ORIGIN>/<DEST>`: the 2021 stock (KNOMAD, every pair) and the IAB series by sex (1980-2010, 20 OECD
destinations) with the series break between them, remittances both ways with the third-party-copy flag, each side's
rules, scorecard and the asymmetry note, a historical end, CSV and URL callbacks, as plain functions on the real
release built from the bundled seed."""

from __future__ import annotations

import importlib
import io

import dash
import pandas as pd
import pytest
from dash import no_update

from dashboard.queries import corridor as q
from tests.dashboard.test_country import find, walk
from warehouse.connection import cursor

# Published IAB brain-drain figures (iabbd_8010_v1_gender.xls, sheet USA, row Mexico, 2010).
MEX_USA_2010 = {"total": 11_468_807, "female": 5_182_146, "male": 6_286_661}
# Published KNOMAD figures (bilateral_migration_matrix_2021_latest.xlsx: row Nepal, column Qatar; the remittance
# matrix: row Qatar (sending), column Nepal (receiving), US$ million; both named in their SOURCE.txt).
NPL_QAT_2021 = 253_940
QAT_TO_NPL_2021 = 1_098.6
THIRD_PARTY = "Third-party copy: not verified against the publisher's file"


def text(component: object) -> str:
    """The component's words in reading order, spaces as a reader sees them."""
    out: list[str] = []

    def visit(node: object) -> None:
        if isinstance(node, str | int | float):
            out.append(str(node))
        elif isinstance(node, list | tuple):
            for child in node:
                visit(child)
        elif node is not None:
            visit(getattr(node, "children", None))

    visit(component)
    return " ".join(" ".join(out).split())


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
    assert [(r["year"], r["source_id"]) for r in table] == [(y, "iab_brain_drain") for y in range(1980, 2011, 5)] + [
        (2021, "knomad_migration")
    ]
    assert table[-2]["women_share"] == pytest.approx(100 * 5_182_146 / 11_468_807)
    assert (table[-1]["female"], table[-1]["male"], table[-1]["women_share"]) == (None, None, None)  # both sexes only


def test_2021_stock_is_the_published_knomad_value_with_the_break_flag(release_id: str) -> None:
    found = q.corridor("NPL", "QAT", release_id)
    assert found is not None and found.latest is not None
    assert (found.latest["value"], found.latest["year"], found.latest["sex"]) == (NPL_QAT_2021, 2021, "total")
    assert found.latest["flags"].startswith("break=source changed from IAB")
    assert found.iab == []  # Qatar is not an IAB destination


def test_layout_shows_chart_with_the_break_and_table_rows(page) -> None:
    layout = page.layout(origin="MEX", dest="USA")
    figure = find(layout, "corridor-stock-graph").figure
    names = [trace["name"] for trace in figure["data"]]
    assert names == [
        "Total (IAB, OECD destinations)",
        "Women (IAB, OECD destinations)",
        "Men (IAB, OECD destinations)",
        "Total 2021 (KNOMAD, all pairs)",
    ]
    assert figure["data"][3]["x"] == [2021] and figure["data"][3]["y"] == [10_924_662]
    assert max(figure["data"][0]["x"]) == 2010  # the IAB line never runs into the 2021 point
    (line,) = figure["layout"]["shapes"]
    assert line["x0"] == line["x1"] == 2015.5  # drawn between 2010 and 2021
    assert figure["layout"]["annotations"][0]["text"] == "Series break: IAB → KNOMAD"
    assert "source changes from IAB (1980-2010, 20 OECD destinations, by sex) to KNOMAD" in text(
        find(layout, "corridor-break")
    )
    table = text(find(layout, "corridor-stock-table"))
    assert "2010 11,468,807 5,182,146 6,286,661 45.2% IAB" in table
    assert "Series break: the source changes from IAB" in table
    assert "2021 10,924,662 both sexes only KNOMAD" in table
    assert "20 OECD destinations" in text(layout)
    assert find(layout, "corridor-origin").value == "MEX" and find(layout, "corridor-dest").value == "USA"
    assert find(layout, "corridor-swap").href == "/corridor/USA/MEX"


def test_destination_outside_iab_has_its_2021_figure_and_says_which_iab_covers(page, release_id: str) -> None:
    found = q.corridor("MEX", "JPN", release_id)
    assert found is not None and found.iab == [] and found.latest is not None
    assert len(found.covered) == 20 and "JPN" not in found.covered and "USA" in found.covered
    layout = page.layout(origin="MEX", dest="JPN")
    words = text(find(layout, "corridor-no-stock"))
    assert "Japan is not one of them" in words and "Australia" in words and "Switzerland" in words
    figure = find(layout, "corridor-stock-graph").figure
    assert [t["name"] for t in figure["data"] if t["x"]] == ["Total 2021 (KNOMAD, all pairs)"]
    assert "1980-2010: no IAB figures for this pair" in [a["text"] for a in figure["layout"]["annotations"]]
    assert figure["layout"]["shapes"][0]["x0"] == 2015.5  # the break is drawn on this chart too


def test_npl_qat_latest_stock_and_remittances_both_ways(page) -> None:
    layout = page.layout(origin="NPL", dest="QAT")
    assert text(find(layout, "corridor-latest-value")) == "253,940"
    latest = text(find(layout, "corridor-latest-section"))  # KNOMAD's nature=e is said by its estimate's sentence
    assert "KNOMAD/World Bank staff estimates from UN DESA" in latest and "nature" not in latest
    received = text(find(layout, "corridor-remittance-NPL"))
    assert received.startswith("Received in Nepal from Qatar 1,098.6 2021")
    assert THIRD_PARTY in received and "Model estimate: KNOMAD model (Ratha and Shaw 2007)" in received
    reverse = text(find(layout, "corridor-remittance-QAT"))
    assert reverse == "Received in Qatar from Nepal no data"  # missing is no data, never 0
    assert "Context, never a score" in text(find(layout, "corridor-latest-section"))


def test_each_side_rules_and_asymmetry(mex_usa: q.Corridor, page) -> None:
    mex = {r["indicator_id"]: r for r in mex_usa.rules["MEX"]}
    usa = {r["indicator_id"]: r for r in mex_usa.rules["USA"]}
    assert list(mex)[:3] == ["dual_citizenship_acceptance", "dual_citizenship_emigrants", "naturalisation_renunciation"]
    assert (mex["naturalisation_renunciation"]["level"], usa["naturalisation_renunciation"]["level"]) == (
        "red",
        "green",
    )
    from dashboard.pages._corridor_view import asymmetries

    flagged = {o["indicator_id"] for o, _ in asymmetries(mex_usa.rules["MEX"], mex_usa.rules["USA"])}
    assert "naturalisation_renunciation" in flagged and "dual_citizenship_emigrants" in flagged
    assert "dual_citizenship_acceptance" not in flagged  # yellow vs green: both score well
    assert "ilo_c097" not in flagged  # not known on both sides is never an asymmetry
    note = text(find(page.layout(origin="MEX", dest="USA"), "corridor-asymmetry"))
    assert "Naturalising immigrants must renounce" in note and "major challenges" in note


def test_scorecards_of_both_sides_on_the_corridor_principles(page, mex_usa: q.Corridor) -> None:
    for iso3 in ("MEX", "USA"):
        assert sorted(q.principles(mex_usa.cards[iso3])) == [2, 9, 13, 15]
    rows = find(page.layout(origin="MEX", dest="USA"), "corridor-scorecards").children[1].children
    assert [text(r.children[0]) for r in rows] == [
        "Principle 2. International cooperation",
        "Principle 9. Labour standards and equality of treatment",
        "Principle 13. Recruitment and placement services",
        "Principle 15. Migration and development",
    ]
    for row, number in zip(rows, q.PRINCIPLES, strict=True):
        for cell, iso3 in zip(row.children[1:], ("MEX", "USA"), strict=True):
            group = q.principles(mex_usa.cards[iso3])[number]
            words = text(cell)
            if group["status"] == "scored":
                assert f"score {group['score']:.0f}" in words
            else:
                assert words.startswith(("No score", "Not measured by public data"))
                assert all(m["title"] in words for m in group["missing"])  # what is missing, and why


def test_historical_origin_is_said_and_links_to_its_successors(page, release_id: str) -> None:
    found = q.corridor("SCG", "DEU", release_id)
    assert found is not None and "no_scorecard" in found.cards["SCG"]
    assert {r["year"] for r in found.iab} == set(range(1980, 2011, 5)) and found.latest is None
    layout = page.layout(origin="SCG", dest="DEU")
    note = find(layout, "corridor-historical-SCG")
    assert "Serbia and Montenegro (SCG) existed 2003-2006" in text(note)
    links = [c for c in walk(note) if getattr(c, "href", None)]
    assert [link.href for link in links] == ["/corridor/MNE/DEU", "/corridor/SRB/DEU", "/corridor/XKX/DEU"]
    assert "no longer existed" in text(find(layout, "corridor-latest"))
    assert "2010 415,908" in text(find(layout, "corridor-stock-table"))  # IAB, DEU!T158
    assert "No scorecard: a historical area" in text(find(layout, "corridor-scorecards"))


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
    assert len(stock) == 7 * 3 + 1  # IAB: 7 years x 3 sexes; KNOMAD: 2021, both sexes
    row = stock[(stock["year"] == 2010) & (stock["sex"] == "total")].iloc[0]
    assert (row["value"], row["country"], row["partner_country"], row["source_id"]) == (
        11_468_807,
        "MEX",
        "USA",
        "iab_brain_drain",
    )
    latest = stock[stock["year"] == 2021].iloc[0]
    assert (latest["value"], latest["source_id"]) == (10_924_662, "knomad_migration")
    assert latest["flags"].startswith("break=")
    money = frame[frame["section"] == "remittances"]
    assert list(zip(money["country"], money["partner_country"], strict=True)) == [("MEX", "USA"), ("USA", "MEX")]
    assert money["flags"].str.contains("third_party_copy=not verified against the publisher's file").all()
    rules = frame[frame["section"] == "rules"]
    assert set(rules["country"]) == {"MEX", "USA"} and len(rules) == 2 * len(q.RULE_INDICATORS)
    cards = frame[frame["section"] == "scorecard"]
    assert len(cards) == 2 * len(q.PRINCIPLES) and set(cards["status"]) <= {"scored", "single_indicator",
                                                                             "below_coverage", "not_measured"}  # fmt: skip
    assert set(frame["release"]) == {release_id}
    assert payload["filename"] == f"corridor_MEX_USA_{release_id}.csv"


def test_csv_says_no_data_for_a_missing_flow_never_0(page, release_id: str) -> None:
    payload = page.download_csv(1, {"origin": "NPL", "dest": "QAT", "release": release_id})
    frame = pd.read_csv(io.StringIO(payload["content"]), comment="#")
    money = frame[frame["section"] == "remittances"].set_index("country")
    assert money.loc["NPL", "value"] == pytest.approx(1098.5887, abs=1e-3)
    assert pd.isna(money.loc["QAT", "value"]) and money.loc["QAT", "value_shown"] == "No data"
