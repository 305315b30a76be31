"""Bad input: each gets a clear message, and nothing changes (the current release and its file are the same)."""

from __future__ import annotations

import io
import time

import pytest

from stewards import store
from tests.steward.conftest import HEADER, page_text, release_fingerprint, sign_in, upload
from tests.steward.test_validate import workbook

ROW = "tertiary_women_emigration_rate,MEX,,2024,,7.4,,,INEGI ENADID 2024,\n"


def encrypted_workbook() -> bytes:
    """A real password-protected .xlsx (what Excel writes: an OLE2 container with an 'EncryptedPackage' stream)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(workbook([["fee_ban_law", "MEX", None, 2024]]))).encrypt("secret", out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A workbook made like the template whose sheet unpacks to 128 MB of spaces from ~128 KB."""
    from bench.soak_hostile import _deflated_sheet, _spaces_sheet

    return _deflated_sheet(_spaces_sheet(128 << 20))


BAD_FILES = [
    ("empty.csv", b"", "'empty.csv' is empty"),
    ("blank.csv", b"\xef\xbb\xbf\r\n\r\n", "'blank.csv' is empty"),
    ("header.csv", HEADER.encode(), "has a header row but no data rows"),
    ("columns.csv", b"indicator,pays,year,valeur,source\nfee_ban_law,MEX,2024,1,x\n",
     "unknown column 'pays'"),
    ("missing.csv", b"indicator_id,country,year,value\nfee_ban_law,MEX,2024,1\n",
     "missing required column(s) 'source'"),
    ("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "is a PDF document renamed to .csv"),
    ("photo.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image renamed to .xlsx"),
    ("book.csv", workbook([]), "is named .csv but is a ZIP archive"),
    ("text.xlsx", (HEADER + ROW).encode(), "is named .xlsx but is not an Excel workbook"),
    ("cut.xlsx", workbook([["fee_ban_law", "MEX"]])[:900], "damaged workbook"),
    ("locked.xlsx", encrypted_workbook(), "is a password-protected workbook"),
    ("latin1.csv", (HEADER + "fee_ban_law,MEX,,2024,,,full,,Ley Federal del Trabajo, artículo 28\n").encode("latin-1"),
     "is not UTF-8 text: line 2 has the byte 0xED"),
    ("bomb.xlsx", zip_bomb(), "its parts unpack to more than 64 MB (setting LMM_UNPACKED_LIMIT_MB"),
    ("data.ods", b"whatever", "Only .csv and .xlsx files are accepted"),
    ("ragged.csv", (HEADER + ROW.strip() + ",extra,cells\n").encode(), "line 2 has 12 cells but the header has 10"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "body", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_gets_a_clear_message_and_nothing_changes(steward_server, name: str, body: bytes, message: str):
    client = sign_in(steward_server, "mex")
    before = release_fingerprint()
    page = upload(client, name, body)
    assert page.status_code == 200
    text = page_text(page.text)
    assert message in text, text[:2000]
    assert "nothing from this file can be published" in text.lower()
    assert release_fingerprint() == before
    sub = store.list_submissions()[0]
    assert sub.status == "invalid" and sub.filename == name
    assert store.submission_rows(sub.id).empty  # no row of a refused file is kept for any release


@pytest.mark.parametrize(
    ("name", "rows", "message"),
    [
        (
            "formula.csv",
            'fee_ban_law,MEX,,2024,,,full,,"=HYPERLINK(""http://x"",""y"")",\n',
            "like a spreadsheet formula",
        ),
        ("phl.csv", ROW.replace("MEX", "PHL"), "PHL (Philippines) is outside your countries (MEX)"),
    ],
)
def test_bad_rows_are_listed_and_nothing_changes(steward_server, name: str, rows: str, message: str) -> None:
    client = sign_in(steward_server, "mex")
    before = release_fingerprint()
    text = page_text(upload(client, name, (HEADER + ROW.replace("2024", "2023") + rows).encode()).text)
    assert message in text and "1 problem to fix" in text
    assert release_fingerprint() == before


def test_formula_cells_are_neutralised_in_the_problems_csv(steward_server) -> None:
    client = sign_in(steward_server, "mex")
    upload(client, "formula.csv", (HEADER + "fee_ban_law,MEX,,2024,,,full,,=cmd|' /C calc'!A0,\n").encode())
    sub = store.list_submissions()[0]
    csv = client.get(f"/steward/submissions/{sub.id}/problems.csv").text
    assert "'=cmd|' /C calc'!A0" in csv and ",=cmd" not in csv


def test_file_over_the_limit_gets_a_visible_message(steward_server, monkeypatch) -> None:
    monkeypatch.setenv("LMM_UPLOAD_LIMIT_MB", "0.05")
    client = sign_in(steward_server, "mex")
    assert "Largest file accepted: 0.05 MB" in page_text(client.get("/steward/").text)
    before, count = release_fingerprint(), len(store.list_submissions())
    page = upload(client, "big.csv", (HEADER + ROW * 2000).encode())
    assert page.status_code == 413
    assert "File too large" in page.text and "the largest file accepted is 0.05 MB" in page_text(page.text)
    assert release_fingerprint() == before and len(store.list_submissions()) == count


def test_unauthenticated_upload_is_sent_to_sign_in(steward_server) -> None:
    client = steward_server.test_client()
    count = len(store.list_submissions())
    response = client.get("/steward/")
    assert response.status_code == 302 and "/steward/login" in response.headers["Location"]
    response = client.post("/steward/upload", data={"file": (io.BytesIO(ROW.encode()), "f.csv")})
    assert response.status_code == 400  # no session, so no CSRF token either: refused before anything is read
    assert len(store.list_submissions()) == count


def test_expired_session_must_sign_in_again(steward_server, monkeypatch) -> None:
    client = sign_in(steward_server, "mex")
    monkeypatch.setenv("LMM_SESSION_HOURS", "0.0001")  # 0.36 s
    time.sleep(0.5)
    count = len(store.list_submissions())
    response = upload(client, "late.csv", (HEADER + ROW).encode())
    assert "/steward/login" in response.request.path
    assert "Your session has expired. Please sign in again." in page_text(response.text)
    assert len(store.list_submissions()) == count


def test_form_without_or_with_a_foreign_csrf_token_is_refused(steward_server) -> None:
    client = sign_in(steward_server, "mex")
    other = sign_in(steward_server, "mex")
    count, before = len(store.list_submissions()), release_fingerprint()
    for token in (None, "forged", other.get_cookie("lmm_session") and _token(other)):
        data = {"file": (io.BytesIO((HEADER + ROW).encode()), "f.csv")} | ({"csrf_token": token} if token else {})
        response = client.post("/steward/upload", data=data, content_type="multipart/form-data")
        assert response.status_code == 400
        assert "without its security token" in page_text(response.text)
    assert len(store.list_submissions()) == count and release_fingerprint() == before
    assert store.audit_entries(1)[0]["action"] == "csrf_refused"


def _token(client) -> str:
    with client.session_transaction() as session:
        return session["csrf"]
