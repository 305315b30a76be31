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
