"""The first view drawn on the server (dashboard/first_view.py) in headless Chromium: a reader without JavaScript
reads the whole profile; with JavaScript, Dash's own copy replaces it, so the page ends with one copy of every
part, the same tiles as the server drew, and buttons that work."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot


@pytest.fixture
def no_script_page(browser, gunicorn_server: str) -> Iterator[object]:
    context = browser.new_context(base_url=gunicorn_server, java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})  # fmt: skip
    yield context.new_page()
    context.close()


def test_the_profile_reads_whole_without_javascript(no_script_page) -> None:
    page = no_script_page
    page.goto("/country/MEX")
    expect(page.locator("#country-name")).to_contain_text("Mexico")
    assert page.locator("#country-scorecard .tile").count() >= 40
    sparks = page.locator("#country-scorecard svg.spark-graph")  # the server writes the SVG into the page
    assert sparks.count() >= 10
    assert page.evaluate("""() => [...document.querySelectorAll('.spark-graph')].every(
        s => s.getBoundingClientRect().width > 100 && s.getBoundingClientRect().height === 48
             && s.querySelector('polyline').getTotalLength() > 0)""")
    screenshot(page, "first-view-no-javascript")


def test_dash_replaces_the_first_view_with_one_live_copy(page) -> None:
    page.goto("/country/MEX", wait_until="commit")
    drawn = page.locator("#lmm-first-view #country-scorecard .tile").count()  # as the server drew it
    expect(page.locator("#lmm-first-view")).to_have_count(0, timeout=30_000)
    expect(page.locator("#country-scorecard")).to_have_count(1)
    tiles = page.locator("#_pages_content #country-scorecard .tile")
    assert drawn in (0, tiles.count())  # 0: Dash had already drawn its copy before the first look
    with page.expect_download() as download:
        page.locator("#country-csv").click()
    assert download.value.suggested_filename.startswith("scorecard_MEX_theme_")
    assert page.locator("#react-entry-point").is_visible()


COMPARE = "/compare?countries=MEX,PHL,GHA,USA,DEU&lang=en"


def test_the_compare_reads_whole_without_javascript(no_script_page) -> None:
    page = no_script_page
    page.goto(COMPARE)
    heads = page.locator('[data-lmm-id="compare-heatmap-table"] thead th').all_inner_texts()
    assert [h.strip() for h in heads][1:] == ["Mexico", "Philippines", "Ghana", "United States", "Germany"]
    chart = page.locator('[data-lmm-id="compare-charts"] svg.first-view-chart')
    assert chart.locator(".trace path.line").count() >= 5 and chart.bounding_box()["height"] > 300  # type: ignore[index]
    assert page.locator('[data-lmm-id="compare-table"] tbody tr').count() == 25  # the table's first page
    assert page.locator("#compare-heatmap-table, #compare-charts, #compare-table").count() == 0  # ids are Dash's
    screenshot(page, "first-view-compare-no-javascript")


def test_dash_replaces_the_compare_s_first_view_with_the_same_chart_live(page) -> None:
    page.goto(COMPARE, wait_until="commit")
    drawn = page.locator("#lmm-first-view svg.first-view-chart .trace").count()  # as the server drew it
    expect(page.locator("#lmm-first-view")).to_have_count(0, timeout=30_000)
    page.locator("#compare-charts .scatterlayer .trace").first.wait_for()
    traces = page.locator("#compare-charts .scatterlayer .trace").count()
    assert drawn in (0, traces)  # 0: Dash had already drawn its copy before the first look
    assert page.locator("svg.first-view-chart").count() == 0 and page.locator("#compare-heatmap-table").count() == 1
    with page.expect_download() as download:
        page.locator("#compare-csv-button").click()
    assert download.value.suggested_filename == "compare.csv"
