"""The upload budget: the worst files a hostile steward can make (bench/soak_hostile.py, built in code) are each
answered quickly with a message naming the limit and where; what Excel hides is refused; invisible characters are
refused per cell with their position."""

from __future__ import annotations

import time

import pytest

from bench import soak_hostile as hostile
from stewards.upload import UploadError, read_upload
from stewards.validate import validate
from tests.steward.conftest import HEADER
from tests.steward.test_validate import context, found

REFUSED = [  # (hostile file, words of the refusal, seconds it may take at most on the 2-core machine)
    ("wide header", "has 150,010 columns (its header is line 1); the limit is 256 (setting LMM_UPLOAD_MAX_COLUMNS)", 1),
    ("blank columns", "has 50,010 columns (its header is line 1); the limit is 256", 1),
    ("empty lines", "has 19,000,001 lines; the limit is 500,000 (setting LMM_UPLOAD_MAX_ROWS)", 1),
    ("cell at XFD1048576", "has 16,384 columns (its header is row 1); the limit is 256", 1),
    ("zip bomb", "its parts unpack to more than 64 MB (setting LMM_UNPACKED_LIMIT_MB; counted while unpacking "
     "'xl/worksheets/sheet1.xml', whatever the file declares)", 3),
    ("lying zip headers", "its parts unpack to more than 64 MB", 3),
    ("hidden sheet", "has hidden sheets, so what Excel shows is not all it holds; its sheets: 'data', "
     "'d\u0430ta' (very hidden)", 1),
    ("two data sheets", "has 2 sheets that could be the data sheet ('data', 'Data (2)')", 1),
    ("deep XML", "nests XML elements 50,005 deep; the limit is 64 (setting LMM_UPLOAD_XML_DEPTH)", 1),
    ("entity bomb", "declares a DTD or entities, which Excel never writes", 1),
    ("150,000 parts", "holds 150,010 parts (a workbook has a few dozen)", 1),
]  # fmt: skip


@pytest.mark.parametrize(("name", "words", "seconds"), REFUSED, ids=[r[0] for r in REFUSED])
def test_hostile_file_is_refused_quickly_naming_the_limit(name: str, words: str, seconds: float) -> None:
    filename, build = hostile.HOSTILE_FILES[name]
    data = build()
    started = time.monotonic()
    with pytest.raises(UploadError) as refusal:
        read_upload(data, filename)
    assert time.monotonic() - started < seconds
    assert words in str(refusal.value), str(refusal.value)
    assert filename in str(refusal.value)


def test_a_hidden_sheet_is_never_read_even_alone_with_a_visible_one() -> None:
    """Before: the very hidden 'dаta' (PHL figures) was imported instead of the visible 'data'."""
    for states in (["", "hidden"], ["", "veryHidden"]):
        with pytest.raises(UploadError, match="has hidden sheets"):
            read_upload(hostile.sheets_xlsx([("data", states[0]), ("notes", states[1])]), "f.xlsx")


def test_the_one_visible_data_sheet_is_read() -> None:
    table = read_upload(hostile.sheets_xlsx([("data", ""), ("lists", "")]), "f.xlsx")
    assert table.frame["country"].tolist() == ["MEX"]
    with pytest.raises(UploadError, match="no sheet named 'data'.*its sheets: 'figures', 'lists'"):
        read_upload(hostile.sheets_xlsx([("figures", ""), ("lists", "")]), "f.xlsx")


def test_limits_come_from_the_settings(monkeypatch) -> None:
    from stewards.budget import Budget, BudgetError

    monkeypatch.setenv("LMM_UPLOAD_MAX_COLUMNS", "8")
    with pytest.raises(BudgetError, match="has 10 columns .* the limit is 8 .*LMM_UPLOAD_MAX_COLUMNS"):
        read_upload((HEADER + "a,b,c,d,e,f,g,h,i,j\n").encode(), "f.csv")
    monkeypatch.setenv("LMM_UPLOAD_MAX_COLUMNS", "256")
    monkeypatch.setenv("LMM_UPLOAD_MAX_CELLS", "25")
    with pytest.raises(BudgetError, match="3 lines x 10 columns = 30 cells; the limit is 25"):
        read_upload((HEADER + "a,b,c,d,e,f,g,h,i,j\n" * 2).encode(), "f.csv")
    assert Budget.from_settings().cells == 25


def test_a_clock_past_its_budget_refuses_naming_the_step() -> None:
    from stewards.budget import Budget, BudgetError

    budget = Budget(seconds=0.0)
    time.sleep(0.01)
    with pytest.raises(BudgetError, match=r"could not be checked within 0 seconds \(stopped while reading"):
        budget.check_time("f.csv", "reading")


# --- text hygiene --------------------------------------------------------------------------------------------

ROW = "tertiary_women_emigration_rate,MEX,,{year},,7.5,,,{source},{note}\n"
HYGIENE = [  # (source cell, note cell, column, words): before, all of these were accepted and published
    ("INEGI\x00 survey", "", "source", "character 6 is U+0000 (NUL), a control character that is never shown"),
    ("INEGI \x1b[31m", "", "source", "character 7 is U+001B (ESC)"),
    ("INEGI", "bell\x07", "note", "character 5 is U+0007 (BEL)"),
    ("\u202eyevrus IGENI", "", "source", "character 1 is U+202E (RIGHT-TO-LEFT OVERRIDE), which changes the "
     "direction text is shown in"),
    ("INEGI", "isolated \u2067x\u2069", "note", "character 10 is U+2067 (RIGHT-TO-LEFT ISOLATE)"),
    ("INE\x85GI", "", "source", "character 4 is U+0085 (NEXT LINE)"),  # at either end: stripped as whitespace
    ("INEGI\x7f", "", "source", "character 6 is U+007F (DEL)"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "note", "column", "words"), HYGIENE, ids=[h[3][:30] for h in HYGIENE])
def test_invisible_characters_are_refused_per_cell_with_their_position(source, note, column, words) -> None:
    text = HEADER + ROW.format(year=2023, source="INEGI", note="") + ROW.format(year=2024, source=source, note=note)
    problems = found(validate(read_upload(text.encode(), "f.csv"), context()))
    assert [(row, col) for row, col, _ in problems] == [(3, column)], problems
    assert words in problems[0][2], problems


def test_tabs_and_line_breaks_are_allowed_in_notes_not_in_codes() -> None:
    ok = HEADER + 'tertiary_women_emigration_rate,MEX,,2024,,7.5,,,INEGI,"two\nlines\tand a tab"\n'
    assert found(validate(read_upload(ok.encode(), "f.csv"), context())) == []
    bad = HEADER + 'tertiary_women_emigration_rate,"ME\tX",,2024,,7.5,,,INEGI,\n'
    assert found(validate(read_upload(bad.encode(), "f.csv"), context())) == [
        (2, "country", "character 3 is U+0009 (TAB): a code is one line without tabs; remove it")]  # fmt: skip


def test_zero_width_characters_in_codes_are_named() -> None:
    text = HEADER + "tertiary_women_emigration_rate,ME\u200bX,,2024,,7.5,,,INEGI,\n"
    assert found(validate(read_upload(text.encode(), "f.csv"), context())) == [
        (2, "country", "character 3 is U+200B (ZERO WIDTH SPACE), an invisible character that makes a code look like "
                       "another: remove it")]  # fmt: skip


def test_a_nul_past_the_first_64_kb_is_a_cell_problem_not_a_published_figure() -> None:
    table = read_upload(hostile.control_characters_csv(), "controls.csv")
    problems = found(validate(table, context()))
    assert len(problems) == 6, problems
    assert {column for _, column, _ in problems} == {"source", "country"}
    assert problems[0][0] == 120 and "U+0000 (NUL)" in problems[0][2]  # past the first 64 kB


def test_a_shown_value_makes_its_invisible_character_visible() -> None:
    """The page, the API and the control database show U+FFFD where the cell has the character (a right-to-left
    override would otherwise make the value read as the harmless text it imitates); the CSV file has it whole."""
    outcome = validate(read_upload(hostile.control_characters_csv(), "controls.csv"), context())
    shown = [p["value"] for p in outcome.report.records(outcome.report.shown())]
    assert shown == ["INEGI\ufffd survey", "INEGI \ufffd[31m survey", "INEGI\ufffd", "\ufffdyevrus IGENI",
                     "INE\ufffdGI", "ME\ufffdX"]  # fmt: skip
    assert outcome.problems["value"].tolist()[3] == "\u202eyevrus IGENI"


def test_a_file_of_nul_bytes_is_still_a_binary_file() -> None:
    with pytest.raises(UploadError, match="is a binary file renamed to .csv"):
        read_upload(HEADER.encode() + b"\x00" * 5000, "f.csv")


def test_a_cell_longer_than_the_limit_is_a_problem_at_its_row_and_column(monkeypatch) -> None:
    monkeypatch.setenv("LMM_UPLOAD_MAX_CELL_CHARS", "100")
    text = HEADER + ROW.format(year=2024, source="INEGI", note="n" * 101)
    assert found(validate(read_upload(text.encode(), "f.csv"), context())) == [
        (2, "note", "the cell is 101 characters long; the limit is 100 (setting LMM_UPLOAD_MAX_CELL_CHARS)")]  # fmt: skip


# --- the smaller defects --------------------------------------------------------------------------------------


def test_the_not_utf8_message_points_at_the_right_byte_after_a_bom() -> None:
    """Before: the BOM's 3 bytes shifted the position, and a byte early in line 2 was reported on line 1."""
    data = "\ufeff".encode() + HEADER.encode() + b"fee_ban_law,MEX,,2024,,,full,,Ley\xe9,\n"
    with pytest.raises(UploadError) as refusal:
        read_upload(data, "f.csv")
    message = str(refusal.value)
    assert (
        "line 2 has the byte 0xE9 ('é' in Latin-1 / Windows-1252) at byte 34 of the line (byte 121 of the file)"
        in message
    ), message
    assert data[data.index(b"\xe9") : data.index(b"\xe9") + 1] == b"\xe9"


def test_an_unknown_indicator_on_an_event_row_is_one_problem() -> None:
    """Before: the row also said 'year is empty' (the year of an event may be left empty)."""
    problems = found(validate(read_upload((HEADER + "ilo_c1899,MEX,,,,,in_force,2021-07-03,NORMLEX,\n").encode(),
                                          "f.csv"), context()))  # fmt: skip
    assert [(row, column) for row, column, _ in problems] == [(2, "indicator_id")], problems


def test_a_file_of_formulas_is_refused_whole_past_the_listed_number(monkeypatch) -> None:
    import stewards.xlsx as xlsx

    monkeypatch.setattr(xlsx, "MAX_FORMULAS", 3)
    rows = [[f"=A{i}", "MEX", None, 2024, None, 1, None, None, "s", None] for i in range(5)]
    from tests.steward.test_validate import workbook

    with pytest.raises(UploadError, match="has 5 formula cells"):
        read_upload(workbook(rows), "f.xlsx")


def test_forbidden_characters_are_found_whether_a_cell_is_plain_ascii_or_not() -> None:
    """Printable ASCII is passed by a quick scan; every other cell (accents, tabs, DEL, zero-width, bidi, empty,
    missing) is read by the full check, in codes and in free text alike."""
    import pandas as pd

    from stewards.budget import Budget
    from stewards.hygiene import hygiene_problems

    frame = pd.DataFrame(
        {"country": ["MEX", "ME\u200bX", "M\tX", "", None, "Méx", "MEX\x7f"],
         "note": ["plain", "a\tb\nc", "é\u202e", "", None, "x\x00", "ok é"]},
        dtype="string",
    )  # fmt: skip
    found = pd.concat(hygiene_problems(frame, Budget()))
    bad = sorted(zip(found["row"].astype(int), found["column"], strict=True))
    assert bad == [(1, "country"), (2, "country"), (2, "note"), (5, "note"), (6, "country")]
