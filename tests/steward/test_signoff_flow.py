"""A review worth signing, through the API: the submitted values and how they change the release, a warning that
needs a justification before submit, a return with a reason, a corrected upload linked to it, approve, and a
rollback after which the submission says it was withdrawn. In a runtime folder of its own (its publishes never
push the session's release out of the kept ones)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from stewards import publish
from tests.conftest import data_dir_set
from tests.steward.conftest import HEADER, PASSWORD, Accounts, page_text, sign_in, wait_checked
from tests.steward.test_api_flow import call, export, post_file, wait_published

ATOM = "{http://www.w3.org/2005/Atom}"
HISTORY = (
    "tertiary_women_emigration_rate,MEX,,2019,,7.0,,,INEGI ENADID 2019,\n"
    "tertiary_women_emigration_rate,MEX,,2020,,7.1,,,INEGI ENADID 2020,\n"
    "tertiary_women_emigration_rate,MEX,,2021,,7.2,,,INEGI ENADID 2021,\n"
    "tertiary_women_emigration_rate,MEX,,2022,,7.1,,,INEGI ENADID 2022,\n"
)
TYPO = (
    "tertiary_women_emigration_rate,MEX,,2022,,7.1,,,INEGI ENADID 2022,\n"
    "tertiary_women_emigration_rate,MEX,,2023,,71.0,,,INEGI ENADID 2023,typed from the press release\n"
    "fee_ban_law,MEX,,2024,,,full,,Ley Federal del Trabajo art. 28,\n"
)
CORRECTED = (
    "tertiary_women_emigration_rate,MEX,,2022,,7.3,,,INEGI ENADID 2022 (revised),\n"
    "tertiary_women_emigration_rate,MEX,,2023,,7.2,,,INEGI ENADID 2023,\n"
)


@pytest.fixture
def own_accounts(tmp_path: Path, release_id: str) -> Iterator[Accounts]:
    """A runtime folder of its own: a release built from the bundled seed, and the same three accounts."""
    from lmm.config import seed_dir
    from loaders.seed import read_seed
    from stewards import accounts as acct
    from warehouse.build import BuildInputs, build_release

    with data_dir_set(tmp_path / "var"):
        build_release(BuildInputs(read_seed(seed_dir()), status_year=2025, actor="pytest"))
        acct.create_user("admin", "admin", PASSWORD, institution="Monitor team")
        acct.create_user("mex", "steward", PASSWORD, ["MEX"], "INEGI Mexico")
        acct.create_user("phl", "steward", PASSWORD, ["PHL"], "Philippine Statistics Authority")
        yield Accounts("admin", "mex", "phl", *(acct.issue_token(n, actor="pytest") for n in ("admin", "mex", "phl")))


def _publish(client, accounts, body: str) -> dict:
    sid = post_file(client, accounts.mex_token, body).json["id"]
    assert (
        call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/submit", {"confirm": True}).status_code
        == 200
    )
    call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{sid}/approve", {"confirm": True})
    state = wait_published(client, accounts.admin_token, sid)
    assert state["status"] == "published", state
    return state


def test_values_warnings_return_correction_and_withdrawal(steward_server, own_accounts) -> None:
    accounts = own_accounts
    client = steward_server.test_client()
    original = publish.served_in()[0]
    first = _publish(client, accounts, HISTORY)  # the series' published history

    typo = post_file(client, accounts.mex_token, TYPO)
    assert typo.status_code == 201, typo.json
    sid = typo.json["id"]
    shown = call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{sid}").json
    values = {(v["indicator_id"], v["year"]): v for v in shown["values"]}
    assert len(shown["values"]) == 3
    rate = "tertiary_women_emigration_rate"
    same, typed, law = values[(rate, 2022)], values[(rate, 2023)], values[("fee_ban_law", 2024)]
    assert same["change"] == "same" and same["previous"] == 7.1 and same["source"] == "INEGI ENADID 2022"
    assert typed["change"] == "new" and typed["value"] == 71.0 and typed["comment"] == "typed from the press release"
    assert typed["indicator"] and typed["unit"] and typed["country"] == "MEX" and typed["row"] == 3
    assert law["category_label"].startswith("Full prohibition") and law["unit"] is None and law["value"] is None

    spanish = sign_in(steward_server, "mex").get(f"/steward/submissions/{sid}?lang=es").text
    outliers = page_text(spanish[spanish.index('id="diff-outliers"') :].split("</table>")[0])
    assert "lejos de la propia historia de esta serie (mediana 7,1 en 4 años anteriores)" in outliers  # the diff's why

    [warning] = shown["warnings"]
    assert (warning["row"], warning["column"], warning["rule"]) == (3, "value", "history")
    assert "median 7.1 over 4 earlier years" in warning["message"] and warning["justification"] is None
    refused = call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/submit", {"confirm": True})
    assert refused.status_code == 422 and warning["id"] in refused.json["error"]
    assert refused.json["missing_justifications"] == [warning["id"]]
    blank = {"confirm": True, "justifications": {warning["id"]: "  "}}
    assert call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/submit", blank).status_code == 422
    reason = "ENADID 2023 changed its denominator to women aged 25+"
    body = {"confirm": True, "justifications": {warning["id"]: reason}}
    submitted = call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/submit", body)
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted"
    seen = call(client, accounts.admin_token, "GET", f"/api/v1/submissions/{sid}").json
    assert seen["warnings"][0]["justification"] == reason  # reviewers see it

    path = f"/api/v1/submissions/{sid}/return"
    assert call(client, accounts.mex_token, "POST", path, {"reason": "no"}).status_code == 403
    assert call(client, accounts.admin_token, "POST", path, {}).status_code == 400
    back = call(client, accounts.admin_token, "POST", path, {"reason": "71.0 looks like 7.1 typed twice"})
    assert back.status_code == 200 and back.json["status"] == "returned"
    assert back.json["returned"][0]["reason"] == "71.0 looks like 7.1 typed twice"
    assert (
        call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{sid}/approve", {"confirm": True}).status_code
        == 409
    )
    page = page_text(sign_in(steward_server, "mex").get(f"/steward/submissions/{sid}").text)
    assert "71.0 looks like 7.1 typed twice" in page and "Upload the corrected file" in page

    wrong_link = {"file": (io.BytesIO((HEADER + CORRECTED).encode()), "mex.csv"), "corrects": first["id"]}
    auth = {"Authorization": f"Bearer {accounts.mex_token}"}
    assert client.post("/api/v1/submissions", data=wrong_link, headers=auth).status_code == 400
    data = {"file": (io.BytesIO((HEADER + CORRECTED).encode()), "mex-corrected.csv"), "corrects": sid}
    fixed = client.post("/api/v1/submissions", data=data, headers=auth)
    assert fixed.status_code == 201, fixed.json
    fid = fixed.json["id"]
    fixed_view = call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{fid}").json
    assert fixed_view["corrects"] == sid and fixed_view["warnings"] == []
    assert [v["change"] for v in fixed_view["values"]] == ["changed", "new"]
    assert fixed_view["values"][0]["previous"] == 7.1
    assert call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{sid}").json["corrected_by"] == [fid]

    assert (
        call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{fid}/submit", {"confirm": True}).status_code
        == 200
    )
    asked = call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{fid}/approve")
    assert asked.status_code == 428 and asked.json["effect"] == {
        "submission": fid, "values": 2, "after_release": first["publish"]["release"]}  # fmt: skip
    assert "(count: 2) in a new release after " + first["publish"]["release"] in asked.json["error"]
    call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{fid}/approve", {"confirm": True})
    done = wait_published(client, accounts.admin_token, fid)
    assert done["status"] == "published"
    assert call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{fid}").json["withdrawn_in"] is None

    exported = export("tertiary_women_emigration_rate", "MEX")  # the cited source and institution in exports
    assert "submitted_by=INEGI Mexico" in exported and "cited_source=INEGI ENADID 2022 (revised)" in exported

    from dashboard.app import create_app

    public = create_app().server.test_client()
    history = public.get("/api/v1/history?indicator=tertiary_women_emigration_rate&country=MEX&year=2022").json
    mine = [(r["value"], r["submission"], r["institution"], r["cited_source"]) for r in history["values"]]
    assert mine == [
        (7.1, first["id"], "INEGI Mexico", "INEGI ENADID 2022"),  # the release before the correction
        (7.3, fid, "INEGI Mexico", "INEGI ENADID 2022 (revised)"),
    ]
    assert history["values"][-1]["release"] == done["publish"]["release"]
    assert public.get("/api/v1/history?indicator=tertiary_women_emigration_ratez&country=MEX").status_code == 404
    assert public.get("/api/v1/history?indicator=female_lfpr&country=MEX&year=twenty").status_code == 400

    feed = ET.fromstring(public.get("/api/v1/releases.atom").data)
    entries = {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}content") for e in feed.iter(f"{ATOM}entry")}
    release = done["publish"]["release"]
    assert f"INEGI Mexico (2 values, submission {fid})" in entries[f"Release {release} published"]
    mex = ET.fromstring(public.get("/api/v1/countries/MEX/releases.atom").data)
    mex_entries = {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}content") for e in mex.iter(f"{ATOM}entry")}
    assert "values 1 added, 1 changed, 0 removed" in mex_entries[f"Release {release}: MEX's values changed"]
    assert public.get("/api/v1/countries/XYZ/releases.atom").status_code == 404
    spanish_feed = ET.fromstring(public.get("/api/v1/releases.atom?lang=es").data)
    assert spanish_feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    assert spanish_feed.findtext(f"{ATOM}title") == "Monitor de Políticas de Migración Laboral: versiones"
    es_entries = {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}content") for e in spanish_feed.iter(f"{ATOM}entry")}
    assert f"INEGI Mexico (2 valores, envío {fid})" in es_entries[f"Versión {release} publicada"]
    fr = ET.fromstring(public.get("/api/v1/countries/MEX/releases.atom?lang=fr").data)
    fr_entries = {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}content") for e in fr.iter(f"{ATOM}entry")}
    assert (
        "valeurs 1 ajoutées, 1 modifiées, 0 supprimées"
        in fr_entries[f"Version {release} : les valeurs de MEX ont changé"]
    )
    assert public.get("/api/v1/releases.atom?lang=de").status_code == 400

    path, undo = "/api/v1/releases/rollback", {"release_id": original}
    assert call(client, accounts.mex_token, "POST", path, undo | {"confirm": True}).status_code == 403
    asked = call(client, accounts.admin_token, "POST", path, undo)
    assert asked.status_code == 428 and publish.served_in()[0] == release  # nothing done yet
    assert asked.json["effect"] == {"release": original, "current_release": release, "submissions": 2, "values": 6}
    assert f"serves release {original} again instead of {release}" in asked.json["error"]
    rolled = call(client, accounts.admin_token, "POST", path, undo | {"confirm": True})
    assert rolled.status_code == 200 and rolled.json == {"current": original, "rolled_back_from": release}
    assert (
        call(client, accounts.admin_token, "POST", path, {"release_id": "r-none", "confirm": True}).status_code == 404
    )
    feed = ET.fromstring(public.get("/api/v1/releases.atom").data)
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == f"Rolled back to release {original}"
    french = ET.fromstring(public.get("/api/v1/releases.atom?lang=fr").data)
    assert french.find(f"{ATOM}entry/{ATOM}title").text == f"Retour à la version {original}"
    after_rollback = public.get("/api/v1/history?indicator=tertiary_women_emigration_rate&country=MEX&year=2022").json
    assert all(r["withdrawn"] for r in after_rollback["values"])
    kept = call(client, accounts.admin_token, "GET", f"/api/v1/submissions/{sid}").json["warnings"]
    assert [(w["id"], w["justification"]) for w in kept] == [(warning["id"], reason)]  # as signed, not recomputed
    for gone in (first["id"], fid):
        after = call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{gone}").json
        assert after["withdrawn_in"]["release"] == original, after
    home = page_text(sign_in(steward_server, "mex").get("/steward/").text)
    assert f"withdrawn in release {original}" in home
    page = page_text(sign_in(steward_server, "mex").get(f"/steward/submissions/{fid}").text)
    assert f"Withdrawn in release {original}" in page


def test_a_large_corrected_file_is_linked_to_the_submission_it_corrects(steward_server, accounts, monkeypatch) -> None:
    """Before: a corrected file checked by a validation job (202) was never linked to the returned submission."""
    client = steward_server.test_client()
    sid = post_file(client, accounts.mex_token, CORRECTED).json["id"]
    assert call(client, accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/submit", {"confirm": True}).json[
        "status"] == "submitted"  # fmt: skip
    back = call(client, accounts.admin_token, "POST", f"/api/v1/submissions/{sid}/return", {"reason": "2023 rounded"})
    assert back.json["status"] == "returned"

    monkeypatch.setenv("LMM_UPLOAD_INLINE_KB", "0.05")  # any file: checked by a validation job
    data = {"file": (io.BytesIO((HEADER + CORRECTED).encode()), "mex-corrected.csv"), "corrects": sid}
    fixed = client.post("/api/v1/submissions", data=data, headers={"Authorization": f"Bearer {accounts.mex_token}"})
    assert fixed.status_code == 202 and fixed.json["corrects"] == sid, fixed.json
    wait_checked(fixed.json["id"], timeout=90)
    checked = call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{fixed.json['id']}").json
    assert checked["status"] == "validated" and checked["corrects"] == sid, checked
    assert call(client, accounts.mex_token, "GET", f"/api/v1/submissions/{sid}").json["corrected_by"] == [
        fixed.json["id"]]  # fmt: skip
    page = page_text(sign_in(steward_server, "mex").get(f"/steward/submissions/{sid}").text)
    assert f"{fixed.json['id']}" in page and "Upload the corrected file" not in page
