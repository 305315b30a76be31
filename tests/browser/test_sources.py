"""/sources in headless Chromium: licences (with the not-verified warning), anchors other pages link to, and the
names kept apart per source."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import screenshot


def test_licences_and_anchors(page, release_id: str) -> None:
    from warehouse.connection import cursor

    _, cur = cursor()
    sources = cur.execute("SELECT source_id, licence_verified FROM sources").fetchall()
    page.goto("/sources")
    page.locator("#sources-list section.source").first.wait_for()
    expect(page.locator("#sources-list section.source")).to_have_count(len(sources))
    for source_id, verified in sources:
        section = page.locator(f"section#{source_id}")
        expect(section.locator("dt", has_text="Licence")).to_have_count(1)
        expect(section.get_by_text("Licence not verified")).to_have_count(0 if verified else 1)
    screenshot(page, "sources")


def test_anchor_link_scrolls_and_unmatched_names_open(page) -> None:
    page.goto("/sources#iab_brain_drain")
    section = page.locator("section#iab_brain_drain")
    section.wait_for()
    expect(section).to_be_in_viewport()
    unknown = section.get_by_role("cell", name="Unknown", exact=True)
    expect(unknown).to_be_hidden()  # collapsed until asked for
    section.locator("details.unmatched summary").click()
    expect(unknown).to_be_visible()
    screenshot(page, "sources-iab")
