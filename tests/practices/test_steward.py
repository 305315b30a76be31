"""Stewards submit practices through the same path as figures: the practice template, validation with row and
column, the diff (new practice or replacement), submission, an admin's approval, the publish job, and the practice
in the next release with the steward's institution as `submitted_by`; a rollback takes it out again."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator

import openpyxl
import pytest
from flask import Flask

from stewards.practice_template import PRACTICE_COLUMNS, practice_xlsx_template
from tests.steward.conftest import sign_in

PASSWORD = "practice steward password"
INSTITUTION = "Instituto Nacional de Migración"
GOOD = {
    "practice_id": "mex-ventanillas",
    "name": "Ventanillas de Salud",
    "name_en": "Health windows",
    "countries": "MEX;USA",
    "institution": "Secretaría de Relaciones Exteriores; Secretaría de Salud",
    "start_year": "2003",
    "activity": "ongoing",
    "themes": "dual_nationality",
    "principles": "15;14",
    "gcm_objectives": "15",
    "indicators": "emigrant_stock",
    "summary": "Health information desks in consulates.",
    "evidence": "The programme reports visits by year.",
    "evidence_links": "https://example.org/evidence",
    "source_title": "Ventanillas de Salud",
    "source_publisher": "Gobierno de México",
    "source_url": "https://example.org/vds",
    "source_accessed": "2026-11-01",
}


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, PRACTICE_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def tokens(release_id: str) -> dict[str, str]:
    from stewards import accounts

    people = [
        ("prac-admin", "admin", [], "Monitor team"),
        ("prac-mex", "steward", ["MEX"], INSTITUTION),
        ("prac-phl", "steward", ["PHL"], "Department of Migrant Workers"),
    ]
    for name, role, countries, institution in people:
        if accounts.get_user(name) is None:
            accounts.create_user(name, role, PASSWORD, countries, institution)
    return {name: accounts.issue_token(name, actor="pytest") for name, *_ in people}


@pytest.fixture(scope="module")
def server(release_id: str) -> Flask:
    from dashboard import security
    from dashboard.api import routes as api
    from dashboard.steward import routes

    app = Flask("practice-steward-tests")
    routes.register(app)
    api.register(app)
    security.register(app)
    return app


def post(client, token: str, body: bytes, name: str = "practices.csv"):
    data = {"file": (io.BytesIO(body), name)}
    return client.post("/api/v1/submissions", data=data, headers={"Authorization": f"Bearer {token}"})


def call(client, token: str, path: str, body: dict | None = None):
    return client.post(path, json=body or {}, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def restore(release_id: str) -> Iterator[None]:
    from warehouse import releases

    before = releases.current_release_id()
    yield
    if before and releases.current_release_id() != before:
        releases.rollback(before, actor="pytest cleanup")


def test_the_template_has_a_practices_sheet(server, tokens) -> None:
    client = sign_in(server, "prac-mex", PASSWORD)
    answer = client.get("/steward/practices-template.xlsx")
    assert answer.status_code == 200 and "lmm-practice-template.xlsx" in answer.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["practices", "columns", "lists"]
    assert [c.value for c in book["practices"][1]] == PRACTICE_COLUMNS
    assert client.get("/steward/practices-template.csv").data.decode("utf-8-sig").strip() == ",".join(PRACTICE_COLUMNS)
    assert "Practice template" in client.get("/steward/").text


def test_every_problem_has_its_row_and_column(server, tokens) -> None:
    bad = dict(
        GOOD,
        practice_id="vds 2003",
        principles="15;22",
        start_year="2035",
        themes="diaspora",
        source_url="example.org",
        countries="MEX;XXX",
        indicators="emigrant_stok",
    )
    extra = {
        "practice_id": "VDS 2003",
        "name": "again",
        "source_title": "Second",
        "source_url": "https://x.org",
        "source_accessed": "2026-11-02",
    }
    answer = post(server.test_client(), tokens["prac-mex"], csv_bytes([bad, extra]))
    assert answer.status_code == 422 and answer.json["status"] == "invalid"
    found = {(p["row"], p["column"], p["cell"]) for p in answer.json["problems"]}
    assert found == {
        (2, "practice_id", "A2"),
        (2, "countries", "D2"),
        (2, "start_year", "F2"),
        (2, "themes", "I2"),
        (2, "principles", "J2"),
        (2, "indicators", "L2"),
        (2, "source_url", "U2"),
        (3, "name", "B3"),
    }
    messages = " | ".join(p["message"] for p in answer.json["problems"])
    for words in (
        "lower-case letters",
        "unknown country code 'XXX'",
        "from 1800 to",
        "closest: emigrant_stock",
        "numbers from 1 to 15",
        "http:// or https://",
        "only adds a source",
    ):
        assert words in messages, messages


def test_a_steward_stays_within_their_countries(server, tokens) -> None:
    client = server.test_client()
    answer = post(client, tokens["prac-phl"], csv_bytes([GOOD]))
    assert "must be one of yours (PHL)" in answer.json["problems"][0]["message"]
    taken = dict(GOOD, practice_id="mexico-paisano", countries="PHL")
    problems = post(client, tokens["prac-phl"], csv_bytes([taken])).json["problems"]
    assert problems[0]["column"] == "practice_id" and "already published for MEX" in problems[0]["message"]


def test_a_replacement_shows_what_changes(server, tokens) -> None:
    replacing = dict(GOOD, practice_id="mexico-paisano", name="Programa Paisano", summary="A new description.")
    answer = post(server.test_client(), tokens["prac-mex"], csv_bytes([replacing]))
    assert answer.status_code == 201, answer.json["problems"]
    diff = answer.json["diff"]
    assert diff["kind"] == "practices" and diff["counts"] == {"rows": 1, "new_practices": 0, "replaced_practices": 1}
    change = diff["practices"][0]
    assert change["change"] == "replaces the published record" and "summary" in change["fields_changed"]


def test_a_workbook_with_a_practices_sheet_is_read(server, tokens) -> None:
    book = openpyxl.load_workbook(io.BytesIO(practice_xlsx_template([("MEX", "Mexico")])))
    book["practices"].append([GOOD.get(c, "") for c in PRACTICE_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    answer = post(server.test_client(), tokens["prac-mex"], out.getvalue(), "practices.xlsx")
    assert answer.status_code == 201 and answer.json["rows"] == 1, answer.json["problems"]


def test_submit_approve_publish_and_roll_back(server, tokens, restore) -> None:
    from warehouse import releases
    from warehouse.connection import cursor

    client = server.test_client()
    before = releases.current_release_id()
    answer = post(
        client,
        tokens["prac-mex"],
        csv_bytes(
            [
                GOOD,
                {
                    "practice_id": "mex-ventanillas",
                    "source_title": "Second source",
                    "source_url": "https://example.org/two",
                    "source_accessed": "2026-11-02",
                },
            ]
        ),
    )
    assert answer.status_code == 201, answer.json["problems"]
    sid = answer.json["id"]
    assert answer.json["diff"]["practices"][0]["change"] == "new practice"
    assert (
        call(client, tokens["prac-mex"], f"/api/v1/submissions/{sid}/submit", {"confirm": True}).json["status"]
        == "submitted"
    )
    assert call(client, tokens["prac-mex"], f"/api/v1/submissions/{sid}/approve", {"confirm": True}).status_code == 403
    assert releases.current_release_id() == before, "nothing is published before an admin approves"
    assert call(client, tokens["prac-admin"], f"/api/v1/submissions/{sid}/approve", {"confirm": True}).json[
        "status"] == "approved"  # fmt: skip
    state = _wait(client, tokens["prac-admin"], sid)
    assert state["status"] == "published", state["publish"]
    published = state["publish"]["release"]
    assert releases.current_release_id() == published != before

    rec = client.get(f"/api/v1/practices/mex-ventanillas?release={published}").json["practice"]
    assert rec["submitted_by"] == INSTITUTION and rec["submitted_role"] == "steward" and rec["source_id"] == "steward"
    assert rec["provenance"] == f"submitted_by={INSTITUTION};submission={sid}"
    assert [c["iso3"] for c in rec["countries"]] == ["MEX", "USA"] and len(rec["sources"]) == 3
    assert {s["kind"] for s in rec["sources"]} == {"source", "evidence"}
    _, cur = cursor(published)
    assert cur.execute("SELECT count(*) FROM practices").fetchall()[0][0] == 8
    _, old = cursor(before)
    count = "SELECT count(*) FROM observations"
    assert cur.execute(count).fetchall() == old.execute(count).fetchall(), "figures are untouched"

    releases.rollback(before, actor="pytest")
    assert client.get("/api/v1/practices/mex-ventanillas").status_code == 404, "the rollback takes it out"


def _wait(client, token: str, sid: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/submissions/{sid}", headers={"Authorization": f"Bearer {token}"}).json
        if state["publish"]["state"] in ("done", "failed"):
            return state
        time.sleep(0.3)
    raise TimeoutError(f"{sid} was not published within {timeout} s")
