"""`/` in headless Chromium: the map's shapes and named legend, the country search, a shared view URL, the CSV."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from lmm.config import seed_dir
from tests.browser.conftest import pick_the_match_by_keyboard, screenshot


@pytest.fixture(scope="module")
def mex_2023() -> float:
    """Mexico's published female LFPR for 2023, read from the seed (not from the page's code)."""
    obs = pd.read_parquet(Path(seed_dir()) / "observations.parquet")
    row = obs[(obs["indicator_id"] == "female_lfpr") & (obs["country"] == "MEX") & (obs["year"] == 2023)]
    return float(row["value"].iloc[0])


def choose(page, dropdown: str, typed: str, option: str) -> None:
    """Open a Dash dropdown, type into its search box and pick the option (as a keyboard user would)."""
    page.locator(dropdown).click()
    page.locator(".dash-dropdown-search").fill(typed)
    pick_the_match_by_keyboard(page, option)


def test_map_legend_and_country_search(page) -> None:
    page.goto("/")
    page.locator("#home-map path.choroplethlocation").nth(150).wait_for(state="attached")
    legend = page.locator(".map-figure .level-legend")
    for label in ("Achieved", "Challenges remain", "Significant challenges", "Major challenges", "No data",
                  "Out of date", "Not known"):  # fmt: skip
        assert legend.get_by_text(label).is_visible()
    assert "achieved" in page.locator("#home-map-caption").inner_text()
    assert page.locator("#home-release-id").inner_text().startswith("r")
    assert page.locator("#home-sources-link").get_attribute("href") == "/sources"
    screenshot(page, "home")
    choose(page, "#home-country", "Mexico", "Mexico (MEX)")
    page.wait_for_url(re.compile(r"/country/MEX$"))


def test_shared_view_url_gives_the_same_view(page) -> None:
    page.goto("/?view=theme:women")
    page.locator("#home-map path.choroplethlocation").nth(150).wait_for(state="attached")
    assert page.locator("#home-view").inner_text().strip() == "Theme: Women's participation"
    assert "Women's participation" in page.locator("#home-table-caption").inner_text()
    assert (
        "Coverage" in page.locator("#home-table th").all_inner_texts()[2:][0:9] or page.get_by_text("Coverage").count()
    )
    screenshot(page, "home-theme-women")
    choose(page, "#home-view", "Principle 13", "Principle 13: Recruitment and placement services")
    page.wait_for_url(re.compile(r"\?view=principle:13$"))
    expect(page.locator("#home-table-caption")).to_contain_text("Principle 13")


def test_download_the_table_as_shown(page, mex_2023: float) -> None:
    page.goto("/")
    page.wait_for_selector("#home-table td[data-dash-column='iso3']")
    country_filter = page.locator("#home-table th.dash-filter[data-dash-column='name'] input[type=text]")
    country_filter.fill("Mexico")
    country_filter.press("Enter")
    expect(page.locator("#home-table td[data-dash-column='iso3']")).to_have_count(1)
    with page.expect_download() as download:
        page.locator("#home-download-button").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeffCountry,ISO3,")  # the header row first, with a byte-order mark for Excel
    table = pd.read_csv(pd.io.common.StringIO(text))
    assert table.loc[0, "About these rows"].startswith("Labour Migration Policy Monitor, release r")
    assert list(table["ISO3"]) == ["MEX"]  # exactly what the filtered table shows
    assert table.loc[0, "Value (%)"] == pytest.approx(mex_2023)
    assert table.loc[0, "Year"] == 2023
