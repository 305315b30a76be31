"""Converted rows in; every broken rule as (row, column, value, message) out, through one lazy pandera schema.

Each rule is a named pandera check that is true where a row is fine (or the rule does not apply, e.g. a cell
that already failed to convert), with the column it is about and a message built from the row, so a steward
reads what is wrong and what to write instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import pandas as pd
import pandera.pandas as pa

if TYPE_CHECKING:
    from dashboard.steward.validate import Context

Frame: TypeAlias = pd.DataFrame


@dataclass(frozen=True)
class Rule:
    column: str
    ok: Callable[[Frame, Context], pd.Series]  # True where the row is fine
    message: Callable[[pd.Series, Context], str]


def _is(df: Frame, kind: str) -> pd.Series:
    return df["kind"].eq(kind).fillna(False).astype(bool)


def _range_ok(df: Frame, _ctx: Context) -> pd.Series:
    low = df["value"] >= df["vmin"].fillna(-float("inf"))
    high = df["value"] <= df["vmax"].astype(float).fillna(float("inf"))
    return df["value"].isna() | ~_is(df, "value") | (low & high)


def _range_message(r: pd.Series, _ctx: Context) -> str:
    high = "no upper limit" if pd.isna(r["vmax"]) else f"at most {r['vmax']:g}"
    return f"{r['value']:g} is out of range for {r['indicator_id']} (unit {r['unit']}: at least {r['vmin']:g}, {high})"


def _codes(ctx: Context, indicator: str) -> tuple[str, ...]:
    allowed = ctx.allowed.get(indicator)
    return allowed.codes if allowed else ()


def _category_ok(df: Frame, ctx: Context) -> pd.Series:
    pairs = [f"{i}|{c}" for i, a in ctx.allowed.items() for c in a.codes]
    ok = df["category"].isna() | _is(df, "value") | df["kind"].isna()
    rest = df.loc[~ok, ["indicator_id", "category"]]  # only the rows with a category to check (a few %)
    return ok | rest["indicator_id"].str.cat(rest["category"], sep="|").isin(pairs).reindex(df.index, fill_value=False)


def _category_message(r: pd.Series, ctx: Context) -> str:
    codes = _codes(ctx, r["indicator_id"])
    close = difflib.get_close_matches(str(r["category"]), codes, n=1, cutoff=0.5)
    what = "status" if r["kind"] == "event" else "category"
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{what} {r['category']!r} is not one of {r['indicator_id']}'s: {', '.join(codes)}{hint}"


def _in_scope(df: Frame, ctx: Context) -> pd.Series:
    if ctx.scope is None:
        return pd.Series(True, index=df.index)
    return df["country"].isna() | df["country"].isin(ctx.scope)


def _scope_message(r: pd.Series, ctx: Context) -> str:
    own = ", ".join(ctx.scope or ())
    return f"{ctx.country_label(r['country'])} is outside your countries ({own}): you may submit figures only for {own}"


def _year_not_future(df: Frame, ctx: Context) -> pd.Series:
    return df["year"].isna() | (df["year"] <= ctx.today.year)


def _date_not_future(df: Frame, ctx: Context) -> pd.Series:
    return df["event_date"].isna() | (df["event_date"] <= ctx.today.isoformat())


def _year_matches_date(df: Frame, _ctx: Context) -> pd.Series:
    dated = df.loc[df["event_date"].notna() & df["year"].notna(), ["event_date", "year"]]  # events with both
    date_year = pd.to_numeric(dated["event_date"].str.slice(0, 4), errors="coerce")
    differs = date_year.notna() & (dated["year"] != date_year)
    return ~differs.reindex(df.index, fill_value=False)


def _first_duplicate(df: Frame) -> pd.Series:
    """The row each duplicate repeats (NaN for rows that are first or incomplete)."""
    key = ["indicator_id", "country", "partner_country", "year", "sex", "category", "event_date"]
    keyed = df[key].copy()
    keyed.loc[~_is(df, "event"), ["category", "event_date"]] = None  # values: one per indicator-country-year-sex
    keyed = keyed[df[["indicator_id", "country"]].notna().all(axis=1)]
    hashed = pd.util.hash_pandas_object(keyed, index=False)  # one number per row: duplicates first by hash, then
    keyed = keyed[hashed.duplicated(keep=False)]  # exactly among the few rows whose hashes repeat
    repeated = keyed.duplicated(key, keep=False)
    if not repeated.any():
        return pd.Series(float("nan"), index=df.index)
    dups = keyed[repeated].assign(row=df.loc[repeated[repeated].index, "row"])
    first = dups.groupby(key, dropna=False)["row"].transform("min")
    return first.where(first != dups["row"]).reindex(df.index)


def _missing(column: str) -> Callable[[Frame, Context], pd.Series]:
    return lambda df, _ctx: df[column].notna()


RULES: dict[str, Rule] = {
    "value_required": Rule("value", lambda df, _c: ~_is(df, "value") | df["value"].notna(),
                           lambda r, _c: f"value is empty: {r['indicator_id']} needs a number ({r['unit']})"),
    "value_in_range": Rule("value", _range_ok, _range_message),
    "value_whole": Rule("value", lambda df, _c: ~df["whole"].fillna(False).astype(bool) | df["value"].isna()
                        | (df["value"] % 1 == 0),
                        lambda r, _c: f"{r['value']:g} is not a whole number of {r['unit']}"),
    "value_not_for_category": Rule("value", lambda df, _c: _is(df, "value") | df["kind"].isna() | df["value"].isna(),
                                   lambda r, c: f"leave value empty: {r['indicator_id']} takes a "
                                   f"{'status' if r['kind'] == 'event' else 'category'} in column category "
                                   f"({', '.join(_codes(c, r['indicator_id']))})"),
    "category_required": Rule("category", lambda df, _c: _is(df, "value") | df["kind"].isna()
                              | df["category"].notna(),
                              lambda r, c: f"category is empty: {r['indicator_id']} takes one of "
                              f"{', '.join(_codes(c, r['indicator_id']))}"),
    "category_in_list": Rule("category", _category_ok, _category_message),
    "category_not_for_value": Rule("category", lambda df, _c: ~_is(df, "value") | df["category"].isna(),
                                   lambda r, _c: f"leave category empty: {r['indicator_id']} takes a number in "
                                   f"column value"),
    "country_in_scope": Rule("country", _in_scope, _scope_message),
    "partner_required": Rule("partner_country", lambda df, _c: ~df["corridor"].fillna(False).astype(bool)
                             | df["partner_country"].notna(),
                             lambda r, _c: f"partner_country is empty: {r['indicator_id']} is a corridor figure; "
                             f"give the ISO3 code of the other country"),
    "partner_not_allowed": Rule("partner_country", lambda df, _c: df["corridor"].fillna(True).astype(bool)
                                | df["partner_country"].isna(),
                                lambda r, _c: f"leave partner_country empty: {r['indicator_id']} is a "
                                f"country-level figure"),
    "partner_differs": Rule("partner_country", lambda df, _c: df["partner_country"].isna()
                            | (df["partner_country"] != df["country"]),
                            lambda r, _c: "partner_country is the same as country"),
    "sex_allowed": Rule("sex", lambda df, _c: df["by_sex"].fillna(True).astype(bool) | df["sex"].isna()
                        | (df["sex"] == df["headline"]),
                        lambda r, _c: f"{r['indicator_id']} is given for sex {r['headline']} only: write "
                        f"{r['headline']} or leave sex empty"),
    "year_required": Rule("year", lambda df, _c: _is(df, "event") | df["year"].notna(),
                          lambda r, _c: "year is empty: give the year the figure describes (e.g. 2024)"),
    "date_or_year": Rule("event_date", lambda df, _c: ~_is(df, "event") | df["event_date"].notna()
                         | df["year"].notna(),
                         lambda r, _c: "event_date is empty: give the date of the legal event as YYYY-MM-DD"),
    "year_not_future": Rule("year", _year_not_future, lambda r, c: f"year {r['year']:.0f} is in the future "
                            f"(latest allowed: {c.today.year})"),
    "year_not_ancient": Rule("year", lambda df, _c: df["year"].isna() | (df["year"] >= 1900),
                             lambda r, _c: f"year {r['year']:.0f} is before 1900: check the year"),
    "date_not_future": Rule("event_date", _date_not_future, lambda r, c: f"{r['event_date']} is in the future "
                            f"(today is {c.today.isoformat()}): submit an event once it has happened"),
    "year_matches_date": Rule("year", _year_matches_date, lambda r, _c: f"year {r['year']:.0f} does not match "
                              f"event_date {r['event_date']}: leave year empty or make them agree"),
    "source_present": Rule("source", _missing("source"), lambda r, _c: "source is empty: say where the figure is "
                           "published (law, gazette, report or URL); it is shown with the value"),
    "not_duplicate": Rule("row", lambda df, _c: _first_duplicate(df).isna(),
                          lambda r, _c: "duplicate row: same indicator, country, partner, year and sex as row "
                          f"{r['_first']:.0f}; keep one of them"),
}  # fmt: skip


def run_rules(df: Frame, ctx: Context) -> pd.DataFrame:
    """Problems (row, column, value, message) from one lazy pandera validation of all rules."""
    checks = [pa.Check(_bind(rule, ctx), name=name, ignore_na=False) for name, rule in RULES.items()]
    schema = pa.DataFrameSchema(checks=checks)
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        cases = cases[cases["check"].isin(RULES)].drop_duplicates(["check", "index"])
        return _messages(df.assign(_first=_first_duplicate(df)), cases, ctx)
    return pd.DataFrame(columns=["row", "column", "value", "message"])


def _bind(rule: Rule, ctx: Context) -> Callable[[Frame], pd.Series]:
    return lambda df: rule.ok(df, ctx).fillna(False).astype(bool)


def _messages(df: Frame, cases: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    records = []
    for name, index in zip(cases["check"], cases["index"], strict=True):
        rule, row = RULES[name], df.loc[index]
        column = "" if rule.column == "row" else rule.column
        value = "" if rule.column == "row" else row[rule.column]
        records.append((int(row["row"]), column, "" if pd.isna(value) else value, rule.message(row, ctx)))
    return pd.DataFrame(records, columns=["row", "column", "value", "message"])
