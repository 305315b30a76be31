"""An uploaded workbook's bytes in; its one data sheet's cells as text columns (plus its formula cells) out.

Nothing the file says about itself is trusted: the number of parts is read from the ZIP's end record before the
directory is parsed; each part that is read is unpacked here with its bytes counted as they come out (the sizes in
the ZIP's headers are ignored) and its CRC checked; XML parts are scanned for their nesting depth and refused when
they declare a DTD (entity bombs); the data sheet's extent (rows x columns, from its cell references) is checked
before any grid is built. The parser (calamine) then reads a workbook rebuilt from the checked parts only, stored
uncompressed, so it never unpacks anything itself. Only one visible sheet is read: a workbook with hidden sheets,
or several sheets that could be the data sheet, is refused with the list of its sheets.
"""

from __future__ import annotations

import difflib
import io
import posixpath
import re
import struct
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass

from stewards import xml_scan
from stewards.budget import MB, Budget, BudgetError, CheckOutside, UploadError
from stewards.i18n import say

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
MAX_PARTS = 2000  # a workbook has a few dozen parts; the ZIP directory of more is not even parsed
DATA_SHEETS = ("data", "practices")  # the templates' data sheets (template.py, practice_template.py)
OTHER_SHEETS = ("lists", "columns", "indicators")  # the templates' other sheets, never read
LISTED_IN_WORDS = 50  # sheets listed as nested messages (more: listed in English; no workbook of ours has more)
AGAIN = say("refusal.again")
ANY_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>]")
MAX_FORMULAS = 10_000  # formula cells listed one by one as problems; a workbook with more is refused whole
EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + NS["m"].encode()
               + b'"><sheetData/></worksheet>')  # fmt: skip


@dataclass
class Sheet:
    name: str
    state: str  # visible / hidden / veryHidden
    path: str  # the part inside the ZIP


@dataclass
class Workbook:
    """The checked parts a reader needs, and what was found about the data sheet."""

    sheet: Sheet
    parts: dict[str, bytes]  # part name -> unpacked bytes (checked)
    rows: int  # the data sheet's extent: the grid a reader builds is rows x columns
    columns: int

    def rebuilt(self, sheets: list[Sheet]) -> bytes:
        """The workbook as a ZIP of stored (uncompressed) parts; the sheets not read are empty placeholders."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for name, body in self.parts.items():
                archive.writestr(name, body)
            for sheet in sheets:
                if sheet.path not in self.parts:
                    archive.writestr(sheet.path, EMPTY_SHEET)
        return out.getvalue()


class Unpacker:
    """Unpacks single parts of a ZIP held in memory, counting every byte against the budget as it comes out."""

    def __init__(self, data: bytes, filename: str, budget: Budget) -> None:
        self.data, self.filename, self.budget = data, filename, budget
        self.total = 0
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, struct.error):
            raise damaged(filename, say("damaged.zip")) from None
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):  # two parts of one name: readers disagree on which one counts
            twice = sorted({n for n in names if names.count(n) > 1})[:3]
            raise damaged(filename, say("damaged.twice", part=repr(twice[0])))
        self.infos = {i.filename: i for i in infos}

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        info = self.infos.get(name)
        if info is None:
            raise damaged(self.filename, say("damaged.missing", part=repr(name)))
        if info.flag_bits & 0x1:
            raise UploadError(say("refusal.encrypted_zip", filename=repr(self.filename), again=AGAIN))
        body = self._inflate(info, self._raw(info))
        if zlib.crc32(body) != info.CRC:
            raise damaged(self.filename, say("damaged.checksum", part=repr(name)))
        return body

    def _raw(self, info: zipfile.ZipInfo) -> memoryview:
        """The part's compressed bytes, located through its local header (as every reader does)."""
        at = info.header_offset
        head = self.data[at : at + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise damaged(self.filename, say("damaged.cut", part=repr(info.filename)))
        name_length, extra_length = struct.unpack("<HH", head[26:30])
        start = at + 30 + name_length + extra_length
        if start + info.compress_size > len(self.data):
            raise damaged(self.filename, say("damaged.cut", part=repr(info.filename)))
        return memoryview(self.data)[start : start + info.compress_size]

    def _inflate(self, info: zipfile.ZipInfo, raw: memoryview) -> bytes:
        if info.compress_type == zipfile.ZIP_STORED:
            self._count(len(raw), info)
            return bytes(raw)
        if info.compress_type != zipfile.ZIP_DEFLATED:
            raise damaged(self.filename, say("damaged.compression", part=repr(info.filename)))
        inflater, pieces, step = zlib.decompressobj(-15), [], 1 << 20
        for at in range(0, len(raw), step):  # 1 MB in at a time, at most 1 MB out a call: never a bomb's worth
            pending = bytes(raw[at : at + step])
            while pending:
                piece = inflater.decompress(pending, step)
                self._count(len(piece), info)
                pieces.append(piece)
                pending = inflater.unconsumed_tail
        rest = inflater.flush()  # all input is consumed: what is left is less than a window
        self._count(len(rest), info)
        return b"".join([*pieces, rest])

    def _count(self, size: int, info: zipfile.ZipInfo) -> None:
        self.total += size
        if self.budget.inline_unpacked is not None and self.total > self.budget.inline_unpacked:
            raise CheckOutside(f"{self.filename!r} unpacks to more than the web worker checks itself")
        if self.total > self.budget.unpacked:
            raise BudgetError(say("budget.unpacked", filename=repr(self.filename), part=repr(info.filename),
                                  megabytes=f"{self.budget.unpacked / MB:,.0f}"))  # fmt: skip


def damaged(filename: str, why: str) -> UploadError:
    return UploadError(say("refusal.damaged", filename=repr(filename), why=why, again=AGAIN))


def part_count(data: bytes) -> int | None:
    """The number of parts the ZIP's end record announces (None when there is no end record to read)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    count = struct.unpack("<H", data[end + 10 : end + 12])[0]
    locator = data.rfind(b"PK\x06\x07", max(0, end - 20), end)
    if locator >= 0 and locator + 20 <= len(data):  # ZIP64: the count is in the ZIP64 end record
        record = struct.unpack("<Q", data[locator + 8 : locator + 16])[0]
        if record + 40 <= len(data) and data[record : record + 4] == b"PK\x06\x06":
            count = struct.unpack("<Q", data[record + 32 : record + 40])[0]
    return count


# --- XML -----------------------------------------------------------------------------------------------------


def check_xml(body: bytes, part: str, filename: str, budget: Budget) -> None:
    """Refuse a part that declares a DTD (entities) or nests elements deeper than the budget."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise UploadError(say("refusal.dtd", filename=repr(filename), part=repr(part), again=AGAIN))
    depth = xml_scan.xml_depth(body)
    if depth > budget.xml_depth:
        raise BudgetError(say("budget.xml_depth", filename=repr(filename), part=repr(part), depth=f"{depth:,}",
                              limit=budget.xml_depth, again=AGAIN))  # fmt: skip


# --- sheets --------------------------------------------------------------------------------------------------


def sheets_of(book: bytes, rels: bytes) -> list[Sheet]:
    workbook = ET.fromstring(book)
    relations = ET.fromstring(rels)
    targets = {r.get("Id"): r.get("Target", "") for r in relations.findall("rel:Relationship", NS)}
    sheets = []
    for s in workbook.iterfind(".//m:sheet", NS):
        target = targets.get(s.get(f"{{{NS['r']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        sheets.append(Sheet(s.get("name", ""), s.get("state", "visible") or "visible", path))
    return sheets


def data_sheet(sheets: list[Sheet], filename: str) -> Sheet:
    """The one visible sheet to read: refused when any sheet is hidden, or when several could be the data sheet."""
    listed = _listed(sheets)
    hidden = [s for s in sheets if s.state != "visible"]
    if hidden:
        raise UploadError(say("refusal.hidden_sheets", filename=repr(filename), sheets=listed))
    candidates = [s for s in sheets if _could_be_data(s.name)]
    if len(candidates) > 1:
        raise UploadError(say("refusal.several_data_sheets", filename=repr(filename), n=len(candidates),
                              candidates=", ".join(repr(s.name) for s in candidates), sheets=listed))  # fmt: skip
    named = [s for s in candidates if s.name.strip().casefold() in DATA_SHEETS]
    if named:
        return named[0]
    if len(sheets) == 1:
        return sheets[0]
    raise UploadError(say("refusal.no_data_sheet", filename=repr(filename), sheets=listed))


def _listed(sheets: list[Sheet]) -> str:
    """'data', 'notes' (hidden), 'x' (very hidden): as nested messages, so that the words in brackets are said in the
    reader's language (beyond LISTED_IN_WORDS sheets: the English text alone)."""
    names = [_named(s) for s in sheets]
    if not names or len(names) > LISTED_IN_WORDS:
        return ", ".join(names)
    listed = names[-1]
    for name in reversed(names[:-1]):
        listed = say("sheet.comma", first=name, rest=listed)
    return listed


def _named(sheet: Sheet) -> str:
    if sheet.state == "visible":
        return repr(sheet.name)
    return say("sheet.very_hidden" if sheet.state.lower() == "veryhidden" else "sheet.hidden", name=repr(sheet.name))


def _could_be_data(name: str) -> bool:
    folded = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name).casefold())
    if folded in OTHER_SHEETS:
        return False
    return any(word in folded or difflib.SequenceMatcher(None, folded, word).ratio() >= 0.7 for word in DATA_SHEETS)


# --- the data sheet ------------------------------------------------------------------------------------------


def formula_cells(sheet: bytes, filename: str) -> dict[tuple[int, str], str]:
    """(row, column letter) -> formula of every formula cell; a fast byte scan first, a parse only when needed."""
    if b"<f>" not in sheet and b"<f " not in sheet and b":f>" not in sheet and b":f " not in sheet:
        return {}
    count = len(ANY_FORMULA.findall(sheet))
    if count > MAX_FORMULAS:
        raise UploadError(say("refusal.formulas", filename=repr(filename), n=f"{count:,}"))
    found = {}
    for _, cell in ET.iterparse(io.BytesIO(sheet)):
        if cell.tag.endswith("}c"):
            formula = next((c for c in cell if c.tag.endswith("}f")), None)
            if formula is not None:
                ref = re.match(r"([A-Z]+)(\d+)", cell.get("r", ""))
                if ref:
                    found[(int(ref[2]), ref[1])] = "=" + (formula.text or "(shared formula)")
            cell.clear()
    return found


def open_workbook(data: bytes, filename: str, budget: Budget) -> tuple[Workbook, list[Sheet]]:
    """The checked parts of the data sheet's workbook, or a refusal naming what is wrong."""
    count = part_count(data)
    if count is not None and count > MAX_PARTS:
        raise UploadError(say("refusal.parts", filename=repr(filename), n=f"{count:,}", again=AGAIN))
    unpack = Unpacker(data, filename, budget)
    if not unpack.has("xl/workbook.xml"):
        raise UploadError(say("refusal.zip_not_workbook", filename=repr(filename)))
    parts = {name: unpack.read(name) for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")}
    for name, body in parts.items():
        check_xml(body, name, filename, budget)
    try:
        sheets = sheets_of(parts["xl/workbook.xml"], parts["xl/_rels/workbook.xml.rels"])
    except ET.ParseError:
        raise damaged(filename, say("damaged.sheet_list")) from None
    if not sheets:
        raise damaged(filename, say("damaged.no_sheet"))
    sheet = data_sheet(sheets, filename)
    optional = ("xl/sharedStrings.xml", "xl/styles.xml", "[Content_Types].xml", "_rels/.rels")
    for name in [sheet.path, *(n for n in optional if unpack.has(n))]:
        parts[name] = unpack.read(name)
        check_xml(parts[name], name, filename, budget)
        budget.check_time(filename, "unpacking the workbook")
    rows, columns = xml_scan.extent(parts[sheet.path])
    budget.check_shape(filename, rows, columns, "row")
    return Workbook(sheet, parts, rows, columns), sheets
