"""An uploaded file's bytes in; its cells as text, indexed by spreadsheet row number (header = row 1), out.

Refuses with one clear message what cannot be read as the template at all: an empty file, a header without rows,
missing or unknown columns, another file type renamed, a corrupt or password-protected workbook, text that is
not UTF-8, and a file beyond the upload budget (budget.py: columns, rows, cells, unpacked bytes, XML depth), each
checked before the work it bounds is done. Formula cells are never evaluated: their positions are returned so
validation reports each one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import pyarrow as pa

from stewards import xlsx
from stewards.budget import Budget, UploadError
from stewards.cells import series
from stewards.header import RawTable, check_header, normalise_header, shape, template_columns
from stewards.i18n import say

__all__ = ["RawTable", "UploadError", "normalise_header", "read_upload"]
MAGIC = {  # the start of a file -> what it is (a key of refusal.kind.* in stewards/i18n)
    b"%PDF": "pdf", b"\x89PNG": "png", b"\xff\xd8\xff": "jpeg", b"GIF8": "gif", b"\x1f\x8b": "gzip", b"Rar!": "rar",
    b"7z\xbc\xaf": "7z", b"{\\rtf": "rtf", b"<?xml": "xml", b"<!DOCTYPE": "html", b"<html": "html",
}  # fmt: skip
NOT_BLANK = re.compile(rb"[^ \t\r\n\xef\xbb\xbf]")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BOM = b"\xef\xbb\xbf"
SAVE_AS = say("refusal.save_as")
ROWS_PER_CHUNK = 65_536  # workbook rows turned into arrow arrays at a time (never the whole grid as Python objects)


def read_upload(data: bytes, filename: str, budget: Budget | None = None) -> RawTable:
    budget = budget or Budget.from_settings()
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix not in (".csv", ".xlsx"):
        named = {"filename": repr(filename), "save_as": SAVE_AS}
        raise UploadError(
            say("refusal.not_csv_xlsx_xls", **named) if suffix == ".xls" else say("refusal.not_csv_xlsx", **named)
        )
    if not NOT_BLANK.search(data):  # stops at the first byte with content (strip would copy the whole file)
        raise UploadError(say("refusal.empty", filename=repr(filename), save_as=SAVE_AS))
    if data.startswith(b"PK\x03\x04"):
        if suffix == ".csv":
            raise UploadError(say("refusal.zip_named_csv", filename=repr(filename)))
        return _read_xlsx(data, filename, budget)
    _refuse_binary(data, filename, suffix)
    if suffix == ".xlsx":
        raise UploadError(say("refusal.text_named_xlsx", filename=repr(filename), save_as=SAVE_AS))
    return _read_csv(data, filename, budget)


def _refuse_binary(data: bytes, filename: str, suffix: str) -> None:
    if data.startswith(OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UploadError(say("refusal.password", filename=repr(filename)))
        raise UploadError(say("refusal.legacy_office", filename=repr(filename), suffix=suffix, save_as=SAVE_AS))
    for magic, kind in MAGIC.items():
        if data[:16].lstrip().lower().startswith(magic.lower()):
            raise UploadError(say("refusal.renamed", filename=repr(filename), kind=say(f"refusal.kind.{kind}"),
                                  suffix=suffix, save_as=SAVE_AS))  # fmt: skip
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError(say("refusal.utf16", filename=repr(filename)))
    head = data[:65536]
    if head.count(b"\x00") * 100 > len(head) or (b"\x00" in head and not _text_start(head)):
        raise UploadError(say("refusal.binary", filename=repr(filename), suffix=suffix, save_as=SAVE_AS))
    # a few NUL bytes in UTF-8 text are cells with a control character: validation names each one (hygiene.py)


def _text_start(head: bytes) -> bool:
    """Whether the first bytes are UTF-8 text (a character cut at the end of the slice does not count)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


# --- CSV -----------------------------------------------------------------------------------------------------


def _decode(data: bytes, filename: str) -> str:
    """The text after the BOM; a byte that is not UTF-8 is named with its line and position in the file."""
    skip = 3 if data.startswith(BOM) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as error:
        at = error.start + skip  # a position in the file as it is, BOM included
        line = data[:at].count(b"\n") + 1
        column = at - (data.rfind(b"\n", 0, at) + 1) + 1
        byte = data[at : at + 1]
        guess = byte.decode("cp1252", errors="replace")
        raise UploadError(
            say("refusal.not_utf8", filename=repr(filename), line=line, byte=byte.hex().upper(), guess=repr(guess),
                column=column, at=f"{at + 1:,}")
        ) from None  # fmt: skip


def _read_csv(data: bytes, filename: str, budget: Budget) -> RawTable:
    end = data.find(b"\n")
    first = _decode(data if end < 0 else data[:end], filename)
    sep = ";" if first.count(";") > first.count(",") else ","
    header = next(csv.reader([first.rstrip("\r")], delimiter=sep), [])
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    budget.check_shape(filename, lines, len(header), "line")  # before any parsing: its cost is bounded by these
    names = [normalise_header(c) for c in header]
    check_header(names, filename, *template_columns(names), blank_ok=True)  # a wrong header costs no parsing either
    if not _is_utf8(data):
        _decode(data, filename)  # raises, naming the line of the first byte that is not UTF-8
    budget.check_time(filename, "reading the CSV")
    frame = _arrow_csv(data, len(header), sep)
    if frame is not None:
        return _header_row(frame, filename, sep)
    text = _decode(data, filename)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, header=None, engine="c")  # fmt: skip
    except pd.errors.EmptyDataError:
        raise UploadError(say("refusal.empty", filename=repr(filename), save_as=SAVE_AS)) from None
    except pd.errors.ParserError as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        detail = (
            say("refusal.csv_ragged", line=found[2], cells=found[3], header=found[1]) if found else str(error)[:300]
        )
        raise UploadError(say("refusal.csv_unreadable", filename=repr(filename), detail=detail)) from None
    frame = frame.fillna("")  # header=None: a row longer than the header is a ParserError, never a silent index
    return _header_row(frame, filename, sep)


def _is_utf8(data: bytes) -> bool:
    """Whether the file is UTF-8 text, checked by arrow on the bytes as they are (decoding makes a copy)."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        whole.cast(pa.large_string())  # the cast validates: the same rules as Python's decoder
    except pa.ArrowInvalid:
        return False
    return True


def _header_row(frame: pd.DataFrame, filename: str, sep: str) -> RawTable:
    header = frame.iloc[0].tolist()
    frame = frame.iloc[1:].set_axis(header, axis=1)
    frame.index = frame.index + 1  # record i (0 = header) is spreadsheet row i + 1
    return shape(frame, filename, "csv", decimal_comma=sep == ";")


def _arrow_csv(data: bytes, width: int, sep: str) -> pd.DataFrame | None:
    """Every cell as text, as pandas' reader gives it, ~4x faster (pyarrow's reader, one thread); None when the file
    is not a plain rectangle (a ragged or blank line...): pandas then reads it and words the problem."""
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[3 if data.startswith(BOM) else 0 :]),  # no copy
            # one block: one array per column, so no chunks to combine (a copy) and simpler kernels after
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=len(data) + 1),
            # a line break inside a cell needs quotes: a file without any is parsed ~15% faster
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=b'"' in data, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.large_string()), null_values=[],
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=False),  # checked on the whole file: ~20% faster
        )  # fmt: skip
    except (pa.ArrowInvalid, ValueError, csv.Error):
        return None
    if width == 0 or table.num_rows == 0:
        return None
    return table.to_pandas(use_threads=False).set_axis(range(width), axis=1)


# --- XLSX: checked by xlsx.py, read by calamine ---------------------------------------------------------------


def _read_xlsx(data: bytes, filename: str, budget: Budget) -> RawTable:
    try:
        book, sheets = xlsx.open_workbook(data, filename, budget)
        formulas = xlsx.formula_cells(book.parts[book.sheet.path], filename)
        budget.check_time(filename, "reading the workbook")
        rebuilt, name = book.rebuilt(sheets), book.sheet.name
        del book
        frame = _calamine_frame(rebuilt, name, filename, budget)
    except UploadError:
        raise
    except Exception:  # calamine, XML or ZIP errors: the workbook's insides are damaged
        raise UploadError(say("refusal.workbook_unreadable", filename=repr(filename))) from None
    table = shape(frame, filename, "xlsx")
    by_letter = {letter: name for name, letter in table.letters.items()}
    table.formulas = {(row, by_letter[col]): f for (row, col), f in formulas.items() if col in by_letter}
    return table


def _calamine_frame(rebuilt: bytes, sheet_name: str, filename: str, budget: Budget) -> pd.DataFrame:
    """The sheet from A1 as text columns (header = row 1), built chunk by chunk as arrow arrays."""
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(rebuilt)).get_sheet_by_name(sheet_name)
    if sheet.start is None or sheet.end is None:
        raise UploadError(say("refusal.sheet_empty", filename=repr(filename), sheet=repr(sheet_name), save_as=SAVE_AS))
    (top, left), (bottom, _right) = sheet.start, sheet.end
    budget.check_shape(filename, bottom + 1, left + sheet.width, "row")  # what calamine found: the scan's bound
    grid: list[list[str]] = []
    chunks: list[list[pa.Array]] = []
    header: list[str] | None = None
    count = 0
    for row in sheet.iter_rows():  # rows from row 1 (calamine pads them), columns from the first used one
        count += 1
        cells = [c if type(c) is str else _cell_text(c) for c in row]
        grid.append([""] * left + cells if left else cells)
        if len(grid) >= ROWS_PER_CHUNK:
            header = _flush(grid, chunks, header)
            budget.check_time(filename, "reading the workbook")
    header = _flush(grid, chunks, header)
    if header is None or not any(h.strip() for h in header) or (count != bottom + 1 and top > 0):
        if count > 1 or top > 0:
            raise UploadError(say("refusal.header_row", filename=repr(filename), sheet=repr(sheet_name)))
        raise UploadError(say("refusal.sheet_empty", filename=repr(filename), sheet=repr(sheet_name), save_as=SAVE_AS))
    columns = [pa.chunked_array([c[i] for c in chunks], pa.large_string()) for i in range(len(header))]
    index = pd.RangeIndex(2, 2 + sum(len(c[0]) for c in chunks if c))
    frame = pd.DataFrame({i: series(column, index) for i, column in enumerate(columns)}, copy=False)
    return frame.set_axis([h.strip() for h in header], axis=1)


def _flush(grid: list[list[str]], chunks: list[list[pa.Array]], header: list[str] | None) -> list[str] | None:
    """Move the rows gathered so far into arrow arrays (one per column); the first row is the header."""
    if header is None and grid:
        header = grid.pop(0)
    if grid and header is not None:
        width = len(header)
        chunks.append([pa.array([r[i] if i < len(r) else "" for r in grid], pa.large_string()) for i in range(width)])
    grid.clear()
    return header


def _cell_text(cell: object) -> str:
    if isinstance(cell, float):  # the usual non-text cell: a number
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if cell is None or cell == "":
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)
