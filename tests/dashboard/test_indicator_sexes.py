"""Women and men on one chart of /indicator/<id> with the gap (issue 18): offered wherever a continuous indicator
has both sexes, the lines and the gap being the published values (real release built from the seed)."""

from __future__ import annotations

import importlib
from pathlib import Path

import dash
import pandas as pd
import pytest

from dashboard.i18n import use_lang
from dashboard.pages import _indicator_sexes as by_sex
from dashboard.queries import indicator as q
from lmm.config import seed_dir
from tests.dashboard.layout_tree import find_component


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    return importlib.import_module("dashboard.pages.indicator")


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    frame = pd.read_parquet(Path(seed_dir()) / "observations.parquet")
    return frame[frame["partner_country"] == ""]


def ind(indicator_id: str):
    found = q.find_indicator(indicator_id)
    assert found is not None
    return found


def published(obs: pd.DataFrame, indicator: str, country: str, year: int, sex: str) -> float:
    rows = obs[(obs["indicator_id"] == indicator) & (obs["country"] == country) & (obs["year"] == year)]
    return float(rows[rows["sex"] == sex]["value"].mean())


def a_country_year_with_both(obs: pd.DataFrame, indicator: str) -> tuple[str, int]:
    rows = obs[obs["indicator_id"] == indicator].pivot_table(index=["country", "year"], columns="sex", values="value")
    both = rows.dropna(subset=["female", "male"]).reset_index().sort_values(["year", "country"])
    country, year = both.iloc[-1][["country", "year"]]
    return str(country), int(year)


def test_both_offered_only_where_both_sexes_are_published(release_id: str) -> None:
    assert by_sex.choices(ind("pension_coverage"), q.sexes(ind("pension_coverage"))) == [
        "total", "female", "male", "both"]  # fmt: skip
    assert by_sex.choices(ind("female_lfpr"), q.sexes(ind("female_lfpr"))) == ["female"]
    assert "both" not in by_sex.choices(ind("ilo_c189"), q.sexes(ind("ilo_c189")))


def test_chart_has_each_countrys_women_and_men_and_the_gap(page, obs) -> None:
    chart = importlib.import_module("dashboard.pages._indicator_chart")
    country, year = a_country_year_with_both(obs, "pension_coverage")
    figure, caption, rows, columns = chart.chart(ind("pension_coverage"), "both", [country], None)
    names = [trace["name"] for trace in figure["data"]]
    assert len(names) == 2 and names[0].endswith(": Men") and names[1].endswith(": Women")
    assert figure["data"][1]["fill"] == "tonexty", "the gap between the lines is shaded"
    assert figure["data"][0]["line"]["dash"] != figure["data"][1]["line"]["dash"], "not told apart by colour alone"
    row = rows[rows["year"] == year].iloc[0]
    women, men = (published(obs, "pension_coverage", country, year, s) for s in ("female", "male"))
    assert row["female"] == pytest.approx(women) and row["male"] == pytest.approx(men)
    assert row["gap"] == pytest.approx(women - men)
    assert [c.id for c in columns] == ["name", "year", "female", "male", "gap", "unit"]
    assert "women (solid) and men (dashed)" in caption and "gap" in caption


def test_without_countries_the_median_of_all_countries_for_each_sex(page, obs) -> None:
    chart = importlib.import_module("dashboard.pages._indicator_chart")
    figure, caption, rows, _ = chart.chart(ind("pension_coverage"), "both", [], None)
    assert {trace["name"] for trace in figure["data"]} == {"Median of all countries: Women",
                                                           "Median of all countries: Men"}  # fmt: skip
    year = int(rows.dropna(subset=["gap"])["year"].max())
    sel = obs[(obs["indicator_id"] == "pension_coverage") & (obs["year"] == year)]
    countries = pd.read_parquet(Path(seed_dir()) / "countries.parquet")
    sel = sel[sel["country"].isin(countries.loc[~countries["is_aggregate"], "iso3"])]
    women = sel[sel["sex"] == "female"]["value"].median()
    assert rows[rows["year"] == year]["female"].iloc[0] == pytest.approx(women)


def test_table_and_map_of_a_year_with_both(page, obs) -> None:
    country, year = a_country_year_with_both(obs, "pension_coverage")
    figure, _, rows, columns, _ = page.year_outputs("pension_coverage", year, "both", None)
    row = next(r for r in rows if r["iso3"] == country)
    women, men = (published(obs, "pension_coverage", country, year, s) for s in ("female", "male"))
    assert row["female"] == pytest.approx(women) and row["gap"] == pytest.approx(women - men)
    assert row["value"] == pytest.approx(published(obs, "pension_coverage", country, year, "total"))
    names = [c["name"] for c in columns]
    assert names.index("Women") == names.index("Value (%)") + 1 and "Gap (women minus men)" in names


def test_layout_with_both_in_each_language(page) -> None:
    for lang, label in (("en", "Women and men"), ("es", "Mujeres y hombres"), ("fr", "Femmes et hommes")):
        with use_lang(lang):
            tree = page.layout(indicator_id="pension_coverage", sex="both")
        assert label in str(tree)
        assert '"fill": "tonexty"' in str(tree).replace("'", '"')


def test_the_profile_tile_says_women_men_and_the_gap_and_opens_the_chart(page, obs) -> None:
    from dashboard.pages import country
    from dashboard.queries.country import profile

    rows = obs[(obs["indicator_id"] == "lfpr_national") & (obs["country"] == "KEN") & (obs["year"] <= 2025)]
    both = rows.pivot_table(index="year", columns="sex", values="value").dropna(subset=["female", "male"])
    year, women, men = int(both.index.max()), both["female"].iloc[-1], both["male"].iloc[-1]
    text = str(country.sections(profile("KEN"), "theme"))
    gap = women - men
    assert f"Women {women:g} · men {men:g} (gap {'+' if gap > 0 else ''}{round(gap, 4):g}), {year}" in text
    assert "/indicator/lfpr_national?sex=both&countries=KEN" in text
    with use_lang("fr"):
        assert "Femmes " in str(country.sections(profile("KEN"), "theme"))


def test_the_map_of_women_and_men_is_coloured_by_the_gap_and_missing_stays_no_data(page, obs) -> None:
    country, year = a_country_year_with_both(obs, "pension_coverage")
    figure, caption, _, _, _ = page.year_outputs("pension_coverage", year, "both", None)
    gap_trace = figure["data"][0]
    assert gap_trace["zmid"] == 0 and gap_trace["zmin"] == -gap_trace["zmax"]
    assert gap_trace["colorbar"]["ticktext"][1] == "Equal (0)" and "points" in gap_trace["colorbar"]["title"]["text"]
    at = gap_trace["locations"].index(country)
    women, men = (published(obs, "pension_coverage", country, year, s) for s in ("female", "male"))
    assert gap_trace["z"][at] == pytest.approx(women - men)
    assert "Women " in gap_trace["text"][at] and " · gap " in gap_trace["text"][at]
    greys = [loc for trace in figure["data"][1:] for loc in trace["locations"]]
    assert country not in greys and not set(greys) & set(gap_trace["locations"])
    assert "women's value higher in" in caption and "no data" in caption
    assert "the gap between women and men" in figure["layout"]["title"]["text"]


def test_gap_map_frame_given_expect() -> None:
    given = pd.DataFrame(
        {"iso3": ["AAA", "BBB", "CCC", "DDD"], "name": ["A", "B", "C", "D"],
         "female": [40.0, 50.0, None, 30.0], "male": [60.0, 45.0, 70.0, 35.0],
         "female_level": ["current", "current", "no_data", "out_of_date"],
         "female_year": [2020, 2019, None, 2010], "male_year": [2020, 2018, 2020, 2010],
         "male_level": ["current", "current", "current", "out_of_date"]}
    )  # fmt: skip
    given["gap"] = given["female"] - given["male"]
    with use_lang("fr"):
        out = by_sex.gap_map_frame(given, ind("lfpr_national"))
    assert out["level"].tolist() == ["current", "current", "no_data", "out_of_date"]
    assert out["value"].tolist()[:2] == [-20.0, 5.0] and out["value"].iloc[2:].isna().all()  # never 0 for missing
    assert out["year"].iloc[0] == 2020 and pd.isna(out["year"].iloc[1])  # no one year: B's values differ in year
    assert out["value_text"].iloc[0] == "Femmes 40 % · hommes 60 % · écart -20 points de pourcentage"
    assert out["value_text"].iloc[1].startswith("Femmes 50 % (2019) · hommes 45 % (2018) · écart ")  # each says its own
    assert out["value_text"].iloc[2] == ""


def legend_words(items) -> list[str]:
    return [item.children.children for item in items]  # each Li holds one level badge (icon + label)


def test_the_map_legend_names_the_levels_only_when_the_map_is_coloured_by_them(page, obs) -> None:
    assert page.value_scale(ind("pension_coverage")) is False  # a scored indicator: its map is coloured by levels
    _, year = a_country_year_with_both(obs, "pension_coverage")
    *_, by_levels = page.on_year_or_sex(year, "total", "pension_coverage", None)
    *_, by_gap = page.on_year_or_sex(year, "both", "pension_coverage", None)
    assert "✓ Achieved" in legend_words(by_levels) and "✗ Major challenges" in legend_words(by_levels)
    gap_words = legend_words(by_gap)  # the gap map's colours are its colour bar; only its greys are levels
    assert "○ No data" in gap_words and "◷ Out of date" in gap_words
    assert not [w for w in gap_words if "Achieved" in w or "challenges" in w]
    tree = page.layout(indicator_id="pension_coverage", sex="both", tab="map")
    drawn = find_component(tree, "indicator-map-legend")
    assert legend_words(drawn.children) == gap_words  # the page as first drawn says the same as the callback
