"""The good-practice library in headless Chromium: open the list, filter it (the URL follows), open a practice with
its sources and its "not proof of effect" charts, find it on its country's profile and under its principles on
/framework; every seeded practice cites its sources; a steward submits a practice that an admin approves, and it
appears after the publish (then a rollback takes it out). Screenshots: test-artifacts/practices-*.png."""

from __future__ import annotations

import csv
import io
import re

import pytest
import requests
from playwright.sync_api import expect

from stewards.practice_template import PRACTICE_COLUMNS
from tests.browser.conftest import click_the_option, screenshot
from tests.browser.steward_pages import sign_in

PASSWORD = "a practice browser-test password"
SEEDED = (
    "colombia-nos-une",
    "chile-dicoex",
    "ghana-diasporan-relations",
    "nigeria-nido",
    "mexico-ime",
    "mexico-paisano",
    "mexico-techba",
)


def choose(page, dropdown: str, typed: str, option: str) -> None:
    page.locator(dropdown).click()
    page.locator(".dash-dropdown-search").fill(typed)
    click_the_option(page, typed, option)


def test_list_filter_and_open_a_practice(page) -> None:
    page.goto("/practices")
    expect(page.locator(".practice-card")).to_have_count(7)
    screenshot(page, "practices-list")
    choose(page, "#practices-theme", "Portab", "Portability of social-security benefits")
    expect(page.locator(".practice-card")).to_have_count(2)
    page.wait_for_function("() => window.location.search.includes('theme=portability')")
    page.locator("#practices-q").fill("Ghana")
    expect(page.locator(".practice-card")).to_have_count(1)
    page.wait_for_function("() => window.location.search.includes('q=Ghana')")
    assert page.inner_text("#practices-count") == "1 of 7 practices match."
    screenshot(page, "practices-filtered")
    shared = page.url
    page.goto(shared)  # a shared link gives the same list
    expect(page.locator(".practice-card")).to_have_count(1)

    page.goto("/practices?region=Americas&principle=12")
    expect(page.locator(".practice-card")).to_have_count(1)
    page.click("#practices-link-mexico-paisano")
    page.wait_for_selector("#practice-facts")
    assert page.url.endswith("/practices/mexico-paisano")
    facts = page.inner_text("#practice-facts")
    assert "1989 – ongoing (as of 2019)" in facts and "12. " in facts and "Mexico (MEX)" in facts
    assert page.locator("#practice-sources li a[href^='http']").count() >= 10
    page.locator("#practice-summary sup.cite a").first.click()
    page.wait_for_function("() => window.location.hash === '#source-ap-2005'")
    assert "not proof of effect" in page.inner_text("#practice-not-proof")
    chart = page.locator("#practice-graph-emigrant_stock-MEX")
    chart.locator("path.scatterlayer, .scatterlayer path").first.wait_for(state="attached")
    assert chart.locator("text=practice starts 1989").count() == 1
    screenshot(page, "practices-paisano")


def test_on_its_country_profile_and_under_its_principles(page) -> None:
    page.goto("/country/MEX")
    section = page.locator("#country-practices")
    section.wait_for()
    expect(section.get_by_role("link", name="Programa Paisano")).to_be_visible()
    section.get_by_role("link", name="Programa Paisano").click()
    page.wait_for_selector("#practice-facts")
    assert page.url.endswith("/practices/mexico-paisano")

    page.goto("/framework#principle-12")
    block = page.locator("#framework-practices-12")
    block.wait_for()
    text = block.inner_text()
    assert "Programa Paisano" in text and re.search(
        r"Mexico on principle 12: (.+score \d+|no aggregate|no scored indicator)", text
    ), text
    p15 = page.locator("#framework-practices-15").inner_text()
    for name in ("Colombia nos Une", "Nigerians in Diaspora Organisation (NIDO)", "TechBA"):
        assert name in p15
    block.scroll_into_view_if_needed()
    screenshot(page, "practices-framework")


def test_every_seeded_practice_cites_its_sources(page) -> None:
    for pid in SEEDED:
        page.goto(f"/practices/{pid}")
        page.wait_for_selector("#practice-sources")
        links = page.locator("#practice-sources li a[href^='http']")
        assert links.count() >= 1, pid
        assert page.locator("#practice-summary sup.cite a").count() >= 1, pid


@pytest.fixture
def people(release_id: str, gunicorn_server: str):
    from stewards import accounts
    from warehouse import releases

    for name, role, countries, institution in (
        ("prac-browser-mex", "steward", ["MEX"], "IME Mexico"),
        ("prac-browser-admin", "admin", [], "Monitor team"),
    ):
        if accounts.get_user(name) is None:
            accounts.create_user(name, role, PASSWORD, countries, institution)
    before = releases.current_release_id()
    yield {"steward": "prac-browser-mex", "admin": "prac-browser-admin"}
    if before and releases.current_release_id() != before:
        releases.rollback(before, actor="pytest cleanup")  # later tests see the session's release


def practice_csv() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, PRACTICE_COLUMNS)
    writer.writeheader()
    writer.writerow(
        {
            "practice_id": "mex-plazas",
            "name": "Plazas Comunitarias",
            "countries": "MEX;USA",
            "institution": "Instituto de los Mexicanos en el Exterior",
            "start_year": "2003",
            "activity": "ongoing",
            "themes": "dual_nationality",
            "principles": "15;14",
            "indicators": "emigrant_stock",
            "summary": "Community education centres for Mexicans abroad.",
            "source_title": "Plazas Comunitarias",
            "source_url": "https://example.org/plazas",
            "source_accessed": "2026-11-01",
        }
    )
    return out.getvalue().encode("utf-8")


def test_a_steward_submits_a_practice_an_admin_approves(page, gunicorn_server: str, people) -> None:
    sign_in(page, people["steward"], PASSWORD)
    expect(page.locator("#practices-card")).to_be_visible()
    with page.expect_download() as download:
        page.click("#practice-template-xlsx")
    assert download.value.suggested_filename == "lmm-practice-template.xlsx"
    page.set_input_files(
        "#upload-file", files=[{"name": "plazas.csv", "mimeType": "text/csv", "buffer": practice_csv()}]
    )
    page.click("#upload-button")
    page.wait_for_selector("#submission-status")
    assert page.inner_text("#submission-status") == "validated"
    assert "new practice" in page.inner_text("#diff-practices")
    screenshot(page, "practices-steward-diff")
    page.check("#confirm-box")
    page.click("#submit-button")
    page.wait_for_selector("text=Submitted for review")
    submission_url = page.url
    page.click("text=Sign out")
    page.wait_for_selector("#login-form")

    sign_in(page, people["admin"], PASSWORD)
    page.goto(submission_url)
    page.click("#approve-open")  # the confirmation states what will change
    page.click("#approve-button")
    page.wait_for_selector("#published", timeout=120_000)
    screenshot(page, "practices-steward-published")
    page.click("#published >> text=Plazas Comunitarias")
    page.wait_for_selector("#practice-facts")
    facts = page.inner_text("#practice-facts")
    assert "IME Mexico" in facts and "data steward" in facts and "steward workflow" in facts
    listed = requests.get(gunicorn_server + "/api/v1/practices?country=MEX", timeout=10).json()
    assert "mex-plazas" in {p["practice_id"] for p in listed["practices"]}
    page.goto("/practices?q=plazas&country=USA")  # the IME record mentions Plazas Comunitarias too
    expect(page.locator(".practice-card")).to_have_count(1)
    screenshot(page, "practices-steward-in-list")
