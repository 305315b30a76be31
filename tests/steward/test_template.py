"""The template: XLSX with drop-downs (indicators, ISO3 codes, each indicator's categories in words) and explanation
sheets in en/es/fr; CSV header. Round trips: a template filled by choosing words from its drop-downs uploads as codes."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from stewards.template import COLUMNS, csv_template, uploadable, xlsx_template
from stewards.upload import read_upload
from stewards.validate import validate
from tests.steward.conftest import csrf_of, page_text, sign_in, upload
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
    assert rules["E2"] == "=lists!$D$2:$D$4"  # total, female, male
    assert rules["G2"] == '=INDIRECT("cat_"&$A2)'  # the list of the row's own indicator
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
    outcome = validate(read_upload(saved(book), "filled.xlsx"), context())
    assert outcome.ok and outcome.rows["value_label"].tolist() == ["Full prohibition of fees and related costs"]


def saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def drop_down(book: openpyxl.Workbook, indicator: str) -> list[str]:
    """What the category cell of a row of this indicator offers: the list its named range cat_<id> points to."""
    ((sheet, cells),) = book.defined_names[f"cat_{indicator}"].destinations
    return [row[0].value for row in book[sheet][cells.replace("$", "")]]


def test_one_category_list_per_indicator_in_words() -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_template(COUNTRIES, ["MEX"])))
    with_codes = {i: a for i, a in uploadable().items() if a.codes}
    assert {n[4:] for n in book.defined_names if n.startswith("cat_")} == set(with_codes)  # one list each
    english = {i: {c.code: c.label for c in a.indicator.categories} for i, a in with_codes.items()}
    for ind_id, a in with_codes.items():
        assert drop_down(book, ind_id) == [english[ind_id][code] for code in a.codes]  # its own, no other's
    assert drop_down(book, "fee_ban_law") == [
        "Full prohibition of fees and related costs",
        "Partial prohibition (some fees, sectors or a cap)",
        "No prohibition",
    ]
    assert drop_down(book, "bssa_in_force") == ["Agreement in force", "Signed, not in force"]
    words = {row[0].value: row[5].value for row in book["indicators"].iter_rows(min_row=2)}
    assert words["fee_ban_law"] == ("Full prohibition of fees and related costs / Partial prohibition (some fees, "
                                    "sectors or a cap) / No prohibition")  # fmt: skip


SPANISH = {
    "fee_ban_law": "Prohibición parcial (algunas comisiones, sectores o un tope)",
    "ilo_c189": "Denunciado",
    "sheet_title": "título",
    "year_rule": "valor de 0 a 100",
    "what": "Elija en la lista desplegable",
    "sexes": ["Total", "Mujeres", "Hombres"],
}
FRENCH = {
    "fee_ban_law": "Interdiction partielle (certains frais, secteurs ou un plafond)",
    "ilo_c189": "Dénoncée",
    "sheet_title": "titre",
    "year_rule": "valeur de 0 à 100",
    "what": "Choisissez dans la liste déroulante",
    "sexes": ["Total", "Femmes", "Hommes"],
}
ENGLISH = {
    "fee_ban_law": "Partial prohibition (some fees, sectors or a cap)",
    "ilo_c189": "Denounced",
    "sheet_title": "title",
    "year_rule": "value from 0 to 100",
    "what": "Pick from the drop-down",
    "sexes": ["Total", "Women", "Men"],
}


@pytest.mark.parametrize("lang, words", [("en", ENGLISH), ("es", SPANISH), ("fr", FRENCH)])
def test_round_trip_choosing_words_from_the_drop_downs(lang: str, words: dict[str, Any]) -> None:
    """Template in a language -> filled with openpyxl choosing words from each row's drop-down -> upload -> codes."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx_template(COUNTRIES, ["MEX"], lang)))
    assert [c.value for c in book["data"][1]] == COLUMNS  # the header the upload reads, in every language
    assert words["what"] in book["data"]["G1"].comment.text  # the column's note in the template's language
    assert words["what"] in book["columns"]["C8"].value
    assert book["indicators"]["B1"].value == words["sheet_title"]
    rules = {row[0].value: row[4].value for row in book["indicators"].iter_rows(min_row=2)}
    assert rules["tertiary_women_emigration_rate"] == words["year_rule"]
    fee, c189, licensing = (drop_down(book, i) for i in ("fee_ban_law", "ilo_c189", "recruiter_licensing"))
    assert fee[1] == words["fee_ban_law"] and c189[3] == words["ilo_c189"]
    data = book["data"]
    data.append(["fee_ban_law", "MEX", None, 2024, None, None, fee[1], None, "Ley Federal del Trabajo", None])
    data.append(["ilo_c189", "MEX", None, None, None, None, c189[3], "2024-02-01", "ILO NORMLEX", None])
    data.append(["recruiter_licensing", "MEX", None, 2024, None, None, licensing[0], None, "DOF 2024", None])
    data.append(["external_voting", "MEX", None, 2024, None, None, "yes", None, "INE", None])  # a code, typed
    sexes = [cell.value for cell in book["lists"]["D"][1:4]]  # the sex drop-down: total, women, men in words
    assert sexes == words["sexes"]
    data.append(["tertiary_women_emigration_rate", "MEX", None, 2024, sexes[1], 7.4, None, None, "ENADID", None])
    outcome = validate(read_upload(saved(book), f"filled-{lang}.xlsx"), context())
    assert outcome.ok, outcome.problems
    rows = outcome.rows.set_index("indicator_id")
    assert rows.loc["fee_ban_law", "value_label"] == "Partial prohibition (some fees, sectors or a cap)"  # English
    assert rows.loc["ilo_c189", ["kind", "status"]].tolist() == ["event", "denounced"]
    assert rows.loc["recruiter_licensing", "value_label"] == "Licensing and a public register"
    assert rows.loc["external_voting", "value_label"] == "Citizens abroad can vote"
    assert rows.loc["tertiary_women_emigration_rate", "sex"] == "female"


def test_words_of_another_indicator_are_not_its_codes() -> None:
    """A drop-down's words are mapped only for the row's own indicator: a licensing label on a fee-ban row is a
    problem, as an unknown code is."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx_template(COUNTRIES, ["MEX"])))
    book["data"].append(["fee_ban_law", "MEX", None, 2024, None, None, "Licensing and a public register", None, "DOF",
                         None])  # fmt: skip
    outcome = validate(read_upload(saved(book), "mixed.xlsx"), context())
    assert not outcome.ok
    assert outcome.problems.iloc[0]["column"] == "category"


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


def test_spanish_template_from_the_page_uploads_as_codes(steward_server) -> None:
    """The page's template in Spanish (?lang=es, the link the Spanish home page gives), filled by choosing words,
    uploaded through the page: the submission holds the codes."""
    client = sign_in(steward_server, "mex")
    home = client.get("/steward/?lang=es").text
    assert 'href="/steward/template.xlsx?lang=es"' in home
    book = openpyxl.load_workbook(io.BytesIO(client.get("/steward/template.xlsx?lang=es").data))
    assert book["columns"]["A1"].value == "columna" and "Elija" in book["data"]["G1"].comment.text
    fee = drop_down(book, "fee_ban_law")
    book["data"].append(["fee_ban_law", "MEX", None, 2023, None, None, fee[2], None, "Ley Federal del Trabajo", None])
    page = upload(client, "plantilla.xlsx", saved(book))
    assert page.status_code == 200 and 'id="problems-table"' not in page.text
    from stewards import store

    sub = [s for s in store.list_submissions(None) if s.filename == "plantilla.xlsx"][0]
    rows = store.submission_rows(sub.id)
    assert rows["value_label"].tolist() == ["No prohibition"] and sub.status == "validated"
    french = openpyxl.load_workbook(io.BytesIO(client.get("/steward/template.xlsx?lang=fr").data))
    assert french["columns"]["A1"].value == "colonne"


PRACTICE_WORDS = [
    ("es", "obligatoria", "Un identificador corto", "dual_nationality: Doble nacionalidad y vínculos con la diáspora"),
    ("fr", "obligatoire", "Un identifiant court", "dual_nationality: Double nationalité et liens avec la diaspora"),
]


@pytest.mark.parametrize("lang, needed, starts, theme", PRACTICE_WORDS)
def test_practice_template_in_spanish_and_french_is_still_read(lang: str, needed: str, starts: str, theme: str) -> None:
    from stewards.practice_template import PRACTICE_COLUMNS, practice_xlsx_template
    from stewards.practices import check as check_practices
    from tests.practices.test_steward import GOOD

    book = openpyxl.load_workbook(io.BytesIO(practice_xlsx_template([("MEX", "Mexico")], lang)))
    assert [c.value for c in book["practices"][1]] == PRACTICE_COLUMNS
    assert book["columns"]["B2"].value == needed and book["columns"]["C2"].value.startswith(starts)
    assert theme in [c.value for c in book["lists"]["A"][1:]]  # ids first, titles in the language
    book["practices"].append([GOOD.get(c, "") for c in PRACTICE_COLUMNS])
    _, report = check_practices(read_upload(saved(book), "practicas.xlsx"), context(("MEX",)), "INM")
    assert report.ok, report.records()
