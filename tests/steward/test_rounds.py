"""Reporting rounds: `lmm rounds open|close|reopen|list`, the steward home's "closes in N days" and "k of n expected
series submitted", and a closed round's series refused at submit (API 409 and the page) until an admin reopens it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lmm.cli import main
from stewards import publish, rounds
from tests.steward.conftest import csrf_of, page_text, sign_in
from tests.steward.test_api_flow import call, post_file

FILE = "recruitment_cost_months,MEX,,2024,total,3.2,,,STPS encuesta de costos 2024,\n"


def test_a_round_is_announced_counted_and_closed(steward_server, accounts, capsys) -> None:
    deadline = (datetime.now(UTC).date() + timedelta(days=12)).isoformat()
    assert main(["rounds", "open", "--indicators", "recruitment_cost_months,labour_inspection_migrants",
                 "--countries", "MEX,PHL", "--deadline", deadline, "--name", "2026 costs", "--actor", "admin"]) == 0  # fmt: skip
    rnd = rounds.list_rounds()[-1]
    assert "opened" in capsys.readouterr().out and rnd.countries == ("MEX", "PHL")
    assert main(["rounds", "open", "--indicators", "female_lfpr", "--countries", "MEX", "--deadline", deadline]) == 1
    assert "not indicators a steward can submit: female_lfpr" in capsys.readouterr().err
    assert main(["rounds", "open", "--indicators", "recruitment_cost_months", "--countries", "MEX",
                 "--deadline", "2020-01-01"]) == 1  # fmt: skip

    home = page_text(sign_in(steward_server, "mex").get("/steward/").text)
    assert "2026 costs : closes in 12 days" in home and "0 of 2 expected series submitted" in home
    assert "recruitment_cost_months · MEX" in home  # still expected
    client = steward_server.test_client()
    sid = post_file(client, accounts.mex_token, FILE).json["id"]
    try:
        ok = call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/submit", {"confirm": True})
        assert ok.status_code == 200, ok.json
        home = page_text(sign_in(steward_server, "mex").get("/steward/").text)
        assert "1 of 2 expected series submitted" in home
        assert main(["rounds", "list"]) == 0 and "1/4 series submitted  2026 costs" in capsys.readouterr().out

        assert main(["rounds", "close", str(rnd.id), "--actor", "admin"]) == 0
        late = post_file(client, accounts.mex_token, FILE).json["id"]
        shown = call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{late}").json["closed_rounds"]
        assert [(r["name"], r["series"]) for r in shown] == [("2026 costs", ["recruitment_cost_months|MEX"])]
        before = page_text(sign_in(steward_server, "mex").get(f"/steward/submissions/{late}").text)
        assert "The reporting round 2026 costs closed on" in before  # said on the page as soon as it is checked
        refused = call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{late}/submit", {"confirm": True})
        assert refused.status_code == 409 and "'2026 costs'" in refused.json["error"]
        assert refused.json["series"] == ["recruitment_cost_months|MEX"]
        steward = sign_in(steward_server, "mex")
        form = {"csrf_token": csrf_of(steward), "confirm": "yes"}
        page = page_text(steward.post(f"/steward/submissions/{late}/submit", data=form, follow_redirects=True).text)
        assert "The reporting round 2026 costs closed on" in page
        assert "2026 costs" not in page_text(sign_in(steward_server, "mex").get("/steward/").text)  # closed: gone

        assert main(["rounds", "reopen", str(rnd.id), "--actor", "admin"]) == 0
        again = call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{late}/submit", {"confirm": True})
        assert again.status_code == 200 and again.json["status"] == "submitted"
    finally:
        rounds.reopen_round(rnd.id, "pytest cleanup")  # an open round refuses nothing
        for pending in rounds.store.list_submissions():
            if pending.status == "submitted" and pending.filename == "mex.csv" and pending.rows == 1:
                publish.reject(pending.id, "pytest cleanup", "test file")
