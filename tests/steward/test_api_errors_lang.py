"""The steward API's refusals (4xx `error`) in Spanish and French by ?lang= or Accept-Language, the English text as
`error_en` beside them, and word for word as before when no other language is asked for."""

from __future__ import annotations

import io

from dashboard.steward.review_api import _unjustified
from stewards.checking import TooManyChecks
from stewards.i18n import said, say
from tests.steward.conftest import HEADER
from tests.steward.test_api_flow import call

FILE = "recruitment_cost_months,MEX,,2024,total,3.2,,,STPS encuesta de costos 2024,\n"
ASK_EN = 'nothing was done: send {"confirm": true} to go ahead'


def _upload(api, token: str) -> str:
    body = {"file": (io.BytesIO((HEADER + FILE).encode()), "costos.csv")}
    made = api.post("/api/v1/submissions", data=body, headers={"Authorization": f"Bearer {token}"})
    assert made.status_code == 201, made.json
    return made.json["id"]


def test_refusals_before_any_file_in_spanish_and_french(steward_server, accounts) -> None:
    api = steward_server.test_client()
    mex = {"Authorization": f"Bearer {accounts.mex_token}"}
    english = api.post("/api/v1/submissions", data={}, headers=mex)
    assert english.status_code == 400 and english.json == {
        "error": "send the file as multipart/form-data in the field 'file'"
    }
    spanish = api.post("/api/v1/submissions?lang=es", data={}, headers=mex).json
    assert spanish["error"] == "envíe el archivo como multipart/form-data en el campo 'file'"
    assert spanish["error_en"] == english.json["error"]

    nobody = api.get("/api/v1/submissions/s1", headers={"Accept-Language": "fr-CH, fr;q=0.9"})
    assert nobody.status_code == 401 and nobody.headers["WWW-Authenticate"] == 'Bearer realm="lmm"'
    assert nobody.json["error"].startswith("un jeton d'API valide est requis : Authorization: Bearer <token>")
    assert nobody.json["error_en"] == ("a valid API token is required: Authorization: Bearer <token> "
                                       "(issued by `lmm users token NAME`)")  # fmt: skip
    missing = api.get("/api/v1/submissions/s0?lang=fr", headers=mex).json
    assert missing == {"error": "vous n'avez pas de soumission s0", "error_en": "no submission s0 of yours"}
    rollback = call(api, accounts.admin_token, "POST", "/api/v1/releases/rollback?lang=es", {"release_id": "r0"}).json
    assert rollback["error"] == "no se conserva la versión 'r0' (GET /api/v1/releases las lista)"


def test_refusals_of_the_workflow_and_confirmations_in_the_language(steward_server, accounts) -> None:
    api = steward_server.test_client()
    sid = _upload(api, accounts.mex_token)
    path = f"/api/v1/submissions/{sid}"

    unconfirmed = call(api, accounts.mex_token, "POST", f"{path}/submit?lang=fr", {})
    assert unconfirmed.status_code == 400
    assert (
        unconfirmed.json["error"]
        == 'confirmez les chiffres avec {"confirm": true} (et, si besoin, "modes": {series: mode})'
    )
    assert unconfirmed.json["error_en"] == (
        'confirm the figures with {"confirm": true} (and optional "modes": {series: mode})'
    )
    steward_only = call(api, accounts.mex_token, "POST", f"{path}/approve?lang=es", {"confirm": True})
    assert steward_only.status_code == 403 and steward_only.json["error"] == "solo un administrador puede aprobar"

    early = call(api, accounts.admin_token, "POST", f"{path}/approve?lang=es", {"confirm": True})
    assert early.status_code == 409
    assert early.json["error"] == f"el envío {sid} no está a la espera de revisión (estado: validated)"
    assert early.json["error_en"] == f"submission {sid} is not waiting for review (status: validated)"
    assert (
        call(api, accounts.admin_token, "POST", f"{path}/approve", {"confirm": True}).json["error"]
        == (early.json["error_en"])
    )

    english = call(api, accounts.admin_token, "POST", f"{path}/approve", {}).json
    assert english["error"].startswith("Approving publishes this file's values (count: 1) in a new release after ")
    assert english["error"].endswith(f"({ASK_EN})") and "error_en" not in english
    french = call(api, accounts.admin_token, "POST", f"{path}/approve?lang=fr", {})
    assert french.status_code == 428 and french.json["confirm_required"] is True
    assert french.json["error"].endswith('(rien n\'a été fait : envoyez {"confirm": true} pour continuer)')
    assert french.json["error_en"] == english["error"] and french.json["effect"] == english["effect"]
    reject = call(api, accounts.admin_token, "POST", f"{path}/reject?lang=es", {}).json
    assert reject["error"].startswith("rechazar este envío (valores: 1); no se publica nada de él.")  # no 'Confirmo: '
    assert reject["error_en"].startswith("reject this submission (values: 1); nothing from it is published. (")


def test_refusals_made_in_the_workflow_keep_their_english_and_speak_the_language() -> None:
    busy = TooManyChecks(say("api.too_many_checks", n=2, filename=repr("big.csv")))
    assert str(busy) == ("2 of your files are still being checked: wait until they are done (their pages say so), "
                         "then upload 'big.csv' again. Nothing was stored.")  # fmt: skip
    assert said(busy, "fr").startswith("2 de vos fichiers sont encore en cours de vérification")
    assert said(busy, "es").endswith("vuelva a cargar 'big.csv'. No se guardó nada.")
    missing = [{"id": "w1", "row": 2, "column": "value"}, {"id": "w2", "row": 5, "column": "value"}]
    assert _unjustified(missing, "en") == (
        "2 warning(s) need a justification before submit: w1 (row 2, value), w2 (row 5, value). Send "
        '{"confirm": true, "justifications": {"<warning id>": "why the value is right"}}'
    )
    assert _unjustified(missing, "es").startswith("2 advertencia(s) necesitan una justificación antes de enviar: "
                                                  "w1 (fila 2, value), w2 (fila 5, value). Envíe {")  # fmt: skip


def test_the_problems_csv_has_its_header_row_in_the_language(steward_server, accounts) -> None:
    from tests.steward.conftest import sign_in

    api = steward_server.test_client()
    mex = {"Authorization": f"Bearer {accounts.mex_token}"}
    bad = "fee_ban_law,MEX,,2024,,,fully,,Ley Federal del Trabajo,\n"
    made = api.post("/api/v1/submissions", data={"file": (io.BytesIO((HEADER + bad).encode()), "f.csv")}, headers=mex)
    assert made.status_code == 422, made.json
    csv = f"/api/v1/submissions/{made.json['id']}?format=csv"
    assert api.get(csv, headers=mex).text.startswith("\ufeffrow,column,cell,value,message\n")  # English as before
    spanish = api.get(f"{csv}&lang=es", headers=mex).text
    english = made.json["problems"][0]["message"]
    worded = api.get(f"/api/v1/submissions/{made.json['id']}?lang=es", headers=mex).json["problems"][0]["message"]
    assert "category 'fully'" in english and worded != english, "the problem has a Spanish text"
    assert spanish.startswith("\ufefffila,columna,celda,valor,mensaje\n")
    assert worded in spanish and english not in spanish, "the kept file's messages in Spanish too"
    page = sign_in(steward_server, "mex").get(f"/steward/submissions/{made.json['id']}/problems.csv?lang=fr")
    assert page.text.startswith("\ufeffligne,colonne,cellule,valeur,message\n")

    body = {"file": (io.BytesIO(b"indicator,country,yeer,source\nfee_ban_law,MEX,2024,DOF\n"), "cabecera.csv")}
    refused = api.post("/api/v1/submissions", data=body, headers=mex).json  # refused whole: the stored list
    french = api.get(f"/api/v1/submissions/{refused['id']}?format=csv", headers=mex | {"Accept-Language": "fr"})
    assert french.text.startswith("\ufeffligne,colonne,cellule,valeur,message\n")
    assert "'cabecera.csv' n'a pas les colonnes du modèle" in french.text


def test_the_kept_problems_file_is_reworded_cell_for_cell(steward_server, accounts) -> None:
    """Cells with commas, quotes, line breaks and formula-like text: the Spanish file has the same rows and cells as
    the English one, each message as the Spanish page words it."""
    import csv

    api = steward_server.test_client()
    mex = {"Authorization": f"Bearer {accounts.mex_token}"}
    rows = [f'fee_ban_law,MEX,,{2000 + i},,,"fully, ""really""\nyes",,=SUM(A1),\n' for i in range(30)]
    rows += [f"recruitment_cost_months,MEX,,{2000 + i},total,-{i}x,,,STPS,\n" for i in range(30)]
    made = api.post("/api/v1/submissions", data={"file": (io.BytesIO((HEADER + "".join(rows)).encode()), "t.csv")},
                    headers=mex)  # fmt: skip
    assert made.status_code == 422, made.json
    url = f"/api/v1/submissions/{made.json['id']}"
    english = list(csv.reader(io.StringIO(api.get(f"{url}?format=csv", headers=mex).text.lstrip("\ufeff"))))
    spanish = list(csv.reader(io.StringIO(api.get(f"{url}?format=csv&lang=es", headers=mex).text.lstrip("\ufeff"))))
    assert len(spanish) == len(english) > 60 and spanish[0] == ["fila", "columna", "celda", "valor", "mensaje"]
    assert [r[:4] for r in spanish[1:]] == [r[:4] for r in english[1:]], "rows, columns, cells and values unchanged"
    shown = {(p["row"], p["column"]): p["message"] for p in api.get(f"{url}?lang=es", headers=mex).json["problems"]}
    for row in spanish[1:]:
        if (int(row[0]), row[1]) in shown:
            assert row[4] == shown[(int(row[0]), row[1])], row
    assert sum(s[4] != e[4] for s, e in zip(spanish[1:], english[1:], strict=True)) > 30, "most messages reworded"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in spanish for cell in row), "formulas neutralised"
