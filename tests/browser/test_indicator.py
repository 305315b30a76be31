"""`/indicator/<id>` in headless Chromium: a shared URL's year and sex, the table row, the tabs, the typed year,
the CSV download, and the friendly page for an unknown id."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from lmm.config import seed_dir
from tests.browser.conftest import screenshot


@pytest.fixture(scope="module")
def mex_2020() -> float:
    """Mexico's published female LFPR for 2020, read from the seed."""
    obs = pd.read_parquet(Path(seed_dir()) / "observations.parquet")
    row = obs[(obs["indicator_id"] == "female_lfpr") & (obs["country"] == "MEX") & (obs["year"] == 2020)]
    return float(row["value"].iloc[0])


def filter_country(page, name: str) -> None:
    box = page.locator("#indicator-table th.dash-filter[data-dash-column='country_link'] input[type=text]")
    box.fill(name)
    box.press("Enter")
    expect(page.locator("#indicator-table td[data-dash-column='iso3']")).to_have_count(1)


def test_shared_url_table_tabs_and_download(page, mex_2020: float) -> None:
    page.goto("/indicator/female_lfpr?year=2020&sex=female")
    page.wait_for_selector("#indicator-chart .scatterlayer .trace")
    assert page.locator("#indicator-year-input").input_value() == "2020"
    assert page.get_by_role("radio", name="Women").is_checked()
    screenshot(page, "indicator-chart")
    page.get_by_role("radio", name="Table").check()
    filter_country(page, "Mexico")
    row = page.locator("#indicator-table tbody tr").filter(has=page.locator("td[data-dash-column='iso3']"))
    cells = row.first.locator("td").all_inner_texts()
    assert "MEX" in cells and "2020" in cells and f"{mex_2020:g}" in cells
    expect(row.first.locator("td[data-dash-column='country_link'] a")).to_have_attribute("href", "/country/MEX")
    assert re.search(r"year=2020", page.url) and "tab=table" in page.url
    screenshot(page, "indicator-table")
    with page.expect_download() as download:
        page.locator("#indicator-download-button").click()
    table = pd.read_csv(download.value.path(), comment="#")
    assert len(table) == 1 and table.loc[0, "ISO3"] == "MEX"
    assert table.loc[0, "Value (%)"] == pytest.approx(mex_2020) and table.loc[0, "Year"] == 2020
    page.get_by_role("radio", name="Map").check()
    page.locator("#indicator-map path.choroplethlocation").nth(150).wait_for(state="attached")
    assert "2020" in page.locator("#indicator-map-caption").inner_text()
    screenshot(page, "indicator-map")


def test_typed_year_moves_the_slider_and_the_url(page) -> None:
    page.goto("/indicator/female_lfpr?tab=map")
    page.locator("#indicator-map path.choroplethlocation").nth(150).wait_for(state="attached")
    typed = page.locator("#indicator-year-input")
    typed.fill("2015")
    typed.press("Enter")
    expect(page.locator("#indicator-map-caption")).to_contain_text("2015")
    assert page.locator("#indicator-year-slider [role=slider]").first.get_attribute("aria-valuenow") == "2015"
    assert "year=2015" in page.url
    typed.fill("1800")
    typed.press("Enter")
    page.wait_for_selector("#indicator-year-message:has-text('from 1990 to')")
    assert typed.input_value() == "2015"


@pytest.mark.parametrize(("indicator", "width"), [("female_lfpr_longrun", 1280), ("ilo_c100", 1280), ("ilo_c100", 390)])
def test_the_year_slider_s_labels_stand_apart_over_a_long_span(page, indicator: str, width: int) -> None:
    """OWID's series start in 1890 and the C100 list in 1952: every 5 years printed the labels over each other
    (on a phone, a slider a third as wide, every other round year is left out)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/indicator/{indicator}?lang=fr")
    marks = page.locator("#indicator-year-slider .dash-slider-mark")
    marks.first.wait_for()
    boxes = sorted((box["x"], box["x"] + box["width"], text) for m in marks.all()
                   if (box := m.bounding_box()) and (text := m.inner_text()))  # fmt: skip
    assert len(boxes) >= 4
    for (_, right, _), (left, _, _) in itertools.pairwise(boxes):
        assert left - right >= 4, boxes
    help_text = page.locator("#indicator-year-help").inner_text()  # "... une année de 1890 à 2025 ..."
    assert re.search(rf"{boxes[0][2]}\D+{boxes[-1][2]}", help_text), (boxes, help_text)


def test_event_indicator_shows_statuses_and_completeness(page) -> None:
    page.goto("/indicator/ilo_c190?tab=map")
    page.locator("#indicator-map path.choroplethlocation").nth(150).wait_for(state="attached")
    assert "partial" in page.locator("#indicator-panel-map .note").first.inner_text()  # the list's completeness
    assert (
        page.locator("#indicator-scale")
        .get_by_text("Not known (absent from a partial list, or from a list past its tolerance)")
        .is_visible()
    )
    screenshot(page, "indicator-event-map")


def test_unknown_indicator_is_a_friendly_page(page) -> None:
    page.goto("/indicator/nonsense")
    page.wait_for_selector("#indicator-not-found")
    assert page.locator("h1").inner_text() == "No such indicator"
    page.goto("/indicator/female_lfp")
    page.wait_for_selector("#indicator-matches a[href='/indicator/female_lfpr']")
    screenshot(page, "indicator-not-found")
