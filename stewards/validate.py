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

from stewards.cells import PAIR, arrow, categorical, first_bytes, keep, series
from stewards.context import Context
from stewards.convert import CONVERTERS, NO_PROBLEMS, indicator_facts
from stewards.convert import country_message as _country_message  # noqa: F401 - practices.py uses it
from stewards.convert import problems as _problems
from stewards.rules import run_rules
from stewards.template import SEXES, uploadable
from stewards.upload import RawTable

PROBLEM_COLUMNS = ["row", "column", "cell", "value", "message"]
FORMULA_START = ("=", "+", "-", "@")


@dataclass
class Outcome:
    rows: pd.DataFrame  # converted rows (store.ROW_COLUMNS); complete only when there are no problems
    problems: pd.DataFrame  # PROBLEM_COLUMNS, sorted by row then column

    @property
    def ok(self) -> bool:
        return self.problems.empty


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


def validate(table: RawTable, ctx: Context) -> Outcome:
    found: list[pd.DataFrame] = [_formulas(table)]
    cells = table.frame.copy() if table.formulas else table.frame  # cells are stripped text (upload._shape)
    for (row, column), _formula in table.formulas.items():
        cells.loc[row, column] = ""  # a formula's cached result is never used
    converted, problems = _convert(cells, table.decimal_comma, ctx)
    found += problems
    found.append(run_rules(converted, ctx))
    report = _report(found, table)
    return Outcome(_rows(converted, ctx) if report.empty else converted.iloc[0:0], report)


def _formulas(table: RawTable) -> pd.DataFrame:
    """Formula cells of a workbook (never evaluated) and text cells a spreadsheet would run as a formula."""
    found = [
        _problems(pd.Index([row]), column, [formula],
                  ["a formula is not accepted (it is never calculated here): type the value itself"])
        for (row, column), formula in table.formulas.items()
    ]  # fmt: skip
    found += [_formula_like(table.frame[column], column) for column in table.frame.columns]
    found = [f for f in found if len(f)]
    return pd.concat(found, ignore_index=True) if found else NO_PROBLEMS


def _formula_like(text: pd.Series, column: str) -> pd.DataFrame:
    firsts = first_bytes(arrow(text))
    starts = np.logical_or.reduce([firsts == ord(c) for c in FORMULA_START])  # ~10x faster than a lookup table
    if not starts.any():
        return NO_PROBLEMS
    text = text[starts]  # few cells: the rest of the test runs on these
    risky = text.str.strip("-+").ne("") & pd.to_numeric(text.str.replace(",", "."), errors="coerce").isna()
    bad = text[risky]
    return _problems(bad.index, column, bad, [
        f"starts with {v[0]!r} like a spreadsheet formula; formulas are not accepted: type the value itself "
        f"(to start a note with {v[0]!r}, begin it with a word)" for v in bad])  # fmt: skip


def _convert(cells: pd.DataFrame, decimal_comma: bool, ctx: Context) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Typed columns plus each row's indicator facts, indexed (and with a column) by spreadsheet row."""
    columns: dict[str, pd.Series] = {}
    problems: list[pd.DataFrame] = []
    for column, convert in CONVERTERS.items():
        columns[column], bad = convert(cells[column], ctx, decimal_comma)
        problems.append(bad)
    facts = indicator_facts(columns["indicator_id"], ctx)
    columns["sex"] = _sex_or_headline(columns["sex"], facts["headline"])
    rows = pd.Index(cells.index.to_numpy(dtype=np.int64), name="row")
    joined = pd.DataFrame({"row": rows.to_numpy(), **columns, **facts}, copy=False).set_axis(rows)
    return joined, problems


def _sex_or_headline(sex: pd.Series, headline: pd.Series) -> pd.Series:
    """An empty sex is the indicator's headline sex (total for an unknown indicator); both share SEXES' codes."""
    given, default = sex.cat.codes.to_numpy(), headline.cat.codes.to_numpy()
    codes = np.where(given >= 0, given, np.where(default >= 0, default, SEXES.index("total")))
    return categorical(codes, list(SEXES), sex.index)


def _report(found: list[pd.DataFrame], table: RawTable) -> pd.DataFrame:
    """One problem per cell (the first found: a conversion error beats a later rule on the same cell)."""
    frames = [f for f in found if len(f)]
    if not frames:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    report = pd.concat(frames, ignore_index=True)
    report = report.drop_duplicates(["row", "column"], keep="first")
    report["row"] = report["row"].astype("Int64")
    report["value"] = _as_written(report, table).astype(str)
    report["cell"] = (report["column"].map(table.letters) + report["row"].astype(str)).fillna("")
    order = {c: i for i, c in enumerate(["", *table.frame.columns])}
    report["_order"] = report["column"].map(order).fillna(0)
    return report.sort_values(["row", "_order"], kind="stable")[PROBLEM_COLUMNS].reset_index(drop=True)


def _as_written(report: pd.DataFrame, table: RawTable) -> pd.Series:
    """Each problem's cell as the steward wrote it; a formula keeps its text, a row's problem its given value."""
    values = report["value"].to_numpy(dtype=object, copy=True)
    rows, columns = report["row"].to_numpy(dtype=np.int64), report["column"].to_numpy(dtype=object)
    for column in set(columns) & set(table.frame.columns):
        at = np.flatnonzero(columns == column)
        written = np.isin(rows[at], table.frame.index)
        if table.formulas:
            written &= [(row, column) not in table.formulas for row in rows[at]]
        values[at[written]] = table.frame[column].reindex(rows[at[written]]).to_numpy(dtype=object)
    return pd.Series(values, index=report.index)


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
