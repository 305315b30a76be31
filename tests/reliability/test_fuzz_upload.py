"""Property-based fuzzing of the steward parser and validator (hypothesis, derandomized, bounded examples).

Generated CSV (odd encodings, separators, quotes, huge cells, control characters), XLSX (random cells through
openpyxl, deeply nested XML, entity expansion) and random bytes; and the upload budget's attacks: headers of up to
70,000 columns, workbooks with hidden or competing sheets, invisible characters in every column, ZIP headers that
lie about a part's size, compressed size or checksum. Properties: reading and validating never raises
anything but a clear refusal; unicode look-alikes of codes (Cyrillic 'М' in 'MEX', fullwidth letters, zero-width
spaces) are never accepted as the code; a refused file writes no row (control database counts unchanged) and an
accepted one writes exactly its rows.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from stewards.template import COLUMNS
from stewards.upload import RawTable, UploadError, read_upload
from tests.reliability.conftest import HEADER, Site, control_counts

FUZZ = settings(derandomize=True, max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])  # fmt: skip
CONFUSABLES = [
    "\u041cEX",  # Cyrillic capital EM
    "ME\u0425",  # Cyrillic capital HA
    "\uff2d\uff25\uff38",  # fullwidth MEX
    "MEX\u200b",  # zero-width space
    "M\u0415X",  # Cyrillic IE
    "\u039cEX",  # Greek MU
    "P\u041dL",  # Cyrillic EN in PHL
    "fee_ban_l\u0430w",  # Cyrillic a in an indicator id
    "tertiary_women_emigration_rat\u0435",
]
GOOD = ["tertiary_women_emigration_rate", "fee_ban_law", "recruiter_licensing", "MEX", "PHL", "2024", "2023", "7.5",
        "12,5", "full", "partial", "none", "female", "total", "", "INEGI survey", "2024-03-01", "in_force"]  # fmt: skip
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2-2", "@SUM(A1)", "<script>alert(1)</script>", "'; DROP TABLE users;--",
           "../../etc/passwd", "%00", "1e400", "NaN", "-inf", "99999999999999999999", "2024.5", "0x7E8",
           "9999-99-99", "\x00", "\x1b[31m", '"', '""', "\r", "\n", "\u202e", "\ud7ff", "2024\u00a0"]  # fmt: skip
cells = st.one_of(
    st.sampled_from(GOOD), st.sampled_from(CONFUSABLES), st.sampled_from(HOSTILE),
    st.text(max_size=40), st.text(alphabet="=+-@;,\"'\t 0123456789.eE", max_size=12),
    st.builds(lambda ch, n: ch * n, st.sampled_from(["x", "9", "é", "\u041c", ","]), st.integers(1_000, 60_000)),
)  # fmt: skip
header = st.one_of(st.just(COLUMNS), st.just(COLUMNS), st.permutations(COLUMNS),
                   st.lists(st.sampled_from([*COLUMNS, "", "x", "value"]), min_size=1, max_size=12))  # fmt: skip
# mostly template-shaped rows (so validation, not only the reader, is exercised), some ragged
template_row = st.tuples(
    st.sampled_from(["tertiary_women_emigration_rate", "fee_ban_law", "recruiter_licensing", "ilo_c181"]) | cells,
    st.sampled_from(["MEX", "PHL", ""]) | st.sampled_from(CONFUSABLES) | cells,
    st.sampled_from(["", "USA"]) | cells,
    st.sampled_from(["2024", "2021", "1999"]) | cells,
    st.sampled_from(["", "female", "total"]) | cells,
    st.sampled_from(["7.5", "", "12,5", "150"]) | cells,
    st.sampled_from(["", "full", "partial", "in_force"]) | cells,
    st.sampled_from(["", "2024-03-01"]) | cells,
    st.sampled_from(["INEGI survey", ""]) | cells,
    cells,
).map(list)
rows = st.one_of(template_row, template_row, template_row, st.lists(cells, min_size=0, max_size=12))
grids = st.tuples(header, st.lists(rows, min_size=0, max_size=8))
ENCODINGS = ["utf-8"] * 5 + ["utf-8-sig", "utf-16", "latin-1", "cp1252", "shift_jis", "utf-32"]  # mostly readable


def csv_bytes(grid: tuple[list[str], list[list[str]]], sep: str, quoted: bool, encoding: str) -> bytes:
    head, rows = grid
    if quoted:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=sep)
        for row in [head, *rows]:
            writer.writerow(row)
        text = out.getvalue()
    else:  # raw joins: unbalanced quotes, ragged rows, separators inside cells
        text = "\n".join(sep.join(row) for row in [head, *rows])
    return text.encode(encoding, errors="replace")


def xlsx_bytes(grid: tuple[list[str], list[list[str]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    for row in [grid[0], *grid[1]]:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c)[:32767] for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def nested_xlsx(depth: int) -> bytes:
    """A workbook whose sheet XML nests `depth` elements (parsers that recurse run out of stack)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"/>')  # fmt: skip
        archive.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                         'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                         '<sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>')  # fmt: skip
        archive.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" '
                         'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
                         "</Relationships>")  # fmt: skip
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c><f>" + "<x>" * depth
                         + "</x>" * depth + "</f></c></row></sheetData></worksheet>")  # fmt: skip
    return out.getvalue()


def entity_bomb_xlsx() -> bytes:
    """A workbook whose sheet declares nested entities that expand to gigabytes ('billion laughs')."""
    lol = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )  # fmt: skip
    sheet = f'<?xml version="1.0"?>{lol}]><worksheet><sheetData><row r="1"><c r="A1"><f>&j;</f></c></row></sheetData></worksheet>'
    out = io.BytesIO(nested_xlsx(1))
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item, sheet if item.filename.endswith("sheet1.xml") else source.read(item))
    return rebuilt.getvalue()


def note(text: str) -> None:
    """A hypothesis event (shown with --hypothesis-show-statistics); a no-op outside a hypothesis test."""
    try:
        event(text)
    except Exception:  # noqa: S110 - outside @given there is nothing to record
        pass


def read_and_validate(data: bytes, name: str, ctx) -> tuple[RawTable | None, object]:
    """The properties of every input: a clear refusal or a table; validation never raises."""
    from stewards.validate import validate

    try:
        table = read_upload(data, name)
    except UploadError as refusal:
        assert str(refusal).strip(), "a refusal says why"
        note(f"refused: {str(refusal).split(':')[0].split(' is ')[-1][:40]}")
        return None, None
    if getattr(table, "layout", "data") != "data":
        return table, None  # the practice template has its own checks (not fuzzed here)
    outcome = validate(table, ctx)
    note("validated: accepted" if outcome.ok else "validated: problems listed")
    if outcome.ok:
        codes = (set(outcome.rows["country"]) | set(outcome.rows["partner_country"])) - {""}
        assert all(c.isascii() and c.isalpha() and c.isupper() for c in codes), codes  # no look-alike got through
        assert set(outcome.rows["indicator_id"]) <= set(ctx.allowed)
    else:
        assert outcome.problems["message"].str.len().gt(0).all()
    return table, outcome


@pytest.fixture(scope="module")
def ctx(site: Site):
    from stewards.validate import make_context

    return make_context(("MEX",))


@FUZZ
@given(grid=grids, sep=st.sampled_from([",", ",", ",", ";", "\t", "|"]), quoted=st.booleans(),
       encoding=st.sampled_from(ENCODINGS))  # fmt: skip
@example(grid=(COLUMNS, [["tertiary_women_emigration_rate", c, "", "2024", "", "7", "", "", "s", ""]
                         for c in CONFUSABLES]), sep=",", quoted=True, encoding="utf-8")  # fmt: skip
def test_generated_csv_is_refused_clearly_or_validated(ctx, grid, sep: str, quoted: bool, encoding: str) -> None:
    _, outcome = read_and_validate(csv_bytes(grid, sep, quoted, encoding), "fuzz.csv", ctx)
    if grid[1] and all(row[1:2] and row[1] in CONFUSABLES for row in grid[1]):
        assert outcome is None or not outcome.ok  # type: ignore[attr-defined]


@settings(FUZZ, max_examples=60)  # a workbook costs more to write than a CSV
@given(grid=grids)
def test_generated_xlsx_is_refused_clearly_or_validated(ctx, grid) -> None:
    read_and_validate(xlsx_bytes(grid), "fuzz.xlsx", ctx)


@FUZZ
@given(data=st.one_of(st.binary(max_size=4096), st.binary(max_size=2048).map(lambda b: b"PK\x03\x04" + b),
                      st.binary(max_size=2048).map(lambda b: HEADER.encode() + b)),
       name=st.sampled_from(["f.csv", "f.xlsx", "f.CSV", "f", "f.csv.exe", "../../f.csv", "f.xlsx\x00.csv"]))  # fmt: skip
def test_random_bytes_are_refused_clearly(ctx, data: bytes, name: str) -> None:
    read_and_validate(data, name, ctx)


@pytest.mark.parametrize("data", [nested_xlsx(50_000), entity_bomb_xlsx()], ids=["deep-nesting", "entity-bomb"])
def test_hostile_workbook_xml_is_refused_quickly(ctx, data: bytes) -> None:
    import time

    started = time.monotonic()
    table, _ = read_and_validate(data, "hostile.xlsx", ctx)
    assert time.monotonic() - started < 10
    assert table is None or table.frame.map(len).max().max() < 1_000_000  # nothing expanded


@settings(derandomize=True, max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(grid=grids, xlsx=st.booleans())
@example(grid=(COLUMNS, [["tertiary_women_emigration_rate", "MEX", "", "2021", "", "5.5", "", "", "INEGI", ""]]),
         xlsx=False)  # fmt: skip
def test_an_upload_writes_all_its_rows_or_none(site: Site, grid, xlsx: bool) -> None:
    """Through the whole upload path: a refused file adds no row; an accepted one exactly its rows."""
    from stewards import accounts, store, workflow

    user = accounts.get_user("mex")
    assert user is not None
    before = control_counts()
    data = xlsx_bytes(grid) if xlsx else csv_bytes(grid, ",", True, "utf-8")
    sub = finished(workflow.receive_upload(user, "fuzz.xlsx" if xlsx else "fuzz.csv", data))
    after = control_counts()
    assert after["submissions"] == before["submissions"] + 1  # every upload is recorded, with its file
    if sub.status == "invalid":
        assert after["submission_rows"] == before["submission_rows"] and store.submission_rows(sub.id).empty
        assert sub.problems
    else:
        assert sub.status == "validated" and after["submission_rows"] == before["submission_rows"] + sub.rows


def finished(sub, timeout: float = 120):
    """The submission once checked: a file over the inline limit is checked by a validation job (stewards.checking)
    that writes its rows, or none, when it ends."""
    import time

    from stewards import checking, store

    deadline = time.monotonic() + timeout
    while sub.status == "validating" and time.monotonic() < deadline:
        time.sleep(0.2)
        sub = checking.settle(store.get_submission(sub.id) or sub)
    assert sub.status != "validating", f"{sub.id} still validating after {timeout} s"
    return sub


def test_each_hostile_value_in_each_column_of_a_valid_row(ctx) -> None:
    """Every hostile or look-alike value in every column of an otherwise valid row (one file, one row each): never
    an exception, and a look-alike code is a problem located in its own row and column."""
    valid = ["tertiary_women_emigration_rate", "MEX", "", "2021", "", "5.5", "", "", "INEGI", ""]
    rows: list[list[str]] = []
    planted: dict[int, tuple[str, str]] = {}
    for position, name in enumerate(COLUMNS):
        for value in [v for v in HOSTILE if v != "\x00"] + CONFUSABLES + ["x" * 70_000]:  # NUL: a binary file
            row = list(valid)
            row[position] = value
            rows.append(row)
            planted[len(rows) + 1] = (name, value)  # spreadsheet row (header = 1)
    _, outcome = read_and_validate(csv_bytes((COLUMNS, rows), ",", True, "utf-8"), "each.csv", ctx)
    assert outcome is not None and not outcome.ok  # type: ignore[attr-defined]
    found = {(int(r), c) for r, c in zip(outcome.problems["row"], outcome.problems["column"], strict=True)}  # type: ignore[attr-defined]
    for line, (column, text) in planted.items():
        if text in CONFUSABLES and column in ("indicator_id", "country"):
            assert (line, column) in found, (line, column, text)


# --- the budget's attacks: wide headers, hidden sheets, invisible characters, lying ZIP headers ----------------

INVISIBLE = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\x9b", "\u202a", "\u202b", "\u202d",
             "\u202e", "\u2066", "\u2067", "\u2069"]  # fmt: skip
IN_CODES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\t"]
VALID_ROW = ["tertiary_women_emigration_rate", "MEX", "", "2021", "", "5.5", "", "", "INEGI survey", "a note"]


@settings(FUZZ, max_examples=40)
@given(width=st.integers(11, 70_000), blank=st.floats(0, 1), rows=st.integers(1, 3))
def test_wide_headers_are_answered_quickly(ctx, width: int, blank: float, rows: int) -> None:
    """A header of up to 70,000 columns, named or blank: refused naming the column limit past it, within a second."""
    import time

    names = [*COLUMNS, *("" if i < blank * width else f"extra_{i}" for i in range(width - len(COLUMNS)))]
    body = (",".join(names) + "\n" + (",".join(VALID_ROW) + "\n") * rows).encode()
    started = time.monotonic()
    table, _ = read_and_validate(body, "wide.csv", ctx)
    assert time.monotonic() - started < 2
    if width > 256:
        assert table is None
        with pytest.raises(UploadError, match=f"has {width:,} columns .*LMM_UPLOAD_MAX_COLUMNS"):
            read_upload(body, "wide.csv")


SHEET_NAMES = ["data", "Data", "d\u0430ta", "DATA ", "data2", "lists", "columns", "notes", "practices", "Sheet1"]


@settings(FUZZ, max_examples=40)
@given(sheets=st.lists(st.tuples(st.sampled_from(SHEET_NAMES), st.sampled_from(["", "", "hidden", "veryHidden"])),
                       min_size=1, max_size=4, unique_by=lambda s: s[0].strip().casefold()))  # fmt: skip
def test_hidden_or_competing_sheets_are_never_read(ctx, sheets: list[tuple[str, str]]) -> None:
    """The first sheet holds MEX figures, every other one PHL figures: a hidden sheet refuses the file; otherwise
    only the one data sheet is read, so no PHL figure is ever taken from another sheet."""
    from bench.soak_hostile import sheets_xlsx

    data = sheets_xlsx(sheets)
    try:
        table = read_upload(data, "sheets.xlsx")
    except UploadError as refusal:
        said = str(refusal)
        assert all(repr(n) in said for n, _ in sheets) or "does not have the template's columns" in said, said
        note("refused: sheets")
        return
    assert all(state == "" for _, state in sheets), "a workbook with a hidden sheet was read"
    read_from = next(i for i, (name, _) in enumerate(sheets) if name.strip().casefold() in ("data", "practices")
                     or len(sheets) == 1)  # fmt: skip
    assert set(table.frame["country"]) == {"MEX" if read_from == 0 else "PHL"}
    note("read: the data sheet")


@FUZZ
@given(column=st.sampled_from(COLUMNS), char=st.sampled_from(INVISIBLE + IN_CODES), at=st.integers(0, 12))
def test_invisible_characters_are_refused_at_their_cell(ctx, column: str, char: str, at: int) -> None:
    """A control, direction or zero-width character in a cell of a valid row: a problem at that row and column
    that names the character and its position, never a published figure (tabs: only in source and note)."""
    import csv as csvlib

    row = list(VALID_ROW)
    position = COLUMNS.index(column)
    cell = row[position] or "x"
    at = min(at, len(cell))
    row[position] = cell[:at] + char + cell[at:]
    out = io.StringIO()
    writer = csvlib.writer(out)
    writer.writerows([COLUMNS, VALID_ROW[:3] + ["2020"] + VALID_ROW[4:], row])
    table, outcome = read_and_validate(out.getvalue().encode(), "chars.csv", ctx)
    allowed = char == "\t" and column in ("source", "note") or char in IN_CODES[:-1] and column in ("source", "note")
    stripped = char in ("\x0b", "\x85", "\t", "\ufeff") and at in (0, len(cell))  # whitespace at an end is trimmed
    if allowed or stripped or table is None:
        return
    found = {(int(r), c): m for r, c, m in zip(outcome.problems["row"], outcome.problems["column"],  # type: ignore[attr-defined]
                                               outcome.problems["message"], strict=True)}  # fmt: skip
    assert (3, column) in found, (column, repr(char), found)
    assert f"U+{ord(char):04X}" in found[(3, column)] or column in ("year", "value") and "number" in found[(3, column)]


@settings(FUZZ, max_examples=40)
@given(part=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml"]),
       field=st.sampled_from(["size", "compressed", "crc"]), value=st.sampled_from([0, 1, 2048, 2**31 - 1, 2**32 - 1]),
       where=st.sampled_from(["local", "central", "both"]))  # fmt: skip
def test_lying_zip_headers_never_cost_more_than_the_truth(ctx, part: str, field: str, value: int, where: str) -> None:
    """A workbook whose ZIP headers lie about a part's size, compressed size or checksum: read exactly as the
    honest file, or refused as damaged; quickly either way (the declared sizes are never used)."""
    import struct
    import time

    honest = _small_valid_xlsx()
    lying = bytearray(honest)
    offsets = {"size": (22, 24), "compressed": (18, 20), "crc": (14, 16)}[field]
    name = part.encode()
    for signature, name_at, at in ((b"PK\x03\x04", 30, offsets[0]), (b"PK\x01\x02", 46, offsets[1])):
        if where != "both" and where != ("local" if signature == b"PK\x03\x04" else "central"):
            continue
        found = lying.find(signature)
        while found >= 0:
            if lying[found + name_at : found + name_at + len(name)] == name:
                lying[found + at : found + at + 4] = struct.pack("<I", value)
            found = lying.find(signature, found + 4)
    started = time.monotonic()
    try:
        table = read_upload(bytes(lying), "lying.xlsx")
    except UploadError as refusal:
        assert "damaged" in str(refusal) or "not an Excel workbook" in str(refusal), str(refusal)
        table = None
    assert time.monotonic() - started < 3
    if table is not None:
        assert table.frame.equals(read_upload(honest, "honest.xlsx").frame)


def _small_valid_xlsx() -> bytes:
    return xlsx_bytes((COLUMNS, [VALID_ROW]))
