"""Accounts, passwords, sign-in rate limit across workers, sessions, cookies, tokens and security headers."""

from __future__ import annotations

import subprocess
import sys

import pytest
from flask import Flask

from dashboard.steward import auth
from stewards import accounts as acct
from stewards import store
from tests.steward.conftest import PASSWORD, csrf_of, page_text, sign_in


def test_passwords_are_salted_scrypt_and_checked_in_constant_time() -> None:
    first, second = acct.hash_password("s3cret-enough"), acct.hash_password("s3cret-enough")
    assert first != second and first.startswith("scrypt:32768:8:1$")  # werkzeug.security's format
    assert acct.verify_password("s3cret-enough", first)
    assert not acct.verify_password("s3cret-enougH", first)
    assert not acct.verify_password("anything", "md5$abc")


def test_an_earlier_versions_hash_still_signs_in_and_is_rewritten() -> None:
    import base64
    import hashlib

    from stewards import store

    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(b"an old password!", salt=salt, n=2**14, r=8, p=1, dklen=32, maxmem=64 * 1024 * 1024)
    legacy = f"scrypt$16384$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    acct.create_user("legacy-user", "steward", "an old password!", ["MEX"])
    with store.transaction() as db:
        db.execute("UPDATE users SET password_hash = ? WHERE name = 'legacy-user'", (legacy,))
    assert acct.authenticate("legacy-user", "an old password!", "127.0.0.1").name == "legacy-user"
    with store.connect() as db:
        rewritten = db.execute("SELECT password_hash FROM users WHERE name = 'legacy-user'").fetchone()[0]
    assert rewritten.startswith("scrypt:") and acct.verify_password("an old password!", rewritten)


def test_accounts_are_checked() -> None:
    with pytest.raises(acct.AuthError, match="at least 10 characters"):
        acct.create_user("shorty", "steward", "short", ["MEX"])
    with pytest.raises(acct.AuthError, match="needs --countries"):
        acct.create_user("nocountry", "steward", PASSWORD)
    with pytest.raises(acct.AuthError, match="role 'root'"):
        acct.create_user("root", "root", PASSWORD)


def test_wrong_password_is_refused_without_saying_which_part(steward_server, accounts) -> None:
    client = steward_server.test_client()
    response = client.post("/steward/login", data={"name": "mex", "password": "nope", "csrf_token": csrf_of(client)})
    assert response.status_code == 401 and "Wrong user name or password." in response.text
    response = client.post("/steward/login", data={"name": "nobody", "password": "x", "csrf_token": csrf_of(client)})
    assert response.status_code == 401 and "Wrong user name or password." in response.text


def _second_worker() -> Flask:
    """Another app instance on the same control database, like a second gunicorn worker."""
    from dashboard.steward import routes

    server = Flask("second-worker")
    server.secret_key = auth.secret_key()
    server.register_blueprint(routes.pages)
    return server


def test_sign_in_attempts_are_limited_per_user_and_address_across_workers(steward_server, accounts) -> None:
    acct.create_user("locked", "steward", PASSWORD, ["MEX"])
    workers = [steward_server.test_client(), _second_worker().test_client()]
    for attempt in range(acct.max_attempts()):
        client = workers[attempt % 2]
        client.post("/steward/login", data={"name": "locked", "password": "bad", "csrf_token": csrf_of(client)})
    client = workers[0]
    response = client.post(
        "/steward/login", data={"name": "locked", "password": PASSWORD, "csrf_token": csrf_of(client)}
    )
    assert response.status_code == 401
    assert "Too many failed sign-ins for this account from your address. Try again in 15 min." in response.text
    other_address = steward_server.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    response = other_address.post("/steward/login", data={"name": "locked", "password": PASSWORD,
                                                           "csrf_token": csrf_of(other_address)})  # fmt: skip
    assert response.status_code == 302  # the limit is per account and address
    assert [e["action"] for e in store.audit_entries(3)][1:] == ["login_locked", "login_failed"]


def test_session_cookie_is_http_only_lax_and_secure_when_asked(steward_server, accounts, monkeypatch) -> None:
    cookie = sign_in(steward_server, "mex").get_cookie("lmm_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    monkeypatch.setenv("LMM_SECURE_COOKIES", "1")
    client = steward_server.test_client()
    response = client.post("/steward/login", data={"name": "mex", "password": PASSWORD, "csrf_token": csrf_of(client)})
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_steward_cannot_use_admin_actions_or_see_others_submissions(steward_server, accounts) -> None:
    client = sign_in(steward_server, "phl")
    response = client.post("/steward/releases/rollback", data={"csrf_token": csrf_of(client), "release_id": "r1"})
    assert response.status_code == 403 and "for admins" in page_text(response.text)
    mex_sub = next((s for s in store.list_submissions() if s.user_name == "mex"), None)
    if mex_sub:
        assert client.get(f"/steward/submissions/{mex_sub.id}").status_code == 404


def test_tokens_are_stored_hashed_and_revocable(steward_server, accounts) -> None:
    acct.create_user("scripted", "steward", PASSWORD, ["MEX"])
    token = acct.issue_token("scripted")
    with store.connect() as db:
        stored = [r[0] for r in db.execute("SELECT token_hash FROM tokens")]
    assert token not in stored and acct._token_hash(token) in stored
    client = steward_server.test_client()
    assert client.get("/api/v1/submissions/x", headers={"Authorization": f"Bearer {token}"}).status_code == 404
    acct.revoke_tokens("scripted")
    response = client.get("/api/v1/submissions/x", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "lmm users token" in response.json["error"]
    assert client.post("/api/v1/submissions").status_code == 401


def test_security_headers_on_every_response(steward_server) -> None:
    for path in ("/steward/login", "/api/v1/submissions/x", "/steward/static/steward.css"):
        headers = steward_server.test_client().get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_inline_scripts_are_allowed_by_their_hash_only(release_id: str) -> None:
    """The Dash index page's own inline scripts are hashed into script-src; nothing else inline may run."""
    import base64
    import hashlib

    from dashboard.app import create_app
    from dashboard.security import INLINE_SCRIPT

    response = create_app().server.test_client().get("/")
    inline = INLINE_SCRIPT.findall(response.get_data())
    assert inline, "the Dash index page has inline scripts (config, renderer)"
    policy = response.headers["Content-Security-Policy"]
    script_src = policy.split("script-src ")[1].split(";")[0].split()
    expected = {f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'" for body in inline}
    assert set(script_src) == {"'self'"} | expected
    assert "'unsafe-eval'" not in policy  # the browser test shows Dash and plotly run without it


def test_cli_reads_the_password_from_stdin_never_argv(data_dir) -> None:
    cmd = [sys.executable, "-m", "lmm.cli", "users", "add", "cli-steward", "--countries", "gtm,MEX",
           "--institution", "INE Guatemala"]  # fmt: skip
    done = subprocess.run(cmd, input="a long enough password\n", capture_output=True, text=True, check=True)
    assert "added steward cli-steward for GTM, MEX" in done.stdout
    assert acct.authenticate("cli-steward", "a long enough password", "127.0.0.1").institution == "INE Guatemala"
    token = subprocess.run([sys.executable, "-m", "lmm.cli", "users", "token", "cli-steward"], capture_output=True,
                           text=True, check=True).stdout.strip()  # fmt: skip
    user = acct.user_for_token(token)
    assert user is not None and user.name == "cli-steward"
