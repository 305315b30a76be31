"""Converted rows in; every broken rule as (row, column, value, message) out, through one lazy pandera schema.

Each rule is a named pandera check that is true where a row is fine (or the rule does not apply, e.g. a cell
that already failed to convert), with the column it is about and a message built from the row, so a steward
reads what is wrong and what to write instead. The rules read the columns as numpy arrays, taken once per file
(Columns) and shared: a rule is a few numpy operations on whole columns; messages are built for failures only.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.compute as pc

from stewards.cells import PAIR, arrow, truth
from stewards.duplicates import first_duplicate
from stewards.i18n import say
from stewards.problems import coded

if TYPE_CHECKING:
    from stewards.context import Context

Frame: TypeAlias = pd.DataFrame
Row: TypeAlias = Mapping[str, Any]  # one converted row (column -> value), to word a message


class Columns:
    """The converted columns as numpy arrays, each taken on first use and shared by all the rules (a pandas
    operation costs ~50 µs of overhead; the rules would do ~100 of them)."""

    def __init__(self, frame: Frame) -> None:
        self.frame = frame
        self._taken: dict[tuple[str, ...], np.ndarray] = {}

    def kind(self, kind: str) -> np.ndarray:
        """True where the row's indicator is of this kind ('' : where the indicator is unknown)."""
        column = self.frame["kind"]
        return self._take(("kind", kind), lambda: (column.isna() if not kind else column.eq(kind)).to_numpy())

    def given(self, column: str) -> np.ndarray:
        return self._take(("given", column), lambda: self.frame[column].notna().to_numpy())

    def number(self, column: str) -> np.ndarray:
        return self._take(("number", column), lambda: self.frame[column].to_numpy(dtype=float))

    def flag(self, column: str, unknown: bool) -> np.ndarray:
        """A yes/no fact of the row's indicator (whole, by_sex, corridor); unknown where the indicator is."""
        flags = self.frame[column]
        return self._take(("flag", column, str(unknown)), lambda: flags.fillna(unknown).to_numpy(dtype=bool))

    def codes(self, column: str) -> np.ndarray:
        """A categorical's codes (-1: missing); columns that share categories compare by code."""
        return self._take(("codes", column), lambda: self.frame[column].cat.codes.to_numpy())

    def first_duplicate(self) -> np.ndarray:
        return self._take(("first_duplicate",), lambda: first_duplicate(self.frame))

    def release(self) -> None:
        self.frame = pd.DataFrame()
        self._taken.clear()

    def _take(self, key: tuple[str, ...], compute: Callable[[], np.ndarray]) -> np.ndarray:
        if key not in self._taken:
            self._taken[key] = compute()
        return self._taken[key]


@dataclass(frozen=True)
class Rule:
    column: str
    ok: Callable[[Columns, Context], np.ndarray]  # True where the row is fine
    message: Callable[[Row, Context], str]
    fields: tuple[str, ...] = ()  # the columns the message reads (none: one message for every failing row)
    plain: str = ""  # the message past RICH_MESSAGES distinct ones (for a message that quotes the cell's value)


def _range_ok(c: Columns, _ctx: Context) -> np.ndarray:
    value, low, high = c.number("value"), c.number("vmin"), c.number("vmax")
    return ~c.kind("value") | (~(value < low) & ~(value > high))  # NaN compares False: no value or bound, no fail


def _whole_ok(c: Columns, _ctx: Context) -> np.ndarray:
    value = c.number("value")
    return ~c.flag("whole", False) | np.isnan(value) | (np.floor(value) == value)  # floor: ~30x faster than % 1


def _range_message(r: Row, _ctx: Context) -> str:
    words = {"value": f"{r['value']:g}", "indicator": r["indicator_id"], "unit": r["unit"], "low": f"{r['vmin']:g}"}
    if pd.isna(r["vmax"]):
        return say("rule.value_in_range_open", **words)
    return say("rule.value_in_range", **words, high=f"{r['vmax']:g}")


def _codes(ctx: Context, indicator: str) -> tuple[str, ...]:
    allowed = ctx.allowed.get(indicator)
    return allowed.codes if allowed else ()


def _category_ok(c: Columns, ctx: Context) -> np.ndarray:
    pairs = pa.array([f"{i}|{code}" for i, a in ctx.allowed.items() for code in a.codes], pa.large_string())
    ok = ~c.given("category") | c.kind("value") | c.kind("")
    rest = np.flatnonzero(~ok)  # only the rows with a category to check (a few %)
    indicators, categories = (arrow(c.frame[column].iloc[rest]) for column in ("indicator_id", "category"))
    ok[rest] = truth(pc.is_in(pc.binary_join_element_wise(indicators, categories, PAIR), value_set=pairs))
    return ok


def _category_message(r: Row, ctx: Context) -> str:
    codes = _codes(ctx, r["indicator_id"])
    close = difflib.get_close_matches(str(r["category"]), codes, n=1, cutoff=0.5)
    what = "status" if r["kind"] == "event" else "category"
    words = {"value": repr(r["category"]), "indicator": r["indicator_id"], "codes": ", ".join(codes)}
    if close:
        return say(f"rule.{what}_in_list_hint", **words, close=repr(close[0]))
    return say(f"rule.{what}_in_list", **words)


def _in_scope(c: Columns, ctx: Context) -> np.ndarray:
    if ctx.scope is None:
        return np.ones(len(c.frame), dtype=bool)
    return ~c.given("country") | c.frame["country"].isin(ctx.scope).to_numpy()


def _scope_message(r: Row, ctx: Context) -> str:
    return say("rule.country_in_scope", country=ctx.country_label(r["country"]), own=", ".join(ctx.scope or ()))


def _date_not_future(c: Columns, ctx: Context) -> np.ndarray:
    ok = np.ones(len(c.frame), dtype=bool)
    dated = c.given("event_date")  # only the dated rows (events: a few %) are compared
    ok[dated] = (c.frame["event_date"][dated] <= ctx.today.isoformat()).to_numpy()
    return ok


def _year_matches_date(c: Columns, _ctx: Context) -> np.ndarray:
    ok = np.ones(len(c.frame), dtype=bool)
    both = c.given("event_date") & c.given("year")  # events with both (a few %)
    date_year = pd.to_numeric(c.frame["event_date"][both].str.slice(0, 4), errors="coerce").to_numpy(dtype=float)
    ok[both] = np.isnan(date_year) | (c.number("year")[both] == date_year)
    return ok


RULES: dict[str, Rule] = {
    "value_required": Rule("value", lambda c, _x: ~c.kind("value") | c.given("value"),
                           lambda r, _c: say("rule.value_required", indicator=r["indicator_id"], unit=r["unit"])),
    "value_in_range": Rule("value", _range_ok, _range_message, ("value", "indicator_id", "unit", "vmin", "vmax"),
                           say("rule.value_in_range_plain")),
    "value_whole": Rule("value", _whole_ok, lambda r, _c: say("rule.value_whole", value=f"{r['value']:g}",
                                                              unit=r["unit"]),
                        ("value", "unit"), say("rule.value_whole_plain")),
    "value_not_for_category": Rule("value", lambda c, _x: c.kind("value") | c.kind("") | ~c.given("value"),
                                   lambda r, c: say("rule.value_not_for_event" if r["kind"] == "event"
                                                    else "rule.value_not_for_category", indicator=r["indicator_id"],
                                                    codes=", ".join(_codes(c, r["indicator_id"])))),
    "category_required": Rule("category", lambda c, _x: c.kind("value") | c.kind("") | c.given("category"),
                              lambda r, c: say("rule.category_required", indicator=r["indicator_id"],
                                               codes=", ".join(_codes(c, r["indicator_id"])))),
    "category_in_list": Rule("category", _category_ok, _category_message, ("category", "indicator_id", "kind"),
                             say("rule.category_in_list_plain")),
    "category_not_for_value": Rule("category", lambda c, _x: ~c.kind("value") | ~c.given("category"),
                                   lambda r, _c: say("rule.category_not_for_value", indicator=r["indicator_id"])),
    "country_in_scope": Rule("country", _in_scope, _scope_message),
    "partner_required": Rule("partner_country", lambda c, _x: ~c.flag("corridor", False)
                             | c.given("partner_country"),
                             lambda r, _c: say("rule.partner_required", indicator=r["indicator_id"])),
    "partner_not_allowed": Rule("partner_country", lambda c, _x: c.flag("corridor", True)
                                | ~c.given("partner_country"),
                                lambda r, _c: say("rule.partner_not_allowed", indicator=r["indicator_id"])),
    "partner_differs": Rule("partner_country", lambda c, _x: ~c.given("partner_country")  # codes: one list
                            | (c.codes("partner_country") != c.codes("country")),
                            lambda r, _c: say("rule.partner_differs")),
    "sex_allowed": Rule("sex", lambda c, _x: c.flag("by_sex", True) | ~c.given("sex")  # codes: SEXES
                        | (c.codes("sex") == c.codes("headline")),
                        lambda r, _c: say("rule.sex_allowed", indicator=r["indicator_id"], sex=r["headline"])),
    "year_required": Rule("year", lambda c, _x: c.kind("event") | c.kind("") | c.given("year"),
                          lambda r, _c: say("rule.year_required")),
    "date_or_year": Rule("event_date", lambda c, _x: ~c.kind("event") | c.given("event_date") | c.given("year"),
                         lambda r, _c: say("rule.date_or_year")),
    "year_not_future": Rule("year", lambda c, x: ~(c.number("year") > x.today.year),
                            lambda r, c: say("rule.year_not_future", year=f"{r['year']:.0f}", latest=c.today.year),
                            ("year",), say("rule.year_not_future_plain")),
    "year_not_ancient": Rule("year", lambda c, _x: ~(c.number("year") < 1900),
                             lambda r, _c: say("rule.year_not_ancient", year=f"{r['year']:.0f}"), ("year",),
                             say("rule.year_not_ancient_plain")),
    "date_not_future": Rule("event_date", _date_not_future,
                            lambda r, c: say("rule.date_not_future", date=r["event_date"], today=c.today.isoformat()),
                            ("event_date",), say("rule.date_not_future_plain")),
    "year_matches_date": Rule("year", _year_matches_date,
                              lambda r, _c: say("rule.year_matches_date", year=f"{r['year']:.0f}",
                                                date=r["event_date"]),
                              ("year", "event_date"), say("rule.year_matches_date_plain")),
    "source_present": Rule("source", lambda c, _x: c.given("source"), lambda r, _c: say("rule.source_present")),
    "not_duplicate": Rule("row", lambda c, _x: np.isnan(c.first_duplicate()),
                          lambda r, _c: say("rule.not_duplicate", first=f"{r['_first']:.0f}"), ("_first",),
                          say("rule.not_duplicate_plain")),
}  # fmt: skip


READS = {  # the columns the other rules' messages read
    "value_required": ("indicator_id", "unit"), "value_not_for_category": ("indicator_id", "kind"),
    "category_required": ("indicator_id",), "category_not_for_value": ("indicator_id",), "country_in_scope": ("country",),
    "partner_required": ("indicator_id",), "partner_not_allowed": ("indicator_id",),
    "sex_allowed": ("indicator_id", "headline"),
}  # fmt: skip
RULES.update({name: replace(RULES[name], fields=fields) for name, fields in READS.items()})
RICH_MESSAGES = 5000  # distinct messages worded per rule; the rest of its failures get its plain message


def run_rules(df: Frame, ctx: Context) -> list[pd.DataFrame]:
    """Problems (row, column, message) of every broken rule: pandera runs the rules lazily (keeping one failure
    case each: collecting millions costs seconds), the failing rows come from the rules' own results."""
    columns = Columns(df)
    results: dict[str, np.ndarray] = {}
    checks = [pandera.Check(_bind(name, rule, ctx, columns, results), name=name, ignore_na=False, n_failure_cases=1)
              for name, rule in RULES.items()]  # fmt: skip
    schema = pandera.DataFrameSchema(checks=checks)
    try:
        schema.validate(df[["row"]], lazy=True, inplace=True)  # the checks read Columns; pandera needs one column
    except pandera.errors.SchemaErrors as errors:
        broken = [name for name in RULES if name in set(errors.failure_cases["check"])]
        with_first = df.assign(_first=columns.first_duplicate()) if "not_duplicate" in broken else df
        return [_messages(with_first, name, np.flatnonzero(~results[name]), ctx) for name in broken]
    finally:  # pandera keeps the schema, so these checks, as long as the frame lives: they must not keep it alive
        columns.release()
    return []


def _bind(name: str, rule: Rule, ctx: Context, columns: Columns, results: dict[str, np.ndarray]):
    """The rule as a pandera check of the frame the columns were taken from; its result is kept by name."""

    def check(df: Frame) -> pd.Series:
        with np.errstate(invalid="ignore"):  # NaN compares False: an empty cell never breaks a range rule
            results[name] = np.asarray(rule.ok(columns, ctx), dtype=bool)
        return pd.Series(results[name], index=df.index)

    return check


def _messages(df: Frame, name: str, failing: np.ndarray, ctx: Context) -> pd.DataFrame:
    """The rule's problems: one message per distinct value of the fields it reads (built from the first row with
    them), the rule's plain message past RICH_MESSAGES of them."""
    rule = RULES[name]
    fields = [f for f in rule.fields if f in df.columns]
    rows = df["row"].to_numpy()[failing]
    if fields:
        codes = df[fields].iloc[failing].groupby(fields, dropna=False, sort=False, observed=True).ngroup().to_numpy()
    else:
        codes = np.zeros(len(failing), np.int64)
    _, first = np.unique(codes, return_index=True)  # ngroup numbers groups in order of first appearance
    rich = first[: RICH_MESSAGES if rule.plain else len(first)]
    worded = df.iloc[failing[rich]].to_dict("records")
    messages = [rule.message(row, ctx) for row in worded] + [rule.plain]
    column = "" if rule.column == "row" else rule.column
    return coded(rows, column, np.minimum(codes, len(rich)), messages)
