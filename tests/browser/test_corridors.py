"""Issue 16 in headless Chromium: /corridor/NPL/QAT (the 2021 KNOMAD stock, remittances with their third-party-copy
flag, the series break drawn), the explorer /corridors?origin=PHL (ranking, links, the role in the URL), Nepal's
profile sections (main corridors, qualified women), the same pages at 390 px, and axe on the two new pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_a11y import AXE, BLOCKING, run_axe

# Published KNOMAD 2021 values (SOURCE.txt of both matrices): Nepal -> Qatar 253,940 people; Qatar -> Nepal
# US$ 1,098.6 million; Philippines -> United States 2,061,178 people, the largest Philippine corridor.
NPL_QAT = "253,940"
QAT_TO_NPL = "1,098.6"
PHL_USA = "2,061,178"
THIRD_PARTY = "Third-party copy: not verified against the publisher's file"


def test_npl_qat_stock_remittances_flag_and_break(page) -> None:
    page.goto("/corridor/NPL/QAT")
    page.locator("#corridor-stock-graph .main-svg").first.wait_for()
    assert page.locator("#corridor-latest-value").inner_text() == NPL_QAT
    received = page.locator("#corridor-remittance-NPL")
    expect(received).to_contain_text(QAT_TO_NPL)
    expect(received.get_by_text(THIRD_PARTY)).to_be_visible()
    expect(page.locator("#corridor-remittance-QAT")).to_contain_text("no data")  # never 0
    expect(page.locator("#corridor-stock-graph .shapelayer path")).to_have_count(1)  # the break line
    expect(page.locator("#corridor-stock-graph .annotation-text", has_text="Series break")).to_be_visible()
    expect(page.locator("#corridor-break")).to_contain_text("the source changes from IAB")
    scores = page.locator("#corridor-scorecards tbody tr")
    expect(scores).to_have_count(4)
    expect(scores.first).to_contain_text("International cooperation")
    screenshot(page, "corridor-NPL-QAT")


def test_historical_origin_links_to_successors(page) -> None:
    page.goto("/corridor/SCG/DEU")
    note = page.locator("#corridor-historical-SCG")
    expect(note).to_contain_text("Serbia and Montenegro (SCG) existed 2003-2006")
    page.locator("#corridor-stock-graph .main-svg").first.wait_for()
    no_figure = page.locator("#corridor-stock-graph .annotation-text", has_text=re.compile(r"2021:.*no.*KNOMAD"))
    expect(no_figure).to_be_visible()  # a gap in the chart says no data, never 0
    note.get_by_role("link", name="Serbia (SRB)").click()
    page.wait_for_url(re.compile(r"/corridor/SRB/DEU$"))
    expect(page.locator("#corridor-latest-value")).to_be_visible()
    screenshot(page, "corridor-SRB-DEU")


def test_explorer_ranking_links_and_role_in_the_url(page) -> None:
    page.goto("/corridors?origin=PHL")
    first = page.locator("#corridors-by-stock tbody tr").first
    first.wait_for()
    cells = first.locator("td").all_inner_texts()
    assert cells[:3] == ["1", "United States (USA)", PHL_USA]
    expect(first).to_contain_text("†")
    expect(page.locator(".flag-note")).to_contain_text(THIRD_PARTY)
    screenshot(page, "corridors-PHL")
    page.get_by_label("Destination").check()
    page.wait_for_url(re.compile(r"/corridors\?destination=PHL$"))
    expect(page.locator("#corridors-by-stock")).to_contain_text("Origin")
    page.goto("/corridors?origin=PHL")
    first.get_by_role("link", name="United States (USA)").click()
    page.wait_for_url(re.compile(r"/corridor/PHL/USA$"))
    expect(page.locator("#corridor-latest-value")).to_have_text(PHL_USA)


def test_nav_links_to_the_explorer(page) -> None:
    page.goto("/")
    page.locator(".site-header nav").get_by_role("link", name="Corridors").click()
    page.wait_for_url(re.compile(r"/corridors$"))
    expect(page.locator("#corridors-problem")).to_contain_text("Choose a country")


def test_profile_corridor_and_qualified_women_sections(page) -> None:
    page.goto("/country/NPL")
    # the server-drawn first view (same ids) leaves when Dash has drawn its copy: act on the live one
    expect(page.locator("#lmm-first-view")).to_have_count(0, timeout=30_000)
    corridors = page.locator("#country-corridors")
    corridors.scroll_into_view_if_needed()
    qatar = corridors.locator("#country-corridors-destination tbody tr", has_text="Qatar (QAT)")
    assert qatar.locator("td").all_inner_texts() == ["Qatar (QAT)", NPL_QAT, f"{QAT_TO_NPL} †"]
    expect(corridors.locator("#country-remittances-received")).to_contain_text("not a published total")
    expect(corridors).to_contain_text("never enters a score")
    women = page.locator("#country-qualified-women")
    last = women.locator("#qualified-women-table tbody tr").last.locator("td").all_inner_texts()
    assert last[:4] == ["2010", "11.7\u00a0%", "6.0\u00a0%", "5.6 points"]  # IAB: Nepal F 0.1168 / M 0.0604
    chart = women.locator("img.gap-chart")
    expect(chart).to_be_visible()
    assert "women 11.7" in chart.get_attribute("alt")
    expect(women.locator("#qualified-women-caveat")).to_contain_text("20 OECD countries")
    screenshot(page, "country-NPL-corridors")
    qatar.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/corridor/NPL/QAT$"))


def test_pages_fit_a_390_px_screen(browser, gunicorn_server: str) -> None:
    context = browser.new_context(base_url=gunicorn_server, viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        for path, ready, name in (("/corridor/NPL/QAT", "#corridor-stock-graph .main-svg", "corridor-NPL-QAT-390"),
                                  ("/corridors?origin=PHL", "#corridors-by-stock", "corridors-PHL-390"),
                                  ("/country/NPL", "#qualified-women-table", "country-NPL-390")):  # fmt: skip
            tab.goto(path)
            tab.locator(ready).first.wait_for()
            tab.wait_for_load_state("networkidle")
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390 + 1, path  # no sideways scrolling
            screenshot(tab, name)
    finally:
        context.close()


def test_axe_finds_no_serious_violation_on_the_new_pages(page) -> None:
    source = AXE.read_text(encoding="utf-8")
    for path, ready in (("/corridors?origin=PHL", "#corridors-by-stock td"),
                        ("/corridor/NPL/QAT", "#corridor-remittances td"),
                        ("/country/NPL", "#qualified-women-table td")):  # fmt: skip
        page.goto(path)
        page.locator(ready).first.wait_for()
        page.wait_for_load_state("networkidle")
        found = [v for v in run_axe(page, source) if v["impact"] in BLOCKING]
        assert found == [], f"{path}: {found}"
