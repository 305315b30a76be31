"""CSV that is safe to open in a spreadsheet: cells that a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """Prefix a text cell that starts like a formula with an apostrophe (OWASP CSV-injection advice).

    Numbers are left alone: a negative number is data, not a formula.
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`neutralise` on every text column, column-wise (a full-indicator download has ~100k rows)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            text = values.where(values.map(lambda v: isinstance(v, str))) if values.dtype == object else values
            risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
            if risky.any():
                out[column] = values.where(~risky, "'" + values[risky].astype(str))
    return out
