"""A grid of text cells with its header row in; the template's columns by name (a RawTable) out, blank rows dropped,
or one refusal listing what is wrong with the header (unknown, missing, duplicated or unnamed columns). Linear in the
columns: a file with thousands of them is refused by the budget before it gets here.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from stewards.budget import UploadError
from stewards.cells import arrow, may_need_strip, nonempty, series
from stewards.i18n import say
from stewards.practice_template import PRACTICE_COLUMNS, PRACTICE_REQUIRED
from stewards.template import COLUMNS, REQUIRED_COLUMNS


@dataclass
class RawTable:
    frame: pd.DataFrame  # text cells ('' when blank), columns = template names, index = spreadsheet row
    letters: dict[str, str]  # column -> spreadsheet letter in this file
    formulas: dict[tuple[int, str], str] = field(default_factory=dict)  # (row, column) -> formula as written
    decimal_comma: bool = False
    kind: str = "csv"
    layout: str = "data"  # data (figures) or practices (the practice template: a practice_id column)
    filename: str = "the file"


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


def template_columns(names: list[str]) -> tuple[list[str], list[str]]:
    return (PRACTICE_COLUMNS, PRACTICE_REQUIRED) if "practice_id" in names else (COLUMNS, REQUIRED_COLUMNS)


def _blank(name: str) -> bool:
    return not name or name.startswith("unnamed:")


def shape(frame: pd.DataFrame, filename: str, kind: str, decimal_comma: bool = False) -> RawTable:
    """Template columns by name, blank rows dropped; a clear refusal for a wrong header or no data rows."""
    names = [normalise_header(c) for c in frame.columns]
    layout = "practices" if "practice_id" in names else "data"
    columns, required = template_columns(names)
    letters = {name: _letter(i) for i, name in enumerate(names) if name}
    frame.columns = range(len(names))
    keep = [i for i, n in enumerate(names) if not _blank(n) or _has_values(frame[i])]  # one pass: linear
    frame = frame[keep].set_axis([names[i] for i in keep], axis=1)
    check_header([names[i] for i in keep], filename, columns, required, positions=keep)
    frame = pd.DataFrame({name: _stripped(frame[name]) for name in frame.columns}, copy=False)  # names: unique
    filled = np.logical_or.reduce([nonempty(arrow(frame[c]), missing=1) for c in frame.columns])
    frame = frame if filled.all() else frame[filled]  # blank rows dropped (a copy only when there are some)
    if frame.empty:
        raise UploadError(say("refusal.no_rows", filename=repr(filename)))
    frame = frame.reindex(columns=columns, fill_value="")
    shown = {c: letters[c] for c in columns if c in letters}
    return RawTable(frame, shown, decimal_comma=decimal_comma, kind=kind, layout=layout, filename=filename)


def _has_values(column: pd.Series) -> bool:
    cells = arrow(column.astype(str))
    return bool(pc.any(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(cells)), 0)).as_py())


def _stripped(column: pd.Series) -> pd.Series:
    """The cells without surrounding whitespace; the usual column, which has none, as it is (no copy: fewer
    fresh pages to fault in, which costs as much as the stripping itself)."""
    text = column.astype(str)
    cells = arrow(text)
    return series(pc.utf8_trim_whitespace(cells), text.index) if may_need_strip(cells) else text


def check_header(names: list[str], filename: str, columns: list[str] = COLUMNS,
                  required: list[str] = REQUIRED_COLUMNS, positions: list[int] | None = None,
                  blank_ok: bool = False) -> None:  # fmt: skip
    """Refuse a header that is not the template's; blank_ok: blank names are judged later (by their values)."""
    problems: list[str] = []
    positions = positions or list(range(len(names)))
    for i, name in zip(positions, names, strict=True):
        if _blank(name):
            if not blank_ok:
                problems.append(say("header.no_name", letter=_letter(i)))
        elif name not in columns:
            close = difflib.get_close_matches(name[:100], columns, n=1, cutoff=0.6)
            shown = repr(name if len(name) <= 60 else name[:60] + "...")
            problems.append(say("header.unknown_hint", name=shown, close=repr(close[0])) if close
                            else say("header.unknown", name=shown))  # fmt: skip
    counts = Counter(n for n in names if not _blank(n))
    problems += [say("header.twice", name=repr(n)) for n in sorted(n for n, k in counts.items() if k > 1)]
    missing = [c for c in required if c not in counts]
    if missing:
        problems.append(say("header.missing", names=", ".join(repr(m) for m in missing)))
    if columns is COLUMNS and not any(c in counts for c in ("value", "category")):
        problems.append(say("header.value_or_category"))
    if problems:
        listed = problems[:12] + ([say("header.more", n=len(problems) - 12)] if len(problems) > 12 else [])
        raise UploadError(say("refusal.header", filename=repr(filename), problems=listed, columns=", ".join(columns)))
