"""Batches of problems found in one upload in; one report out: one problem per cell (the first found), ordered by
row and column, whose first SHOWN_PER_COLUMN per column (with the count of the rest) are what the control database,
the pages and the API keep, and whose every line goes to a CSV file kept beside the upload.

A batch is a frame (row, column, value, message) whose message is a categorical: a million cells with the same
problem are a million small integers, never a million strings. A message made by stewards.i18n.say keeps its
catalogue key and parameters in the batch's attrs (text -> key), and the report gives them with each problem it
keeps, so that a page or the API can word it in its reader's language. The report keeps arrays (row, column code, message
code) and fetches the cells as written only for the lines it writes; building it costs a sort of integers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from pandas.api.types import union_categoricals

from stewards import i18n
from stewards.cells import arrow
from stewards.i18n import keyed

if TYPE_CHECKING:
    from stewards.upload import RawTable

PROBLEM_COLUMNS = ["row", "column", "cell", "value", "message"]
SHOWN_PER_COLUMN = 100  # problems kept per column for the page, the API and the control database
VALUE_CHARS = 200  # characters of a cell shown with its problem (the CSV file has the cell whole)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # as warehouse.safe_csv: a spreadsheet would run these
BATCH = 200_000  # lines written to the CSV file at a time
SHOWN_AS_REPLACEMENT = (  # the characters hygiene.py refuses, but tab and line breaks (RE2 syntax, for arrow)
    r"[\x{0}-\x{8}\x{b}\x{c}\x{e}-\x{1f}\x{7f}-\x{9f}\x{200b}-\x{200d}\x{202a}-\x{202e}\x{2060}"
    r"\x{2066}-\x{2069}\x{feff}]"
)


def _text(value: str) -> pa.Scalar:
    """A text scalar of the type the columns have (arrow's kernels want one type)."""
    return pa.scalar(value, pa.large_string())


def problems(rows: pd.Index | np.ndarray | list, column: str, messages: str | list[str] | pd.Series) -> pd.DataFrame:
    """A batch: the cells at these rows of one column, with one message for all or one per cell. The report shows
    each cell as written (a formula cell: its formula), so a batch carries no values."""
    if len(rows) == 0:
        return NO_PROBLEMS
    if isinstance(messages, str):
        return coded(np.asarray(rows), column, np.zeros(len(rows), np.int64), [messages])
    texts = [m if isinstance(m, str) else str(m) for m in messages]  # a Message keeps its key
    return coded(np.asarray(rows), column, np.arange(len(texts)), texts)


def coded(rows: np.ndarray, column: str, codes: np.ndarray, messages: Sequence[str]) -> pd.DataFrame:
    """A batch whose messages are given as codes into a list (one message per distinct bad value, say)."""
    if len(rows) == 0:
        return NO_PROBLEMS
    numbers, distinct = pd.factorize(pd.Series(messages, dtype=object))  # one category per distinct text
    message = pd.Categorical.from_codes(numbers[np.asarray(codes, dtype=np.int64)], _categories(distinct))
    frame = pd.DataFrame(
        {"row": np.asarray(rows, dtype=np.int64), "column": _one(column, len(rows)), "message": message}
    )
    return _with_keys(frame, Keys((str(m), k) for m in messages if (k := keyed(m))))


class Keys(dict):
    """A batch's message text -> {'key', 'params'}; pandas deep-copies a frame's attrs on every operation, this
    is shared instead (it is never changed once made)."""

    def __deepcopy__(self, _memo: dict) -> Keys:
        return self


def _with_keys(frame: pd.DataFrame, keys: Keys) -> pd.DataFrame:
    if keys:
        frame.attrs["keys"] = keys
    return frame


def keys_of(frame: pd.DataFrame) -> dict[str, dict]:
    return frame.attrs.get("keys") or {}


def _categories(texts: object) -> pd.Index:
    return pd.Index(list(texts), dtype=object)  # type: ignore[call-overload]


def _one(text: str, count: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(count, np.int32), _categories([text]))


NO_PROBLEMS = pd.DataFrame({"row": np.zeros(0, np.int64), "column": _one("", 0), "message": _one("", 0)})


def joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Several batches as one (their categories united, no string copied)."""
    frames = [f for f in frames if len(f)]
    if len(frames) <= 1:
        return frames[0] if frames else NO_PROBLEMS
    united = {name: union_categoricals([_categorical(f[name]) for f in frames], ignore_order=True)
              for name in ("column", "message")}  # fmt: skip
    out = pd.DataFrame({"row": np.concatenate([f["row"].to_numpy(dtype=np.int64) for f in frames]), **united})
    return _with_keys(out, Keys(item for f in frames for item in keys_of(f).items()))


def _categorical(column: pd.Series) -> pd.Categorical:
    """The column as a categorical whose categories are plain objects (union_categoricals wants one kind)."""
    values = column.astype("category").array
    return values.set_categories(_categories(values.categories))  # type: ignore[union-attr]


class Report:
    """Every problem of one upload, one per cell, in row and column order."""

    def __init__(self, found: list[pd.DataFrame], table: RawTable) -> None:
        self.table = table
        batches = [f for f in found if len(f)]
        named = {str(c) for f in batches for c in f["column"].astype("category").cat.categories}
        self.columns = ["", *table.frame.columns, *sorted(named - {"", *table.frame.columns})]
        at = {c: i for i, c in enumerate(self.columns)}
        self.messages: list[str] = []
        self.keys: dict[str, dict] = {}  # message text -> its catalogue key and parameters (stewards.i18n)
        rows, columns, messages = [], [], []
        for batch in batches:
            self.keys.update(keys_of(batch))
            rows.append(batch["row"].to_numpy(dtype=np.int64))
            column = batch["column"].astype("category")
            codes = np.array([at[str(c)] for c in column.cat.categories], dtype=np.int64)
            columns.append(codes[column.cat.codes.to_numpy()])
            message = batch["message"].astype("category")
            messages.append(message.cat.codes.to_numpy(dtype=np.int64) + len(self.messages))
            self.messages += [str(m) for m in message.cat.categories]
        keys = self._keys(rows, columns)
        _, first = np.unique(keys, return_index=True)  # one per cell, the first found; sorted by row then column
        self.row = np.concatenate(rows)[first] if rows else np.zeros(0, np.int64)
        self.column = np.concatenate(columns)[first] if rows else np.zeros(0, np.int64)
        self.message = np.concatenate(messages)[first] if rows else np.zeros(0, np.int64)
        self._message_text = pa.array(self.messages or [""], pa.large_string())

    def _keys(self, rows: list[np.ndarray], columns: list[np.ndarray]) -> np.ndarray:
        if not rows:
            return np.zeros(0, np.int64)
        return np.concatenate(rows) * len(self.columns) + np.concatenate(columns)

    def __len__(self) -> int:
        return len(self.row)

    @property
    def ok(self) -> bool:
        return len(self.row) == 0

    def by_column(self) -> dict[str, int]:
        counts = np.bincount(self.column, minlength=len(self.columns))
        return {self.columns[i]: int(n) for i, n in enumerate(counts) if n}

    def shown(self) -> np.ndarray:
        """Positions of the first SHOWN_PER_COLUMN problems of each column, in report order."""
        if not len(self.row):
            return np.zeros(0, np.int64)
        order = np.argsort(self.column, kind="stable")
        starts = np.searchsorted(self.column[order], np.arange(len(self.columns)))
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order)) - np.repeat(starts, np.diff([*starts, len(order)]))
        return np.flatnonzero(rank < SHOWN_PER_COLUMN)

    def records(self, positions: np.ndarray | None = None, chars: int | None = VALUE_CHARS) -> list[dict]:
        """The problems at these positions (all when None) as dicts (PROBLEM_COLUMNS, plus the message's `key` and
        `params` when it has them), values cut to `chars`."""
        frame = self.frame(positions, chars)
        return [{"row": int(r), "column": c, "cell": cell, "value": v, "message": m} | self.keys.get(m, {})
                for r, c, cell, v, m in frame.itertuples(index=False, name=None)]  # fmt: skip

    def frame(self, positions: np.ndarray | None = None, chars: int | None = None) -> pd.DataFrame:
        at = np.arange(len(self.row)) if positions is None else np.asarray(positions, dtype=np.int64)
        table = self._arrow(at, chars)
        out = table.to_pandas()
        out["row"] = out["row"].astype("Int64")
        return out[PROBLEM_COLUMNS]

    def _arrow(self, at: np.ndarray, chars: int | None) -> pa.Table:
        rows, columns = self.row[at], self.column[at]
        names = pa.array(self.columns, pa.large_string()).take(pa.array(columns))
        letters = pa.array([self.table.letters.get(c, "") for c in self.columns], pa.large_string())
        letter = letters.take(pa.array(columns))
        cell = pc.if_else(pc.equal(pc.utf8_length(letter), 0), _text(""),
                          pc.binary_join_element_wise(letter, pc.cast(pa.array(rows), pa.large_string()), _text("")))  # fmt: skip
        values = self._values(at, rows, columns)
        if chars is not None:  # shown on a page: an invisible character shows as '�' (the message names it)
            values = pc.replace_substring_regex(values, SHOWN_AS_REPLACEMENT, "\ufffd")
            long = pc.greater(pc.utf8_length(values), chars)
            values = pc.if_else(long, pc.binary_join_element_wise(pc.utf8_slice_codeunits(values, 0, chars), _text("…"), _text("")),
                                values)  # fmt: skip
        message = self._message_text.take(pa.array(self.message[at]))
        return pa.table({"row": pa.array(rows), "column": names, "cell": cell, "value": values, "message": message})

    def _values(self, at: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> pa.Array:
        """Each problem's cell as the steward wrote it; a formula keeps its text, a row's problem is empty."""
        values = pa.array(np.full(len(at), "", dtype=object), pa.large_string())
        frame = self.table.frame
        index = frame.index.to_numpy(dtype=np.int64)
        pieces = []
        for code in np.unique(columns):
            name = self.columns[code]
            if name not in frame.columns:
                continue
            mine = np.flatnonzero(columns == code)
            place = np.clip(np.searchsorted(index, rows[mine]), 0, max(len(index) - 1, 0))
            found = index[place] == rows[mine] if len(index) else np.zeros(len(mine), bool)
            cells = arrow(frame[name])
            cells = cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells
            taken = cells.take(pa.array(place[found])).cast(pa.large_string())
            pieces.append((mine[found], taken))
        if pieces:
            spots = np.concatenate([p[0] for p in pieces])
            texts = pa.concat_arrays([p[1] for p in pieces])
            order = np.full(len(at), -1, np.int64)
            order[spots] = np.arange(len(spots))
            values = pc.if_else(pa.array(order >= 0), texts.take(pa.array(np.maximum(order, 0))), values)
        return self._formulas(values, rows, columns)

    def _formulas(self, values: pa.Array, rows: np.ndarray, columns: np.ndarray) -> pa.Array:
        """A formula cell's problem shows its formula (never its cached result)."""
        formulas = self.table.formulas
        if not formulas or not len(rows):
            return values
        at = {c: i for i, c in enumerate(self.columns)}
        keys = rows * len(self.columns) + columns  # increasing: the report is in row then column order
        fixed = None
        for (row, column), text in formulas.items():
            if column not in at:
                continue
            key = row * len(self.columns) + at[column]
            hit = int(np.searchsorted(keys, key))
            if hit < len(keys) and keys[hit] == key:
                fixed = values.to_pylist() if fixed is None else fixed
                fixed[hit] = text
        return values if fixed is None else pa.array(fixed, pa.large_string())

    def write_csv(self, path: Path) -> Path:
        """Every problem as CSV (UTF-8 with a BOM for Excel; cells a spreadsheet would run as formulas neutralised),
        zstd-compressed (messages repeat: ~20 to 1, at several hundred MB/s), written to a temporary name and renamed
        into place; the messages' catalogue keys beside it first (keys_path), so a download words them in Spanish or
        French (read_csv_in)."""
        keyed_messages = {m: self.keys[m] for m in self.messages if m in self.keys}
        if keyed_messages:
            _write_zstd(keys_path(path), json.dumps(keyed_messages, default=str).encode())
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # a killed writer's is removed (integrity.py)
        with pa.CompressedOutputStream(str(tmp), "zstd") as handle:
            handle.write(("\ufeff" + ",".join(PROBLEM_COLUMNS) + "\n").encode())
            writer = None
            for start in range(0, max(len(self.row), 1), BATCH):
                at = np.arange(start, min(start + BATCH, len(self.row)))
                table = neutralised(self._arrow(at, None))
                if writer is None:
                    writer = pacsv.CSVWriter(
                        handle,
                        table.schema,
                        write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed"),
                    )
                writer.write_table(table)
            if writer is not None:
                writer.close()
        tmp.replace(path)
        return path


def keys_path(path: Path) -> Path:
    """Where write_csv keeps the catalogue keys of a kept CSV's messages (message text -> key and parameters)."""
    return path.with_name(path.name.removesuffix(".csv.zst") + ".keys.json.zst")


def _write_zstd(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # a killed writer's is removed (integrity.py)
    with pa.CompressedOutputStream(str(tmp), "zstd") as handle:
        handle.write(data)
    tmp.replace(path)


def read_csv_in(path: Path, lang: str) -> Iterator[bytes]:
    """The CSV kept by write_csv with its header row and messages in `lang`, batch by batch (a message is worded
    from its catalogue key kept beside the file; one without, or from a file kept before keys were, as stored)."""
    kept = keys_path(path)
    keys: dict[str, dict] = {}
    if kept.exists():
        with pa.CompressedInputStream(str(kept), "zstd") as handle:
            keys = json.loads(handle.read())
    yield ("\ufeff" + ",".join(problem_header(lang)) + "\n").encode()
    options = {
        "read_options": pacsv.ReadOptions(skip_rows=1, column_names=PROBLEM_COLUMNS, block_size=1 << 22),
        "parse_options": pacsv.ParseOptions(newlines_in_values=True),
        "convert_options": pacsv.ConvertOptions(column_types=dict.fromkeys(PROBLEM_COLUMNS, pa.large_string()),
                                                strings_can_be_null=False, quoted_strings_can_be_null=False),
    }  # fmt: skip
    with pa.CompressedInputStream(str(path), "zstd") as handle:
        for batch in pacsv.open_csv(handle, **options):
            table = pa.Table.from_batches([batch])
            encoded = table["message"].combine_chunks().dictionary_encode()  # each distinct message worded once
            worded = pa.array([i18n.words({"message": m} | keys.get(m, {}), lang)
                               for m in encoded.dictionary.to_pylist()], pa.large_string())  # fmt: skip
            table = neutralised(table.set_column(4, "message", pc.take(worded, encoded.indices)))
            out = pa.BufferOutputStream()
            pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
            yield out.getvalue().to_pybytes()


def read_csv_file(path: Path, piece: int = 1 << 16) -> Iterator[bytes]:
    """The CSV kept by write_csv, unpacked piece by piece (for a download that never holds it whole)."""
    with pa.CompressedInputStream(str(path), "zstd") as handle:
        while chunk := handle.read(piece):
            yield chunk


def neutralised(table: pa.Table) -> pa.Table:
    """Text cells that start like a formula get an apostrophe first (warehouse.safe_csv's rule, on arrow)."""
    for name in ("column", "cell", "value", "message"):
        text = table[name].combine_chunks()
        risky = pc.starts_with(text, FORMULA_PREFIXES[0])
        for prefix in FORMULA_PREFIXES[1:]:
            risky = pc.or_(risky, pc.starts_with(text, prefix))
        if pc.any(risky).as_py():
            text = pc.if_else(risky, pc.binary_join_element_wise(_text("'"), text, _text("")), text)
            table = table.set_column(table.schema.get_field_index(name), name, text)
    return table


def problem_header(lang: str) -> list[str]:
    """The problems CSV's column names in `lang` (English: row, column, cell, value, message)."""
    return [i18n.text(f"problems.column.{name}", lang) for name in PROBLEM_COLUMNS]


def file_level(message: str) -> list[dict]:
    """The one problem of a refused file, as stored (with its key and parameters when it has them)."""
    return [{"row": None, "column": "", "cell": "", "value": "", "message": str(message)} | keyed(message)]
