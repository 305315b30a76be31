"""A review worth signing, walked in headless Chromium: the steward home announces the round; an upload shows every
value and a warning that needs a reason, given inline; the admin reads it and sends the file back with a reason; the
steward uploads a corrected file linked to it; the admin approves after a confirmation that says what will change;
the public card names the institution and the cited source and links to the value's history; a confirmed rollback
leaves the submission saying it was withdrawn. Screenshots: test-artifacts/signoff-*.png."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.browser.conftest import screenshot
from tests.browser.steward_pages import sign_in

PASSWORD = "a sign-off browser-test password"
HEADER = "indicator_id,country,partner_country,year,sex,value,category,event_date,source,note\n"
RATE = "tertiary_women_emigration_rate"
HISTORY = "".join(f"{RATE},GTM,,{y},,{v},,,INE ENEI {y},\n" for y, v in ((2019, 4.0), (2020, 4.1), (2021, 4.2)))
TYPO = f"{RATE},GTM,,2022,,41.0,,,INE ENEI 2022,typed from the bulletin\n{RATE},GTM,,2021,,4.2,,,INE ENEI 2021,\n"
CORRECTED = f"{RATE},GTM,,2022,,4.3,,,INE ENEI 2022 (revised),\n"


@pytest.fixture(scope="module")
def people(release_id: str) -> dict[str, str]:
    from stewards import accounts

    for name, role, countries, institution in (
        ("gtm-steward", "steward", ["GTM"], "INE Guatemala"),
        ("signoff-admin", "admin", [], "Monitor team"),
    ):
        if accounts.get_user(name) is None:
            accounts.create_user(name, role, PASSWORD, countries, institution)
    return {"steward": "gtm-steward", "admin": "signoff-admin"}


def published_history(steward: str) -> str:
    """The series' earlier years, published the ordinary way (upload, submit, approve, publish job)."""
    from stewards import accounts, publish, store, workflow

    user = accounts.get_user(steward)
    assert user is not None
    sub = workflow.receive_upload(user, "gtm-history.csv", (HEADER + HISTORY).encode())
    workflow.submit(sub, user, {}, None)
    publish.approve(sub.id, "signoff-admin")
    deadline = time.monotonic() + 90
    while (found := store.get_submission(sub.id)) is not None and found.status != "published":
        assert time.monotonic() < deadline, f"history not published: {found.status} {found.job_message}"
        time.sleep(0.3)
    return sub.id


def sign_out(page) -> None:
    page.click("text=Sign out")
    page.wait_for_selector("#login-form")


def health(base: str) -> str:
    return requests.get(base + "/api/v1/health", timeout=10).json()["release"]


def test_a_review_worth_signing(page, gunicorn_server: str, people: dict[str, str]) -> None:
    from stewards import rounds

    original = health(gunicorn_server)
    deadline = (datetime.now(UTC).date() + timedelta(days=12)).isoformat()
    rounds.open_round("2026 emigration", [RATE, "recruitment_cost_months"], ["GTM"], deadline, "signoff-admin")
    published_history(people["steward"])
    sign_in(page, people["steward"], PASSWORD)
    home = page.inner_text("#rounds")
    assert "closes in 12 days" in home and "1 of 2 expected series submitted" in home, home
    screenshot(page, "signoff-home")

    page.set_input_files(
        "#upload-file", files=[{"name": "gtm.csv", "mimeType": "text/csv", "buffer": (HEADER + TYPO).encode()}]
    )
    page.click("#upload-button")
    page.wait_for_selector("#values-table")
    values = page.inner_text("#values-table")
    assert "41" in values and "typed from the bulletin" in values and "new" in values and "same" in values
    assert "median 4.1 over 3 earlier years" in page.inner_text("#warnings-table")
    page.fill("#warnings-table textarea", "The 2022 bulletin moved to a new sampling frame")
    page.check("#confirm-box")
    page.click("#submit-button")
    page.wait_for_selector("#submission-status >> text=submitted")
    first_url = page.url
    sign_out(page)

    sign_in(page, people["admin"], PASSWORD)
    page.goto(first_url)
    assert "The 2022 bulletin moved to a new sampling frame" in page.inner_text("#warnings-table")
    screenshot(page, "signoff-review")
    page.fill("#return-reason", "41.0 is 4.1 with a slipped decimal point: check the bulletin")
    page.click("#return-button")
    page.wait_for_selector("#returned")
    sign_out(page)

    sign_in(page, people["steward"], PASSWORD)
    page.goto(first_url)
    assert "slipped decimal point" in page.inner_text("#returned")
    screenshot(page, "signoff-returned")
    page.set_input_files(
        "#correct-file",
        files=[{"name": "gtm-fixed.csv", "mimeType": "text/csv", "buffer": (HEADER + CORRECTED).encode()}],
    )
    page.click("#correct-button")
    page.wait_for_selector("#corrects")
    assert page.locator("#warnings").count() == 0
    page.check("#confirm-box")
    page.click("#submit-button")
    page.wait_for_selector("#submission-status >> text=submitted")
    fixed_url = page.url
    sign_out(page)

    sign_in(page, people["admin"], PASSWORD)
    page.goto(fixed_url)
    page.click("#approve-open")
    assert "publishes this file's values (count: 1) in a new release after" in page.inner_text("#approve-effect")
    screenshot(page, "signoff-approve")
    page.click("#approve-button")
    page.wait_for_selector("#published", timeout=90_000)

    page.goto("/country/GTM")
    page.wait_for_selector("text=citing INE ENEI 2022 (revised)", timeout=30_000)
    assert "Submitted by INE Guatemala, citing INE ENEI 2022 (revised)" in page.inner_text("main")
    link = page.locator(f"#tile-{RATE} a.tile-history").first.get_attribute("href")
    history = requests.get(gunicorn_server + link, timeout=10).json()["values"]
    assert [r["value"] for r in history if r["year"] == 2022][-1] == 4.3
    screenshot(page, "signoff-country")

    page.goto("/steward/#releases")
    # the release's publish row (earlier tests on the shared server may have rolled back to it too: those rows
    # name it but offer no roll-back step)
    row = page.locator("#release-table tr", has_text=original).filter(has=page.locator("summary"))
    row.locator("summary").click()
    assert "submissions" in row.inner_text() and original in row.inner_text()
    row.locator("button").click()
    page.wait_for_selector("text=Rolled back")
    page.goto(fixed_url)
    assert f"Withdrawn in release {original}" in page.inner_text("#withdrawn")
    screenshot(page, "signoff-withdrawn")
    page.goto(first_url + "?lang=fr")  # the steward's words in French too (then back to English for later tests)
    assert "Renvoyée au responsable" in page.inner_text("#returned") and "Ce qui est signé" in page.inner_text("main")
    screenshot(page, "signoff-returned-fr")
    page.goto(first_url + "?lang=en")
