"""What a submission says is what is served: a publish job stopped after its release was switched in is recorded as
published in that release (never 'interrupted'); rejecting a submission whose figures are served withdraws them with
a new release; an admin retries a failed publish by API too."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from stewards import publish, store, workflow
from tests.steward.conftest import HEADER
from tests.steward.test_checking import post

DEAD_PID = 2**22 + 4321  # above the default pid_max: no process has it


@pytest.fixture(autouse=True)
def no_accepted_leftovers() -> Iterator[None]:
    """The approvals these tests plant leave the accepted submissions afterwards (later builds would merge them)."""
    before = {s.id for s in store.accepted_submissions()}
    yield
    for sub in store.accepted_submissions():
        if sub.id not in before:
            store.update_submission(sub.id, status="rejected", job_state=None)


def call(client: FlaskClient, token: str, method: str, path: str, body: dict | None = None):
    return client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {token}"})


def approved_submission(client: FlaskClient, accounts, year: int) -> str:
    """A MEX upload, submitted and approved, its publish job 'running' with a pid that is gone (a killed job)."""
    body = (HEADER + f"tertiary_women_emigration_rate,MEX,,{year},,6.5,,,INEGI {year},\n").encode()
    sid = post(client, accounts.mex_token, body).json["id"]
    assert (
        call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/submit", {"confirm": True}).status_code
        == 200
    )
    store.update_submission(sid, "admin", "approve", status="approved", reviewed_by="admin",
                            reviewed_at=store.now_iso(), job_state="running", job_pid=DEAD_PID)  # fmt: skip
    return sid


def switched_in(sid: str) -> str:
    """What the killed job had done: a release carrying the submission's figures, with its history line, served."""
    from tests.reliability.conftest import publish_copy
    from warehouse import releases

    def plant(con) -> None:
        con.execute("INSERT INTO observations BY NAME SELECT * REPLACE ('steward' AS source_id, "
                    "'submitted_by=INEGI Mexico;submission=' || ? || ';cited_source=INEGI' AS flags) "
                    "FROM observations LIMIT 1", [sid])  # fmt: skip

    release = publish_copy("publish job", plant)
    history = releases.releases_dir() / "history.jsonl"
    lines = history.read_text().splitlines()
    entry = json.loads(lines[-1]) | {"summary": f"steward submission {sid} from INEGI Mexico: 1 rows: 1 observations"}
    history.write_text("\n".join([*lines[:-1], json.dumps(entry, sort_keys=True)]) + "\n")
    return release


def test_a_job_stopped_after_the_switch_shows_the_release_that_serves_it(steward_server, accounts,
                                                                          restore_release) -> None:  # fmt: skip
    """Before: shown as 'interrupted' (an admin could reject it) while its figures were served."""
    client = steward_server.test_client()
    sid = approved_submission(client, accounts, 2015)
    assert publish.interrupted(store.get_submission(sid))  # type: ignore[arg-type]  # nothing served yet: truly so
    release = switched_in(sid)
    shown = call(client, accounts.admin_token, "GET", f"/api/v1/submissions/{sid}").json
    assert shown["status"] == "published" and shown["publish"]["release"] == release
    assert shown["publish"]["served"] is True and shown["publish"]["interrupted"] is False
    assert "stopped after the release was switched in" in shown["publish"]["message"]
    assert store.audit_entries(1, subject=sid)[0]["action"] == "publish"


def test_rejecting_served_figures_withdraws_them_with_a_new_release(steward_server, accounts,
                                                                    restore_release) -> None:  # fmt: skip
    """Before: the rejected submission's figures stayed served until some later build."""
    client = steward_server.test_client()
    sid = approved_submission(client, accounts, 2014)
    served_release = switched_in(sid)
    asked = call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{sid}/reject", {"reason": "wrong year"})
    assert asked.status_code == 428 and asked.json["effect"]["withdraws"] is True, asked.json
    assert "withdraw its values (count: 1)" in asked.json["error"] and store.get_submission(sid).status == "approved"
    answer = call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{sid}/reject",
                  {"reason": "wrong year", "confirm": True})  # fmt: skip
    assert answer.status_code == 200 and answer.json["status"] == "rejected"
    assert "a release without its figures is being built" in answer.json["publish"]["message"]
    deadline = time.monotonic() + 240
    while (state := store.get_submission(sid)) and state.job_state not in ("done", "failed"):
        assert time.monotonic() < deadline, state.job_message
        time.sleep(0.5)
    assert state is not None and state.job_state == "done", state and state.job_message
    current, carried = publish.served_in()
    assert current != served_release and sid not in carried
    assert state.status == "rejected" and f"withdrawn: release {current}" in (state.job_message or "")
    assert sid not in [s.id for s in store.accepted_submissions()]


def test_a_stopped_withdrawal_is_shown_and_can_be_retried(steward_server, accounts, restore_release,
                                                          monkeypatch) -> None:  # fmt: skip
    client = steward_server.test_client()
    sid = approved_submission(client, accounts, 2013)
    switched_in(sid)
    started: list[tuple[str, bool]] = []
    monkeypatch.setattr(publish, "start_job", lambda s, _a, withdraw=False: started.append((s, withdraw)) or 0)
    assert (
        call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{sid}/reject", {"confirm": True}).status_code
        == 200
    )
    store.update_submission(sid, job_state="running", job_pid=DEAD_PID)  # the withdrawal job killed
    shown = call(client, accounts.admin_token, "GET", f"/api/v1/submissions/{sid}").json
    assert shown["status"] == "rejected" and shown["publish"]["served"] and shown["publish"]["interrupted"]
    retried = call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{sid}/retry")
    assert retried.status_code == 200 and started == [(sid, True), (sid, True)]


def test_an_admin_retries_a_failed_publish_by_api(steward_server, accounts, monkeypatch) -> None:
    client = steward_server.test_client()
    sid = approved_submission(client, accounts, 2012)
    store.update_submission(sid, job_state="failed", job_message="publish failed: disk full")
    started: list[str] = []
    monkeypatch.setattr(publish, "start_job", lambda s, _a, withdraw=False: started.append(s) or 0)
    assert call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/retry").status_code == 403
    answer = call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{sid}/retry")
    assert answer.status_code == 200 and answer.json["publish"]["state"] == "queued" and started == [sid]
    store.update_submission(sid, status="published", job_state="done")  # what the job records once it is done
    again = call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{sid}/retry")
    assert again.status_code == 409 and "no failed or interrupted publish" in again.json["error"]


@pytest.mark.parametrize("served", [False, True])
def test_the_page_says_whether_the_figures_are_served(steward_server, accounts, restore_release, served) -> None:
    from tests.steward.conftest import page_text, sign_in

    client = steward_server.test_client()
    sid = approved_submission(client, accounts, 2011 - served)
    if served:
        switched_in(sid)
    page = page_text(sign_in(steward_server, "admin").get(f"/steward/submissions/{sid}").text)
    current = publish.served_in()[0]
    if served:
        assert f"Its figures are in the current release, {current}." in page and "Withdraw (reject" in page
    else:
        assert f"Its figures are not in the current release, {current}." in page and "Retry publishing" in page
    assert workflow.settled(store.get_submission(sid)).status == ("published" if served else "approved")  # type: ignore[arg-type]


def test_every_submission_route_is_in_the_openapi_document(steward_server) -> None:
    from dashboard.api.spec import openapi_document

    described = {"/api/v1" + p.replace("{", "<").replace("}", ">") for p in openapi_document()["paths"]}
    served = {r.rule for r in steward_server.url_map.iter_rules() if r.rule.startswith("/api/v1/submissions")}
    assert served <= described, sorted(served - described)
    retry = openapi_document()["paths"]["/submissions/{submission_id}/retry"]["post"]
    assert {"200", "403", "409"} <= set(retry["responses"])
