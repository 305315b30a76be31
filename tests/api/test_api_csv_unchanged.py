"""The API's CSV stays as scripts read it (no byte-order mark, the header row first) while the pages' downloads
gain one for spreadsheets (dashboard/components/downloads.py)."""

from __future__ import annotations


def test_the_api_csv_has_no_byte_order_mark(client) -> None:
    answer = client.get("/api/v1/observations", query_string={"indicator": "female_lfpr", "country": "CIV",
                                                                "format": "csv"})  # fmt: skip
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and not text.startswith("\ufeff")
    assert text.splitlines()[0].startswith("indicator,country,year,")
