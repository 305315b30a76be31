"""The worst files a hostile steward can make with the project's own template, built in code (fixed seed, never
committed as data): used by the hostile-steward family of `python -m bench.soak`, by tests/steward/test_budget.py
and by the upload fuzzing of tests/reliability/test_fuzz_upload.py.

Each builder returns bytes; HOSTILE_FILES maps a name to (file name, builder). Sizes stay under the default upload
limit (20 MB).
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator

HEADER = "indicator_id,country,partner_country,year,sex,value,category,event_date,source,note"
GOOD_ROW = "tertiary_women_emigration_rate,MEX,,{year},,{value},,,INEGI survey {year},"
SEED = 20261128


def _rows(count: int, row: str = GOOD_ROW) -> str:
    return "".join(row.format(year=2024 - i % 60, value=round(5 + i % 997 / 1000, 3), i=i) + "\n" for i in range(count))


# --- CSV -----------------------------------------------------------------------------------------------------


def wide_header_csv() -> bytes:
    """~1 MB: a header of 150,000 distinct column names (a quadratic header check ran until the worker timed out)."""
    names = [f"col_{i}" for i in range(150_000)]
    return (HEADER + "," + ",".join(names) + "\n" + GOOD_ROW.format(year=2024, value=7) + "\n").encode()


def blank_columns_csv() -> bytes:
    """50,000 blank header columns after the template's ten (took half a minute and was accepted)."""
    return (HEADER + "," * 50_000 + "\n" + _rows(20)).encode()


def many_lines_csv() -> bytes:
    """19 MB of empty lines under a valid header: 19 million rows of nothing."""
    return (HEADER + "\n").encode() + b"\n" * 19_000_000


def tall_csv() -> bytes:
    """19.6 MB of template rows: 400,000 figures of which all but the first repeat one (a duplicate each)."""
    return (HEADER + "\n" + "tertiary_women_emigration_rate,MEX,,2024,,1,,,s,\n" * 400_000).encode()


def most_cells_csv() -> bytes:
    """The most cells the limits allow: 499,999 rows of ten one-character cells (5 million cells, 10 MB)."""
    return (HEADER + "\n" + "1,1,1,1,1,1,1,1,1,1\n" * 499_999).encode()


def all_bad_csv() -> bytes:
    """~15 MB in which every cell is wrong: 2 million problems to report (and not to store whole)."""
    row = "nope_indicator_{i},XXX,YYY,20x4,alien,seven,zz,2024-13-45,,=cmd\n"
    return (HEADER + "\n" + "".join(row.format(i=i % 997) for i in range(250_000))).encode()


def distinct_unknown_csv() -> bytes:
    """300,000 rows, each naming a different unknown indicator (a closest-match search per value)."""
    rng = random.Random(SEED)
    row = "{name},MEX,,2024,,7,,,s,\n"
    letters = "abcdefghijklmnopqrstuvwxyz_"
    return (
        HEADER + "\n" + "".join(row.format(name="".join(rng.choices(letters, k=24))) for _ in range(300_000))
    ).encode()


def huge_cell_csv() -> bytes:
    """One note of 19 million characters."""
    return (HEADER + "\n" + GOOD_ROW.format(year=2024, value=7) + "x" * 19_000_000 + "\n").encode()


def control_characters_csv() -> bytes:
    """Valid rows, then NUL past the first 64 kB, ESC, BEL, a right-to-left override, C1 and zero-width codes."""
    bad = ["tertiary_women_emigration_rate,MEX,,2023,,7,,,INEGI\x00 survey,",
           "tertiary_women_emigration_rate,MEX,,2022,,7,,,INEGI \x1b[31m survey,",
           "tertiary_women_emigration_rate,MEX,,2021,,7,,,INEGI\x07,",
           "tertiary_women_emigration_rate,MEX,,2020,,7,,,\u202eyevrus IGENI,",
           "tertiary_women_emigration_rate,MEX,,2019,,7,,,INE\x85GI,",
           "tertiary_women_emigration_rate,ME\u200bX,,2018,,7,,,INEGI,"]  # fmt: skip
    filler = "".join(
        f"tertiary_women_emigration_rate,MEX,,{1900 + i},female,7,,,{'s' * 300},{'n' * 300}\n" for i in range(118)
    )
    return (HEADER + "\n" + filler + "\n".join(bad) + "\n").encode()


# --- XLSX ----------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def template_book() -> dict[str, bytes]:
    """The parts of a small valid workbook made like the template (openpyxl): a 'data' sheet and a 'lists' one."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(HEADER.split(","))
    sheet.append(["tertiary_women_emigration_rate", "MEX", None, 2024, None, 7.5, None, None, "INEGI", None])
    book.create_sheet("lists").append(["indicator_id"])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def workbook(parts: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def with_sheet(sheet: bytes | str) -> dict[str, bytes | str]:
    """The template book's parts with another data sheet."""
    return {**template_book(), SHEET: sheet}


SHEET = "xl/worksheets/sheet1.xml"
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def far_cell_xlsx() -> bytes:
    """A tiny workbook with one cell at XFD1048576: the dense grid a reader builds has 17 billion cells."""
    sheet = (f'<worksheet {MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>indicator_id</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')  # fmt: skip
    return workbook(with_sheet(sheet))


def _row_of_cells(cells: list[tuple[str, str]], r: int) -> str:
    return (
        f'<row r="{r}">'
        + "".join(f'<c r="{col}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for col, v in cells)
        + "</row>"
    )


def _sheet_of_rows(rows: int, row_xml: Callable[[int], str]) -> bytes:
    head = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{n}</t></is></c>' for i, n in enumerate(HEADER.split(","))
    )
    body = "".join(row_xml(r) for r in range(2, rows + 2))
    return f'<worksheet {MAIN}><sheetData><row r="1">{head}</row>{body}</sheetData></worksheet>'.encode()


def _spaces_sheet(size: int) -> Iterator[bytes]:
    """A sheet of valid XML padded with `size` bytes of spaces (compresses ~1000 to 1), in pieces."""
    yield f'<worksheet {MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>indicator_id</t></is></c></row>'.encode()
    piece = b" " * (1 << 24)
    for at in range(0, size, len(piece)):
        yield piece[: min(len(piece), size - at)]
    yield b"</sheetData></worksheet>"


def bomb_xlsx() -> bytes:
    """An honest zip bomb: the sheet unpacks to 1 GB from ~1 MB."""
    return _deflated_sheet(_spaces_sheet(1 << 30))


def lying_zip_xlsx() -> bytes:
    """A workbook whose headers declare the sheet as 2 kB while it unpacks to 800 MB (the guard used to trust it)."""
    data = bytearray(_deflated_sheet(_spaces_sheet(800 << 20)))
    name = SHEET.encode()
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):  # local, central
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                data[at + size_at : at + size_at + 4] = struct.pack("<I", 2048)
            at = data.find(signature, at + 4)
    return bytes(data)


def _deflated_sheet(pieces: Iterable[bytes]) -> bytes:
    """The template book with the sheet made of `pieces` as its data sheet, deflated as it is written."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in template_book().items():
            if name != SHEET:
                archive.writestr(name, body)
        with archive.open(SHEET, "w") as handle:
            for piece in pieces:
                handle.write(piece)
    return out.getvalue()


def _book_xml(sheets: list[tuple[str, str]]) -> tuple[str, str]:
    """(workbook.xml, workbook.xml.rels) listing sheets (name, state), sheet i at worksheets/sheet{i}.xml."""
    listed = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"' + (f' state="{s}"' if s else "") + "/>"
                     for i, (n, s) in enumerate(sheets, 1))  # fmt: skip
    book = (f'<workbook {MAIN} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{listed}</sheets></workbook>")  # fmt: skip
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    rels = "".join(f'<Relationship Id="rId{i}" Type="{kind}" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))  # fmt: skip
    return (
        book,
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
    )


def sheets_xlsx(sheets: list[tuple[str, str]], hidden_value: str = "PHL") -> bytes:
    """A workbook with these (name, state) sheets; sheet 1 holds a valid MEX row, the others a PHL row."""
    book, rels = _book_xml(sheets)
    parts: dict[str, bytes | str] = {k: v for k, v in template_book().items() if not k.startswith("xl/worksheets/")}
    parts.update({"xl/workbook.xml": book, "xl/_rels/workbook.xml.rels": rels})
    for i in range(1, len(sheets) + 1):
        country = "MEX" if i == 1 else hidden_value
        cells = [("A", "tertiary_women_emigration_rate"), ("B", country), ("D", "2024"), ("F", "7.5"), ("I", "src")]
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_of_rows(1, functools.partial(_row_of_cells, cells))
    return workbook(parts)


def hidden_sheet_xlsx() -> bytes:
    """The visible 'data' sheet and a very hidden 'dаta' (Cyrillic а) with other figures: the hidden one was read."""
    return sheets_xlsx([("data", ""), ("d\u0430ta", "veryHidden")])


def two_data_sheets_xlsx() -> bytes:
    return sheets_xlsx([("data", ""), ("Data (2)", "")])


def deep_xml_xlsx(depth: int = 50_000) -> bytes:
    sheet = (
        f"<worksheet {MAIN}><sheetData><row><c><f>"
        + "<x>" * depth
        + "</x>" * depth
        + "</f></c></row></sheetData></worksheet>"
    )
    return workbook(with_sheet(sheet))


def entity_bomb_xlsx() -> bytes:
    lol = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))  # fmt: skip
    sheet = f'<?xml version="1.0"?>{lol}]><worksheet {MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row></sheetData></worksheet>'
    return workbook(with_sheet(sheet))


def many_parts_zip() -> bytes:
    """A workbook-shaped ZIP of 150,000 empty parts (the directory alone is ~10 MB of Python objects to parse)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, body in template_book().items():
            archive.writestr(name, body)
        for i in range(150_000):
            archive.writestr(f"p/{i}", b"")
    return out.getvalue()


def big_workbook_xlsx() -> bytes:
    """The largest plausible workbook under the unpacked limit (64 MB): 230,000 rows as inline strings and numbers."""

    def row(r: int) -> str:
        return (f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>tertiary_women_emigration_rate</t></is></c>'
                f'<c r="B{r}" t="inlineStr"><is><t>MEX</t></is></c><c r="D{r}"><v>{1700 + r % 320}</v></c>'
                f'<c r="F{r}"><v>{r % 97}.5</v></c><c r="I{r}" t="inlineStr"><is><t>s</t></is></c></row>')  # fmt: skip

    return _deflated_sheet([_sheet_of_rows(230_000, row)])


HOSTILE_FILES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "wide header": ("wide.csv", wide_header_csv),
    "blank columns": ("blank.csv", blank_columns_csv),
    "empty lines": ("lines.csv", many_lines_csv),
    "tall CSV": ("tall.csv", tall_csv),
    "most cells": ("cells.csv", most_cells_csv),
    "every cell wrong": ("bad.csv", all_bad_csv),
    "distinct unknown codes": ("unknown.csv", distinct_unknown_csv),
    "huge cell": ("cell.csv", huge_cell_csv),
    "control characters": ("controls.csv", control_characters_csv),
    "cell at XFD1048576": ("far.xlsx", far_cell_xlsx),
    "zip bomb": ("bomb.xlsx", bomb_xlsx),
    "lying zip headers": ("lying.xlsx", lying_zip_xlsx),
    "hidden sheet": ("hidden.xlsx", hidden_sheet_xlsx),
    "two data sheets": ("two.xlsx", two_data_sheets_xlsx),
    "deep XML": ("deep.xlsx", deep_xml_xlsx),
    "entity bomb": ("entities.xlsx", entity_bomb_xlsx),
    "150,000 parts": ("parts.xlsx", many_parts_zip),
    "largest workbook": ("big.xlsx", big_workbook_xlsx),
}
