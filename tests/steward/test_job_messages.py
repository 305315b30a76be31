"""The status lines a steward reads about a file's jobs (waiting to be checked, being checked, checked in, approved,
rejected, published...) and what its status means, in Spanish and French on the submission page and in the API
(?lang= or Accept-Language), the English kept beside them (status_text_en, publish.message_en) and unchanged when no
other language is asked for."""

from __future__ import annotations

import io
import re
import time

import pytest

from stewards import store
from stewards.i18n import catalogue, say, text
from stewards.job_messages import job_words
from tests.steward.conftest import HEADER, sign_in, wait_checked
from tests.steward.test_api_flow import call

FILE = "recruitment_cost_months,MEX,,2024,total,3.2,,,STPS encuesta de costos 2024,\n"
SAMPLE = {"seconds": "3.2", "startup": "1.5", "megabytes": "41", "reason": "cifras duplicadas", "error": "disk full",
          "release": "r20261206-1", "n": "1234", "year": "2024"}  # fmt: skip


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_every_stored_job_line_is_worded_in_the_language(lang: str) -> None:
    for key, english in catalogue("en").items():
        if not key.startswith("job."):
            continue
        params = {name: SAMPLE[name] for name in re.findall(r"\{(\w+)\}", english)}
        stored = str(say(key, **params))  # as the job stores it: plain English text
        expected = text(key, lang, **{k: v.replace(".", ",") if k == "seconds" or k == "startup" else v
                                      for k, v in params.items()})  # fmt: skip
        assert job_words(stored, lang) == expected, key
        assert job_words(stored, "en") == stored
    assert job_words("cifras duplicadas", lang) == "cifras duplicadas"  # an admin's own reason: as given
    assert job_words(None, lang) == ""


def test_a_withdrawal_without_reason_says_so_in_the_language() -> None:
    stored = str(say("job.withdrawing", reason=say("job.no_reason")))
    assert stored == "rejected (no reason given); a release without its figures is being built"
    assert job_words(stored, "es") == "rechazado (sin motivo indicado); se está construyendo una versión sin sus cifras"
    assert job_words(stored, "fr").startswith("rejetée (aucun motif donné) ;")


def test_job_lines_and_status_in_the_api_and_on_the_page(steward_server, accounts, monkeypatch) -> None:
    monkeypatch.setenv("LMM_UPLOAD_INLINE_KB", "0.05")  # any file: checked by a validation job
    api = steward_server.test_client()
    mex = {"Authorization": f"Bearer {accounts.mex_token}"}
    body = {"file": (io.BytesIO((HEADER + FILE).encode()), "costos.csv")}
    made = api.post("/api/v1/submissions?lang=es", data=body, headers=mex)
    assert made.status_code == 202, made.json
    assert made.json["status_text"] == "En revisión: esta página mostrará el resultado cuando esté listo"
    assert made.json["status_text_en"] == "Being checked: this page shows the outcome when it is ready"
    assert made.json["publish"]["message"] in ("a la espera de comprobarse", "comprobándose"), made.json
    assert made.json["publish"]["message_en"] in ("waiting to be checked", "being checked")
    sid = made.json["id"]
    wait_checked(sid, timeout=90)
    monkeypatch.undo()
    deadline = time.monotonic() + 30  # the job's supervisor writes its line just after the check is recorded
    while (sub := store.get_submission(sid)) and sub.job_state is not None and time.monotonic() < deadline:
        time.sleep(0.05)

    path = f"/api/v1/submissions/{sid}"
    english = api.get(path, headers=mex).json
    assert english["status_text"] == "Valid: review the differences and submit" and "status_text_en" not in english
    assert english["publish"]["message"].startswith("checked in ") and "message_en" not in english["publish"]
    french = api.get(path, headers=mex | {"Accept-Language": "fr-FR,fr;q=0.9"}).json
    assert french["status_text"] == "Valide : examinez les différences et soumettez"
    assert re.fullmatch(r"vérifié en \d+,\d s \(\d+,\d s de démarrage\), avec au plus \d+ Mo de mémoire",
                        french["publish"]["message"]), french["publish"]  # fmt: skip
    assert french["publish"]["message_en"] == english["publish"]["message"]

    assert call(api, accounts.mex_token, "POST", f"{path}/submit", {"confirm": True}).status_code == 200
    rejected = call(api, accounts.admin_token, "POST", f"{path}/reject", {"confirm": True, "reason": ""})
    assert rejected.json["publish"]["message"] == "rejected", rejected.json
    spanish = api.get(f"{path}?lang=es", headers=mex).json
    assert (spanish["status_text"], spanish["publish"]["message"]) == ("Rechazado", "rechazado")
    assert spanish["publish"]["message_en"] == "rejected"

    page = sign_in(steward_server, "mex").get(f"/steward/submissions/{sid}?lang=fr").text
    line = re.search(r'id="job-status"[^>]*>(.*?)</p>', page, re.S)
    assert line is not None and line.group(1).strip() == "rejetée", page[:200]
