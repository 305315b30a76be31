"""A template's text cells in; converted rows plus every problem (row, column, value, message) out.

Two passes, so that every bad cell is reported (stack-notes: a type error can hide a column's range errors):
1. each column is converted (convert.py), recording every cell that fails (not a number, unknown indicator or
   country, a formula), with its spreadsheet row (header = row 1);
2. pandera validates the converted values lazily (range for the unit, category in the indicator's list, year
   in the future, country outside the steward's scope, duplicates, missing source ...), see rules.py.
Both passes are vectorised over whole columns (arrow, numpy); messages are built only for the failing cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from stewards.budget import Budget
from stewards.cells import PAIR, arrow, categorical, first_bytes, keep, series
from stewards.context import Context
from stewards.convert import CONVERTERS, indicator_facts
from stewards.convert import country_message as _country_message  # noqa: F401 - practices.py uses it
from stewards.hygiene import hygiene_problems
from stewards.i18n import say
from stewards.problems import NO_PROBLEMS, PROBLEM_COLUMNS, Report, coded, joined, problems
from stewards.rules import run_rules
from stewards.template import SEXES, category_words, fold, uploadable
from stewards.upload import RawTable

__all__ = ["PROBLEM_COLUMNS", "Context", "Outcome", "make_context", "validate"]
FORMULA_START = ("=", "+", "-", "@")


@dataclass
class Outcome:
    rows: pd.DataFrame  # converted rows (store.ROW_COLUMNS); complete only when there are no problems
    report: Report  # every problem, one per cell, by row then column

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def problems(self) -> pd.DataFrame:
        """Every problem as a frame (PROBLEM_COLUMNS): for a few; the workflow keeps the report's first ones."""
        return self.report.frame()


def make_context(scope: tuple[str, ...] | None) -> Context:
    """The registry's uploadable indicators and the current release's countries."""
    from indicators.registry import load_registry
    from warehouse.connection import cursor

    registry = load_registry()
    _, cur = cursor()
    countries = {
        c: (n, bool(a)) for c, n, a in cur.execute("SELECT iso3, name, is_aggregate FROM countries").fetchall()
    }
    registered = {i.id: ", ".join(i.source_ids) for i in registry.indicators.values()}
    return Context(uploadable(), registered, countries, scope)


def validate(table: RawTable, ctx: Context, budget: Budget | None = None) -> Outcome:
    budget = budget or Budget.from_settings()
    found: list[pd.DataFrame] = [_formulas(table), *hygiene_problems(table.frame, budget)]
    converted, problems = _convert(_without_formulas(table), table.decimal_comma, ctx)
    found += problems
    budget.check_time(table.filename, "checking the cells")
    found += run_rules(converted, ctx)
    report = Report(found, table)
    return Outcome(_rows(converted, ctx) if report.ok else converted.iloc[0:0], report)


def _without_formulas(table: RawTable) -> pd.DataFrame:
    """The cells (stripped text, upload._shape) with every formula cell blank: a cached result is never used."""
    if not table.formulas:
        return table.frame
    cells = table.frame.copy()
    for column in {c for _, c in table.formulas}:
        rows = cells.index.intersection([r for r, c in table.formulas if c == column])  # a blank row was dropped
        cells.loc[rows, column] = ""
    return cells


def _formulas(table: RawTable) -> pd.DataFrame:
    """Formula cells of a workbook (never evaluated) and text cells a spreadsheet would run as a formula."""
    never = say("problem.formula")
    found = [problems([row for row, c in table.formulas if c == column], column, never)
             for column in {c for _, c in table.formulas}]  # fmt: skip
    found += [_formula_like(table.frame[column], column) for column in table.frame.columns]
    found = [f for f in found if len(f)]
    return joined(found)


def _formula_like(text: pd.Series, column: str) -> pd.DataFrame:
    firsts = first_bytes(arrow(text))
    starts = np.logical_or.reduce([firsts == ord(c) for c in FORMULA_START])  # ~10x faster than a lookup table
    if not starts.any():
        return NO_PROBLEMS
    text = text[starts]  # few cells: the rest of the test runs on these
    risky = text.str.strip("-+").ne("") & pd.to_numeric(text.str.replace(",", "."), errors="coerce").isna()
    bad = text[risky]
    messages = [say("problem.formula_like", char=repr(c)) for c in FORMULA_START]
    codes = bad.str.slice(0, 1).map({c: i for i, c in enumerate(FORMULA_START)}).to_numpy(dtype=np.int64)
    return coded(bad.index.to_numpy(), column, codes, messages)


def _convert(cells: pd.DataFrame, decimal_comma: bool, ctx: Context) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Typed columns plus each row's indicator facts, indexed (and with a column) by spreadsheet row."""
    columns: dict[str, pd.Series] = {}
    problems: list[pd.DataFrame] = []
    for column, convert in CONVERTERS.items():
        columns[column], bad = convert(cells[column], ctx, decimal_comma)
        problems.append(bad)
    facts = indicator_facts(columns["indicator_id"], ctx)
    columns["category"] = _category_codes(columns["category"], columns["indicator_id"], ctx)
    columns["sex"] = _sex_or_headline(columns["sex"], facts["headline"])
    rows = pd.Index(cells.index.to_numpy(dtype=np.int64), name="row")
    joined = pd.DataFrame({"row": rows.to_numpy(), **columns, **facts}, copy=False).set_axis(rows)
    return joined, problems


def _category_codes(category: pd.Series, indicators: pd.Series, ctx: Context) -> pd.Series:
    """The category column with the words a template's drop-down writes (a category's label in English, Spanish or
    French) replaced by the code of the row's indicator; codes and unknown words as they are (the rules judge them)."""
    given = category.notna().to_numpy() & (indicators.cat.codes.to_numpy() >= 0)
    if not given.any():
        return category
    words = category_words(ctx.allowed)
    ids = list(indicators.cat.categories)
    cells = arrow(category).filter(pa.array(given))
    encoded = pc.dictionary_encode(cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells)
    texts = encoded.dictionary.to_pylist()
    pair = indicators.cat.codes.to_numpy()[given].astype(np.int64) * len(texts) + encoded.indices.to_numpy()
    distinct, at = np.unique(pair, return_inverse=True)  # each distinct (indicator, cell) is looked up once
    looked = np.array([words.get(f"{ids[p // len(texts)]}|{fold(texts[p % len(texts)])}") for p in distinct],
                      dtype=object)  # fmt: skip
    found = pd.notna(looked[at])
    if not found.any():
        return category
    out = category.to_numpy(dtype=object, na_value=None)
    out[np.flatnonzero(given)[found]] = looked[at][found]
    return series(pa.array(out, pa.large_string()), category.index)


def _sex_or_headline(sex: pd.Series, headline: pd.Series) -> pd.Series:
    """An empty sex is the indicator's headline sex (total for an unknown indicator); both share SEXES' codes."""
    given, default = sex.cat.codes.to_numpy(), headline.cat.codes.to_numpy()
    codes = np.where(given >= 0, given, np.where(default >= 0, default, SEXES.index("total")))
    return categorical(codes, list(SEXES), sex.index)


def _rows(converted: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """The rows as stored: events get their status and year, categories their label and numeric code."""
    events = (converted["kind"] == "event").to_numpy()
    categories = (converted["kind"] == "category").to_numpy()
    index = converted.index
    labels, codes = _category_facts(converted, categories, ctx)
    out = converted.assign(
        year=_years(converted), status=series(keep(arrow(converted["category"]), events), index),
        value_label=labels, value=_values(converted, events, categories, codes),
        indicator_id=series(arrow(converted["indicator_id"]), index),
        country=series(arrow(converted["country"]), index),
        partner_country=series(pc.fill_null(arrow(converted["partner_country"]), ""), index),
        sex=series(pc.if_else(pa.array(events), "total", arrow(converted["sex"])), index),
        kind=series(pa.array(["observation", "event"]).take(pa.array(events.astype(np.int8))), index),
        event_date=series(keep(arrow(converted["event_date"]), events), index),
    )  # fmt: skip
    return out.reset_index(drop=True)


def _years(converted: pd.DataFrame) -> pd.Series:
    """The year; an event given only its date takes the date's year."""
    years = converted["year"].to_numpy(dtype=float, copy=True)
    missing = np.isnan(years)
    if missing.any():
        dated = converted["event_date"][missing].str.slice(0, 4)
        years[missing] = pd.to_numeric(dated, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(years, index=converted.index).astype("Int64")


def _values(converted: pd.DataFrame, events: np.ndarray, categories: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The number; a category's numeric code (an ordinal's 1, 2 ...; NaN for a word), none for an event."""
    values = converted["value"].to_numpy(dtype=float, copy=True)
    values[events] = np.nan
    values[categories] = codes
    return values


def _category_facts(converted: pd.DataFrame, categories: np.ndarray, ctx: Context) -> tuple[pd.Series, np.ndarray]:
    """(each category row's label, missing on other rows; the numeric code of each category row), looked up in
    the registry's categories (the rules let only listed codes through)."""
    listed = [(f"{i}|{c.code}", c.label, c.code) for i, a in ctx.allowed.items() for c in a.indicator.categories]
    keys, labels, codes = ([row[k] for row in listed] for k in range(3))
    rows = pa.array(categories)
    pairs = pc.binary_join_element_wise(arrow(converted["indicator_id"][categories]),
                                        arrow(converted["category"]).filter(rows), PAIR)  # fmt: skip
    at = np.full(len(converted), len(keys))  # the position after the last: no label, no code
    at[categories] = pc.index_in(pairs, value_set=pa.array(keys, pa.large_string())).fill_null(len(keys)).to_numpy()
    label = pa.array([*labels, None], pa.large_string()).take(pa.array(at))
    numbers = pd.to_numeric(pd.Series([*codes, None], dtype=object), errors="coerce").to_numpy(dtype=float)
    return series(label, converted.index), numbers[at[categories]]
