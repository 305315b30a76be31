"""The template: XLSX with drop-downs (indicators, ISO3 codes, categories) and explanation sheets; CSV header."""

from __future__ import annotations

import io

import openpyxl

from stewards.template import COLUMNS, csv_template, uploadable, xlsx_template
from stewards.upload import read_upload
from tests.steward.conftest import csrf_of, page_text, sign_in
from tests.steward.test_validate import context

COUNTRIES = [("MEX", "Mexico"), ("PHL", "Philippines"), ("USA", "United States")]


def test_xlsx_template_has_drop_downs_and_explanations() -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_template(COUNTRIES, ["MEX"])))
    assert book.sheetnames == ["data", "lists", "columns", "indicators"]
    assert [c.value for c in book["data"][1]] == COLUMNS
    rules = {str(v.sqref).split(":")[0]: v.formula1 for v in book["data"].data_validations.dataValidation}
    ids = len(uploadable())
    assert ids == 26 and rules["A2"] == f"=lists!$A$2:$A${ids + 1}"  # every uploadable indicator id
    assert rules["B2"] == "=lists!$B$2:$B$2"  # the steward's own countries only
    assert rules["C2"] == "=lists!$C$2:$C$4"  # any partner country
    assert rules["G2"].startswith("=lists!$E$2")  # categories and event statuses
    lists = book["lists"]
    assert sorted(c.value for c in lists["A"][1:]) == sorted(uploadable())
    assert [c.value for c in lists["B"][1:] if c.value] == ["MEX"]
    explained = {row[0].value for row in book["columns"].iter_rows(min_row=2, max_row=len(COLUMNS) + 1)}
    assert explained == set(COLUMNS)
    indicators = {row[0].value: row[4].value for row in book["indicators"].iter_rows(min_row=2)}
    assert indicators["fee_ban_law"] == "category: full, partial, none"
    assert indicators["tertiary_women_emigration_rate"] == "value from 0 to 100"


def test_filled_template_validates() -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_template(COUNTRIES, ["MEX"])))
    book["data"].append(["fee_ban_law", "MEX", None, 2024, None, None, "full", None, "Ley Federal del Trabajo", None])
    out = io.BytesIO()
    book.save(out)
    from stewards.validate import validate

    outcome = validate(read_upload(out.getvalue(), "filled.xlsx"), context())
    assert outcome.ok and outcome.rows["value_label"].tolist() == ["Full prohibition of fees and related costs"]


def test_csv_template_is_the_header_with_a_bom() -> None:
    assert csv_template().decode("utf-8") == "\ufeff" + ",".join(COLUMNS) + "\r\n"


def test_templates_download_for_signed_in_users_only(steward_server) -> None:
    assert steward_server.test_client().get("/steward/template.xlsx").status_code == 302
    client = sign_in(steward_server, "mex")
    response = client.get("/steward/template.xlsx")
    assert response.status_code == 200 and str(response.mimetype).endswith("spreadsheetml.sheet")
    assert 'filename="lmm-steward-template.xlsx"' in response.headers["Content-Disposition"]
    assert client.get("/steward/template.csv").text.startswith("\ufeffindicator_id,country")
    assert "Excel template (.xlsx)" in page_text(client.get("/steward/").text)
    assert csrf_of(client)
