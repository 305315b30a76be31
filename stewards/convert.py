"""A template's columns of text cells in; typed columns (text, numbers) plus every cell that fails to convert out.

Each converter is one vectorised pass over a column's arrow array (pandas' str dtype is arrow-backed, so getting
it costs nothing); messages are built only for the failing cells, once per distinct bad value (closest-match
suggestions are the slow part of a message). Rows are spreadsheet row numbers (header = row 1).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from stewards.cells import Text, arrow, categorical, keep, lower, nonempty, positions, series, truth, upper
from stewards.i18n import say
from stewards.problems import NO_PROBLEMS, coded, joined, problems
from stewards.template import SEXES

if TYPE_CHECKING:
    from stewards.context import Context

Converted = tuple[pd.Series, pd.DataFrame]  # (typed values, problems: row, column, value, message)
# what a sex cell may say: the codes, common words, and the template's drop-down words (en, es, fr)
SEX_WORDS = {"total": "total", "female": "female", "male": "male", "both": "total", "all": "total", "f": "female",
             "m": "male", "women": "female", "men": "male", "mujeres": "female", "hombres": "male",
             "femmes": "female", "hommes": "male"}  # fmt: skip
NOT_A_NUMBER = say("problem.not_a_number")


# --- problems ---------------------------------------------------------------------------------------------------

RICH_MESSAGES = 200  # distinct bad values of a column worded with suggestions (closest matches); then plainly


def _same_message(raw: pd.Series, bad: np.ndarray, column: str, message: str) -> pd.DataFrame:
    if not bad.any():
        return NO_PROBLEMS
    return problems(raw.index[bad], column, message)


def _message_per_value(raw: pd.Series, bad: np.ndarray, texts: Text, column: str,
                       message: Callable[[str, str], str], plain: str) -> pd.DataFrame:  # fmt: skip
    """The bad cells; each distinct text (texts: the bad cells' text as looked up) gets its message once, built
    from its first cell as written; past RICH_MESSAGES distinct texts (a file of made-up codes), the plain one."""
    if not bad.any():
        return NO_PROBLEMS
    encoded = pc.dictionary_encode(texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    distinct = encoded.dictionary.to_pylist()[:RICH_MESSAGES]
    _, first = np.unique(codes, return_index=True)  # dictionary order is the order of first appearance
    cells = raw[bad]
    written = cells.iloc[first[: len(distinct)]].tolist()
    messages = [message(value, cell) for value, cell in zip(distinct, written, strict=True)] + [plain]
    return coded(cells.index.to_numpy(), column, np.minimum(codes, len(distinct)), messages)


def _positions_any_case(text: pa.Array, names: list[str], fold: Callable[[pa.Array], pa.Array],
                        fold_name: Callable[[str], str]) -> np.ndarray:  # fmt: skip
    """Each cell's position in names once case-folded (-1: none of them). Only the cells not found as written are
    folded: in the usual file every code is written as listed, and folding all would copy the column."""
    if not all(n.isascii() and fold_name(n) == n for n in names):
        return positions(fold(text), names)  # a name that folding changes: only the folded text may match it
    codes = positions(text, names)
    retry = np.flatnonzero(codes < 0)
    if len(retry):
        codes[retry] = positions(fold(text.take(pa.array(retry))), names)
    return codes


# --- codes: indicators, countries, sex --------------------------------------------------------------------------


def _indicator(raw: pd.Series, ctx: Context, _dc: bool) -> Converted:
    text = arrow(raw)
    codes = _positions_any_case(text, list(ctx.allowed), lower, str.lower)
    given = nonempty(text)
    bad = given & (codes < 0)
    empty = say("problem.indicator_empty")
    found = joined([
        _message_per_value(raw, bad, lower(text.filter(pa.array(bad))), "indicator_id",
                           lambda v, _: _indicator_message(v, ctx),
                           say("problem.indicator_unknown_plain")),
        _same_message(raw, ~given, "indicator_id", empty),
    ])  # fmt: skip
    return categorical(codes, list(ctx.allowed), raw.index), found


def _indicator_message(value: str, ctx: Context) -> str:
    if value in ctx.registered:
        return say("problem.indicator_not_uploadable", value=repr(value), sources=ctx.registered[value])
    close = difflib.get_close_matches(value, list(ctx.allowed), n=3, cutoff=0.5)
    if close:
        return say("problem.indicator_unknown_closest", value=repr(value), closest=", ".join(close))
    return say("problem.indicator_unknown", value=repr(value))


def _country(raw: pd.Series, ctx: Context, _dc: bool, column: str = "country") -> Converted:
    text = arrow(raw)
    codes = _positions_any_case(text, country_codes(ctx), upper, str.upper)
    given = nonempty(text)
    bad = given & (codes < 0)
    found = [_message_per_value(raw, bad, upper(text.filter(pa.array(bad))), column,
                                lambda v, cell: country_message(v, cell, ctx),
                                say("problem.country_unknown_plain"))]  # fmt: skip
    if column == "country":
        found.append(_same_message(raw, ~given, column, say("problem.country_empty")))
    return categorical(codes, country_codes(ctx), raw.index), joined(found)


def country_codes(ctx: Context) -> list[str]:
    """The codes a country or partner may take (countries, not aggregates), the categories of both columns."""
    return [c for c, (_, aggregate) in ctx.countries.items() if not aggregate]


def _partner(raw: pd.Series, ctx: Context, dc: bool) -> Converted:
    return _country(raw, ctx, dc, column="partner_country")


def country_message(code: str, raw: str, ctx: Context) -> str:
    if code in ctx.countries:
        return say("problem.country_aggregate", country=ctx.country_label(code))
    by_name = {n.casefold(): c for c, (n, agg) in ctx.countries.items() if not agg}
    if raw.strip().casefold() in by_name:
        return say("problem.country_by_name", code=by_name[raw.strip().casefold()], name=repr(raw.strip()))
    codes = [c for c, (_, agg) in ctx.countries.items() if not agg and len(c) == 3]
    close = difflib.get_close_matches(code, codes, n=3, cutoff=0.6)
    if close:
        closest = ", ".join(ctx.country_label(c) for c in close)
        return say("problem.country_unknown_closest", value=repr(raw.strip()), closest=closest)
    return say("problem.country_unknown", value=repr(raw.strip()))


def _sex(raw: pd.Series, _ctx: Context, _dc: bool) -> Converted:
    text = arrow(raw)
    word = _positions_any_case(text, list(SEX_WORDS), lower, str.lower)  # both, f, m... name a sex too
    codes = np.array([SEXES.index(sex) for sex in SEX_WORDS.values()] + [-1])[word]
    bad = nonempty(text) & (word < 0)
    found = _same_message(raw, bad, "sex", say("problem.sex"))
    return categorical(codes, list(SEXES), raw.index), found


# --- numbers ---------------------------------------------------------------------------------------------------


def _number(raw: pd.Series, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    """(float per cell, NaN when missing or bad; True where a cell is given but not a finite number)."""
    text = arrow(raw)
    given = nonempty(text)
    try:  # the usual column: every cell a plain number, read by arrow's cast (~10x faster than to_numeric)
        numbers = _cast(text, given)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        numbers = _lenient_float(text, given, decimal_comma)
    bad = given & ~np.isfinite(numbers)
    numbers[bad] = np.nan
    return numbers, bad


def _cast(text: pa.Array, given: np.ndarray) -> np.ndarray:
    numbers = pc.cast(keep(text, given), pa.float64()).to_numpy(zero_copy_only=False)
    return np.array(numbers, dtype=float)  # writable


def _lenient_float(text: pa.Array, given: np.ndarray, decimal_comma: bool) -> np.ndarray:
    """Spaces (thousands) dropped, a decimal comma read as a point; what is still no number becomes NaN."""
    normalised = _normalised(text, decimal_comma)
    if normalised is not text:  # rewritten: the cast may now read every cell (a file of decimal commas)
        try:
            return _cast(normalised, nonempty(normalised))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            pass
    return _plain_or_coerced(normalised, nonempty(normalised))


def _normalised(text: pa.Array, decimal_comma: bool) -> pa.Array:
    """The text without spaces, a decimal comma made a point ('1.234,5' stays unreadable rather than guessed);
    the same array when there is nothing to rewrite (each rewrite copies the column)."""
    for space in (" ", "\u00a0"):
        if pc.any(pc.match_substring(text, space)).as_py():
            text = pc.replace_substring(text, space, "")
    if decimal_comma and pc.any(pc.match_substring(text, ",")).as_py():
        text = pc.if_else(pc.match_substring(text, "."), text, pc.replace_substring(text, ",", "."))
    return text


def _plain_or_coerced(text: pa.Array, given: np.ndarray) -> np.ndarray:
    """Plain decimals by arrow's cast (the same floats as to_numeric's); the other cells, a few typos in a
    column of numbers, by to_numeric (~20x slower a cell), which makes what is no number NaN."""
    numbers = np.full(len(text), np.nan)
    plain = given & truth(pc.match_substring_regex(text, PLAIN_NUMBER))
    numbers[plain] = pc.cast(text.filter(pa.array(plain)), pa.float64()).to_numpy(zero_copy_only=False)
    other = given & ~plain
    numbers[other] = _each_distinct(
        text.filter(pa.array(other)), lambda cells: np.array(pd.to_numeric(cells, errors="coerce"), dtype=float)
    )
    return numbers


def _each_distinct(text: Text, read: Callable[[pd.Series], np.ndarray]) -> np.ndarray:
    """read() run once per distinct cell (a file of the same typo a million times is read once), spread back."""
    encoded = pc.dictionary_encode(text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text)
    values = read(pd.Series(encoded.dictionary.to_pylist(), dtype=object))
    return values[encoded.indices.to_numpy(zero_copy_only=False)] if len(values) else values


PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"  # what arrow's cast to float reads


def _year(raw: pd.Series, _ctx: Context, _dc: bool) -> Converted:
    numbers, bad = _number(raw, False)
    fraction = np.isfinite(numbers) & (np.floor(numbers) != numbers)  # floor: ~30x faster than % 1
    numbers[fraction] = np.nan
    found = _same_message(raw, bad | fraction, "year", say("problem.year_whole"))
    return pd.Series(numbers, index=raw.index), found


def _value(raw: pd.Series, _ctx: Context, decimal_comma: bool) -> Converted:
    numbers, bad = _number(raw, decimal_comma)
    return pd.Series(numbers, index=raw.index), _same_message(raw, bad, "value", NOT_A_NUMBER)


# --- other text ------------------------------------------------------------------------------------------------


def _category(raw: pd.Series, _ctx: Context, _dc: bool) -> Converted:
    text = arrow(raw)
    if pc.any(pc.ends_with(text, ".0")).as_py():  # a workbook's code 2 read as the number 2.0
        text = pc.replace_substring_regex(text, r"^(\d+)\.0$", r"\1")
    return series(keep(text, nonempty(text)), raw.index), NO_PROBLEMS


def _event_date(raw: pd.Series, _ctx: Context, _dc: bool) -> Converted:
    text = arrow(raw)
    given = nonempty(text)
    if pc.any(pc.ends_with(text, "T00:00:00")).as_py():  # a date read with its midnight (the regex costs ~5 ms)
        text = pc.replace_substring_regex(text, r"T00:00:00$", "")
    bad = np.zeros(len(raw), dtype=bool)
    if given.any():  # parsed on the dated rows only (events: a few %), each distinct date once
        bad[given] = _each_distinct(text.filter(pa.array(given)), _not_dates)
    message = say("problem.date_format")
    return series(keep(text, given & ~bad), raw.index), _same_message(raw, bad, "event_date", message)


def _not_dates(dated: pd.Series) -> np.ndarray:
    parsed = pd.to_datetime(dated, format="%Y-%m-%d", errors="coerce")
    return (parsed.isna() | (dated.str.len() != 10)).to_numpy(dtype=bool)


def _text(column: str, limit: int) -> Callable[[pd.Series, Context, bool], Converted]:
    def convert(raw: pd.Series, _ctx: Context, _dc: bool) -> Converted:
        text = arrow(raw)
        long = np.zeros(len(text), dtype=bool)
        if (pc.max(pc.binary_length(text)).as_py() or 0) > limit:  # never more characters than bytes
            long = truth(pc.greater(pc.utf8_length(text), limit))
        found = _same_message(raw, long, column, say("problem.too_long", column=column, limit=limit))
        return series(keep(text, nonempty(text) & ~long), raw.index), found

    return convert


CONVERTERS: dict[str, Callable[[pd.Series, Context, bool], Converted]] = {
    "indicator_id": _indicator, "country": _country, "partner_country": _partner, "year": _year, "sex": _sex,
    "value": _value, "category": _category, "event_date": _event_date, "source": _text("source", 500),
    "note": _text("note", 1000),
}  # fmt: skip


# --- each row's indicator facts --------------------------------------------------------------------------------


def indicator_facts(indicators: pd.Series, ctx: Context) -> dict[str, pd.Series]:
    """kind, value range, whole, by sex, corridor, unit and headline sex of each row's indicator (missing for a
    row whose indicator is unknown): one lookup of the positions, then a take per fact."""
    allowed = list(ctx.allowed.values())
    at = np.array(indicators.cat.codes, dtype=np.int64)  # categories: ctx.allowed's ids, in order (_indicator)
    at[at < 0] = len(allowed)  # the position after the last: an unknown indicator
    index = indicators.index
    return {
        "kind": _kind_fact([a.kind for a in allowed], at, index),
        "vmin": _number_fact([a.value_min for a in allowed], at, index),
        "vmax": _number_fact([a.value_max for a in allowed], at, index),
        "whole": _flag_fact([a.whole for a in allowed], at, index),
        "by_sex": _flag_fact(["sex" in a.indicator.disaggregations for a in allowed], at, index),
        "corridor": _flag_fact(["partner_country" in a.indicator.disaggregations for a in allowed], at, index),
        "unit": _text_fact([a.indicator.unit for a in allowed], at, index),
        "headline": _sex_fact([a.indicator.headline_sex for a in allowed], at, index),
    }


def _kind_fact(kinds: list[str], at: np.ndarray, index: pd.Index) -> pd.Series:
    """A categorical: the rules ask each row's kind ~10 times, ~10x faster on codes than on text."""
    distinct = list(dict.fromkeys(kinds))
    codes = np.array([distinct.index(k) for k in kinds] + [-1])[at]
    return pd.Series(pd.Categorical.from_codes(codes, distinct), index=index)


def _sex_fact(sexes: list[str], at: np.ndarray, index: pd.Index) -> pd.Series:
    """A categorical of the sex column's categories: the rules compare the two by code."""
    return categorical(np.array([*(SEXES.index(sex) for sex in sexes), -1])[at], list(SEXES), index)


def _text_fact(values: list[str | None], at: np.ndarray, index: pd.Index) -> pd.Series:
    return series(pa.array([*values, None], pa.large_string()).take(pa.array(at)), index)


def _number_fact(values: list[float | None], at: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series(np.array([*values, None], dtype=float)[at], index=index)


def _flag_fact(values: list[bool], at: np.ndarray, index: pd.Index) -> pd.Series:
    """Nullable booleans: each rule says what an unknown indicator means for it."""
    flags = np.array([*values, False], dtype=bool)[at]
    return pd.Series(pd.arrays.BooleanArray(flags, at == len(values)), index=index)
