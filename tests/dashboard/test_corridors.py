"""`/corridors?origin=...|destination=...` (the corridor explorer) and the country profile's corridor sections
(main corridors, migrants' contributions, qualified women) as plain functions on the real release built from the
bundled seed. Expected values come from SQL on observations or from published figures, never from the page's code."""

from __future__ import annotations

import importlib
import io
from urllib.parse import unquote
from xml.etree import ElementTree

import dash
import pandas as pd
import pytest
from dash import no_update

from dashboard.queries import corridors as q
from tests.dashboard.test_country import find, sql, walk

# Published KNOMAD 2021 figures (SOURCE.txt of both matrices): Philippines -> United States is the largest
# Philippine corridor; remittances Qatar -> Nepal US$ 1,098.6 million.
PHL_USA_2021 = 2_061_178
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
def app(release_id: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))


@pytest.fixture(scope="module")
def explorer(app):
    return importlib.import_module("dashboard.pages.corridors")


@pytest.fixture(scope="module")
def country(app):
    return importlib.import_module("dashboard.pages.country")


def largest(release_id: str, indicator: str, where: str, iso3: str, partner: str) -> tuple:
    return sql(
        release_id,
        f"SELECT {partner}, value FROM observations WHERE indicator_id = ? AND {where} = ? AND sex = 'total'"
        " AND year = 2021 ORDER BY value DESC LIMIT 1",
        [indicator, iso3],
    )[0]


def test_origin_ranking_first_row_is_the_largest_published_corridor(explorer, release_id: str) -> None:
    layout = explorer.layout(origin="PHL")
    rows = find(layout, "corridors-by-stock").children[2].children
    first = text(rows[0])
    assert largest(release_id, "migrant_stock_corridor", "country", "PHL", "partner_country") == ("USA", PHL_USA_2021)
    assert first.startswith("1 United States (USA) 2,061,178 33.5% 12,836.6 †")
    link = next(c for c in walk(rows[0]) if getattr(c, "href", None))
    assert link.href == "/corridor/PHL/USA"
    assert len(rows) == explorer.SHOWN
    caption = text(find(layout, "corridors-by-stock").children[0])
    assert "2021" in caption and "KNOMAD" in caption
    assert THIRD_PARTY in text(layout)  # the † explained wherever remittance values appear


def test_remittance_ranking_and_destination_role(explorer, release_id: str) -> None:
    money = find(explorer.layout(origin="PHL"), "corridors-by-money").children[2].children
    top = largest(release_id, "remittance_flow_corridor", "country", "PHL", "partner_country")
    assert top[0] == "USA" and text(money[0]).startswith(f"1 United States (USA) {top[1]:,.1f} †")
    layout = explorer.layout(destination="QAT")
    first = find(layout, "corridors-by-stock").children[2].children[0]
    origin, value = largest(release_id, "migrant_stock_corridor", "partner_country", "QAT", "country")
    assert origin == "IND" and text(first).startswith(f"1 India (IND) {value:,.0f}")
    assert next(c for c in walk(first) if getattr(c, "href", None)).href == "/corridor/IND/QAT"
    yemen = next(r for r in find(layout, "corridors-by-stock").children[2].children if "(YEM)" in text(r))
    assert "no data" in text(yemen)  # no remittance estimate for Qatar -> Yemen: no data, never 0
    assert "KNOMAD/World Bank staff estimates" in text(first) and "nature" not in text(first)  # said once, in words


def test_show_all_and_the_url_callback(explorer) -> None:
    rows = find(explorer.layout(origin="PHL", all="1"), "corridors-by-stock").children[2].children
    assert len(rows) > explorer.SHOWN
    assert explorer.choose("destination", "QAT", "?origin=PHL&lang=es") == "?destination=QAT&lang=es"
    assert explorer.choose("origin", "PHL", "?origin=PHL") is no_update
    assert explorer.choose("origin", None, "") is no_update


def test_historical_unknown_and_empty_choices(explorer) -> None:
    words = text(find(explorer.layout(origin="SCG"), "corridors-historical"))
    assert "Serbia and Montenegro (SCG) is a historical area" in words and "Serbia (SRB)" in words
    assert "Close matches" in text(find(explorer.layout(origin="XXQ"), "corridors-problem"))
    assert "Choose a country" in text(find(explorer.layout(), "corridors-problem"))


def test_csv_has_every_corridor_with_sources_and_flags(explorer, release_id: str) -> None:
    payload = explorer.download_csv(1, {"role": "origin", "code": "PHL", "release": release_id})
    frame = pd.read_csv(io.StringIO(payload["content"]), comment="#")
    count = sql(release_id, "SELECT count(DISTINCT partner_country) FROM observations WHERE country = 'PHL' AND "
                "(indicator_id = 'remittance_flow_corridor' OR source_id = 'knomad_migration')", [])[0][0]  # fmt: skip
    assert len(frame) == count
    usa = frame[frame["partner_country"] == "USA"].iloc[0]
    assert (usa["rank_by_stock"], usa["migrant_stock"], usa["stock_source"]) == (1, PHL_USA_2021, "knomad_migration")
    assert "third_party_copy=" in usa["remittances_flags"] and usa["remittances_year"] == 2021
    assert payload["filename"] == f"corridors_origin_PHL_{release_id}.csv"


def test_profile_main_corridors_and_contributions(country, release_id: str) -> None:
    layout = country.layout(iso3="NPL")
    section = find(layout, "country-corridors")
    dest = find(section, "country-corridors-destination").children[2].children
    top = largest(release_id, "migrant_stock_corridor", "country", "NPL", "partner_country")
    assert len(dest) == q.TOP and text(dest[0]).startswith(f"India (IND) {top[1]:,.0f}")
    qat = next(r for r in dest if "(QAT)" in text(r))
    assert text(qat) == "Qatar (QAT) 253,940 1,098.6 †"
    origins = find(section, "country-corridors-origin").children[2].children
    assert next(c for c in walk(origins[0]) if getattr(c, "href", None)).href.endswith("/NPL")
    received = sql(release_id, "SELECT sum(value), count(*) FROM observations WHERE indicator_id = "
                   "'remittance_flow_corridor' AND country = 'NPL'", [])[0]  # fmt: skip
    words = text(find(section, "country-remittances-received"))
    assert words.startswith(f"US$ {received[0]:,.1f} million †") and f"the {received[1]} corridor" in words
    assert "remittances received, as a share of GDP" in text(find(section, "country-remittances-gdp"))
    assert "never enters a score" in text(section)
    hrefs = [c.href for c in walk(find(section, "country-corridors-links")) if getattr(c, "href", None)]
    assert hrefs == ["/corridors?origin=NPL", "/corridors?destination=NPL"]


def test_profile_qualified_women(country, release_id: str) -> None:
    section = find(country.layout(iso3="NPL"), "country-qualified-women")
    rates = dict(sql(release_id, "SELECT sex, value FROM observations WHERE indicator_id = 'emigration_rate_tertiary'"
                     " AND country = 'NPL' AND year = 2010 AND sex <> 'total'", []))  # fmt: skip
    assert round(rates["female"], 1) == 11.7 and round(rates["male"], 1) == 6.0  # IAB: Nepal F 0.1168 / M 0.0604
    female, total = (sql(release_id, "SELECT sum(value) FROM observations WHERE indicator_id = 'migrant_stock_corridor'"
                         " AND source_id = 'iab_brain_drain' AND country = 'NPL' AND year = 2010 AND sex = ?", [s])[0][0]
                     for s in ("female", "total"))  # fmt: skip
    last = text(find(section, "qualified-women-table").children[2].children[-1])
    gap = rates["female"] - rates["male"]
    assert last == f"2010 11.7 % 6.0 % {gap:.1f} points {100 * female / total:.1f}%"
    assert "a gap of 5.6 points" in text(find(section, "qualified-women-summary"))
    assert "20 OECD countries" in text(find(section, "qualified-women-caveat"))
    image = next(c for c in walk(section) if getattr(c, "src", "").startswith("data:image/svg+xml,"))
    svg = ElementTree.fromstring(unquote(image.src.split(",", 1)[1]))
    assert len(svg.findall("{http://www.w3.org/2000/svg}polyline")) == 2  # women and men
    assert "women 11.7 % and men 6.0 % in 2010" in " ".join(image.alt.split())


def test_profile_sections_say_no_data_when_there_is_none(country, release_id: str) -> None:
    assert q.qualified_women("XKX", release_id) == []  # Kosovo is not among IAB's origins
    layout = country.layout(iso3="XKX")
    assert "No data" in text(find(layout, "country-qualified-women"))
