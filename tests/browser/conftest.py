"""Browser tests: Debian's headless Chromium driven by Playwright against the real app under gunicorn.

No `playwright install`: the launch uses /usr/bin/chromium. Every test fails on a browser console error.
Screenshots go to test-artifacts/ (git-ignored) so a person can look at them.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, gunicorn_server: str) -> Iterator[object]:
    """A fresh page with base_url set; console errors and failed requests make the test fail."""
    context = browser.new_context(
        base_url=gunicorn_server, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == [], f"browser console errors: {errors}"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pick_the_match_by_keyboard(page, option: str) -> None:
    """Arrow down to the first option of an open, filtered Dash dropdown and press Enter.

    Waits until the list has been filtered, with `option` first: the option is also in the unfiltered list, and
    on a loaded machine the arrow reached the list's old first option, which the filter then removed.
    """
    expect(page.get_by_role("option").first).to_have_text(option)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def click_the_option(page, typed: str, option: str) -> None:
    """Click `option` in an open Dash dropdown once the list holds only options with `typed` in them.

    Options are drawn by position: clicked while the unfiltered list was still shown, the node that held `option`
    could hold another option when the click landed."""
    options = page.get_by_role("option")
    expect(options.filter(has_not_text=re.compile(re.escape(typed), re.IGNORECASE))).to_have_count(0)
    options.and_(page.get_by_role("option", name=option, exact=True)).click()
