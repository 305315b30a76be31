"""Steps of the steward area shared by the browser tests."""

from __future__ import annotations


def sign_in(page, name: str, password: str) -> None:
    """Sign in on /steward/ and wait for the upload form of the signed-in home."""
    page.goto("/steward/")
    page.fill("#login-name", name)
    page.fill("#login-password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#upload-form")
