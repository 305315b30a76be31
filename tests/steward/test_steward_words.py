"""Small words on the steward pages in the reader's language: count words singular for 1 (and 0 in French), plural
otherwise; indicator titles and country names where people read words (the id small beside the title); the audit
history's actions and the publish modes in words (their stored codes unchanged)."""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import plural
from tests.steward.conftest import HEADER, page_text, sign_in, upload
from tests.steward.test_signoff_flow import HISTORY, TYPO, _publish, own_accounts  # noqa: F401 - a fixture


def test_plural_follows_each_languages_rule() -> None:
    one, many = "steward.diff.rows_one", "steward.diff.rows"
    assert [plural(n, one, many, "en") for n in (0, 1, 2)] == ["rows", "row", "rows"]
    assert [plural(n, one, many, "es") for n in (0, 1, 2)] == ["filas", "fila", "filas"]
    assert [plural(n, one, many, "fr") for n in (0, 1, 2)] == ["ligne", "ligne", "lignes"]
    assert plural(None, one, many, "fr") == "lignes"


@pytest.fixture
def typo_page(steward_server, own_accounts):  # noqa: F811 - the imported fixture
    """A validated submission (3 rows: 1 unchanged, 1 possible outlier, 1 new series) and the steward's client."""
    client = steward_server.test_client()
    _publish(client, own_accounts, HISTORY)
    mex = sign_in(steward_server, "mex")
    page = upload(mex, "typo.csv", (HEADER + TYPO).encode())
    assert page.status_code == 200, page.text
    return mex, page.request.path


def counts(html: str) -> list[str]:
    block = re.search(r'<ul class="counts" id="diff-counts">(.*?)</ul>', html, re.S)
    assert block, html
    return [page_text(item).strip() for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)]


def test_count_words_are_singular_for_one_and_zero_in_french(typo_page) -> None:
    client, path = typo_page
    english = counts(client.get(path + "?lang=en").text)
    assert "3 rows" in english and "1 new series" in english and "0 changed values" in english
    assert "1 possible outlier" in english
    french = counts(client.get(path + "?lang=fr").text)
    assert "3 lignes" in french and "1 nouvelle série" in french and "1 inchangée" in french
    assert "0 valeur modifiée" in french and "0 nouvel événement juridique" in french
    assert "1 valeur aberrante possible" in french
    spanish = counts(client.get(path + "?lang=es").text)
    assert "3 filas" in spanish and "1 serie nueva" in spanish and "0 valores modificados" in spanish


def cells(html: str, table_id: str, column: int) -> list[str]:
    table = re.search(rf'<table class="table[^"]*" id="{table_id}">(.*?)</table>', html, re.S)
    assert table, table_id
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]  # after the header row
    return [page_text(re.findall(r"<td>(.*?)</td>", row, re.S)[column]).strip() for row in rows]


def test_outliers_and_warnings_name_the_indicator_in_the_readers_language(typo_page) -> None:
    client, path = typo_page
    rate = "tertiary_women_emigration_rate"
    french = client.get(path + "?lang=fr").text
    assert cells(french, "diff-outliers", 0) == [f"Taux d'émigration des femmes diplômées du supérieur {rate}"]
    assert cells(french, "warnings-table", 2) == [f"Taux d'émigration des femmes diplômées du supérieur {rate}"]
    assert f"<code>{rate}</code>" in french  # the id small beside the title
    spanish = client.get(path + "?lang=es").text
    assert cells(spanish, "diff-outliers", 0) == [f"Tasa de emigración de las mujeres con educación terciaria {rate}"]
    english = client.get(path + "?lang=en").text
    assert cells(english, "warnings-table", 2) == [f"Emigration rate of tertiary-educated women {rate}"]


def test_the_home_names_the_stewards_country_and_a_rounds_missing_series_in_words(steward_server, own_accounts):  # noqa: F811
    from datetime import UTC, datetime, timedelta

    from lmm.cli import main

    deadline = (datetime.now(UTC).date() + timedelta(days=12)).isoformat()
    assert main(["rounds", "open", "--indicators", "recruitment_cost_months", "--countries", "MEX",
                 "--deadline", deadline, "--name", "2026 costs", "--actor", "admin"]) == 0  # fmt: skip
    client = sign_in(steward_server, "mex")
    french = page_text(client.get("/steward/?lang=fr").text)
    assert "Mexique (MEX)" in french
    assert "Coût de recrutement supporté par le travailleur (ODD 10.7.1) recruitment_cost_months · Mexique" in french
    spanish = page_text(client.get("/steward/?lang=es").text)
    assert "México (MEX)" in spanish and "recruitment_cost_months · México" in spanish
    english = page_text(client.get("/steward/?lang=en").text)
    assert "Mexico (MEX)" in english and "(SDG 10.7.1) recruitment_cost_months · Mexico" in english


def inside(pattern: str, html: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return found.group(1)


COST = "recruitment_cost_months,MEX,,2024,total,{value},,,STPS encuesta de costos 2024,\n"


def test_units_audit_actions_and_publish_modes_in_words(steward_server, own_accounts) -> None:  # noqa: F811
    from tests.steward.test_api_flow import call, post_file

    mex = sign_in(steward_server, "mex")
    refused = upload(mex, "cost.csv", (HEADER + COST.format(value=500)).encode()).request.path
    assert "mois de revenu" in page_text(mex.get(refused + "?lang=fr").text)  # the problem's unit
    assert "meses de ingresos" in page_text(mex.get(refused + "?lang=es").text)
    assert "months of earnings" in page_text(mex.get(refused + "?lang=en").text)

    api = steward_server.test_client()
    sid = post_file(api, own_accounts.mex_token, COST.format(value=3.2)).json["id"]
    submitted = call(api, own_accounts.mex_token, "POST", f"/api/v1/submissions/{sid}/submit", {"confirm": True})
    assert submitted.status_code == 200, submitted.json
    admin = sign_in(steward_server, "admin")
    french = admin.get(f"/steward/submissions/{sid}?lang=fr").text
    assert re.search(r"3,2\s+mois de revenu", page_text(french))  # the signed values' unit
    assert cells(french, "values-table", 5) == ["Total"]  # the sex in words, not the stored code
    assert "<strong>ajouter</strong>" in french and "<strong>append</strong>" not in french  # the publish mode
    modes = page_text(inside(r"(Modes :.*?)</p>", french))
    assert "(ODD 10.7.1) recruitment_cost_months · MEX: ajouter" in modes  # the series by its title
    trail = page_text(inside(r'<ol class="trail">(.*?)</ol>', french))
    assert "fichier déposé" in trail and "soumis pour relecture" in trail and "· upload" not in trail
    spanish = admin.get(f"/steward/submissions/{sid}?lang=es").text
    assert "<strong>añadir</strong>" in spanish and "archivo subido" in page_text(spanish)
    home = admin.get("/steward/?lang=fr").text
    table = inside(r'<table class="table table-compact" id="audit-table">(.*?)</table>', home)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    audit = [page_text(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[3]).strip() for row in rows]
    assert "connexion" in audit and "fichier déposé" in audit and "soumis pour relecture" in audit
    assert not {"upload", "submit", "login"} & set(audit)
    releases = page_text(inside(r'<table class="table" id="release-table">(.*?)</table>', home))
    assert "publié" in releases
    english = page_text(admin.get("/steward/?lang=en").text)
    assert "file uploaded" in english and "submitted for review" in english
