"""/practices, /practices/<id>, the country profile's and the framework's practice lists, as plain functions on the
real release: the list and its filters (all in the URL), the record with numbered citations, the indicator charts
with the start-year line and the "not proof of effect" note."""

from __future__ import annotations

import importlib
from urllib.parse import parse_qs

import dash
import pandas as pd
import pytest

from dashboard.pages import _practice_view as view
from tests.dashboard.test_compare import find, texts
from warehouse import practices as q


@pytest.fixture(scope="module")
def pages(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    """The page modules, imported under a Dash app that has no other pages (register_page needs an app)."""
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    names = ("practices", "practice", "country", "framework")
    return {n: importlib.import_module(f"dashboard.pages.{n}") for n in names}


def card_ids(children) -> list[str]:
    return [c.id.removeprefix("practice-card-") for c in children if getattr(c, "id", "").startswith("practice-card-")]


def test_the_list_shows_every_practice(pages, release_id: str) -> None:
    layout = pages["practices"].layout()
    assert len(card_ids(find(layout, "practices-list").children)) == 7
    assert find(layout, "practices-count").children == "7 practices."
    assert find(layout, "practices-release").children == release_id
    paisano = find(layout, "practice-card-mexico-paisano")
    assert "1989 – ongoing (as of 2019)" in " ".join(texts(paisano))
    assert "[ap-2005" not in " ".join(texts(paisano)), "list snippets drop the citation markers"


def test_filters_come_from_the_url_and_go_back_to_it(pages) -> None:
    layout = pages["practices"].layout(theme="portability", region="Americas", principle="bogus")
    assert card_ids(find(layout, "practices-list").children) == ["colombia-nos-une"]
    assert find(layout, "practices-principle").value is None, "an unknown value from the URL is dropped"
    assert find(layout, "practices-count").children == "1 of 7 practices match."
    assert parse_qs(find(layout, "practices-query").data[1:]) == {"theme": ["portability"], "region": ["Americas"]}
    cards, count, query = pages["practices"].update_list("nido", None, "15", "NGA", None, None)
    assert card_ids(cards) == ["nigeria-nido"] and count == "1 of 7 practices match."
    assert parse_qs(query[1:]) == {"q": ["nido"], "principle": ["15"], "country": ["NGA"]}
    cards, count, _ = pages["practices"].update_list("no such words", None, None, None, None, None)
    assert cards[0].id == "practices-none" and count == "0 of 7 practices match."


def test_search_reads_names_institutions_texts_and_countries() -> None:
    _, frame = q.practices()
    found = {
        s: set(q.filter_practices(frame, s)["practice_id"])
        for s in ("nigeria", "FUMEC", "registers", "consulates chicago", "colombia unites")
    }
    assert found == {
        "nigeria": {"nigeria-nido"},
        "FUMEC": {"mexico-techba"},
        "registers": {"chile-dicoex"},
        "consulates chicago": {"mexico-paisano"},
        "colombia unites": {"colombia-nos-une"},
    }


def test_the_record_cites_every_fact(pages, release_id: str) -> None:
    layout = pages["practice"].layout(practice_id="mexico-paisano")
    assert texts(find(layout, "practice-name"))[:2] == ["", "Programa Paisano"]
    facts = " ".join(texts(find(layout, "practice-facts")))
    assert "1989 – ongoing (as of 2019)" in facts and "12. " in facts and "Labour Migration Policy Monitor" in facts
    assert release_id in facts and "editorial file data/practices/practices.yaml" in facts
    sources = find(layout, "practice-sources")
    items = sources.children[1].children
    assert [i.id for i in items][:2] == ["source-ap-2005", "source-grilla-2018"]
    assert items[0].children[0].href.startswith("http")
    summary = find(layout, "practice-summary").children[1].children
    links = [a for sup in summary if isinstance(sup, dash.html.Sup) for a in sup.children if isinstance(a, dash.html.A)]
    assert links[0].href == "#source-ap-2005" and links[0].children == "1"
    assert "not proof of effect" in find(layout, "practice-not-proof").children


def test_linked_indicators_show_the_trend_since_the_start(pages) -> None:
    layout = pages["practice"].layout(practice_id="nigeria-nido")
    graph = find(layout, "practice-graph-remittances_gdp-NGA")
    line = graph.figure["layout"]["shapes"][0]
    assert line["x0"] == line["x1"] == 2001 and line["yref"] == "paper"
    assert graph.figure["layout"]["annotations"][0]["text"] == "practice starts 2001"
    years = graph.figure["data"][0]["x"]
    assert min(years) < 2001 < max(years), "the trend before and since the start"
    block = " ".join(texts(find(layout, "practice-chart-remittances_gdp-NGA")))
    assert "aims to move" in block
    paisano = pages["practice"].layout(practice_id="mexico-paisano")  # started 1989, the UN DESA series in 1990
    stock = find(paisano, "practice-graph-emigrant_stock-MEX").figure["layout"]
    assert stock["xaxis"]["range"][0] < 1989 < stock["xaxis"]["range"][1], "the line is inside the chart"
    assert "no earlier value to compare with" in " ".join(texts(find(paisano, "practice-chart-emigrant_stock-MEX")))
    techba = pages["practice"].layout(practice_id="mexico-techba")
    assert "No indicator in this release measures" in " ".join(texts(find(techba, "practice-indicators")))


def test_an_unknown_practice_suggests_close_ones(pages) -> None:
    layout = pages["practice"].layout(practice_id="mexico-pasano")
    assert find(layout, "practice-unknown") is not None
    assert "Programa Paisano" in texts(layout)


def test_a_country_profile_lists_its_practices(pages) -> None:
    mex = pages["country"].layout(iso3="MEX")
    section = find(mex, "country-practices")
    assert [t for t in texts(section) if t in ("Programa Paisano", "TechBA (Technology Business Accelerator)")]
    usa = " ".join(texts(find(pages["country"].layout(iso3="USA"), "country-practices")))
    assert "TechBA" in usa and "host country" in usa
    deu = " ".join(texts(find(pages["country"].layout(iso3="DEU"), "country-practices")))
    assert "No practice from this country" in deu


def test_the_framework_lists_practices_under_their_principles(pages) -> None:
    layout = pages["framework"].layout()
    p12 = " ".join(texts(find(layout, "framework-practices-12")))
    assert "Programa Paisano" in p12 and "on principle 12" in p12
    p15 = find(layout, "framework-practices-15")
    assert "Practices that illustrate it (6)" in " ".join(texts(p15))
    scores = q.by_principle()
    row = scores[(scores["principle"] == 15) & (scores["country"] == "COL")].iloc[0]
    words = " ".join(texts(view.score_words(row["score"], row["level"], row["coverage"])))
    assert words in " ".join(texts(p15))
    assert find(layout, "framework-practices-1") is None


def test_years_and_citation_markers() -> None:
    assert view.years_text({"start_year": 2006, "end_year": 2009, "activity": "ended"}) == "2006 – 2009"
    assert view.years_text({"start_year": None, "activity": "unknown"}) == "start year not known – status unknown"
    parts = view.cited("Closed [a, b]; a guess [editorial].", {"a": 1, "b": 2})
    assert parts[0] == "Closed" and [x.children for x in parts[1].children if isinstance(x, dash.html.A)] == ["1", "2"]
    assert "editors' reading" in parts[3].children[0].children
    assert view.plain("Text [a, b]. More [c].") == "Text. More."


def test_context_figure_without_start_year_has_no_line() -> None:
    rows = pd.DataFrame({"year": [2000, 2001], "value": [1.0, 2.0], "value_label": [None, None]})
    figure = view.context_figure("T", "%", rows, None, "X")
    assert figure["layout"]["shapes"] == [] and figure["data"][0]["y"] == [1.0, 2.0]


def test_an_ended_practice_has_its_end_line(pages) -> None:
    layout = pages["practice"].layout(practice_id="ghana-diasporan-relations")
    shapes = find(layout, "practice-graph-remittances_gdp-GHA").figure["layout"]["shapes"]
    assert [s["x0"] for s in shapes] == [2006, 2009]
