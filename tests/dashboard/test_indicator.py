"""`/indicator/<id>`: status frames by year and sex, the year selector, the chart, the table download and the
not-found page, as plain functions on the real release (expected values read from the seed files)."""

from __future__ import annotations

import importlib
from pathlib import Path

import dash
import pandas as pd
import pytest

from dashboard.i18n import use_lang
from dashboard.pages import _indicator_words as words
from dashboard.queries import indicator as q
from indicators.levels import COLOURED
from lmm.config import seed_dir
from tests.dashboard.layout_tree import find_component
from warehouse.connection import cursor


@pytest.fixture(scope="module")
def seed() -> dict[str, pd.DataFrame]:
    folder = Path(seed_dir())
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in ("observations", "countries")}


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    return importlib.import_module("dashboard.pages.indicator")


@pytest.fixture(scope="module")
def views(page):
    return importlib.import_module("dashboard.pages._indicator_chart")


def ind(indicator_id: str):
    found = q.find_indicator(indicator_id)
    assert found is not None
    return found


def seed_value(seed, indicator: str, country: str, year: int, sex: str) -> float:
    obs = seed["observations"]
    rows = obs[(obs["indicator_id"] == indicator) & (obs["country"] == country) & (obs["year"] == year)]
    rows = rows[(rows["sex"] == sex) & (rows["partner_country"] == "")]
    assert len(rows) == 1, rows
    return float(rows["value"].iloc[0])


def test_status_in_a_chosen_year_is_that_years_published_value(release_id: str, seed) -> None:
    frame = q.status_frame(ind("female_lfpr"), 2020, "female").set_index("iso3")
    assert frame.loc["MEX", "value"] == pytest.approx(seed_value(seed, "female_lfpr", "MEX", 2020, "female"))
    assert frame.loc["MEX", "year"] == 2020
    latest = q.status_frame(ind("female_lfpr"), 2025, "female").set_index("iso3")
    assert latest.loc["MEX", "value"] == pytest.approx(seed_value(seed, "female_lfpr", "MEX", 2023, "female"))


def test_status_frame_never_lists_an_aggregate(release_id: str, seed) -> None:
    countries = seed["countries"]
    for indicator_id in ("female_lfpr", "ilo_c189", "dual_citizenship_acceptance", "migrant_stock"):
        frame = q.status_frame(ind(indicator_id), 2020)
        scored = ~countries["is_aggregate"] & ~countries["area_kind"].isin(["uninhabited", "historical"])
        assert set(frame["iso3"]) == set(countries.loc[scored, "iso3"])
        assert frame["iso3"].is_unique


@pytest.mark.parametrize("indicator_id", ["female_lfpr", "ilo_c189", "ilo_c190", "dual_citizenship_acceptance",
                                          "sdg1072_d4", "remittance_cost", "un_cedaw"])  # fmt: skip
def test_status_year_agrees_with_the_releases_scores(release_id: str, indicator_id: str) -> None:
    """At the status year the page's own derivation gives the release's levels (scored in the build)."""
    _, cur = cursor()
    scores = cur.execute(
        "SELECT country AS iso3, value, value_label, year, out_of_date, level FROM indicator_scores "
        "WHERE indicator_id = ?",
        [indicator_id],
    ).df()
    expected = [
        lab if lab in ("not_known", "not_applicable") else "out_of_date" if ood and pd.notna(y) else lv
        for lab, ood, y, lv in zip(scores["value_label"], scores["out_of_date"], scores["year"], scores["level"], strict=True)
    ]  # fmt: skip
    frame = q.status_frame(ind(indicator_id), q.status_year()).set_index("iso3")
    assert frame.loc[scores["iso3"], "level"].tolist() == expected
    assert (
        frame.loc[scores["iso3"], "year"].astype("Float64").fillna(-1).tolist()
        == scores["year"].astype("Float64").fillna(-1).tolist()
    )


def test_old_values_are_out_of_date_never_carried_forward(release_id: str, seed) -> None:
    frame = words.status_frame(ind("remittance_cost"), 2025).set_index("iso3")
    png = frame.loc["PNG"]  # latest remittance cost published for Papua New Guinea: 2011
    assert (png["level"], png["year"]) == ("out_of_date", 2011)
    assert "2011" in png["note"]
    early = q.status_frame(ind("remittance_cost"), 2012).set_index("iso3")
    assert early.loc["PNG", "level"] in COLOURED  # in 2012 the 2011 value was current


def test_a_value_a_later_reform_replaced_is_out_of_date_with_the_reform_named(release_id: str) -> None:
    # GLOBALCIT codes Germany as of 2024-01-01; its author records the StARModG in force 2024-06-27.
    ukraine_reform_year = 2026
    frame = words.status_frame(ind("dual_citizenship_acceptance"), 2025).set_index("iso3")
    germany = frame.loc["DEU"]
    assert (germany["level"], germany["year"]) == ("out_of_date", 2024)
    assert "2024-06-27" in germany["note"]
    assert frame.loc["UKR", "level"] in COLOURED  # Ukraine's reform comes into force only in 2026
    assert (
        words.status_frame(ind("dual_citizenship_acceptance"), ukraine_reform_year)
        .loc[lambda f: f["iso3"] == "UKR", "level"]
        .item()
        == "out_of_date"
    )
    with use_lang("fr"):
        french = words.status_frame(ind("dual_citizenship_acceptance"), 2025).set_index("iso3")
    assert "depuis le 27 juin 2024" in french.loc["DEU", "note"]  # the date as French writes it
    before = q.status_frame(ind("dual_citizenship_acceptance"), 2023).set_index("iso3")
    assert before.loc["DEU", "level"] != "out_of_date"  # before the reform the coded law was Germany's law


def test_event_statuses_and_list_completeness(release_id: str) -> None:
    c190 = words.status_frame(ind("ilo_c190"), 2025)
    assert {"not_known"} <= set(c190["level"])  # partial list: absent is not known
    assert "partial" in words.completeness_note(ind("ilo_c190"))
    c189 = words.status_frame(ind("ilo_c189"), 2020).set_index("iso3")
    assert c189.loc["USA", "label"] == "Not ratified" and c189.loc["USA", "level"] == "red"  # complete list
    assert "complete" in words.completeness_note(ind("ilo_c189"))
    before = words.status_frame(ind("ilo_c189"), 2010).set_index("iso3")
    assert before.loc["PHL", "label"] == "Not ratified"  # the convention dates from 2011


def test_sex_slices(release_id: str, seed) -> None:
    assert q.sexes(ind("female_lfpr")) == ["female"]
    assert q.sexes(ind("pension_coverage")) == ["total", "female", "male"]
    women = q.status_frame(ind("pension_coverage"), 2025, "female").set_index("iso3")
    obs = seed["observations"].query("indicator_id == 'pension_coverage' and sex == 'female'")
    country, year = obs.sort_values("year").iloc[-1][["country", "year"]]
    assert women.loc[country, "value"] == pytest.approx(
        seed_value(seed, "pension_coverage", country, int(year), "female")
    )


def test_year_typed_and_slider_agree(page) -> None:
    bounds = [1990, 2025]
    assert page.sync_year("indicator-year-slider", 2004, 2020, bounds) == (2004, 2004, "")
    assert page.sync_year("indicator-year-input", 2020, "2015", bounds) == (2015, 2015, "")
    slider, typed, message = page.sync_year("indicator-year-input", 2020, 1850, bounds)
    assert (slider, typed) == (2020, 2020) and "from 1990 to 2025" in message
    assert page.sync_year("indicator-year-input", 2020, "abc", bounds)[:2] == (2020, 2020)


def test_year_callback_outputs_map_and_table(page, seed) -> None:
    figure, caption, rows, columns, text = page.year_outputs("female_lfpr", 2020, "female", None)
    mex = next(r for r in rows if r["iso3"] == "MEX")
    assert mex["value"] == pytest.approx(seed_value(seed, "female_lfpr", "MEX", 2020, "female"))
    assert mex["year"] == 2020
    locations = {loc for trace in figure["data"] for loc in trace["locations"]}
    assert "MEX" in locations and "WLD" not in locations
    assert "2020" in caption and "2020" in text
    assert "Value (%)" in [c["name"] for c in columns]


def test_the_value_column_names_its_unit_in_the_reader_s_language(page) -> None:
    with use_lang("es"):
        tree = page.layout(indicator_id="dual_citizenship_emigrants", tab="table")
    names = [c["name"] for c in find_component(tree, "indicator-table").columns]
    assert "Valor (categoría 0-6)" in names and not [n for n in names if "category" in n]


def test_layout_reads_year_sex_countries_and_tab(page) -> None:
    tree = page.layout(indicator_id="female_lfpr", year="2020", sex="female", countries="MEX,PHL", tab="table")
    assert find_component(tree, "indicator-year-slider").value == 2020
    assert find_component(tree, "indicator-year-input").value == 2020
    assert find_component(tree, "indicator-sex").value == "female"
    assert find_component(tree, "indicator-countries").value == ["MEX", "PHL"]
    assert find_component(tree, "indicator-panel-table").hidden is False
    assert find_component(tree, "indicator-panel-chart").hidden is True
    clamped = page.layout(indicator_id="female_lfpr", year="1700", sex="male")
    assert find_component(clamped, "indicator-year-slider").value == 1990
    assert find_component(clamped, "indicator-sex").value == "female"  # no male series: the published one


def test_unknown_indicator_is_a_friendly_page(page) -> None:
    tree = page.layout(indicator_id="nonsense")
    assert "No such indicator" in str(tree)
    assert find_component(tree, "indicator-not-found") is not None
    assert [i.id for i in q.close_matches("femal_lfpr")][0] == "female_lfpr"
    assert "/indicator/female_lfpr" in str(page.layout(indicator_id="female_lfp"))


def test_chart_defaults_to_region_medians_and_takes_countries(views, seed) -> None:
    figure, caption, rows, columns = views.chart(ind("female_lfpr"), "female", [], None)
    assert {t["name"] for t in figure["data"]} == {"Africa", "Americas", "Asia", "Europe", "Oceania"}
    assert "median" in caption
    figure, caption, rows, _ = views.chart(ind("female_lfpr"), "female", ["MEX", "PHL"], None)
    assert {t["name"] for t in figure["data"]} == {"Mexico", "Philippines"}
    mex = rows[(rows["iso3"] == "MEX") & (rows["year"] == 2020)]
    assert float(mex["value"].iloc[0]) == pytest.approx(seed_value(seed, "female_lfpr", "MEX", 2020, "female"))


def test_chart_of_categories_and_events(views) -> None:
    figure, caption, rows, _ = views.chart(ind("dual_citizenship_acceptance"), "total", [], None)
    assert all(t["type"] == "bar" for t in figure["data"]) and "countries per category" in caption
    figure, caption, rows, _ = views.chart(ind("ilo_c189"), "total", [], None)
    latest = rows[rows["year"] == rows["year"].max()]
    assert "Not ratified" not in set(latest["label"]), "the complete list of 2020 says nothing about today"
    assert any(label.startswith("Not known") for label in latest["label"]) and latest["n"].sum() == 244
    assert "Not ratified" in set(rows.loc[rows["year"] == 2021, "label"]), "within the list's one-year tolerance"
    figure, _, rows, _ = views.chart(ind("ilo_c189"), "total", ["PHL"], None)
    assert [t["name"] for t in figure["data"]] == ["Philippines"]


def test_download_is_the_table_as_shown(page, release_id: str, seed) -> None:
    _, _, rows, columns, _ = page.year_outputs("female_lfpr", 2020, "female", None)
    payload = page.download_table(
        1, [r for r in rows if r["iso3"] == "MEX"], columns, "female_lfpr", 2020, "female", None
    )
    assert payload["filename"] == f"lmm-female_lfpr-2020-female-{release_id}.csv"
    table = pd.read_csv(pd.io.common.StringIO(payload["content"]), comment="#")
    assert table.to_dict("records")[0]["Value (%)"] == pytest.approx(
        seed_value(seed, "female_lfpr", "MEX", 2020, "female")
    )
    assert table.loc[0, "Year"] == 2020 and table.loc[0, "Country"] == "Mexico"


def test_event_series_agrees_with_the_status_in_each_year(release_id: str) -> None:
    c189 = ind("ilo_c189")
    series = words.event_series(c189, range(2010, 2026))
    for year in (2010, 2018, 2025):
        frame = words.status_frame(c189, year).set_index("iso3")
        labels = series[series["year"] == year].set_index("iso3")["label"]
        assert labels.to_dict() == frame.loc[labels.index, "label"].to_dict()


def test_figures_are_valid_plotly(page, views) -> None:
    """The figures are plain dicts (no validation per request): plotly must still accept every key."""
    import plotly.graph_objects as go

    go.Figure(page.year_outputs("female_lfpr", 2020, "female", None)[0])
    go.Figure(page.year_outputs("remittances_gdp", 2020, "total", None)[0])  # context series: value map
    for indicator_id, countries in (("female_lfpr", []), ("female_lfpr", ["MEX"]), ("ilo_c189", []),
                                    ("ilo_c189", ["PHL"]), ("dual_citizenship_acceptance", ["MEX"])):  # fmt: skip
        go.Figure(views.chart(ind(indicator_id), "total", countries, None)[0])


def test_the_read_model_is_data_the_same_in_every_language(release_id: str) -> None:
    """The query returns codes, English labels and levels whatever the reader's language; the page speaks."""
    c189 = ind("ilo_c189")
    q.status_frame.cache_clear()
    with use_lang("es"):
        first = q.status_frame(c189, 2020)
        spoken = words.status_frame(c189, 2020).set_index("iso3")
    again = q.status_frame.__wrapped__(c189, 2020, release=release_id)  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(first, again)
    usa = first.set_index("iso3").loc["USA"]
    assert (usa["code"], usa["label"], usa["level"]) == ("not_ratified", "Not ratified", "red")
    assert "value_text" not in first and "note" not in first
    assert spoken.loc["USA", "label"] not in ("", "Not ratified") and spoken.loc["USA", "level"] == "red"


def test_a_chart_with_nothing_to_draw_says_so_instead_of_empty_axes(page, seed) -> None:
    from dashboard.pages._indicator_chart import chart

    obs = seed["observations"]  # Senegal has no recruitment cost in the seed: nothing to draw for it
    assert obs[(obs["indicator_id"] == "recruitment_cost_months") & (obs["country"] == "SEN")].empty
    ind = q.find_indicator("recruitment_cost_months")
    assert ind is not None
    with use_lang("es"):
        figure, caption, _, _ = chart(ind, "total", ["SEN"], None)
    layout = figure["layout"]
    assert layout["xaxis"]["visible"] is False and layout["shapes"] == []
    assert layout["annotations"][0]["text"].startswith("Ningún valor publicado para esta elección")
    assert caption.endswith("no hay valores publicados para esta selección."), caption
    with use_lang("es"):
        drawn, _, _, _ = chart(ind, "total", ["BGD"], None)  # Bangladesh has values: axes as before
    assert drawn["layout"]["xaxis"].get("visible", True) is True
