"""A Kenyan steward works in French in headless Chromium: the home page's template link gives the French workbook,
whose category drop-down for the fee-ban law offers that law's categories in French; the file filled with them is
uploaded through the page, and a row with a problem is explained in French. Screenshot: steward-problems-fr.png."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from tests.browser.conftest import screenshot
from tests.browser.steward_pages import sign_in

PASSWORD = "a browser-test password"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def steward(release_id: str) -> str:
    from stewards import accounts

    if accounts.get_user("ken-steward") is None:
        accounts.create_user("ken-steward", "steward", PASSWORD, ["KEN"], "KNBS Kenya")
    return "ken-steward"


def test_template_and_problems_in_french(page, steward: str, tmp_path: Path) -> None:
    page.goto("/steward/login?lang=fr")  # the language the steward picked, remembered for the next pages
    sign_in(page, steward, PASSWORD)
    with page.expect_download() as download:
        page.click("#template-xlsx")
    path = tmp_path / "modele.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book["columns"]["A1"].value == "colonne" and "Choisissez" in book["data"]["G1"].comment.text
    ((sheet, cells),) = book.defined_names["cat_fee_ban_law"].destinations
    fee = [row[0].value for row in book[sheet][cells.replace("$", "")]]
    assert fee == ["Interdiction totale des frais et coûts connexes",
                   "Interdiction partielle (certains frais, secteurs ou un plafond)", "Aucune interdiction"]  # fmt: skip
    data = book["data"]
    data.append(["fee_ban_law", "KEN", None, 2024, None, None, fee[1], None, "Employment Act 2007, s. 45", None])
    data.append(["fee_ban_law", "KEN", None, 2031, None, None, fee[0], None, "Employment Act 2007, s. 45", None])
    out = io.BytesIO()
    book.save(out)
    page.set_input_files("#upload-file", files=[{"name": "kenya.xlsx", "mimeType": XLSX, "buffer": out.getvalue()}])
    page.click("#upload-button")
    page.wait_for_selector("#problems-table")
    table = page.inner_text("#problems-table")
    assert "3\tyear\tD3\t2031\tl'année 2031 est dans le futur" in table, table
    assert "\n2\t" not in table  # the French words of the drop-down were read as the code
    screenshot(page, "steward-problems-fr")
