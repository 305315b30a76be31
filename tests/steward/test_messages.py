"""Steward messages in English, Spanish and French: the catalogue (stewards/i18n) is complete, every key the code asks
for exists, a problem keeps its key and parameters beside its English text, and the submission page and the API word
problems and warnings in the reader's language (page: ?lang= or the remembered choice; API: ?lang= or
Accept-Language), while problems stored before keys existed keep their English text."""

from __future__ import annotations

import io
import re
from pathlib import Path

from stewards.i18n import LANGS, catalogue, keyed, words
from tests.steward.conftest import HEADER, page_text, sign_in, upload
from tests.steward.test_api_flow import call, post_file
from tests.steward.test_signoff_flow import HISTORY, TYPO, _publish, own_accounts  # noqa: F401 - a fixture
from tests.steward.test_validate import check

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
ASKED = re.compile(r"""\b(?:say|text)\(\s*(f?)["']([\w.{}\[\]'"]+)["']""")
QUOTED = re.compile(r"""["']([a-z_0-9]+\.[\w.]+)["']""")
BAD_ROWS = "fee_ban_law,MEX,,2024,,,fully,,Ley Federal del Trabajo,\nrecruitment_cost_months,MEX,,2023,,abc,,,ENOE,\n"


def test_every_message_has_its_spanish_and_french_text_with_the_same_placeholders() -> None:
    english = catalogue("en")
    for lang in LANGS[1:]:
        other = catalogue(lang)
        assert set(other) == set(english), lang
        for key, text in english.items():
            assert other[key].strip(), (lang, key)
            assert set(PLACEHOLDER.findall(other[key])) == set(PLACEHOLDER.findall(text)), (lang, key)


def test_every_key_the_code_asks_for_exists_and_every_key_is_asked_for() -> None:
    english = set(catalogue("en"))
    asked: set[str] = set()
    prefixes: set[str] = set()
    for path in [*(ROOT / "stewards").glob("*.py"), *(ROOT / "dashboard" / "steward").glob("*.py")]:  # + the API's
        code = path.read_text(encoding="utf-8")
        for is_f, key in ASKED.findall(code):
            (prefixes if is_f else asked).add(key.split("{")[0] if is_f else key)
        asked |= {key for key in QUOTED.findall(code) if key in english}  # keys held in a mapping (budget.STEPS)
    assert asked - english == set()
    assert all(any(k.startswith(p) for k in english) for p in prefixes), prefixes
    assert {k for k in english if k not in asked and not any(k.startswith(p) for p in prefixes)} == set()


def test_a_problem_keeps_its_key_and_parameters_beside_its_english_text() -> None:
    records = check(BAD_ROWS).report.records()
    category = next(r for r in records if r["column"] == "category")
    assert (
        category["message"]
        == "category 'fully' is not one of fee_ban_law's: full, partial, none (did you mean 'full'?)"
    )
    assert category["key"] == "rule.category_in_list_hint" and category["params"]["close"] == "'full'"
    assert words(category, "es") == ("la categoría 'fully' no es una de las de fee_ban_law: full, partial, none "
                                     "(¿quiso decir 'full'?)")  # fmt: skip
    assert words(category, "fr").startswith("la catégorie 'fully' n'est pas l'une de celles de fee_ban_law")
    number = next(r for r in records if r["column"] == "value")
    assert words(number, "fr").startswith("ce n'est pas un nombre")
    older = {"row": 2, "column": "value", "message": "not a number: write digits only"}  # stored before keys
    assert words(older, "es") == "not a number: write digits only"
    assert words(older | {"key": "rule.gone", "params": {}}, "fr") == "not a number: write digits only"


def test_problems_on_the_page_and_in_the_api_in_the_readers_language(steward_server, accounts) -> None:
    client = sign_in(steward_server, "mex")
    page = upload(client, "fees.csv", (HEADER + BAD_ROWS).encode())
    sid = page.request.path.rstrip("/").rsplit("/", 1)[1]
    english = page_text(page.text)
    assert "did you mean 'full'?" in english
    spanish = page_text(client.get(f"/steward/submissions/{sid}?lang=es").text)
    assert "la categoría 'fully' no es una de las de fee_ban_law" in spanish and "no es un número" in spanish
    french = page_text(client.get(f"/steward/submissions/{sid}?lang=fr").text)
    assert "vouliez-vous dire 'full' ?" in french and "ce n'est pas un nombre" in french

    api = steward_server.test_client()
    path = f"/api/v1/submissions/{sid}"
    auth = {"Authorization": f"Bearer {accounts.mex_token}"}
    by_lang = {lang: api.get(f"{path}?lang={lang}", headers=auth).json["problems"] for lang in LANGS}
    by_header = api.get(path, headers=auth | {"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}).json["problems"]
    assert by_lang["en"] == api.get(path, headers=auth).json["problems"]  # English unless asked
    assert [p["message"] for p in by_header] == [p["message"] for p in by_lang["fr"]]
    first = {lang: problems[0] for lang, problems in by_lang.items()}
    assert first["es"]["message"].startswith("la categoría 'fully'") and first["es"]["key"] == first["en"]["key"]
    assert first["fr"]["message_en"] == first["en"]["message"]  # the English text stays beside it
    refused = post_file(api, accounts.mex_token, BAD_ROWS).json  # the upload's own answer (422)
    assert refused["problems"][0]["message"] == first["en"]["message"]


def test_a_file_refused_whole_is_said_in_the_readers_language(steward_server, accounts) -> None:
    """A header that is not the template's: one refusal listing what is wrong, each part worded in the language."""
    api = steward_server.test_client()
    body = {"file": (io.BytesIO(b"indicator,country,yeer,source\nfee_ban_law,MEX,2024,DOF\n"), "cabecera.csv")}
    auth = {"Authorization": f"Bearer {accounts.mex_token}"}
    english = api.post("/api/v1/submissions", data=body, headers=auth)
    assert english.status_code == 422
    [problem] = english.json["problems"]
    assert problem["message"].startswith("'cabecera.csv' does not have the template's columns: unknown column "
                                         "'indicator' (did you mean 'indicator_id'?); unknown column 'yeer'")  # fmt: skip
    assert problem["key"] == "refusal.header" and problem["params"]["problems"][0]["key"] == "header.unknown_hint"
    path = f"/api/v1/submissions/{english.json['id']}"
    spanish = api.get(f"{path}?lang=es", headers=auth).json["problems"][0]["message"]
    assert spanish.startswith("'cabecera.csv' no tiene las columnas de la plantilla: columna desconocida 'indicator' "
                              "(¿quiso decir 'indicator_id'?); columna desconocida 'yeer'")  # fmt: skip
    french = api.get(path, headers=auth | {"Accept-Language": "fr"}).json["problems"][0]["message"]
    assert "n'a pas les colonnes du modèle" in french and "(téléchargez le modèle)" in french
    client = sign_in(steward_server, "mex")
    page = page_text(client.get(f"/steward/submissions/{english.json['id']}?lang=fr").text)
    assert "'cabecera.csv' n'a pas les colonnes du modèle : colonne inconnue 'indicator'" in page


def test_refusals_keep_their_english_text_and_speak_spanish(tmp_path) -> None:
    from stewards.budget import UploadError
    from stewards.upload import read_upload

    cases = {"notes.txt": b"x", "empty.csv": b"  \n", "scan.csv": b"%PDF-1.7 ...", "latin.csv": HEADER.encode()
             + "fee_ban_law,MEX,,2024,,,full,,Ley de Migraci\u00f3n,\n".encode("cp1252")}  # fmt: skip
    said = {}
    for name, data in cases.items():
        try:
            read_upload(data, name)
        except UploadError as error:
            said[name] = words({"message": str(error), **keyed(error.args[0])}, "es")
    assert said["notes.txt"].startswith("Solo se aceptan archivos .csv y .xlsx; 'notes.txt' no es ninguno")
    assert said["empty.csv"] == ("'empty.csv' está vacío. Complete la plantilla y guárdela como .xlsx, o como "
                                 "'CSV UTF-8 (delimitado por comas)'.")  # fmt: skip
    assert said["scan.csv"].startswith("'scan.csv' es un documento PDF renombrado a .csv")
    assert said["latin.csv"].startswith("'latin.csv' no es texto UTF-8: la línea 2 tiene el byte 0xF3 ('ó' en Latin-1")


def test_warnings_in_the_readers_language_on_the_page_and_in_the_api(steward_server, own_accounts) -> None:  # noqa: F811
    accounts = own_accounts
    api = steward_server.test_client()
    _publish(api, accounts, HISTORY)
    sid = post_file(api, accounts.mex_token, TYPO).json["id"]
    path = f"/api/v1/submissions/{sid}"
    english = call(api, accounts.mex_token, "GET", path).json
    [warning] = english["warnings"]
    assert warning["message"] == "71 is far from this series' own history: median 7.1 over 4 earlier years"
    french = api.get(path, headers={"Authorization": f"Bearer {accounts.mex_token}", "Accept-Language": "fr"}).json
    assert (
        french["warnings"][0]["message"]
        == "71 s'écarte de l'historique de cette série : médiane 7,1 sur 4 années antérieures"
    )
    assert french["warnings"][0]["message_en"] == warning["message"]
    assert french["warning_rules"]["history"].startswith("Règle")
    spanish = call(api, accounts.mex_token, "GET", f"{path}?lang=es").json
    assert spanish["warnings"][0]["message"].startswith("71 se aleja de la propia historia de esta serie")
    client = sign_in(steward_server, "mex")
    for lang, expected in (("es", "71 se aleja de la propia historia"), ("fr", "71 s'écarte de l'historique")):
        assert expected in page_text(client.get(f"/steward/submissions/{sid}?lang={lang}").text)


def test_a_practice_files_problems_speak_spanish_and_french(release_id: str) -> None:
    """The practice template's checks: a bad id, a year past today and an unknown theme, worded per language."""
    from stewards import practices
    from stewards.upload import read_upload
    from tests.practices.test_steward import GOOD, csv_bytes
    from tests.steward.test_validate import context

    bad = GOOD | {"practice_id": "Mex Ventanillas", "start_year": "2999", "themes": "dual_nationalty"}
    _, report = practices.check(read_upload(csv_bytes([bad]), "practica.csv"), context(("MEX",)), "INM")
    by_column = {r["column"]: r for r in report.records()}
    assert by_column["practice_id"]["message"] == "use lower-case letters, digits and hyphens only, e.g. mex-paisano"
    assert words(by_column["practice_id"], "es") == "use solo minúsculas, cifras y guiones, p. ej. mex-paisano"
    assert words(by_column["start_year"], "fr").startswith("start_year doit être une année de 1800 à")
    assert words(by_column["themes"], "es") == (
        "identificador desconocido 'dual_nationalty' en themes; los más parecidos: dual_nationality"
    )


def test_a_file_beyond_the_budget_is_refused_in_the_readers_language() -> None:
    from dataclasses import replace

    from stewards.budget import Budget, BudgetError, too_slow

    small = replace(Budget.from_settings(), rows=3)
    try:
        small.check_shape("grande.csv", 10, 10, "line")
    except BudgetError as error:
        refused = {"message": str(error), **keyed(error.args[0])}
    assert refused["message"].startswith("'grande.csv' has 10 lines; the limit is 3 (setting LMM_UPLOAD_MAX_ROWS)")
    assert words(refused, "es").startswith("'grande.csv' tiene 10 líneas; el límite es 3 (ajuste LMM_UPLOAD_MAX_ROWS)")
    slow = too_slow("lento.xlsx", 10, "reading the workbook")
    assert words({"message": slow, **keyed(slow)}, "fr").startswith(
        "'lento.xlsx' n'a pas pu être vérifié en 10 secondes (arrêt pendant : lecture du classeur)"
    )


def test_a_workbooks_hidden_sheets_are_named_in_the_readers_language() -> None:
    from bench import soak_hostile as hostile
    from stewards.budget import UploadError
    from stewards.upload import read_upload

    filename, build = hostile.HOSTILE_FILES["hidden sheet"]
    try:
        read_upload(build(), filename)
    except UploadError as error:
        refusal = {"message": str(error), **keyed(error.args[0])}
    assert "its sheets: 'data', 'd\u0430ta' (very hidden). Only" in refusal["message"]  # English as before
    assert "sus hojas: 'data', 'd\u0430ta' (muy oculta). Solo" in words(refusal, "es")
    assert "ses feuilles : 'data', 'd\u0430ta' (très masquée). Seule" in words(refusal, "fr")
