"""A steward's year, end to end in headless Chromium: sign in, template, errors by row and column, fix, diff,
submit; an admin approves and the release is published; the value is served with its provenance; a rollback
removes it. Screenshots of every steward page go to test-artifacts/ (steward-*.png)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import requests

from tests.browser.conftest import screenshot
from tests.browser.steward_pages import sign_in

PASSWORD = "a browser-test password"
HEADER = "indicator_id,country,partner_country,year,sex,value,category,event_date,source,note\n"
WITH_ERRORS = HEADER + (
    "recruitment_cost_monthz,BGD,,2024,total,12.3,,,BMET migration cost survey 2024,\n"
    'recruitment_cost_months,BGD,,2024,total,"12,3 months",,,BMET migration cost survey 2024,\n'
    "recruitment_cost_months,PHL,,2024,total,2.1,,,BMET migration cost survey 2024,\n"
    "fee_ban_law,BGD,,2024,,,partly,,Overseas Employment and Migrants Act 2013 s. 29,\n"
)
FIXED = HEADER + (
    "recruitment_cost_months,BGD,,2020,total,16.9,,,BMET migration cost survey 2020 (revised),\n"
    "recruitment_cost_months,BGD,,2024,total,12.3,,,BMET migration cost survey 2024,\n"
    "fee_ban_law,BGD,,2024,,,partial,,Overseas Employment and Migrants Act 2013 s. 29,\n"
)
COUNTRY_PAGE = Path(__file__).resolve().parents[2] / "dashboard" / "pages" / "country.py"


@pytest.fixture(scope="module")
def people(release_id: str) -> dict[str, str]:
    from stewards import accounts

    for name, role, countries, institution in (
        ("bgd-steward", "steward", ["BGD"], "BMET Bangladesh"),
        ("reviewer", "admin", [], "Monitor team"),
    ):
        if accounts.get_user(name) is None:
            accounts.create_user(name, role, PASSWORD, countries, institution)
    return {"steward": "bgd-steward", "admin": "reviewer"}


def upload(page, name: str, text: str) -> None:
    page.set_input_files("#upload-file", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    page.click("#upload-button")
    page.wait_for_selector("#submission-status")


def health(base: str) -> str:
    return requests.get(base + "/api/v1/health", timeout=10).json()["release"]


def export(indicator: str, country: str) -> str:
    cmd = [sys.executable, "-m", "lmm.cli", "export", "--indicator", indicator, "--country", country]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def test_steward_flow(page, gunicorn_server: str, people: dict[str, str], tmp_path: Path) -> None:
    original = health(gunicorn_server)
    page.goto("/")  # the Dash app under the Content-Security-Policy: any violation is a console error
    page.wait_for_selector("nav >> text=Stewards", timeout=30_000)
    page.wait_for_load_state("networkidle")
    page.click("text=Stewards")
    page.wait_for_selector("#login-form")
    screenshot(page, "steward-login")
    sign_in(page, people["steward"], PASSWORD)
    assert "Largest file accepted: 20 MB" in page.inner_text("#upload-limit")
    screenshot(page, "steward-home")

    with page.expect_download() as download:
        page.click("#template-xlsx")
    path = tmp_path / "template.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["data", "lists", "columns", "indicators"]
    assert len(book["data"].data_validations.dataValidation) >= 5
    assert [c.value for c in book["data"][1]] == HEADER.strip().split(",")

    upload(page, "bgd-2024.csv", WITH_ERRORS)
    table = page.inner_text("#problems-table")
    for expected in ("2\tindicator_id\tA2", "closest: recruitment_cost_months", "3\tvalue\tF3", "not a number",
                     "4\tcountry\tB4", "PHL (Philippines) is outside your countries (BGD)", "5\tcategory\tG5",
                     "did you mean 'partial'?"):  # fmt: skip
        assert expected in table, table
    assert page.inner_text("#submission-status") == "invalid"
    screenshot(page, "steward-problems")

    upload(page, "bgd-2024-fixed.csv", FIXED)
    assert page.inner_text("#submission-status") == "validated"
    counts = page.inner_text("#diff-counts")
    assert "1 changed value\n" in counts and "1 new series" in counts
    changed = page.inner_text("#diff-changed")
    assert "17.6" in changed and "16.9" in changed
    page.select_option("select[name='mode:fee_ban_law|BGD|']", "replace")
    screenshot(page, "steward-diff")
    page.check("#confirm-box")
    page.click("#submit-button")
    page.wait_for_selector("text=Submitted for review")
    assert page.inner_text("#submission-status") == "submitted"
    submission_url = page.url
    page.click("text=Sign out")
    page.wait_for_selector("#login-form")

    sign_in(page, people["admin"], PASSWORD)
    assert "Waiting for your review (1)" in page.inner_text("main")
    page.goto(submission_url)
    screenshot(page, "steward-review")
    page.click("#approve-open")  # the confirmation states what will change
    page.click("#approve-button")
    page.wait_for_selector("#published", timeout=90_000)  # the page refreshes itself while the job runs
    screenshot(page, "steward-published")
    published = health(gunicorn_server)
    assert published != original
    rows = export("recruitment_cost_months", "BGD")
    assert (
        "recruitment_cost_months,BGD,2024,total,,12.3,,months of earnings,steward,submitted_by=BMET Bangladesh" in rows
    )
    assert "2020,total,,16.9" in rows and "17.6" not in rows.split("total,,16.9")[0].splitlines()[-1]
    if COUNTRY_PAGE.exists():
        page.goto("/country/BGD")
        page.wait_for_selector("text=12.3", timeout=30_000)
        assert "Submitted by BMET Bangladesh" in page.inner_text("main")  # provenance on the country profile
        screenshot(page, "steward-country-page")

    page.goto("/steward/#releases")
    screenshot(page, "steward-releases")
    row = page.locator("#release-table tr", has_text=original)
    row.locator("summary").click()  # the confirmation states what will change
    row.locator("button").click()
    page.wait_for_selector("text=Rolled back")
    deadline = time.monotonic() + 10
    while health(gunicorn_server) != original and time.monotonic() < deadline:
        time.sleep(0.2)
    assert health(gunicorn_server) == original
    assert "steward" not in export("recruitment_cost_months", "BGD")
