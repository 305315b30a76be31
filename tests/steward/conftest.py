"""Steward fixtures: accounts in the session's control database, signed-in test clients, release fingerprints."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

PASSWORD = "correct horse battery staple"
HEADER = "indicator_id,country,partner_country,year,sex,value,category,event_date,source,note\n"


@dataclass(frozen=True)
class Accounts:
    admin: str
    mex: str  # steward for MEX (INEGI Mexico)
    phl: str  # steward for PHL
    admin_token: str
    mex_token: str
    phl_token: str


@pytest.fixture(scope="session")
def accounts(data_dir: Path) -> Accounts:
    from stewards import accounts as acct

    acct.create_user("admin", "admin", PASSWORD, institution="Monitor team")
    acct.create_user("mex", "steward", PASSWORD, ["MEX"], "INEGI Mexico")
    acct.create_user("phl", "steward", PASSWORD, ["PHL"], "Philippine Statistics Authority")
    tokens = [acct.issue_token(name, actor="pytest") for name in ("admin", "mex", "phl")]
    return Accounts("admin", "mex", "phl", *tokens)


@pytest.fixture(scope="session")
def steward_server(release_id: str, accounts: Accounts) -> Flask:
    """The steward blueprint, API and security headers on a bare Flask server (the Dash app is tested elsewhere)."""
    from dashboard import security
    from dashboard.steward import routes

    server = Flask("steward-tests")
    routes.register(server)
    security.register(server)
    return server


def csrf_of(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        if "csrf" not in session:
            client.get("/steward/login")
    with client.session_transaction() as session:
        return session["csrf"]


def sign_in(server: Flask, name: str, password: str = PASSWORD) -> FlaskClient:
    client = server.test_client()
    response = client.post("/steward/login", data={"name": name, "password": password, "csrf_token": csrf_of(client)})
    assert response.status_code == 302, response.text
    return client


def upload(client: FlaskClient, name: str, body: bytes):
    """POST a file through the page; returns the response of the page it leads to (once a file checked by a
    validation job is checked)."""
    from io import BytesIO

    data = {"csrf_token": csrf_of(client), "file": (BytesIO(body), name)}
    response = client.post("/steward/upload", data=data, content_type="multipart/form-data")
    if response.status_code != 302:
        return response
    location = response.headers["Location"]
    if "/submissions/" in location:
        wait_checked(location.rstrip("/").rsplit("/", 1)[1])
    return client.get(location)


def wait_checked(submission_id: str, timeout: float = 60) -> None:
    """Wait until a submission is no longer being checked by its validation job."""
    import time

    from stewards import store

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sub = store.get_submission(submission_id)
        if sub is None or sub.status != "validating":
            return
        time.sleep(0.1)
    raise TimeoutError(f"submission {submission_id} still validating after {timeout} s")


def page_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").replace("&#34;", '"')


def release_fingerprint() -> tuple[str | None, str, int]:
    """(current release id, sha256 of its file, number of release files): equal before/after means unchanged."""
    from warehouse import releases

    current = releases.current_release_id()
    digest = releases.file_sha256(releases.release_path(current)) if current else ""
    return current, digest, len(releases.list_release_ids())


@pytest.fixture
def restore_release(release_id: str) -> Iterator[None]:
    """Tests that publish roll back afterwards, so later tests see the session's release (and no submissions)."""
    from warehouse import releases

    before = releases.current_release_id()
    yield
    if before and releases.current_release_id() != before:
        releases.rollback(before, actor="pytest cleanup")
