"""An uploaded file's bytes in; its cells as text, indexed by spreadsheet row number (header = row 1), out.

Refuses with one clear message what cannot be read as the template at all: an empty file, a header without rows,
missing or unknown columns, another file type renamed, a corrupt or password-protected workbook, text that is
not UTF-8, a workbook whose declared unpacked size is enormous (checked before anything is unpacked). Formula
cells are never evaluated: their positions are returned so validation reports each one.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lmm.config import setting
from stewards.cells import arrow, may_need_strip, nonempty, series
from stewards.practice_template import PRACTICE_COLUMNS, PRACTICE_REQUIRED
from stewards.template import COLUMNS, REQUIRED_COLUMNS

MAGIC = {
    b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7-Zip archive",
    b"{\\rtf": "an RTF document", b"<?xml": "an XML document", b"<!DOCTYPE": "a web page", b"<html": "a web page",
}  # fmt: skip
NOT_BLANK = re.compile(rb"[^ \t\r\n\xef\xbb\xbf]")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
SAVE_AS = "Fill in the template and save it as .xlsx, or as 'CSV UTF-8 (comma delimited)'."


class UploadError(ValueError):
    """The whole file is refused; the message says why and what to do."""


@dataclass
class RawTable:
    frame: pd.DataFrame  # text cells ('' when blank), columns = template names, index = spreadsheet row
    letters: dict[str, str]  # column -> spreadsheet letter in this file
    formulas: dict[tuple[int, str], str] = field(default_factory=dict)  # (row, column) -> formula as written
    decimal_comma: bool = False
    kind: str = "csv"
    layout: str = "data"  # data (figures) or practices (the practice template: a practice_id column)


def unpacked_limit() -> int:
    return int(float(setting("LMM_UNPACKED_LIMIT_MB")) * 1024 * 1024)


def read_upload(data: bytes, filename: str) -> RawTable:
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix not in (".csv", ".xlsx"):
        hint = " Legacy .xls workbooks: open and save as .xlsx." if suffix == ".xls" else ""
        raise UploadError(f"Only .csv and .xlsx files are accepted; {filename!r} is neither.{hint} {SAVE_AS}")
    if not NOT_BLANK.search(data):  # stops at the first byte with content (strip would copy the whole file)
        raise UploadError(f"{filename!r} is empty. {SAVE_AS}")
    if data.startswith(b"PK\x03\x04"):
        if suffix == ".csv":
            raise UploadError(f"{filename!r} is named .csv but is a ZIP archive (an Excel workbook?). Upload a "
                              f"workbook with the .xlsx extension, or save it as CSV UTF-8.")  # fmt: skip
        return _read_xlsx(data, filename)
    _refuse_binary(data, filename, suffix)
    if suffix == ".xlsx":
        raise UploadError(f"{filename!r} is named .xlsx but is not an Excel workbook (it looks like text, e.g. a "
                          f"CSV file renamed). Upload it with the .csv extension. {SAVE_AS}")  # fmt: skip
    return _read_csv(data, filename)


def _refuse_binary(data: bytes, filename: str, suffix: str) -> None:
    if data.startswith(OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UploadError(
                f"{filename!r} is a password-protected workbook. Remove the password (Excel: File > "
                f"Info > Protect Workbook > Encrypt with Password, clear it), save and upload again."
            )
        raise UploadError(f"{filename!r} is a legacy Office file (.xls/.doc) renamed to {suffix}. {SAVE_AS}")
    for magic, kind in MAGIC.items():
        if data[:16].lstrip().lower().startswith(magic.lower()):
            raise UploadError(f"{filename!r} is {kind} renamed to {suffix}, not a data file. {SAVE_AS}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError(f"{filename!r} is UTF-16 text. Save it as 'CSV UTF-8 (comma delimited)' and upload again.")
    if b"\x00" in data[:65536]:
        raise UploadError(f"{filename!r} is a binary file renamed to {suffix}, not CSV text. {SAVE_AS}")


# --- CSV -----------------------------------------------------------------------------------------------------


def _decode(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start : error.start + 1]
        guess = byte.decode("cp1252", errors="replace")
        raise UploadError(
            f"{filename!r} is not UTF-8 text: line {line} has the byte 0x{byte.hex().upper()} ({guess!r} in Latin-1 /"
            f" Windows-1252). Save it as 'CSV UTF-8 (comma delimited)' (Excel: File > Save As) and upload again."
        ) from None


def _read_csv(data: bytes, filename: str) -> RawTable:
    end = data.find(b"\n")
    first = _decode(data if end < 0 else data[:end], filename)
    sep = ";" if first.count(";") > first.count(",") else ","
    if not _is_utf8(data):
        _decode(data, filename)  # raises, naming the line of the first byte that is not UTF-8
    frame = _arrow_csv(data, first, sep)
    if frame is not None:
        return _header_row(frame, filename, sep)
    text = _decode(data, filename)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, header=None, engine="c")  # fmt: skip
    except pd.errors.EmptyDataError:
        raise UploadError(f"{filename!r} is empty. {SAVE_AS}") from None
    except pd.errors.ParserError as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        detail = f"line {found[2]} has {found[3]} cells but the header has {found[1]}" if found else str(error)
        raise UploadError(f"{filename!r} cannot be read as CSV: {detail}. A separator inside a cell (e.g. a comma "
                          f"in a note) needs the cell in double quotes.") from None  # fmt: skip
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
    return _shape(frame, filename, "csv", decimal_comma=sep == ";")


def _arrow_csv(data: bytes, first: str, sep: str) -> pd.DataFrame | None:
    """Every cell as text, as pandas' reader gives it, ~4x faster (pyarrow's reader, one thread); None when the file
    is not a plain rectangle (a ragged or blank line...): pandas then reads it and words the problem."""
    import pyarrow.csv as pacsv

    width = len(next(csv.reader([first.rstrip("\r")], delimiter=sep), []))
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[3 if data.startswith(b"\xef\xbb\xbf") else 0 :]),  # no copy
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


# --- XLSX ----------------------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, filename: str) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadError(f"{filename!r} is a damaged workbook (the ZIP container is corrupt or cut short). "
                          f"Open it in Excel, save it again and upload the new file.") from None  # fmt: skip
    _check_unpacked_size(members, filename)
    if "xl/workbook.xml" not in archive.namelist():
        raise UploadError(f"{filename!r} is a ZIP archive but not an Excel workbook (a .docx, .ods or .zip "
                          f"renamed?). {SAVE_AS}")  # fmt: skip
    try:
        sheet_name, sheet_path = _data_sheet(archive)
        formulas = _formula_cells(archive, sheet_path)
        rows = _calamine_rows(data, sheet_name)
    except UploadError:
        raise
    except Exception:  # calamine, XML or ZIP errors: the workbook's insides are damaged
        raise UploadError(f"{filename!r} is a damaged workbook and cannot be read. Open it in Excel, save it "
                          f"again and upload the new file.") from None  # fmt: skip
    if not rows or not any(str(c).strip() for c in rows[0]):
        if any(any(str(c).strip() for c in r) for r in rows):
            raise UploadError(
                f"{filename!r}: the header must be in row 1 of sheet {sheet_name!r} (as in the template)."
            )
        raise UploadError(f"{filename!r} is empty (sheet {sheet_name!r} has no cells). {SAVE_AS}")
    header = [str(c).strip() for c in rows[0]]
    frame = pd.DataFrame([r[: len(header)] for r in rows[1:]], columns=header, index=range(2, len(rows) + 1))
    table = _shape(frame, filename, "xlsx")
    by_letter = {letter: name for name, letter in table.letters.items()}
    table.formulas = {(row, by_letter[col]): f for (row, col), f in formulas.items() if col in by_letter}
    return table


def _check_unpacked_size(members: list[zipfile.ZipInfo], filename: str) -> None:
    """Refuse before unpacking: the declared sizes of the members (a zip bomb declares them, or lies and fails CRC)."""
    total = sum(m.file_size for m in members)
    worst = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    limit = unpacked_limit()
    if total > limit or (worst > 200 and total > 10 * 1024 * 1024):
        raise UploadError(f"{filename!r} was refused without unpacking it: it declares {total / 1e6:,.0f} MB of "
                          f"content (compressed {worst:,.0f} to 1; limit {limit / 1e6:,.0f} MB). A real template of "
                          f"that size is not plausible; split the data into smaller files.")  # fmt: skip


def _data_sheet(archive: zipfile.ZipFile) -> tuple[str, str]:
    """(name, member path) of the sheet called 'data', else 'practices', else the first sheet."""
    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", NS)}
    sheets = [(s.get("name", ""), targets.get(s.get(f"{{{NS['r']}}}id"), "")) for s in book.iterfind(".//m:sheet", NS)]
    named = {s[0].strip().lower(): s for s in sheets}
    name, target = named.get("data") or named.get("practices") or sheets[0]
    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return name, path


def _formula_cells(archive: zipfile.ZipFile, sheet_path: str) -> dict[tuple[int, str], str]:
    """(row, column letter) -> formula of every formula cell; a fast byte scan first, a parse only when needed."""
    with archive.open(sheet_path) as handle:
        raw = handle.read()
    if b"<f>" not in raw and b"<f " not in raw and b":f>" not in raw and b":f " not in raw:
        return {}
    found = {}
    for _, cell in ET.iterparse(io.BytesIO(raw)):
        if cell.tag.endswith("}c"):
            formula = next((c for c in cell if c.tag.endswith("}f")), None)
            if formula is not None:
                ref = re.match(r"([A-Z]+)(\d+)", cell.get("r", ""))
                if ref:
                    found[(int(ref[2]), ref[1])] = "=" + (formula.text or "(shared formula)")
            cell.clear()
    return found


def _calamine_rows(data: bytes, sheet_name: str) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    grid = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    text = _cell_text
    return [[c if type(c) is str else text(c) for c in row] for row in grid]  # most cells are text already


def _cell_text(cell: object) -> str:
    if cell is None or cell == "":
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


# --- header --------------------------------------------------------------------------------------------------


def _letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).replace("\ufeff", "").strip().lower())


def _shape(frame: pd.DataFrame, filename: str, kind: str, decimal_comma: bool = False) -> RawTable:
    """Template columns by name, blank rows dropped; a clear refusal for a wrong header or no data rows."""
    names = [normalise_header(c) for c in frame.columns]
    layout = "practices" if "practice_id" in names else "data"
    columns, required = (PRACTICE_COLUMNS, PRACTICE_REQUIRED) if layout == "practices" else (COLUMNS, REQUIRED_COLUMNS)
    letters = {name: _letter(i) for i, name in enumerate(names) if name}
    frame.columns = names
    blank_headers = [i for i, n in enumerate(names) if not n or n.startswith("unnamed:")]
    keep = [i for i in range(len(names)) if i not in blank_headers or frame.iloc[:, i].astype(str).str.strip().any()]
    frame = frame.iloc[:, keep]
    _check_header([names[i] for i in keep], filename, columns, required)
    frame = pd.DataFrame({name: _stripped(frame[name]) for name in frame.columns}, copy=False)  # names: unique
    filled = np.logical_or.reduce([nonempty(arrow(frame[c]), missing=1) for c in frame.columns])
    frame = frame if filled.all() else frame[filled]  # blank rows dropped (a copy only when there are some)
    if frame.empty:
        raise UploadError(f"{filename!r} has a header row but no data rows: add one row per figure below the header.")
    frame = frame.reindex(columns=columns, fill_value="")
    shown = {c: letters[c] for c in columns if c in letters}
    return RawTable(frame, shown, decimal_comma=decimal_comma, kind=kind, layout=layout)


def _stripped(column: pd.Series) -> pd.Series:
    """The cells without surrounding whitespace; the usual column, which has none, as it is (no copy: fewer
    fresh pages to fault in, which costs as much as the stripping itself)."""
    text = column.astype(str)
    cells = arrow(text)
    return series(pc.utf8_trim_whitespace(cells), text.index) if may_need_strip(cells) else text


def _check_header(names: list[str], filename: str, columns: list[str] = COLUMNS,
                  required: list[str] = REQUIRED_COLUMNS) -> None:  # fmt: skip
    problems = []
    for i, name in enumerate(names):
        if not name or name.startswith("unnamed:"):
            problems.append(f"column {_letter(i)} has values but no header")
        elif name not in columns:
            close = difflib.get_close_matches(name, columns, n=1, cutoff=0.6)
            problems.append(f"unknown column {name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    problems += [f"column {n!r} appears twice" for n in duplicated]
    missing = [c for c in required if c not in names]
    if missing:
        problems.append("missing required column(s) " + ", ".join(repr(m) for m in missing))
    if columns is COLUMNS and not any(c in names for c in ("value", "category")):
        problems.append("missing column 'value' (numbers) or 'category' (categories and events)")
    if problems:
        raise UploadError(f"{filename!r} does not have the template's columns: {'; '.join(problems)}. Expected, in "
                          f"row 1: {', '.join(columns)} (download the template).")  # fmt: skip
