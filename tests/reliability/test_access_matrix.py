"""The access-control matrix: anonymous, the steward of MEX, the steward of PHL and an admin against every
state-changing route and action, by page form (session + CSRF token) and by API (bearer token).

Each cell starts from a fresh target (a MEX submission in the state the action needs; a newer release to roll back
from), performs the action, and checks the state: it changed exactly where the matrix says Y, and nowhere else
(the release, the submission and the control database's rows as before). The same actions without the CSRF token,
or with a revoked token, are refused for everyone.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.reliability.conftest import PASSWORD, Site, csv_body, publish_copy

ACTORS = ["anonymous", "mex", "phl", "admin"]
YES = {"confirm": True}  # approve, reject and roll back by API act only when confirmed
# Y: the action takes effect. -: refused and nothing changes. Token create/revoke exist only on the command line
# (`lmm users token|revoke`: shell access to the host), so no HTTP route may offer them (checked below).
EXPECTED = """
action          anonymous  mex  phl  admin
page:upload         -       Y    -     Y
page:submit         -       Y    -     Y
page:approve        -       -    -     Y
page:reject         -       -    -     Y
page:retry          -       -    -     Y
page:return         -       -    -     Y
page:rollback       -       -    -     Y
page:logout         -       Y    Y     Y
api:upload          -       Y    -     Y
api:submit          -       Y    -     Y
api:approve         -       -    -     Y
api:reject          -       -    -     Y
api:retry           -       -    -     Y
api:return          -       -    -     Y
api:rollback        -       -    -     Y
"""
MATRIX = {
    (line.split()[0], actor): mark == "Y"
    for line in EXPECTED.strip().splitlines()[1:]
    for actor, mark in zip(ACTORS, line.split()[1:], strict=True)
}


@pytest.fixture(autouse=True)
def no_publish_jobs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Approvals are recorded; the publish job they would start is not (the matrix is about who may)."""
    from stewards import publish

    started: list[str] = []

    def start_job(submission_id: str, _actor: str) -> int:
        started.append(submission_id)
        return 0

    monkeypatch.setattr(publish, "start_job", start_job)
    return started


def csrf(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        if "csrf" not in session:
            client.get("/steward/login")
    with client.session_transaction() as session:
        return session["csrf"]


def signed_in(server: Flask, name: str) -> FlaskClient:
    client = server.test_client()
    if name != "anonymous":
        answer = client.post("/steward/login", data={"name": name, "password": PASSWORD, "csrf_token": csrf(client)})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return client


_CLIENTS: dict[tuple[int, str], FlaskClient] = {}


def client_for(server: Flask, actor: str, fresh: bool = False) -> FlaskClient:
    """A signed-in client per actor, kept between cells (a sign-in costs a scrypt); `fresh` for a sign-out."""
    key = (id(server), actor)
    if fresh:
        return signed_in(server, actor)
    if key not in _CLIENTS:
        _CLIENTS[key] = signed_in(server, actor)
    return _CLIENTS[key]


def mex_submission(state: str) -> str:
    """A fresh MEX submission in the given state: validated, submitted, or approved with its publish job dead.
    Stored directly (file, checksum, row) rather than validated: the matrix is about who may act on it."""
    import json

    import pandas as pd

    from stewards import accounts, store, workflow
    from warehouse import releases

    user = accounts.get_user("mex")
    assert user is not None
    sid, body, current = workflow.new_submission_id(), csv_body(value=3.5), releases.current_release_id()
    stored, digest = workflow.keep_original(sid, "mex.csv", body)
    row = {"row": 2, "kind": "observation", "indicator_id": "tertiary_women_emigration_rate", "country": "MEX",
           "partner_country": "", "year": 2024, "sex": "female", "value": 3.5, "value_label": None, "unit": "%",
           "event_date": None, "status": None, "source": "National survey 2024", "note": None}  # fmt: skip
    values = {"id": sid, "user_id": user.id, "filename": "mex.csv", "sha256": digest, "size": len(body),
              "stored_path": stored, "created_at": store.now_iso(), "status": "validated", "rows": 1,
              "problems": "[]", "diff": json.dumps({"release": current, "series": []}), "diff_release": current}  # fmt: skip
    store.insert_submission(values, pd.DataFrame([row]), actor="mex")
    sub = store.get_submission(sid)
    assert sub is not None
    if state in ("submitted", "interrupted"):
        workflow.submit(sub, user, {}, None)
    if state == "interrupted":
        store.update_submission(sid, "admin", "approve", status="approved", reviewed_by="admin",
                                reviewed_at=store.now_iso(), job_state="failed", job_message="publish failed: test")  # fmt: skip
    return sid


@dataclass
class Cell:
    target: Callable[[], str]  # prepares the target, returns its id
    page: Callable[[FlaskClient, str, dict], object] | None  # performs the action through the page
    api: Callable[[FlaskClient, str, dict], object] | None  # performs it through the API (headers given)
    happened: Callable[[str], bool]  # whether it took effect


def _status(sid: str) -> str:
    from stewards import store

    sub = store.get_submission(sid)
    assert sub is not None
    return sub.status


def _last_upload() -> str:
    from stewards import store

    return store.list_submissions(limit=1)[0].id


def _uploaded_after(before: str) -> bool:
    from stewards import store

    newest = store.list_submissions(limit=1)[0]
    return newest.id != before and newest.status == "validated"


def _rollback_target() -> str:
    from warehouse import releases

    target = releases.current_release_id()
    assert target is not None
    publish_copy()
    return target


def _rolled_back(target: str) -> bool:
    from warehouse import releases

    return releases.current_release_id() == target


def _form(path: str, **extra: str):
    def post(client: FlaskClient, target: str, form: dict) -> object:
        return client.post(path.format(t=target), data={**form, **extra})

    return post


def _upload_form(client: FlaskClient, _target: str, form: dict) -> object:
    data = {**form, "file": (io.BytesIO(csv_body(value=2.5)), "mex.csv")}
    return client.post("/steward/upload", data=data, content_type="multipart/form-data")


def _api(method: str, path: str, body: dict | None = None):
    def call(client: FlaskClient, target: str, headers: dict) -> object:
        return client.open(path.format(t=target), method=method, json=body, headers=headers)

    return call


def _api_rollback(client: FlaskClient, target: str, headers: dict) -> object:
    return client.post("/api/v1/releases/rollback", json={"release_id": target, **YES}, headers=headers)


def _api_upload(client: FlaskClient, _target: str, headers: dict) -> object:
    return client.post(
        "/api/v1/submissions", headers=headers, data={"file": (io.BytesIO(csv_body(value=2.5)), "m.csv")}
    )


ACTIONS: dict[str, Cell] = {
    "upload": Cell(_last_upload, _upload_form, _api_upload, _uploaded_after),
    "submit": Cell(lambda: mex_submission("validated"), _form("/steward/submissions/{t}/submit", confirm="yes"),
                   _api("POST", "/api/v1/submissions/{t}/submit", {"confirm": True}),
                   lambda sid: _status(sid) == "submitted"),
    "approve": Cell(lambda: mex_submission("submitted"), _form("/steward/submissions/{t}/approve"),
                    _api("POST", "/api/v1/submissions/{t}/approve", YES), lambda sid: _status(sid) == "approved"),
    "reject": Cell(lambda: mex_submission("submitted"), _form("/steward/submissions/{t}/reject", reason="no"),
                   _api("POST", "/api/v1/submissions/{t}/reject", {"reason": "no", **YES}),
                   lambda sid: _status(sid) == "rejected"),
    "retry": Cell(lambda: mex_submission("interrupted"), _form("/steward/submissions/{t}/retry"),
                  _api("POST", "/api/v1/submissions/{t}/retry"), lambda sid: _retried(sid)),
    "return": Cell(lambda: mex_submission("submitted"), _form("/steward/submissions/{t}/return", reason="a typo"),
                   _api("POST", "/api/v1/submissions/{t}/return", {"reason": "a typo"}),
                   lambda sid: _status(sid) == "returned"),
    "rollback": Cell(_rollback_target, _form("/steward/releases/rollback"), _api_rollback, _rolled_back),
    "logout": Cell(lambda: "", _form("/steward/logout"), None, lambda _t: False),  # judged on the session below
}  # fmt: skip


def _retried(sid: str) -> bool:
    from stewards import store

    return any(e["action"] == "publish_retry" for e in store.audit_entries(10, subject=sid))


def _signed_in_still(client: FlaskClient) -> bool:
    return client.get("/steward/").status_code == 200


def run_cell(server: Flask, site: Site, channel: str, action: str, actor: str, with_csrf: bool = True) -> bool:
    from tests.reliability.conftest import control_counts

    cell = ACTIONS[action]
    target = cell.target()
    client = client_for(server, actor, fresh=action == "logout")
    before_counts = control_counts()
    if channel == "page":
        form = {"csrf_token": csrf(client)} if with_csrf and actor != "anonymous" else {}
        if action == "rollback":
            form["release_id"] = target
        answer = cell.page(client, target, form)  # type: ignore[misc]
    else:
        headers = {"Authorization": f"Bearer {site.tokens[actor]}"} if actor != "anonymous" else {}
        answer = cell.api(client, target, headers)  # type: ignore[misc]
    status = answer.status_code  # type: ignore[attr-defined,union-attr]
    if action == "logout":
        return actor != "anonymous" and not _signed_in_still(client)
    took = cell.happened(target)
    if not took:
        assert status in (302, 400, 401, 403, 404, 409, 422), (channel, action, actor, status)
        if action != "upload":  # a refused upload is still recorded (as invalid, without rows)
            assert control_counts()["submission_rows"] == before_counts["submission_rows"]
    return took


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("key", sorted({k for k, _ in MATRIX}))
def test_access_matrix(app: Flask, site: Site, key: str, actor: str) -> None:
    channel, action = key.split(":")
    assert run_cell(app, site, channel, action, actor) == MATRIX[(key, actor)], f"{key} as {actor}"


@pytest.mark.parametrize("actor", ["mex", "admin"])
@pytest.mark.parametrize("action", ["upload", "submit", "approve", "reject", "retry", "return", "rollback", "logout"])
def test_every_form_without_its_csrf_token_is_refused(app: Flask, site: Site, action: str, actor: str) -> None:
    assert run_cell(app, site, "page", action, actor, with_csrf=False) is False


@pytest.mark.parametrize("action", ["upload", "submit", "approve", "reject", "retry", "return", "rollback"])
def test_a_revoked_token_is_refused_for_every_api_action(app: Flask, site: Site, action: str) -> None:
    from stewards import accounts

    if "revoked" not in site.tokens:
        accounts.create_user("revoked", "admin", PASSWORD)
        site.tokens["revoked"] = accounts.issue_token("revoked")
        accounts.revoke_tokens("revoked")
    cell = ACTIONS[action]
    target = cell.target()
    answer = cell.api(app.test_client(), target, {"Authorization": f"Bearer {site.tokens['revoked']}"})  # type: ignore[misc]
    assert answer.status_code == 401 and not cell.happened(target)  # type: ignore[attr-defined,union-attr]


def test_no_http_route_creates_or_revokes_tokens_or_accounts(app: Flask) -> None:
    rules = [r.rule for r in app.url_map.iter_rules() if {"POST", "PUT", "PATCH", "DELETE"} & (r.methods or set())]
    assert not [r for r in rules if any(w in r.lower() for w in ("token", "user", "account", "password"))], rules
    expected_posts = {"/steward/login", "/steward/logout", "/steward/upload", "/steward/submissions/<submission_id>/submit",
                      "/steward/submissions/<submission_id>/approve", "/steward/submissions/<submission_id>/reject",
                      "/steward/submissions/<submission_id>/retry", "/steward/releases/rollback",
                      "/steward/submissions/<submission_id>/return", "/api/v1/submissions/<submission_id>/return",
                      "/api/v1/submissions", "/api/v1/submissions/<submission_id>/submit",
                      "/api/v1/submissions/<submission_id>/approve", "/api/v1/submissions/<submission_id>/reject",
                      "/api/v1/submissions/<submission_id>/retry", "/api/v1/releases/rollback",
                      "/_dash-update-component"}  # fmt: skip
    unknown = set(rules) - expected_posts
    assert not unknown, f"a new state-changing route is not in the access matrix: {sorted(unknown)}"
