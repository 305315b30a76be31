"""A table's text cells in; every cell holding a character that must never be published, with where it is, out.

Refused in every cell: NUL and the other C0 control characters (tab and line breaks are allowed in free text: a
source, a note, a practice's description), DEL and the C1 controls, and the bidirectional embeddings, overrides and
isolates (U+202A-202E, U+2066-2069) that make text read differently from what it holds. Refused in codes (every
other column): tabs, line breaks and zero-width characters (U+200B-200D, U+2060, U+FEFF), which make a code look
like another. And a cell longer than the budget allows. Vectorised per column (the regular expression only for cells
that are not printable ASCII); the position of the first bad character is worked out only for the cells that have one.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from stewards.budget import Budget
from stewards.cells import arrow, truth
from stewards.i18n import say
from stewards.problems import coded

FREE_TEXT = {"source", "note", "name", "name_en", "institution", "summary", "evidence", "success_factors",
             "transfer_limits", "source_title", "source_publisher"}  # fmt: skip
ANYWHERE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
IN_CODES = "\t\n\r\u200b-\u200d\u2060\ufeff"
WORDED = 1000  # cells per column whose message names the character and its position; then a plain one
NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED", 0x0D: "CARRIAGE RETURN",
         0x1B: "ESC", 0x7F: "DEL", 0x85: "NEXT LINE"}  # fmt: skip


def _pattern(characters: str) -> str:
    """An RE2 character class of these characters and ranges, written as escapes (arrow's regular expressions)."""
    return "[" + "".join(f"\\x{{{ord(c):x}}}" if c != "-" else "-" for c in characters) + "]"


def _python(characters: str) -> re.Pattern[str]:
    return re.compile("[" + characters + "]")


CHECKS = {
    True: (_pattern(ANYWHERE), _python(ANYWHERE)),
    False: (_pattern(ANYWHERE + IN_CODES), _python(ANYWHERE + IN_CODES)),
}


def hygiene_problems(frame: pd.DataFrame, budget: Budget) -> list[pd.DataFrame]:
    """Problems (row, column, message) for each cell with a forbidden character, or longer than the budget."""
    found = []
    for column in frame.columns:
        text = arrow(frame[column])
        free = column in FREE_TEXT
        bad = _forbidden(text, CHECKS[free][0])
        if bad.any():
            found.append(_worded(frame[column], bad, column, CHECKS[free][1], free))
        if (pc.max(pc.binary_length(text)).as_py() or 0) > budget.cell_chars:  # never more characters than bytes
            long = truth(pc.greater(pc.utf8_length(text), budget.cell_chars)) & ~bad
            if long.any():
                lengths = pc.utf8_length(text.filter(pa.array(long))).to_pylist()
                messages = [say("problem.cell_too_long", n=f"{n:,}", limit=f"{budget.cell_chars:,}") for n in lengths]
                found.append(coded(frame.index.to_numpy()[long], column, np.arange(len(messages)), messages))
    return found


def _forbidden(text: pa.Array | pa.ChunkedArray, pattern: str) -> np.ndarray:
    """Where a cell holds a forbidden character. Printable ASCII holds none, and two plain scans find those cells;
    the regular expression reads only the others (text with accents, line breaks or worse): most cells are skipped."""
    plain = truth(pc.and_(pc.string_is_ascii(text), pc.ascii_is_printable(text)))
    others = ~plain & truth(pc.is_valid(text))
    bad = np.zeros(len(plain), dtype=bool)
    if others.any():
        bad[others] = truth(pc.match_substring_regex(text.filter(pa.array(others)), pattern))
    return bad


def _worded(cells: pd.Series, bad: np.ndarray, column: str, check: re.Pattern[str], free: bool) -> pd.DataFrame:
    rows = cells.index.to_numpy()[bad]
    texts = cells[bad].iloc[:WORDED].tolist()
    messages = [_message(text, check, free) for text in texts]
    plain = say("problem.invisible_plain")
    codes = np.minimum(np.arange(len(rows)), len(messages))
    return coded(rows, column, codes, [*messages, plain])


def _message(text: str, check: re.Pattern[str], free: bool) -> str:
    found = check.search(text)
    if found is None:  # cannot happen (arrow found one); a plain message rather than none
        return say("problem.invisible_plain")
    char = found.group()
    code = ord(char)
    name = NAMES.get(code) or unicodedata.name(char, "a control character")
    where = {"position": f"{found.start() + 1:,}", "code": f"{code:04X}", "name": name}
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return say("problem.direction", **where)
    if code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        return say("problem.zero_width", **where)
    if code in (0x09, 0x0A, 0x0D) and not free:
        return say("problem.code_line", **where)
    return say("problem.control", **where)
