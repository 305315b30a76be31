"""Converted rows in; for each row, the earlier row it repeats (NaN when none) out.

Two rows repeat each other when indicator, country, partner, year and sex agree (and, for events, status and
date). Each key column is numbered (a categorical's codes, else arrow's dictionary encoding), the numbers are
combined into one integer per row, and only those integers are compared: no text is hashed twice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from stewards.cells import arrow


def first_duplicate(df: pd.DataFrame) -> np.ndarray:
    """The row each duplicate repeats (NaN for rows that are first or incomplete)."""
    keys = _row_keys(df)
    repeated = np.flatnonzero(pd.Series(keys).duplicated(keep=False).to_numpy() & (keys >= 0))
    first = np.full(len(df), np.nan)
    if len(repeated):
        rows = df["row"].to_numpy()[repeated]
        earliest = pd.Series(rows).groupby(keys[repeated]).transform("min").to_numpy()
        first[repeated] = np.where(earliest != rows, earliest, np.nan)
    return first


def _row_keys(df: pd.DataFrame) -> np.ndarray:
    """One integer per row, the same exactly for rows with the same key (-1 without indicator or country): each
    key column numbered by arrow's dictionary encoding, the numbers combined (renumbered before they overflow)."""
    events = df["kind"].eq("event").to_numpy(dtype=bool, na_value=False)
    parts = [_numbered(df[c]) for c in ("indicator_id", "country", "partner_country", "sex")]
    parts.append(_year_numbers(df["year"].to_numpy(dtype=float)))
    # category and date tell events apart; a value has one row per indicator-country-year-sex
    parts += [_numbered(df[c], where=events) for c in ("category", "event_date")]
    keys, size = np.zeros(len(df), dtype=np.int64), 1
    for codes, count in parts:
        if size * count >= 2**62:
            keys, uniques = pd.factorize(keys)
            size = len(uniques)
        keys, size = keys * count + codes, size * count
    complete = (df["indicator_id"].notna() & df["country"].notna()).to_numpy()
    return np.where(complete, keys, -1)


def _year_numbers(years: np.ndarray) -> tuple[np.ndarray, int]:
    """(a number per year, 0 when missing; how many numbers): the whole years of a file span a few decades, so
    year - first + 1 (a factorisation, ~4x slower, when they do not)."""
    known = ~np.isnan(years)
    if not known.any():
        return np.zeros(len(years), dtype=np.int64), 1
    low, high = np.nanmin(years), np.nanmax(years)
    if high - low > 100_000 or not np.all((np.floor(years) == years) | ~known):
        codes, distinct = pd.factorize(years)
        return codes + 1, len(distinct) + 1
    return np.nan_to_num(years - low + 1, nan=0).astype(np.int64), int(high - low) + 2


def _numbered(column: pd.Series, where: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """(a number per cell, 0 when missing or outside where; how many numbers): a categorical's codes, else
    arrow's dictionary encoding of the text."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = np.array(column.cat.codes, dtype=np.int64) + 1
        return (codes if where is None else np.where(where, codes, 0)), len(column.cat.categories) + 1
    values = arrow(column)
    chosen = values if where is None else values.filter(pa.array(where))
    if isinstance(chosen, pa.ChunkedArray):  # one dictionary for all chunks
        chosen = chosen.combine_chunks()
    encoded = pc.dictionary_encode(chosen)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64) + 1
    if where is not None:  # only these rows were numbered (encoding all costs as much, for nothing)
        spread = np.zeros(len(values), dtype=np.int64)
        spread[where] = codes
        codes = spread
    return codes, len(encoded.dictionary) + 1
