"""/framework in headless Chromium: 15 principles, the coverage matrix (filtered by region through the URL and the
control), and the methodology downloads (JSON exactly as the release stores it)."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.browser.conftest import click_the_option, screenshot


def count(release_id: str, sql: str) -> int:
    from warehouse.connection import cursor

    _, cur = cursor()
    return int(cur.execute(sql).fetchall()[0][0])


# areas with a scorecard: no aggregates, no uninhabited or historical areas (they have none)
SCORED = "NOT is_aggregate AND coalesce(area_kind, '') NOT IN ('uninhabited', 'historical')"


def rows(page):
    return page.locator("#framework-matrix td[data-dash-column='country']")


def test_principles_and_the_coverage_matrix(page, release_id: str) -> None:
    page.goto("/framework")
    rows(page).first.wait_for()
    expect(page.locator(".principle h4")).to_have_count(15)
    expect(page.locator("#principle-15 ~ .caveat")).to_contain_text("normative reading")
    countries = count(release_id, f"SELECT count(*) FROM countries WHERE {SCORED}")
    expect(page.locator("#framework-matrix-count")).to_have_text(re.compile(rf"^{countries} countries"))
    expect(rows(page)).to_have_count(50)  # first page
    mexico = page.locator("#framework-matrix tr", has=page.locator("a[href='/country/MEX']"))
    page.locator("#framework-matrix th[data-dash-column='country'] input[type='text']").fill("MEX")
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(1)
    expect(mexico.locator("td[data-dash-column='p1']")).to_have_text(re.compile(r"^\s*\d+% · "))
    expect(mexico.locator("td[data-dash-column='p6']")).to_have_text(re.compile(r"^\s*\d+% · "))
    expect(mexico.locator("td[data-dash-column='p2']")).to_have_text("not measured by public data")
    screenshot(page, "framework")


def test_region_and_sort_are_in_the_url_and_the_json_downloads(page, release_id: str) -> None:
    page.goto("/framework?region=Africa&sort=-aggregates")
    rows(page).first.wait_for()
    african = count(release_id, f"SELECT count(*) FROM countries WHERE {SCORED} AND un_region = 'Africa'")
    expect(page.locator("#framework-matrix-count")).to_have_text(re.compile(rf"^{african} countries"))
    aggregates = [int(v) for v in page.locator("#framework-matrix td[data-dash-column='aggregates']").all_inner_texts()]
    assert aggregates == sorted(aggregates, reverse=True) and len(aggregates) == 50
    page.locator("#framework-region").click()
    page.locator(".dash-dropdown-search").fill("Europe")
    click_the_option(page, "Europe", "Europe")
    page.wait_for_function("() => window.location.search.includes('region=Europe')")
    europe = count(release_id, f"SELECT count(*) FROM countries WHERE {SCORED} AND un_region = 'Europe'")
    expect(page.locator("#framework-matrix-count")).to_have_text(re.compile(rf"^{europe} countries"))
    page.locator("#framework-matrix th[data-dash-column='p9'] .column-header--sort").click()
    page.wait_for_function("() => window.location.search.endsWith('sort=-aggregates,p9')")
    with page.expect_download() as info:
        page.locator("#framework-json-button").click()
    method = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert method["methodology_version"] and len(method["principles"]) == 15 and "female_lfpr" in method["indicators"]
    screenshot(page, "framework-europe")
