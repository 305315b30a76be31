"""Reporting rounds: `lmm rounds open|close|reopen|list`, the steward home's "closes in N days" and "k of n expected
series submitted", and a closed round's series refused until an admin reopens it: at upload (API 422 with the
reason, the inline check and the validation job's, and the page in the reader's language) and at submit when the
round closed after the upload (API 409 and the page)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lmm.cli import main
from stewards import publish, rounds
from tests.steward.conftest import HEADER, csrf_of, page_text, sign_in, upload, wait_checked
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
    assert "recruitment_cost_months · Mexico" in home  # still expected (its title before the id)
    client = steward_server.test_client()
    sid = post_file(client, accounts.mex_token, FILE).json["id"]
    try:
        ok = call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/submit", {"confirm": True})
        assert ok.status_code == 200, ok.json
        home = page_text(sign_in(steward_server, "mex").get("/steward/").text)
        assert "1 of 2 expected series submitted" in home
        assert main(["rounds", "list"]) == 0 and "1/4 series submitted  2026 costs" in capsys.readouterr().out

        late = post_file(client, accounts.mex_token, FILE).json["id"]  # uploaded while open; the round closes
        assert main(["rounds", "close", str(rnd.id), "--actor", "admin"]) == 0
        shown = call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{late}").json["closed_rounds"]
        assert [(r["name"], r["series"]) for r in shown] == [("2026 costs", ["recruitment_cost_months|MEX"])]
        before = page_text(sign_in(steward_server, "mex").get(f"/steward/submissions/{late}").text)
        assert "The reporting round 2026 costs closed on" in before  # said on the page before submit
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
        assert post_file(client, accounts.mex_token, FILE).status_code == 201  # reopened: accepted at upload again
    finally:
        rounds.reopen_round(rnd.id, "pytest cleanup")  # an open round refuses nothing
        for pending in rounds.store.list_submissions():
            if pending.status == "submitted" and pending.filename == "mex.csv" and pending.rows == 1:
                publish.reject(pending.id, "pytest cleanup", "test file")


def test_a_file_for_a_closed_round_is_refused_at_upload_with_the_reason(steward_server, accounts, monkeypatch) -> None:
    """Before: the file was accepted ('validated') and refused only when the steward submitted it."""
    deadline = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    rnd = rounds.open_round("2026 inspections", ["return_reintegration"], ["MEX"], deadline, "admin")
    rounds.close_round(rnd.id, "admin")
    body = "return_reintegration,MEX,,2024,,,yes,,STPS informe 2024,\n" + FILE  # one closed, one free series
    client = steward_server.test_client()
    try:
        inline = post_file(client, accounts.mex_token, body)
        assert inline.status_code == 422 and inline.json["status"] == "invalid", inline.json
        problem = inline.json["problems"][0]
        assert "'2026 inspections'" in problem["message"] and "return_reintegration|MEX" in problem["message"]
        assert f"lmm rounds reopen {rnd.id}" in problem["message"]
        assert (problem["round"], problem["series"]) == (rnd.id, ["return_reintegration|MEX"])
        shown = call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{inline.json['id']}").json
        assert [(r["round"], r["name"]) for r in shown["closed_rounds"]] == [(rnd.id, "2026 inspections")]
        assert shown["values"] == [] and rounds.store.submission_rows(inline.json["id"]).empty  # no row kept
        spanish = call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{inline.json['id']}?lang=es").json
        assert spanish["problems"][0]["message"].startswith("la ronda de reporte '2026 inspections' (fecha límite")
        assert spanish["problems"][0]["message_en"] == problem["message"]  # the English text kept beside it
        api_fr = client.get(
            f"/api/v1/submissions/{inline.json['id']}",
            headers={"Authorization": f"Bearer {accounts.mex_token}", "Accept-Language": "fr"},
        ).json
        assert "la campagne de collecte '2026 inspections' (date limite" in api_fr["problems"][0]["message"]
        assert "return_reintegration|MEX ne peuvent être téléversées" in api_fr["problems"][0]["message"]

        steward = sign_in(steward_server, "mex")
        html = upload(steward, "mex.csv", (HEADER + body).encode()).text
        assert 'id="problems-table"' not in html and html.count("This file was refused") == 1  # once, no empty table
        page = page_text(html)
        assert "This file was refused: the reporting round 2026 inspections" in page
        assert "return_reintegration MEX belong to it" in page and "lmm rounds reopen" not in page
        refused_id = rounds.store.list_submissions(limit=1)[0].id
        french = page_text(steward.get(f"/steward/submissions/{refused_id}?lang=fr").text)
        assert "Ce fichier a été refusé : la campagne de collecte 2026 inspections" in french

        monkeypatch.setenv("LMM_UPLOAD_INLINE_KB", "0.05")  # any file: checked by a validation job
        job = post_file(client, accounts.mex_token, body)
        assert job.status_code == 202, job.json
        wait_checked(job.json["id"], timeout=90)
        done = call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{job.json['id']}").json
        assert done["status"] == "invalid" and "'2026 inspections'" in done["problems"][0]["message"], done
        assert done["closed_rounds"][0]["series"] == ["return_reintegration|MEX"]

        monkeypatch.undo()
        rounds.reopen_round(rnd.id, "admin")
        assert post_file(client, accounts.mex_token, body).status_code == 201  # reopened: accepted
    finally:
        rounds.reopen_round(rnd.id, "pytest cleanup")  # an open round refuses nothing
