"""The steward flow by API token: errors, fix, diff, submit, approve, publish, provenance, rollback; scope refusal."""

from __future__ import annotations

import io
import subprocess
import sys
import time

from flask.testing import FlaskClient

from stewards import store
from tests.steward.conftest import HEADER, release_fingerprint

ERRORS = (
    "tertiary_women_emigration_rate,MEX,,2024,,107.4,,,INEGI ENADID 2024,\n"
    "fee_ban_lw,MEX,,2024,,,full,,Ley Federal del Trabajo art. 28,\n"
)
YES = {"confirm": True}  # approve, reject and roll back act only when confirmed
FIXED = (
    "tertiary_women_emigration_rate,MEX,,2023,,7.1,,,INEGI ENADID 2023,\n"
    "tertiary_women_emigration_rate,MEX,,2024,,7.4,,,INEGI ENADID 2024,provisional\n"
    "fee_ban_law,MEX,,2024,,,full,,Ley Federal del Trabajo art. 28,\n"
)


def post_file(client: FlaskClient, token: str, body: str, name: str = "mex.csv"):
    data = {"file": (io.BytesIO((HEADER + body).encode()), name)}
    return client.post("/api/v1/submissions", data=data, headers={"Authorization": f"Bearer {token}"})


def call(client: FlaskClient, token: str, method: str, path: str, body: dict | None = None):
    return client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {token}"})


def wait_published(client: FlaskClient, token: str, submission_id: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = call(client, token, "GET", f"/api/v1/submissions/{submission_id}").json
        if state["publish"]["state"] in ("done", "failed"):
            return state
        time.sleep(0.3)
    raise TimeoutError(f"{submission_id} was not published within {timeout} s")


def export(indicator: str, country: str) -> str:
    cmd = [sys.executable, "-m", "lmm.cli", "export", "--indicator", indicator, "--country", country]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def test_steward_flow_by_token(steward_server, accounts, restore_release) -> None:
    client = steward_server.test_client()
    before = release_fingerprint()

    bad = post_file(client, accounts.mex_token, ERRORS)
    assert bad.status_code == 422 and bad.json["status"] == "invalid"
    assert [(p["row"], p["column"], p["cell"]) for p in bad.json["problems"]] == [
        (2, "value", "F2"), (3, "indicator_id", "A3")]  # fmt: skip
    assert "closest: fee_ban_law" in bad.json["problems"][1]["message"]
    shown = call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{bad.json['id']}")
    assert shown.json["problems"] == bad.json["problems"]
    csv = client.get(f"/api/v1/submissions/{bad.json['id']}?format=csv",
                     headers={"Authorization": f"Bearer {accounts.mex_token}"}).text  # fmt: skip
    assert csv.splitlines()[0] == "\ufeffrow,column,cell,value,message"
    assert call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{bad.json['id']}/submit",
                {"confirm": True}).status_code == 409  # fmt: skip
    assert release_fingerprint() == before

    good = post_file(client, accounts.mex_token, FIXED)
    assert good.status_code == 201, good.json
    counts = good.json["diff"]["counts"]
    assert counts["rows"] == 3 and counts["new_series"] == 2 and counts["changed"] == 0
    sid = good.json["id"]
    submitted = call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/submit", {"confirm": True})
    assert submitted.json["status"] == "submitted"
    assert call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/approve", YES).status_code == 403
    assert release_fingerprint() == before  # nothing is published before an admin approves

    asked = call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{sid}/approve")
    assert asked.status_code == 428 and asked.json["effect"]["values"] == 3 and "count: 3" in asked.json["error"]
    assert asked.json["effect"]["after_release"] == before[0] and release_fingerprint() == before  # nothing done
    approved = call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{sid}/approve", YES)
    assert approved.json["status"] == "approved" and approved.json["review"]["by"] == "admin"
    state = wait_published(client, accounts.admin_token, sid)
    assert state["status"] == "published", state["publish"]
    published = state["publish"]["release"]
    assert release_fingerprint()[0] == published != before[0]
    rows = export("tertiary_women_emigration_rate", "MEX")
    assert (f"tertiary_women_emigration_rate,MEX,2024,female,,7.4,,%,steward,submitted_by=INEGI Mexico;"
            f"submission={sid};cited_source=INEGI ENADID 2024;note=provisional") in rows  # fmt: skip

    # a second year of figures: the diff shows the changed value against the published one
    change = post_file(client, accounts.mex_token, FIXED.replace("7.4", "9.9"))
    changed = change.json["diff"]["changed"]
    assert [(c["year"], c["value_old"], c["value"]) for c in changed] == [(2024, 7.4, 9.9)]
    assert change.json["diff"]["release"] == published

    from stewards.publish import rollback

    assert before[0] is not None
    rollback(before[0], actor="admin")
    assert release_fingerprint()[0] == before[0]
    assert "steward" not in export("tertiary_women_emigration_rate", "MEX")
    assert sid not in [s.id for s in store.accepted_submissions()]  # withdrawn from later builds too


def test_mex_steward_submitting_phl_rows_is_refused(steward_server, accounts) -> None:
    client = steward_server.test_client()
    before = release_fingerprint()
    response = post_file(client, accounts.mex_token, FIXED.replace("MEX", "PHL"))
    assert response.status_code == 422
    assert {p["column"] for p in response.json["problems"]} == {"country"}
    assert response.json["problems"][0]["message"] == (
        "PHL (Philippines) is outside your countries (MEX): you may submit figures only for MEX"
    )
    assert release_fingerprint() == before
    phl = post_file(client, accounts.phl_token, FIXED.replace("MEX", "PHL"))
    assert phl.status_code == 201  # the same rows are fine from the steward for PHL


def test_api_refuses_missing_file_and_oversize(steward_server, accounts, monkeypatch) -> None:
    client = steward_server.test_client()
    headers = {"Authorization": f"Bearer {accounts.mex_token}"}
    assert "field 'file'" in client.post("/api/v1/submissions", headers=headers).json["error"]
    monkeypatch.setenv("LMM_UPLOAD_LIMIT_MB", "0.01")
    big = post_file(client, accounts.mex_token, FIXED * 400)
    assert big.status_code == 413 and "larger than the limit of 0.01 MB" in big.json["error"]


def test_trusted_steward_auto_publishes_and_replace_drops_the_published_series(
    steward_server, accounts, restore_release, monkeypatch
) -> None:
    from stewards import accounts as acct

    acct.create_user("bgd-trusted", "steward", "a trusted steward password", ["BGD"], "BMET", trusted=True)
    token = acct.issue_token("bgd-trusted")
    monkeypatch.setenv("LMM_AUTO_PUBLISH", "1")
    client = steward_server.test_client()
    assert "un_sdg" in export("recruitment_cost_months", "BGD")  # the published series (2020, by sex)
    sub = post_file(client, token, "recruitment_cost_months,BGD,,2024,,12.3,,,BMET survey 2024,\n").json
    assert sub["diff"]["series"][0]["rows_in_release"] == 3
    key = sub["diff"]["series"][0]["key"]
    done = call(
        client, token, "POST", f"/api/v1/submissions/{sub['id']}/submit", {"confirm": True, "modes": {key: "replace"}}
    )
    assert (
        done.json["status"] == "approved" and done.json["review"]["by"] == "auto-publish (trusted steward bgd-trusted)"
    )
    assert wait_published(client, token, sub["id"])["status"] == "published"
    rows = export("recruitment_cost_months", "BGD").splitlines()[1:]
    assert len(rows) == 1 and rows[0].startswith(
        "recruitment_cost_months,BGD,2024,total,,12.3,,months of earnings,steward"
    )
