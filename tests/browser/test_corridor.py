"""`/corridor/<ORIGIN>/<DEST>` in headless Chromium: the stock chart (IAB by sex, KNOMAD 2021, the break between)
and table, the dropdowns and swap writing the URL, a destination IAB does not cover, and the CSV download."""

from __future__ import annotations

import io
import re

import pandas as pd

from tests.browser.conftest import click_the_option, screenshot


def test_mex_usa_chart_and_table_row(page) -> None:
    page.goto("/corridor/MEX/USA")
    page.locator("#corridor-stock-graph .main-svg").first.wait_for()
    assert page.locator("#corridor-stock-graph .scatterlayer .trace").count() == 4  # IAB total, women, men; KNOMAD
    rows = page.locator("#corridor-stock-table tbody tr")
    iab_2010 = rows.nth(rows.count() - 3).inner_text().split("\t")
    assert iab_2010 == ["2010", "11,468,807", "5,182,146", "6,286,661", "45.2%", "IAB"]  # published IAB values
    assert "Series break" in rows.nth(rows.count() - 2).inner_text()
    assert rows.last.inner_text().split("\t") == ["2021", "10,924,662", "both sexes only", "KNOMAD"]
    assert "Naturalising immigrants must renounce" in page.locator("#corridor-asymmetry").inner_text()
    screenshot(page, "corridor-MEX-USA")


def test_dropdown_and_swap_update_the_url(page) -> None:
    page.goto("/corridor/MEX/USA")
    page.locator("#corridor-stock-table").wait_for()
    page.locator("#corridor-dest").click()
    page.get_by_placeholder("Search").fill("Canada")
    click_the_option(page, "Canada", "Canada (CAN)")
    page.wait_for_url(re.compile(r"/corridor/MEX/CAN$"))
    page.locator("h1", has_text="Canada (CAN)").wait_for()
    page.locator("#corridor-swap").click()
    page.wait_for_url(re.compile(r"/corridor/CAN/MEX$"))
    assert "Mexico is not one of them" in page.locator("#corridor-no-stock").inner_text()
    screenshot(page, "corridor-CAN-MEX")


def test_csv_download_has_the_stock_rows(page, release_id: str) -> None:
    page.goto("/corridor/PHL/USA")
    page.locator("#corridor-stock-table").wait_for()
    with page.expect_download() as info:
        page.locator("#corridor-csv").click()
    frame = pd.read_csv(io.StringIO(open(info.value.path(), encoding="utf-8").read()), comment="#")
    stock = frame[frame["section"] == "migrant stock"]
    rows = page.locator("#corridor-stock-table tbody tr:not(.break-row)").count()
    assert len(stock) == 3 * (rows - 1) + 1 and set(stock["partner_country"]) == {"USA"}  # KNOMAD: one row
    money = frame[frame["section"] == "remittances"]
    assert len(money) == 2 and money["flags"].str.contains("third_party_copy=").all()
    assert set(frame["release"]) == {release_id}
