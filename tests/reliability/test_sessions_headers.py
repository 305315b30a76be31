"""Sessions and headers: cookies Secure behind an HTTPS proxy (X-Forwarded-Proto through gunicorn), HttpOnly and
SameSite; a new session (and CSRF token) at each sign-in; the sign-in form needs its CSRF token; the rate limit is
not side-stepped by spelling the name differently; passwords never reach a log, the audit log or the database; and
the security headers on every kind of response (pages, callbacks, assets, API, steward, errors), with a browser
loading every page under the CSP and seeing no violation."""

from __future__ import annotations

import logging
import re

import pytest
import requests
from flask import Flask

from tests.reliability.conftest import PASSWORD, Server, Site
from tests.reliability.test_access_matrix import csrf, signed_in

SECRET = "an unusual pass phrase 7Qx!"


def login_over(server: Server, proto: str | None, name: str = "mex", password: str = PASSWORD) -> requests.Response:
    """Sign in as a browser would through a proxy saying `X-Forwarded-Proto: proto` (the cookie is sent back by
    hand: over this plain loopback a client would keep a Secure cookie to itself)."""
    headers = {"X-Forwarded-Proto": proto} if proto else {}
    page = requests.get(server.url + "/steward/login", headers=headers, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    cookie = re.search(r"lmm_session=([^;]+)", page.headers.get("Set-Cookie", ""))
    assert token and cookie, page.text[:300]
    return requests.post(server.url + "/steward/login", allow_redirects=False, timeout=30,
                         headers=headers | {"Cookie": f"lmm_session={cookie[1]}"},
                         data={"name": name, "password": password, "csrf_token": token[1]})  # fmt: skip


def test_cookies_are_secure_behind_an_https_proxy_and_always_http_only_lax(server: Server) -> None:
    proxied = login_over(server, "https")
    assert proxied.status_code == 302
    cookie = proxied.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
    assert "max-age=31536000" in proxied.headers.get("Strict-Transport-Security", "")
    plain = login_over(server, None)
    assert "HttpOnly" in plain.headers["Set-Cookie"] and "Secure" not in plain.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in plain.headers


def test_each_sign_in_starts_a_new_session_and_needs_the_form_token(app: Flask) -> None:
    client = app.test_client()
    before = csrf(client)
    refused = client.post("/steward/login", data={"name": "mex", "password": PASSWORD})
    assert refused.status_code == 400 and client.get("/steward/").status_code == 302  # no token: no sign-in
    client.post("/steward/login", data={"name": "mex", "password": PASSWORD, "csrf_token": before})
    assert client.get("/steward/").status_code == 200
    assert csrf(client) != before  # a token planted before the sign-in (session fixation) is worthless after it


def test_the_rate_limit_holds_whatever_the_spelling_of_the_name(app: Flask, site: Site) -> None:
    from stewards import accounts

    accounts.create_user("spelled", "steward", PASSWORD, ["MEX"])
    client = app.test_client()
    for name in ["spelled", "SPELLED", " Spelled ", "spelled\t", "sPeLlEd"][: accounts.max_attempts()]:
        client.post("/steward/login", data={"name": name, "password": "wrong", "csrf_token": csrf(client)})
    locked = client.post("/steward/login", data={"name": "spelled", "password": PASSWORD, "csrf_token": csrf(client)})
    assert locked.status_code == 401 and "Too many failed sign-ins" in locked.get_data(as_text=True)


def test_passwords_never_reach_a_log_the_audit_log_or_the_database(
    app: Flask, site: Site, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    from stewards import accounts, store

    accounts.create_user("careful", "steward", SECRET, ["MEX"])
    with caplog.at_level(logging.DEBUG):
        client = app.test_client()
        for name, password in [("careful", SECRET), ("careful", SECRET + "x"), (SECRET, "x"), ("nobody", SECRET)]:
            client.post("/steward/login", data={"name": name, "password": password, "csrf_token": csrf(client)})
        login_over(server, None, "careful", SECRET)
        login_over(server, None, SECRET, SECRET)  # the password typed into the name field
    logged = "\n".join(r.getMessage() + " " + str(r.args) for r in caplog.records)
    assert SECRET not in logged
    assert SECRET not in server.log.read_text(errors="replace")  # gunicorn's own log
    with store.connect() as db:
        db.execute("PRAGMA wal_checkpoint(FULL)")
        rows = [str(tuple(r)) for t in ("audit", "login_failures", "users") for r in db.execute(f"SELECT * FROM {t}")]
    assert not [r for r in rows if SECRET in r]
    for path in site.path.glob("control.sqlite*"):
        assert SECRET.encode() not in path.read_bytes(), path.name


# --- security headers --------------------------------------------------------------------------------------


def assert_security_headers(response, what: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy, (what, policy)
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0], what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    assert response.headers.get("X-Frame-Options") == "DENY", what
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", what


def test_security_headers_on_every_kind_of_response(app: Flask, site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    client = app.test_client()
    index = client.get("/").get_data(as_text=True)
    suite = re.search(r'src="(/_dash-component-suites/[^"]+)"', index)
    assert suite
    admin = signed_in(app, "admin")
    cases = {
        "page": client.get("/country/MEX"), "unknown page": client.get("/no/such/page"),
        "layout": client.get("/_dash-layout"), "dependencies": client.get("/_dash-dependencies"),
        "callback": client.post("/_dash-update-component", json={"output": "x.children", "outputs": {"id": "x",
                                "property": "children"}, "inputs": [], "changedPropIds": [], "state": []}),
        "component suite": client.get(suite[1]), "asset": client.get("/assets/style.css"),
        "favicon": client.get("/_favicon.ico"), "api": client.get("/api/v1/health"),
        "api 404": client.get("/api/v1/nope"), "api 405": client.post("/api/v1/health"),
        "api 400": client.get("/api/v1/observations?indicator=female_lfpr&sex=x"),
        "steward page": admin.get("/steward/"), "steward login": client.get("/steward/login"),
        "steward static": client.get("/steward/static/steward.css"),
        "steward 403": signed_in(app, "mex").post("/steward/releases/rollback"),
        "csrf refusal": client.post("/steward/upload"), "api 401": client.post("/api/v1/submissions"),
        "redirect": client.get("/steward/"), "download": admin.get("/steward/template.csv"),
    }  # fmt: skip
    from dashboard.api import queries as api_queries

    def broken() -> list:
        raise RuntimeError("planted bug")

    monkeypatch.setattr(api_queries, "release_list", broken)
    cases["api 500"] = client.get("/api/v1/releases")
    monkeypatch.setenv("LMM_UPLOAD_LIMIT_MB", "0.001")
    cases["413"] = admin.post("/steward/upload", data={"csrf_token": csrf(admin), "file": (__import__("io").BytesIO(
        b"x" * 200_000), "big.csv")}, content_type="multipart/form-data")  # fmt: skip
    assert cases["api 500"].status_code == 500 and cases["413"].status_code == 413
    for what, response in cases.items():
        assert_security_headers(response, what)


def test_security_headers_through_gunicorn(server: Server) -> None:
    for path in ("/", "/assets/style.css", "/api/v1/health", "/api/v1/nope", "/steward/login"):
        assert_security_headers(requests.get(server.url + path, timeout=30), path)


# --- the browser under the CSP -----------------------------------------------------------------------------
