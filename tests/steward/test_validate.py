"""Validation, given/expect: literal rows in, every problem (row, column, message) out, or the converted rows."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from stewards.template import uploadable
from stewards.upload import read_upload
from stewards.validate import Context, validate
from tests.steward.conftest import HEADER

COUNTRIES = {
    "MEX": ("Mexico", False), "PHL": ("Philippines", False), "USA": ("United States", False),
    "SAU": ("Saudi Arabia", False), "WLD": ("World", True),
}  # fmt: skip


def context(scope: tuple[str, ...] | None = ("MEX",)) -> Context:
    from indicators.registry import load_registry

    registered = {i.id: ", ".join(i.source_ids) for i in load_registry().indicators.values()}
    return Context(uploadable(), registered, COUNTRIES, scope, today=date(2026, 6, 1))


def check(rows: str, scope: tuple[str, ...] | None = ("MEX",), header: str = HEADER, name: str = "f.csv"):
    return validate(read_upload((header + rows).encode("utf-8"), name), context(scope))


def found(outcome) -> list[tuple[int, str, str]]:
    return [(int(p.row), p.column, p.message) for p in outcome.problems.itertuples()]


GOOD = (
    "tertiary_women_emigration_rate,MEX,,2024,,7.4,,,INEGI ENADID 2024,provisional\n"
    "recruitment_cost_corridor,MEX,USA,2023,female,1.8,,,EMIF Norte 2023,\n"
    "fee_ban_law,MEX,,2024,,,full,,Ley Federal del Trabajo art. 28,\n"
    "ilo_c189,MEX,,,,,in_force,2021-07-03,ILO NORMLEX,\n"
    "bssa_in_force,MEX,PHL,,,,signed,2019-05-02,SRE treaty list,\n"
)


def test_valid_rows_are_converted() -> None:
    outcome = check(GOOD)
    assert found(outcome) == []
    rows = outcome.rows.set_index("indicator_id")
    assert rows.loc["tertiary_women_emigration_rate", "sex"] == "female"  # empty sex = the headline sex
    assert rows.loc["tertiary_women_emigration_rate", "value"] == 7.4
    assert rows.loc["recruitment_cost_corridor", "partner_country"] == "USA"
    assert rows.loc["fee_ban_law", "value_label"] == "Full prohibition of fees and related costs"
    assert rows.loc["ilo_c189", ["kind", "status", "year", "event_date"]].tolist() == [
        "event", "in_force", 2021, "2021-07-03"]  # fmt: skip
    assert rows.loc["bssa_in_force", "status"] == "signed"
    assert set(rows["kind"]) == {"observation", "event"}


# given one row (spreadsheet row 2) -> expected (row, column, words in the message)
CASES = [
    ("tertiary_women_emigraton_rate,MEX,,2024,,7.4,,,src,", "indicator_id",
     "unknown indicator 'tertiary_women_emigraton_rate'; closest: tertiary_women_emigration_rate"),
    ("female_lfpr,MEX,,2024,,40,,,src,", "indicator_id", "comes from wb_wdi and is not open to steward uploads"),
    ("tertiary_women_emigration_rate,PHL,,2024,,7.4,,,src,", "country",
     "PHL (Philippines) is outside your countries (MEX)"),
    ("tertiary_women_emigration_rate,MEXX,,2024,,7.4,,,src,", "country", "closest: MEX (Mexico)"),
    ("tertiary_women_emigration_rate,Mexico,,2024,,7.4,,,src,", "country", "write the ISO3 code: MEX"),
    ("tertiary_women_emigration_rate,WLD,,2024,,7.4,,,src,", "country", "is an aggregate"),
    ("tertiary_women_emigration_rate,MEX,,2024,,140,,,src,", "value", "140 is out of range"),
    ("tertiary_women_emigration_rate,MEX,,2024,,-3,,,src,", "value", "-3 is out of range"),
    ("recruitment_cost_corridor,MEX,USA,2023,,-1,,,src,", "value", "at least 0"),
    ("bssa_count,MEX,,2023,,2.5,,,src,", "value", "2.5 is not a whole number of agreements"),
    ("tertiary_women_emigration_rate,MEX,,2024,,7%,,,src,", "value", "not a number"),
    ("tertiary_women_emigration_rate,MEX,,2024,,,,,src,", "value", "value is empty"),
    ("fee_ban_law,MEX,,2024,,,ful,,src,", "category", "category 'ful' is not one of fee_ban_law's: full, partial, "
     "none (did you mean 'full'?)"),
    ("fee_ban_law,MEX,,2024,,1,full,,src,", "value", "leave value empty: fee_ban_law takes a category"),
    ("tertiary_women_emigration_rate,MEX,,2024,,7,high,,src,", "category", "leave category empty"),
    ("ilo_c189,MEX,,,,,ratified,2020-01-01,src,", "category", "status 'ratified' is not one of ilo_c189's"),
    ("ilo_c189,MEX,,,,,in_force,,src,", "event_date", "event_date is empty"),
    ("ilo_c189,MEX,,,,,in_force,03/07/2021,src,", "event_date", "YYYY-MM-DD"),
    ("ilo_c189,MEX,,2020,,,in_force,2021-07-03,src,", "year", "does not match event_date 2021-07-03"),
    ("ilo_c189,MEX,,,,,in_force,2026-12-24,src,", "event_date", "is in the future"),
    ("tertiary_women_emigration_rate,MEX,,2031,,7.4,,,src,", "year", "year 2031 is in the future (latest allowed: 2026)"),
    ("tertiary_women_emigration_rate,MEX,,20x4,,7.4,,,src,", "year", "whole year"),
    ("tertiary_women_emigration_rate,MEX,,,,7.4,,,src,", "year", "year is empty"),
    ("tertiary_women_emigration_rate,MEX,,2024,,7.4,,,,", "source", "source is empty"),
    ("tertiary_women_emigration_rate,MEX,,2024,male,7.4,,,src,", "sex", "is given for sex female only"),
    ("recruitment_cost_corridor,MEX,,2023,,1.8,,,src,", "partner_country", "partner_country is empty"),
    ("recruitment_cost_corridor,MEX,MEX,2023,,1.8,,,src,", "partner_country", "the same as country"),
    ("fee_ban_law,MEX,USA,2024,,,full,,src,", "partner_country", "leave partner_country empty"),
    ("recruitment_cost_months,MEX,,2023,both sexes,1.8,,,src,", "sex", "total, female or male"),
    ("fee_ban_law,MEX,,2024,,,full,,=HYPERLINK(\"http://x\"),", "source", "like a spreadsheet formula"),
    ("fee_ban_law,MEX,,2024,,,full,,src,@SUM(A1)", "note", "formulas are not accepted"),
]  # fmt: skip


@pytest.mark.parametrize(("given", "column", "message"), CASES, ids=[c[2][:40] for c in CASES])
def test_each_bad_cell_is_reported_with_row_and_column(given: str, column: str, message: str) -> None:
    problems = found(check(given + "\n"))
    assert [(row, col) for row, col, _ in problems] == [(2, column)], problems
    assert message in problems[0][2]


def test_duplicates_point_at_the_first_row() -> None:
    rows = (
        "tertiary_women_emigration_rate,MEX,,2024,,7.4,,,a,\n" * 2
        + "tertiary_women_emigration_rate,MEX,,2023,,7,,,a,\n"
    )
    assert found(check(rows)) == [(3, "", "duplicate row: same indicator, country, partner, year and sex as row 2; "
                                          "keep one of them")]  # fmt: skip


def test_every_bad_cell_is_reported_even_with_type_errors_in_the_same_column() -> None:
    """A year that is not a number must not hide the out-of-range years of the same column (stack-notes)."""
    rows = (
        "tertiary_women_emigration_rate,MEX,,19x9,,7.4,,,a,\n"
        "tertiary_women_emigration_rate,MEX,,2031,,7.4,,,a,\n"
        "tertiary_women_emigration_rate,MEX,,1850,,170,,,a,\n"
        "tertiary_women_emigration_rate,PHL,,2024,,abc,,,,\n"
    )
    assert [(r, c) for r, c, _ in found(check(rows))] == [
        (2, "year"), (3, "year"), (4, "year"), (4, "value"), (5, "country"), (5, "value"), (5, "source")]  # fmt: skip


def test_admin_may_submit_for_any_country() -> None:
    assert found(check("tertiary_women_emigration_rate,PHL,,2024,,7.4,,,a,\n", scope=None)) == []


def test_semicolon_csv_with_bom_and_decimal_comma() -> None:
    text = "\ufeff" + HEADER.replace(",", ";") + "tertiary_women_emigration_rate;MEX;;2024;;7,4;;;INEGI, 2024;\n"
    outcome = validate(read_upload(text.encode("utf-8"), "f.csv"), context())
    assert found(outcome) == []
    assert outcome.rows["value"].tolist() == [7.4]
    assert outcome.rows["source"].tolist() == ["INEGI, 2024"]


def test_headers_are_matched_loosely_and_blank_rows_skipped() -> None:
    header = "Indicator ID,Country,partner-country,YEAR,sex,value,category,event_date,source,note\n"
    outcome = check("\ntertiary_women_emigration_rate,MEX,,2024,,7.4,,,a,\n,,,,,,,,,\n", header=header)
    assert found(outcome) == [] and len(outcome.rows) == 1
    assert outcome.rows["row"].tolist() == [3]  # the blank line is row 2 of the spreadsheet


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(HEADER.strip().split(","))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_formulas_are_reported_never_evaluated() -> None:
    data = workbook([
        ["tertiary_women_emigration_rate", "MEX", None, 2024, None, "=2+5", None, None, "INEGI", None],
        ["fee_ban_law", "MEX", None, 2024, None, None, "full", None, '=HYPERLINK("http://evil")', None],
    ])  # fmt: skip
    outcome = validate(read_upload(data, "f.xlsx"), context())
    assert [(r, c, p) for r, c, p in found(outcome) if "formula" in p] == [
        (2, "value", "a formula is not accepted (it is never calculated here): type the value itself"),
        (3, "source", "a formula is not accepted (it is never calculated here): type the value itself"),
    ]
    assert outcome.problems["value"].tolist()[:2] == ["=2+5", '=HYPERLINK("http://evil")']
    assert outcome.problems["cell"].tolist()[:2] == ["F2", "I3"]


def test_xlsx_numbers_and_dates_are_read_as_typed() -> None:
    import datetime as dt

    data = workbook([
        ["tertiary_women_emigration_rate", "MEX", None, 2024, None, 7.4, None, None, "INEGI", None],
        ["ilo_c189", "MEX", None, None, None, None, "in_force", dt.date(2021, 7, 3), "NORMLEX", None],
    ])  # fmt: skip
    outcome = validate(read_upload(data, "f.xlsx"), context())
    assert found(outcome) == []
    assert outcome.rows["event_date"].fillna("").tolist() == ["", "2021-07-03"]
    assert outcome.rows["value"].tolist()[0] == 7.4
