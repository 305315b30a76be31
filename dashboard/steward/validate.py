"""A template's text cells in; converted rows plus every problem (row, column, value, message) out.

Two passes, so that every bad cell is reported (stack-notes: a type error can hide a column's range errors):
1. each column is converted here, recording every cell that fails (not a number, unknown indicator or country,
   a formula), with its spreadsheet row (header = row 1);
2. pandera validates the converted values lazily (range for the unit, category in the indicator's list, year
   in the future, country outside the steward's scope, duplicates, missing source ...), see rules.py.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.steward.rules import run_rules
from dashboard.steward.template import SEXES, Allowed, uploadable
from dashboard.steward.upload import RawTable

PROBLEM_COLUMNS = ["row", "column", "cell", "value", "message"]
FORMULA_START = ("=", "+", "-", "@")


@dataclass
class Context:
    allowed: dict[str, Allowed]
    registered: dict[str, str]  # every registry id -> its source ids (to explain why one is not uploadable)
    countries: dict[str, tuple[str, bool]]  # code -> (name, is_aggregate)
    scope: tuple[str, ...] | None  # the steward's countries; None for an admin
    today: date = field(default_factory=lambda: datetime.now(UTC).date())

    def country_label(self, code: str) -> str:
        name = self.countries.get(code, ("", False))[0]
        return f"{code} ({name})" if name else code


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


def _problems(rows: pd.Index, column: str, values: pd.Series | list, messages: pd.Series | list) -> pd.DataFrame:
    if len(rows) == 0:  # the usual case, ~60 times per file: no frame to build
        return _NO_PROBLEMS
    return pd.DataFrame({"row": list(rows), "column": column, "value": list(values), "message": list(messages)})


_NO_PROBLEMS = pd.DataFrame({"row": [], "column": [], "value": [], "message": []})


def _formulas(table: RawTable) -> pd.DataFrame:
    """Formula cells of a workbook (never evaluated) and text cells a spreadsheet would run as a formula."""
    found = [
        _problems(pd.Index([row]), column, [formula],
                  ["a formula is not accepted (it is never calculated here): type the value itself"])
        for (row, column), formula in table.formulas.items()
    ]  # fmt: skip
    for column in table.frame.columns:
        text = table.frame[column]
        text = text[text.str.startswith(FORMULA_START)]  # few cells: the rest of the test runs on these
        risky = text.str.strip("-+").ne("") & pd.to_numeric(text.str.replace(",", "."), errors="coerce").isna()
        if risky.any():
            bad = text[risky]
            found.append(_problems(bad.index, column, bad, [
                f"starts with {v[0]!r} like a spreadsheet formula; formulas are not accepted: type the value itself "
                f"(to start a note with {v[0]!r}, begin it with a word)" for v in bad]))  # fmt: skip
    return pd.concat(found, ignore_index=True) if found else _problems(pd.Index([]), "", [], [])


def _convert(cells: pd.DataFrame, decimal_comma: bool, ctx: Context) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    out = pd.DataFrame(index=cells.index)
    problems: list[pd.DataFrame] = []
    for column, convert in CONVERTERS.items():
        values, bad = convert(cells[column], ctx, decimal_comma)
        out[column] = values
        problems.append(bad)
    meta = pd.DataFrame(
        [(i, a.kind, a.value_min, a.value_max, a.whole, "sex" in a.indicator.disaggregations,
          "partner_country" in a.indicator.disaggregations, a.indicator.unit, a.indicator.headline_sex)
         for i, a in ctx.allowed.items()],
        columns=["indicator_id", "kind", "vmin", "vmax", "whole", "by_sex", "corridor", "unit", "headline"],
    )  # fmt: skip
    # each row's indicator facts (a left join by position: ~2x faster than merge; -1, unknown, takes the NaN row)
    meta = pd.concat([meta, meta.iloc[:0].reindex([len(meta)])], ignore_index=True)
    facts = meta.iloc[pd.Index(meta["indicator_id"]).get_indexer(out["indicator_id"])].drop(columns="indicator_id")
    joined = pd.concat([out.reset_index(names="row"), facts.reset_index(drop=True)], axis=1).set_index(
        "row", drop=False
    )
    joined["sex"] = joined["sex"].fillna(joined["headline"]).fillna("total")  # empty: the indicator's headline sex
    return joined, problems


def _empty_to_na(text: pd.Series) -> pd.Series:
    try:  # pyarrow's if_else: ~6x faster than Series.where on 100,000 text cells
        arr = pa.array(text)
        out = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr).to_pandas()
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return text.where(text != "", None)
    out.index = text.index
    return out


def _indicator(raw: pd.Series, ctx: Context, _dc: bool) -> tuple[pd.Series, pd.DataFrame]:
    text = _empty_to_na(raw.str.lower())
    bad = text.notna() & ~text.isin(list(ctx.allowed))
    messages = {v: _indicator_message(v, ctx) for v in text[bad].unique()}
    empty = text.isna()
    found = pd.concat([
        _problems(text[bad].index, "indicator_id", raw[bad], text[bad].map(messages)),
        _problems(text[empty].index, "indicator_id", raw[empty],
                  ["indicator_id is empty: every row names the figure it gives (see the template's 'indicators' sheet)"]
                  * int(empty.sum())),
    ])  # fmt: skip
    return text.where(~bad, None), found


def _indicator_message(value: str, ctx: Context) -> str:
    if value in ctx.registered:
        return (f"indicator {value!r} comes from {ctx.registered[value]} and is not open to steward uploads; "
                f"the uploadable ids are in the template's 'indicators' sheet")  # fmt: skip
    close = difflib.get_close_matches(value, list(ctx.allowed), n=3, cutoff=0.5)
    hint = f"; closest: {', '.join(close)}" if close else "; see the template's 'indicators' sheet"
    return f"unknown indicator {value!r}{hint}"


def _country(raw: pd.Series, ctx: Context, _dc: bool, column: str = "country") -> tuple[pd.Series, pd.DataFrame]:
    text = _empty_to_na(raw.str.upper())
    bad = text.notna() & ~text.isin([c for c, (_, aggregate) in ctx.countries.items() if not aggregate])
    messages = {v: _country_message(v, raw[text == v].iloc[0], ctx) for v in text[bad].unique()}
    found = [_problems(text[bad].index, column, raw[bad], text[bad].map(messages))]
    if column == "country":
        empty = text.isna()
        found.append(_problems(text[empty].index, column, raw[empty],
                               ["country is empty: give the ISO3 code (e.g. MEX)"] * int(empty.sum())))  # fmt: skip
    return text.where(~bad, None), pd.concat(found)


def _partner(raw: pd.Series, ctx: Context, dc: bool) -> tuple[pd.Series, pd.DataFrame]:
    return _country(raw, ctx, dc, column="partner_country")


def _country_message(code: str, raw: str, ctx: Context) -> str:
    if code in ctx.countries:
        return f"{ctx.country_label(code)} is an aggregate (a region or income group), not a country"
    by_name = {n.casefold(): c for c, (n, agg) in ctx.countries.items() if not agg}
    if raw.strip().casefold() in by_name:
        return f"write the ISO3 code: {by_name[raw.strip().casefold()]} for {raw.strip()!r}"
    codes = [c for c, (_, agg) in ctx.countries.items() if not agg and len(c) == 3]
    close = difflib.get_close_matches(code, codes, n=3, cutoff=0.6)
    hint = f"; closest: {', '.join(ctx.country_label(c) for c in close)}" if close else ""
    return f"unknown country code {raw.strip()!r}: use an ISO3 code (e.g. MEX){hint}"


def _number(raw: pd.Series, decimal_comma: bool) -> tuple[pd.Series, pd.Series]:
    text = raw.str.replace("\u00a0", "").str.replace(" ", "")
    if decimal_comma:
        text = text.where(text.str.contains(r"\.", regex=True), text.str.replace(",", "."))
    numbers = _to_float(text.where(text != "", None))
    bad = (text != "") & (numbers.isna() | ~np.isfinite(numbers.fillna(0)))
    return numbers.where(~bad, np.nan), bad


def _to_float(text: pd.Series) -> pd.Series:
    """Numbers from text (missing stays NaN). pyarrow's cast when every cell is a plain number (the usual file,
    ~10x faster than to_numeric); when one is not, to_numeric, which makes each bad cell NaN."""
    try:
        values = pc.cast(pa.array(text), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pd.to_numeric(text, errors="coerce").astype(float)
    return pd.Series(values, index=text.index, dtype=float)


def _year(raw: pd.Series, _ctx: Context, _dc: bool) -> tuple[pd.Series, pd.DataFrame]:
    numbers, bad = _number(raw, False)
    fraction = numbers.notna() & (numbers % 1 != 0)
    messages = ["year must be a whole year such as 2024"] * int((bad | fraction).sum())
    found = _problems(raw[bad | fraction].index, "year", raw[bad | fraction], messages)
    return numbers.where(~fraction, np.nan), found


def _sex(raw: pd.Series, _ctx: Context, _dc: bool) -> tuple[pd.Series, pd.DataFrame]:
    text = raw.str.lower().replace({"both": "total", "all": "total", "f": "female", "m": "male"})
    bad = (text != "") & ~text.isin(SEXES)
    found = _problems(raw[bad].index, "sex", raw[bad], ["sex must be total, female or male (or empty)"]
                      * int(bad.sum()))  # fmt: skip
    return _empty_to_na(text).where(~bad, None), found


def _value(raw: pd.Series, _ctx: Context, decimal_comma: bool) -> tuple[pd.Series, pd.DataFrame]:
    numbers, bad = _number(raw, decimal_comma)
    message = "not a number: write digits only, e.g. 12.5 (no units, % sign or thousands separators)"
    return numbers, _problems(raw[bad].index, "value", raw[bad], [message] * int(bad.sum()))


def _category(raw: pd.Series, _ctx: Context, _dc: bool) -> tuple[pd.Series, pd.DataFrame]:
    text = raw.str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    return _empty_to_na(text), _problems(pd.Index([]), "category", [], [])


def _event_date(raw: pd.Series, _ctx: Context, _dc: bool) -> tuple[pd.Series, pd.DataFrame]:
    given = raw[raw != ""].str.replace(r"T00:00:00$", "", regex=True)  # dated rows only (events: a few %)
    text = _empty_to_na(raw).mask(raw != "", given)
    parsed = pd.to_datetime(given, format="%Y-%m-%d", errors="coerce")
    bad = (parsed.isna() | (given.str.len() != 10)).reindex(raw.index, fill_value=False)
    message = "write the date as YYYY-MM-DD (e.g. 2024-03-01)"
    found = _problems(raw[bad].index, "event_date", raw[bad], [message] * int(bad.sum()))
    return text.where(~bad, None), found


def _text(column: str, limit: int):
    def convert(raw: pd.Series, _ctx: Context, _dc: bool) -> tuple[pd.Series, pd.DataFrame]:
        long = raw.str.len() > limit
        found = _problems(raw[long].index, column, raw[long].str.slice(0, 60) + "...",
                          [f"{column} is longer than {limit} characters"] * int(long.sum()))  # fmt: skip
        return _empty_to_na(raw).where(~long, None), found

    return convert


CONVERTERS = {
    "indicator_id": _indicator, "country": _country, "partner_country": _partner, "year": _year, "sex": _sex,
    "value": _value, "category": _category, "event_date": _event_date, "source": _text("source", 500),
    "note": _text("note", 1000),
}  # fmt: skip


def _report(found: list[pd.DataFrame], table: RawTable) -> pd.DataFrame:
    """One problem per cell (the first found: a conversion error beats a later rule on the same cell)."""
    frames = [f for f in found if len(f)]
    if not frames:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    report = pd.concat(frames, ignore_index=True)
    report = report.drop_duplicates(["row", "column"], keep="first")
    report["row"] = report["row"].astype("Int64")
    raw = table.frame
    report["value"] = [
        raw.at[r, c] if c in raw.columns and r in raw.index and (r, c) not in table.formulas else v
        for r, c, v in zip(report["row"], report["column"], report["value"], strict=True)
    ]
    report["cell"] = [f"{table.letters.get(c, '')}{r}" if c in table.letters else "" for r, c in
                      zip(report["row"], report["column"], strict=True)]  # fmt: skip
    order = {c: i for i, c in enumerate(["", *table.frame.columns])}
    report["_order"] = report["column"].map(order).fillna(0)
    report["value"] = report["value"].astype(str)
    return report.sort_values(["row", "_order"], kind="stable")[PROBLEM_COLUMNS].reset_index(drop=True)


def _rows(converted: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """The rows as stored: events get their status and year, categories their label and numeric code."""
    out = converted.copy()
    events = out["kind"] == "event"
    categories = out["kind"] == "category"
    date_year = pd.to_numeric(out["event_date"].str.slice(0, 4), errors="coerce")
    out["year"] = out["year"].where(out["year"].notna(), date_year).astype("Int64")
    out["status"] = out["category"].where(events, None)
    labels = pd.DataFrame([(i, c.code, c.label) for i, a in ctx.allowed.items() for c in a.indicator.categories],
                          columns=["indicator_id", "category", "value_label"])  # fmt: skip
    coded = out.loc[categories, ["indicator_id", "category"]]  # only category rows get a label and a code
    found = coded.merge(labels, on=["indicator_id", "category"], how="left")
    labelled = pd.Series(found["value_label"].to_numpy(), index=coded.index).reindex(out.index)
    out["value_label"] = labelled.where(categories, None)
    codes = pd.to_numeric(coded["category"], errors="coerce").reindex(out.index)
    out["value"] = out["value"].where(~categories, codes).where(~events, np.nan)
    out["partner_country"] = out["partner_country"].fillna("")
    out["sex"] = out["sex"].where(~events, "total")
    out["kind"] = np.where(events, "event", "observation")
    out["event_date"] = out["event_date"].where(events, None)
    return out.reset_index(drop=True)
