"""A column of cells as arrow arrays, and back: the helpers the reader, the converters and the rules share.

pandas' str dtype is arrow-backed, so a column's arrow array costs nothing to get; arrow's kernels and numpy on
its buffers then do in one pass what pandas' string methods do with more overhead (and more copies).
"""

from __future__ import annotations

import functools
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Text: TypeAlias = pa.Array | pa.ChunkedArray  # the reader's chunks, or one array
PAIR = pa.scalar("|", pa.large_string())  # joins an indicator id (a slug, never with '|') and one of its codes


def arrow(text: pd.Series) -> Text:
    """A column's cells as arrow (no copy for pandas' arrow-backed str dtype; chunks are kept, as combining them
    costs a copy); text as large_string, the type pandas keeps, since arrow's kernels that take two text arrays
    want them of one type; a categorical as its text."""
    values = pa.array(text)
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    if pa.types.is_string(values.type) or pa.types.is_null(values.type):
        return values.cast(pa.large_string())
    return values


def truth(values: Text) -> np.ndarray:
    """An arrow boolean array as numpy (null = False)."""
    return np.asarray(values.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def nonempty(text: Text, missing: int = 0) -> np.ndarray:
    """True where a cell has text; a missing cell counts as empty (missing=0) or as filled (missing=1)."""
    return pc.binary_length(text).fill_null(missing).to_numpy() > 0


def series(values: Text, index: pd.Index) -> pd.Series:
    """Back to pandas (str dtype for text, NaN for missing) on the cells' row numbers."""
    out = values.to_pandas()
    out.index = index
    return out


def lower(text: Text) -> Text:
    return pc.ascii_lower(text) if _ascii(text) else pc.utf8_lower(text)


def upper(text: Text) -> Text:
    return pc.ascii_upper(text) if _ascii(text) else pc.utf8_upper(text)


def _ascii(text: Text) -> bool:
    """True when every byte of the cells is ASCII: the ASCII kernels (~10x faster) then give the same text."""
    return all(int(_bytes_and_offsets(chunk)[0].max(initial=0)) < 0x80 for chunk in _chunks(text))


def positions(text: Text, names: list[str]) -> np.ndarray:
    """Each cell's position in names (-1 when it is not one of them)."""
    at = pc.index_in(text, value_set=pa.array(names, pa.large_string()))
    return at.fill_null(-1).to_numpy().astype(np.int64)


def categorical(codes: np.ndarray, names: list[str], index: pd.Index) -> pd.Series:
    """A column of codes from a fixed list (indicator, country, sex) as a categorical (-1: missing or rejected):
    the rules compare and group the codes instead of the text, and the facts of a row are a take by code."""
    values = pd.Categorical.from_codes(codes, dtype=_categories(tuple(names)), validate=False)  # codes: from names
    return pd.Series(values, index=index)


@functools.lru_cache(maxsize=16)
def _categories(names: tuple[str, ...]) -> pd.CategoricalDtype:
    """One dtype per list (making one checks its ~250 countries for repeats, ~0.2 ms, 7 times a file)."""
    return pd.CategoricalDtype(list(names))


def keep(text: Text, ok: np.ndarray) -> Text:
    """The text where ok, missing elsewhere (an empty or rejected cell); the same array when all are ok."""
    if ok.all():
        return text
    return pc.if_else(pa.array(ok), text, pa.scalar(None, text.type))


# --- the bytes of the cells -----------------------------------------------------------------------------------


def first_bytes(text: Text) -> np.ndarray:
    """Each cell's first byte (0 for an empty or missing cell), read from the arrow buffers: no string is copied
    (checking four prefixes with starts_with costs ~5x more on every column of every upload)."""
    return np.concatenate([np.zeros(0, dtype=np.uint8), *(_first_bytes(chunk) for chunk in _chunks(text))])


def _first_bytes(text: pa.Array) -> np.ndarray:
    data, offsets = _bytes_and_offsets(text)
    if not len(data):
        return np.zeros(len(text), dtype=np.uint8)
    firsts = np.take(data, offsets[:-1], mode="clip")  # an empty cell reads its neighbour's byte: zeroed below
    firsts[offsets[1:] == offsets[:-1]] = 0
    if text.null_count:
        firsts[~truth(pc.is_valid(text))] = 0
    return firsts


def may_need_strip(text: Text) -> bool:
    """False when every cell starts and ends with a printable ASCII character, so that stripping would change
    nothing (every whitespace character is a control, a space or non-ASCII): a byte test on each cell's ends.
    An empty cell tests its neighbours' bytes, which can only make the answer a needless True."""
    return any(_may_need_strip(chunk) for chunk in _chunks(text))


def _may_need_strip(text: pa.Array) -> bool:
    data, offsets = _bytes_and_offsets(text)
    if not len(data) or not len(text):
        return False
    firsts = np.take(data, offsets[:-1], mode="clip")
    lasts = np.take(data, offsets[1:] - 1, mode="clip")
    return not all(0x21 <= ends.min() and ends.max() <= 0x7E for ends in (firsts, lasts))


def _chunks(text: Text) -> list[pa.Array]:
    return text.chunks if isinstance(text, pa.ChunkedArray) else [text]


def _bytes_and_offsets(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(the bytes of a text array's cells; where each cell starts, plus where the last ends)."""
    offset_type = np.int64 if pa.types.is_large_string(text.type) else np.int32
    _, offsets_buffer, data_buffer = text.buffers()
    if offsets_buffer is None:  # an array without cells
        return np.zeros(0, np.uint8), np.zeros(len(text) + 1, offset_type)
    offsets = np.frombuffer(offsets_buffer, offset_type)[text.offset : text.offset + len(text) + 1]
    data = np.frombuffer(data_buffer, np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    return data, offsets
