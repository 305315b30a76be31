"""`/country/<ISO3>` in headless Chromium: a tile's value, year and label for real countries (expected values read
from the release by SQL, not from the page's code), a shared ?group= URL, the CSV download, print, unknown codes."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from indicators.levels import LEVELS
from tests.browser.conftest import screenshot
from warehouse.connection import cursor


def latest_female_lfpr(release_id: str, iso3: str) -> tuple[float, int, str]:
    """(value, year, level label) of the country's latest female LFPR, straight from the release."""
    _, cur = cursor(release_id)
    value, year = cur.execute(
        "SELECT value, year FROM observations WHERE indicator_id = 'female_lfpr' AND country = ? AND sex = 'female'"
        " AND year <= 2025 ORDER BY year DESC LIMIT 1",
        [iso3],
    ).fetchall()[0]
    level = cur.execute(
        "SELECT level FROM indicator_scores WHERE indicator_id = 'female_lfpr' AND country = ?", [iso3]
    ).fetchall()[0][0]
    return value, year, LEVELS[level].label


@pytest.mark.parametrize("iso3", ["MEX", "PHL", "GHA", "DEU", "USA"])
def test_female_lfpr_tile_shows_value_year_and_label(page, release_id: str, iso3: str) -> None:
    value, year, label = latest_female_lfpr(release_id, iso3)
    page.goto(f"/country/{iso3}")
    tile = page.locator("#tile-female_lfpr")
    tile.locator(".tile-value").wait_for()
    assert tile.locator(".tile-value").inner_text() == f"{value:.1f} %"
    assert tile.locator(".tile-year").inner_text() == str(year)
    assert label in tile.locator(".level-badge").inner_text()
    spark = tile.locator(".sparkline img.spark-graph")
    expect(spark).to_have_js_property("complete", True)  # the small series is drawn (a decoded SVG image)
    assert spark.evaluate("img => img.naturalWidth") > 0
    assert re.fullmatch(r"Female labour force .+: \d{4} [\d.]+ % to \d{4} [\d.]+ %", spark.get_attribute("alt") or "")
    assert page.locator("#country-name").inner_text().endswith(f"({iso3})")
    if iso3 == "MEX":
        assert (value, year) == (pytest.approx(47.317), 2023)
        assert (spark.get_attribute("alt") or "").endswith("to 2023 47.3 %")
        assert (spark.bounding_box() or {}).get("height") == 48
        page.locator("#country-events .timeline-item").first.wait_for()
        chart = page.locator("#country-timeline-graph")
        expect(chart).to_have_js_property("complete", True)
        assert chart.evaluate("img => img.naturalWidth") > 0
        assert (
            chart.get_attribute("alt")
            == f"Timeline of {page.locator('.timeline-item').count()} legal events; listed beside the chart."
        )
        assert page.evaluate("typeof window.Plotly") == "undefined"  # no plotly.js on the profile
        screenshot(page, "country-MEX")
        page.emulate_media(media="print")
        screenshot(page, "country-MEX-print")
    else:
        screenshot(page, f"country-{iso3}")


def test_shared_principle_url_gives_the_same_view(page) -> None:
    page.goto("/country/MEX?group=principle")
    page.locator("#principle-13 .tile").first.wait_for()
    assert page.locator(".country-page").get_attribute("data-group") == "principle"
    # no public indicator of principle 13 covers 80 % of UN members: the page says so rather than showing a score
    assert "Not measured by public data" in page.locator("#principle-13 .section-aggregate").inner_text()
    assert page.locator("#tile-ilo_c097-p13 .level-badge").inner_text().endswith("Not known")
    screenshot(page, "country-MEX-principles")
    page.locator("#country-group-theme").click()
    page.wait_for_url(re.compile(r"/country/MEX\?group=theme$"))
    page.locator("#theme-recruitment .tile").first.wait_for()
    page.goto("/country/MEX?group=principle")  # the shared link again: same view
    page.locator("#principle-13 .tile").first.wait_for()
    assert page.locator("#theme-recruitment").count() == 0


def test_csv_download_has_the_scorecard_rows(page, release_id: str) -> None:
    page.goto("/country/GHA")
    page.locator("#tile-female_lfpr .tile-value").wait_for()
    with page.expect_download() as info:
        page.locator("#country-csv").click()
    download = info.value
    assert download.suggested_filename == f"scorecard_GHA_theme_{release_id}.csv"
    content = open(download.path(), encoding="utf-8").read()
    assert content.startswith("\ufeff") and content.splitlines()[0].endswith(",Release,About these rows")
    frame = pd.read_csv(io.StringIO(content))
    assert frame["About these rows"].iloc[0].startswith(f"Labour Migration Policy Monitor, release {release_id}. ")
    assert len(frame) == page.locator(".tile").count()
    value, year, label = latest_female_lfpr(release_id, "GHA")
    row = frame[frame["indicator_id"] == "female_lfpr"].iloc[0]
    assert (row["value"], row["year"], row["level"]) == (pytest.approx(value), year, label)


def test_print_button_opens_the_print_dialog(page) -> None:
    page.goto("/country/PHL")
    page.locator("#tile-female_lfpr .tile-value").wait_for()
    page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")
    page.locator("#country-print").click()
    for _ in range(50):  # wait_for_function needs eval, which the app's Content-Security-Policy forbids
        if page.evaluate("window.__printed || 0") == 1:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__printed || 0") == 1
    assert page.locator("#country-print-status").inner_text() == "Print dialog opened"


def test_unknown_code_is_a_friendly_page(page) -> None:
    page.goto("/country/XXX")
    message = page.locator("#country-unknown")
    message.wait_for()
    assert "no country with the code “XXX”" in message.inner_text()
    page.goto("/country/WLD")
    assert "an aggregate" in page.locator("#country-aggregate").inner_text()
    screenshot(page, "country-aggregate-WLD")
