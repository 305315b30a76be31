"""`/`: the map frames, the selector, the country search and the CSV download, as plain functions on the real
release built from the bundled seed (expected values are read from the seed files, not from the page's code)."""

from __future__ import annotations

import csv
import importlib
import re
from pathlib import Path

import dash
import pandas as pd
import pytest

from dashboard.pages import _home_view as words
from dashboard.queries import home as q
from indicators.levels import COLOURED
from lmm.config import seed_dir
from tests.dashboard.layout_tree import find_component


@pytest.fixture(scope="module")
def seed() -> dict[str, pd.DataFrame]:
    folder = Path(seed_dir())
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in ("observations", "countries")}


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    """The page module, imported under a Dash app that has no other pages (register_page needs an app)."""
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    return importlib.import_module("dashboard.pages.home")


def seed_value(seed: dict[str, pd.DataFrame], indicator: str, country: str, year: int) -> float:
    obs = seed["observations"]
    rows = obs[(obs["indicator_id"] == indicator) & (obs["country"] == country) & (obs["year"] == year)]
    assert len(rows) == 1, rows
    return float(rows["value"].iloc[0])


def test_female_lfpr_map_frame_has_mexicos_published_2023_value(release_id: str, seed) -> None:
    frame, title = words.view_frame(q.View("indicator", "female_lfpr"))
    mex = frame.set_index("iso3").loc["MEX"]
    assert mex["value"] == pytest.approx(seed_value(seed, "female_lfpr", "MEX", 2023))  # 47.317
    assert mex["year"] == 2023
    assert mex["level"] in COLOURED
    assert mex["value_text"] == "47.3 %"
    assert "Female labour force participation" in title


@pytest.mark.parametrize("view", ["indicator:female_lfpr", "indicator:ilo_c190", "principle:13", "theme:women"])
def test_an_aggregate_never_appears_as_a_country(release_id: str, seed, view: str) -> None:
    countries = seed["countries"]
    aggregates = set(countries.loc[countries["is_aggregate"], "iso3"])
    frame, _ = words.view_frame(q.parse_view(view))  # type: ignore[arg-type]
    assert not aggregates & set(frame["iso3"])
    assert {"WLD", "EAS", "HIC"} & aggregates  # the check is not vacuous
    scored = ~countries["is_aggregate"] & ~countries["area_kind"].isin(["uninhabited", "historical"])
    assert set(frame["iso3"]) == set(countries.loc[scored, "iso3"])  # every area with a scorecard, once
    assert frame["iso3"].is_unique


def test_missing_is_shown_with_its_reason(release_id: str, seed) -> None:
    """No data, out of date and not known are distinct levels, each with a note."""
    lfpr, _ = words.view_frame(q.View("indicator", "female_lfpr"))
    published = set(seed["observations"].query("indicator_id == 'female_lfpr'")["country"])
    absent = lfpr[~lfpr["iso3"].isin(published)]
    assert not absent.empty and set(absent["level"]) == {"no_data"}
    assert set(absent["note"]) == {"No value published"}

    cost, _ = words.view_frame(q.View("indicator", "remittance_cost"))
    png = cost.set_index("iso3").loc["PNG"]  # latest published remittance cost: 2011, beyond the 5-year window
    assert (png["level"], png["year"]) == ("out_of_date", 2011)
    assert "2011" in png["note"] and "not scored" in png["note"]

    c190, _ = words.view_frame(q.View("indicator", "ilo_c190"))  # ILO C190: partial list -> absent is not known
    assert "not_known" in set(c190["level"])
    assert all("partial" in n for n in c190.loc[c190["level"] == "not_known", "note"])


def test_principle_and_theme_views_show_coverage_when_too_low(release_id: str) -> None:
    frame, title = words.view_frame(q.View("principle", "13"))  # no public index indicator: declared not measured
    assert title.startswith("Principle 13") and frame["value"].isna().all() and set(frame["level"]) == {"no_data"}
    assert set(frame["note"]) == {
        "Not measured by public data: no public indicator of it reaches 80 % of UN member states."
    }
    frame, _ = words.view_frame(q.View("principle", "9"))
    low = frame[frame["value"].isna()]
    assert not low.empty and set(low["level"]) == {"no_data"}
    assert all("80% needed" in n or "at least 2" in n for n in low["note"])
    women, _ = words.view_frame(q.View("theme", "women"))
    scored = women[women["value"].notna()]
    assert not scored.empty and set(scored["level"]) <= set(COLOURED)
    assert women["coverage"].str.fullmatch(r"\d+ of \d+ indicators").all()


def test_parse_view() -> None:
    assert q.parse_view("principle:13") == q.View("principle", "13")
    assert q.parse_view("theme:women").text == "theme:women"  # type: ignore[union-attr]
    for bad in (None, "", "women", "country:MEX", "indicator:"):
        assert q.parse_view(bad) is None


def test_unknown_views_raise_key_error(release_id: str) -> None:
    for view in ("indicator:nonsense", "principle:99", "theme:nowhere"):
        with pytest.raises(KeyError):
            words.view_frame(q.parse_view(view))  # type: ignore[arg-type]


def test_selector_and_country_search_options(release_id: str) -> None:
    values = [o["value"] for o in words.view_options()]
    assert values[0].startswith("theme:") and "principle:13" in values and "indicator:female_lfpr" in values
    assert "indicator:remittances_gdp" not in values  # context series are not scored: not offered
    countries = {o["value"]: o["label"] for o in words.country_options()}
    assert countries["MEX"] == "Mexico (MEX)" and "WLD" not in countries


def test_headline_coverage_per_theme(release_id: str) -> None:
    coverage = q.headline_coverage()
    assert set(coverage["theme"]) == {"recruitment", "dual_nationality", "portability", "women"}
    assert (coverage["countries_with_any_data"] > 0).all() and coverage["title"].notna().all()


def test_layout_reads_the_view_from_the_url(page) -> None:
    shared = page.layout(view="theme:women")
    assert find_component(shared, "home-view").value == "theme:women"
    default = page.layout()
    assert find_component(default, "home-view").value == q.DEFAULT_VIEW
    wrong = page.layout(view="indicator:nonsense")
    assert find_component(wrong, "home-view").value == q.DEFAULT_VIEW
    assert "not in this release" in find_component(wrong, "home-notice").children


def test_show_view_callback_draws_map_and_table(page, seed) -> None:
    figure, caption, rows, columns, text = page.show_view("indicator:female_lfpr", None)
    assert {trace["type"] for trace in figure["data"]} == {"choropleth"}
    assert all(trace["locationmode"] == "ISO-3" for trace in figure["data"])
    assert figure["layout"]["geo"]["projection"]["type"] == "natural earth"
    assert re.search(r"\d+ achieved, \d+ challenges remain", caption)
    mex = next(r for r in rows if r["iso3"] == "MEX")
    assert mex["value"] == pytest.approx(seed_value(seed, "female_lfpr", "MEX", 2023))
    assert mex["year"] == 2023
    assert mex["level_label"] == "!! Significant challenges"  # 47.3 is between red (35) and the midpoint 47.5
    assert [c["name"] for c in columns][:3] == ["Country", "ISO3", "Value (%)"]
    theme = page.show_view("theme:women", None)
    assert "Coverage" in [c["name"] for c in theme[3]]


def test_country_search_goes_to_the_profile(page) -> None:
    assert page.go_to_country("MEX") == "/country/MEX"
    assert page.go_to_country(None) is dash.no_update


def test_download_is_the_table_as_shown(page, release_id: str, seed) -> None:
    _, _, rows, columns, _ = page.show_view("indicator:female_lfpr", None)
    shown = [r for r in rows if r["iso3"] in ("PHL", "MEX")]  # e.g. after filtering in the browser
    payload = page.download_table(1, shown, columns, "indicator:female_lfpr", None)
    lines = payload["content"].splitlines()
    assert lines[0].startswith("\ufeffCountry,ISO3,")  # the header row first, UTF-8 with a byte-order mark
    assert payload["filename"] == f"lmm-indicator-female_lfpr-{release_id}.csv"
    table = pd.read_csv(pd.io.common.StringIO(payload["content"]))
    header, first = list(csv.reader(lines[:2]))
    assert set(table["Release"]) == {release_id} and first[header.index("Year")] == "2023"  # never 2023.0
    assert table["About these rows"].iloc[0].startswith(f"Labour Migration Policy Monitor, release {release_id}")
    assert list(table["ISO3"]) == ["MEX", "PHL"]
    mex = table.set_index("ISO3").loc["MEX"]
    assert mex["Value (%)"] == pytest.approx(seed_value(seed, "female_lfpr", "MEX", 2023))
    assert mex["Year"] == 2023
