"""`/indicator/<id>`: an indicator id, a year and a sex in; per-country status frames and series for the page out,
as data: values, category codes with their published English labels, levels, years, source ids and the countries'
English names (the page puts them into words: dashboard/pages/_indicator_words.py).

The status of a country in a year follows the release's rules (indicators.release): the latest value at or before
the year, out of date when older than the recency window (shown with its year, never carried forward as
current); event indicators get the status derived from the dated events and the list's completeness.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from dashboard.queries.kept import per_release
from indicators.aggregate import MIN_PEERS
from indicators.events import (
    NOT_APPLICABLE,
    NOT_KNOWN,
    ListInfo,
    Record,
    Scope,
    derive,
    event_rows,
    is_un_style,
    list_info,
    make_record,
    outside,
    stale,
    with_entry_into_force,
)
from indicators.levels import find_category, level_array, scoreable
from indicators.model import Category, Indicator
from indicators.quality import later_change_dates, superseded
from indicators.registry import load_registry
from indicators.release import event_scopes
from warehouse.connection import cursor
from warehouse.memo import memo
from warehouse.read import release_info

# Areas with a scorecard (not aggregates, uninhabited or historical areas), with the list universes they belong to.
_SCORED_AREAS_SQL = """
SELECT iso3, name, un_member, ilo_member FROM countries
WHERE NOT is_aggregate AND coalesce(area_kind, '') NOT IN ('uninhabited', 'historical') ORDER BY name
"""
CURRENT = "current"  # a current value of a context series: a value, no level (see components.map)
SEXES = ("total", "female", "male")  # the sex slices, in this order after the headline one (words: sex.*)
# A status frame: `code` is the category's code (None: no category), `label` its published English label (or the
# published value label, or the event status, when the registry has no category for it).
DATA_COLUMNS = ["iso3", "name", "value", "code", "label", "unit", "year", "since", "level", "source_id", "reformed_on",
                "flags"]  # fmt: skip

# The latest row of each country (arg_max: one scan and a group-by; a QUALIFY row_number() window was planned as
# two scans and a join, ~3x the time on a large release).
_LATEST_SQL = """
SELECT c.iso3, c.name, o.latest.year AS year, o.latest.value AS value, o.latest.value_label AS value_label,
       o.latest.unit AS unit, o.latest.source_id AS source_id, o.latest.flags AS flags
FROM countries c
LEFT JOIN (
  SELECT country, arg_max(observations, year) AS latest FROM observations
  WHERE indicator_id = $indicator AND sex = $sex AND partner_country = '' AND year <= $year
    AND (value IS NOT NULL OR ($categorical AND value_label IS NOT NULL))
  GROUP BY country
) o ON o.country = c.iso3
WHERE NOT c.is_aggregate AND coalesce(c.area_kind, '') NOT IN ('uninhabited', 'historical')
ORDER BY c.name
"""


@dataclass(frozen=True)
class YearRange:
    first: int
    last: int
    status_year: int

    def clamp(self, year: int) -> int:
        return min(max(year, self.first), self.last)


def find_indicator(indicator_id: str) -> Indicator | None:
    return load_registry().indicators.get(indicator_id)


def close_matches(text: str, n: int = 5) -> list[Indicator]:
    """Indicators whose id or title is close to `text` (difflib), best first."""
    indicators = load_registry().indicators
    by_title = {ind.title.casefold(): ind.id for ind in indicators.values()}
    folded = text.casefold().strip()
    ids = difflib.get_close_matches(folded, list(indicators), n=n, cutoff=0.5)
    ids += [by_title[t] for t in difflib.get_close_matches(folded, list(by_title), n=n, cutoff=0.4)]
    ids += [i for i in indicators if folded and len(folded) >= 3 and folded in i]
    return [indicators[i] for i in dict.fromkeys(ids)][:n]


def status_year(release: str | None = None) -> int:
    return _status_year(cursor(release)[0])


@memo(8)
def _status_year(release_id: str) -> int:
    _, cur = cursor(release_id)
    return int(release_info(cur)["status_year"])  # type: ignore[call-overload]


@per_release
def year_range(ind: Indicator, release: str | None = None) -> YearRange:
    """Years the selector offers: the first year with data up to the later of the last one and the status year."""
    _, cur = cursor(release)
    table = "events" if ind.type == "event" else "observations"
    low, high = cur.execute(
        f"SELECT min(year), max(year) FROM {table} WHERE indicator_id = ?",  # noqa: S608 (table from a constant)
        [ind.id],
    ).fetchall()[0]
    status = status_year(release)
    first = int(low) if low is not None else status
    last = status if ind.type == "event" or high is None else max(int(high), status)
    return YearRange(min(first, last), last, status)


@per_release
def sexes(ind: Indicator, release: str | None = None) -> list[str]:
    """The sex slices published for the indicator (headline first); events have none but total."""
    if ind.type == "event":
        return ["total"]
    _, cur = cursor(release)
    rows = cur.execute("SELECT DISTINCT sex FROM observations WHERE indicator_id = ?", [ind.id]).fetchall()
    found = sorted((r[0] for r in rows), key=lambda s: (s != ind.headline_sex, SEXES.index(s)))
    return found or [ind.headline_sex]


@per_release
def status_frame(ind: Indicator, year: int, sex: str | None = None, release: str | None = None) -> pd.DataFrame:
    """One row per country (aggregates never), by English name: the status in `year`, in DATA_COLUMNS."""
    if ind.type == "event":
        return _event_frame(ind, year, release)
    _, cur = cursor(release)
    params = {"indicator": ind.id, "sex": sex or ind.headline_sex, "year": year, "categorical": _categorical(ind)}
    rows = cur.execute(_LATEST_SQL, params).df()
    has = rows["year"].notna()
    # A value a later reform replaced (indicators.quality) is out of date from the reform's year, as in the release.
    reformed = superseded(rows["flags"], year)
    out_of_date = has & ((rows["year"] < year - ind.recency_window) | reformed)
    levels, codes, labels = _levels(ind, rows)
    level = np.where(~has, "no_data", np.where(out_of_date, "out_of_date", levels))
    reformed_on = later_change_dates(rows["flags"]).where(reformed)
    frame = rows.assign(
        code=codes, label=labels, level=level, unit=rows["unit"].fillna(ind.unit), since=pd.NA, reformed_on=reformed_on
    )
    return frame.astype({"year": "Int64", "value": "Float64"})[DATA_COLUMNS]


def _categorical(ind: Indicator) -> bool:
    return ind.type != "continuous"


def _levels(ind: Indicator, rows: pd.DataFrame) -> tuple[np.ndarray, list[str | None], list[str | None]]:
    """Level, category code and English label of each row's value (no level: CURRENT for context series; no code
    or label for continuous values)."""
    values = rows["value"].to_numpy(dtype=float, na_value=np.nan)
    if not _categorical(ind):
        none: list[str | None] = [None] * len(rows)
        th = ind.thresholds
        if not scoreable(ind) or th is None:
            return np.full(len(rows), CURRENT, dtype=object), none, none
        return level_array(values, th.optimum, th.lower_bound, th.green, th.red).astype(object), none, none
    categories = [_category(ind, lab, val) for lab, val in zip(rows["value_label"], values, strict=True)]
    levels = [CURRENT if c is None or not scoreable(ind) else c.level for c in categories]
    published = [lab if isinstance(lab, str) else None for lab in rows["value_label"]]
    return np.array(levels, dtype=object), _codes(categories), _labels(categories, published)


def _category(ind: Indicator, label: object, value: float) -> Category | None:
    for candidate in (label, value):
        if candidate is not None and not pd.isna(candidate):  # type: ignore[call-overload]
            found = find_category(candidate, ind)
            if found is not None:
                return found
    return None


def _codes(categories: list[Category | None]) -> list[str | None]:
    return [None if c is None else c.code for c in categories]


def _labels(categories: list[Category | None], published: list[Any]) -> list[Any]:
    """Each category's English label; the published label (or status) where the registry has no category."""
    return [other if c is None else c.label for c, other in zip(categories, published, strict=True)]


def _event_frame(ind: Indicator, year: int, release: str | None) -> pd.DataFrame:
    """Derived ratification/treaty statuses in `year` (events.event_rows) with their category codes and levels."""
    _, cur = cursor(release)
    countries = cur.execute(_SCORED_AREAS_SQL).df()
    events, lists = event_tables(ind, release)
    scopes = event_scopes([ind], lists, countries, load_registry())
    rows = event_rows(events, lists, [ind], list(countries["iso3"]), year, scopes).rename(
        columns={"country": "iso3", "value_label": "status", "changed_year": "since"}
    )
    frame = countries[["iso3", "name"]].merge(rows, on="iso3", how="left")
    categories = [find_category(s, ind) for s in frame["status"]]
    frame = frame.assign(
        value=pd.NA,
        unit=ind.unit,
        code=_codes(categories),
        label=_labels(categories, frame["status"].tolist()),
        level=[_event_level(s, c, False) for s, c in zip(frame["status"], categories, strict=True)],
        reformed_on=pd.NA,
        flags=frame["flags"] if "flags" in frame.columns else pd.NA,
    )
    return frame.astype({"year": "Int64", "since": "Int64", "value": "Float64"})[DATA_COLUMNS]


def _event_level(status: str, category: Category | None, out_of_date: bool) -> str:
    if status in ("not_known", "not_applicable"):
        return status
    if out_of_date:
        return "out_of_date"
    return category.level if category is not None else "no_data"


def event_tables(ind: Indicator, release: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicator's country-level events and its event lists (completeness, as-of date)."""
    _, cur = cursor(release)
    events = cur.execute("SELECT * FROM events WHERE indicator_id = ? AND partner_country = ''", [ind.id]).df()
    lists = cur.execute("SELECT * FROM event_lists WHERE indicator_id = ?", [ind.id]).df()
    return events, lists


class Completeness(NamedTuple):
    """How far absence from an indicator's event lists can be read as "not ratified"."""

    complete: bool
    when: object  # the year (or date) the lists speak for
    notes: str  # the lists' own notes, as published


@per_release
def completeness(ind: Indicator, release: str | None = None) -> Completeness | None:
    """What absence from the event list means for this indicator, from event_lists; None when it has no list."""
    _, lists = event_tables(ind, release)
    if lists.empty:
        return None
    info = list_info(lists)
    notes = "; ".join(str(n) for n in lists["note"].dropna())
    return Completeness(info.complete, (info.complete_as_of or info.as_of) if info.complete else info.as_of, notes)


def country_series(ind: Indicator, countries: list[str], sex: str | None, release: str | None = None) -> pd.DataFrame:
    """The chosen countries' published values over time: name, iso3, year, value, value_label, code, label."""
    _, cur = cursor(release)
    rows = cur.execute(
        """SELECT c.name, o.country AS iso3, o.year, o.value, o.value_label
           FROM observations o JOIN countries c ON c.iso3 = o.country
           WHERE o.indicator_id = ? AND o.sex = ? AND o.partner_country = '' AND NOT c.is_aggregate
             AND list_contains(?, o.country)
           ORDER BY c.name, o.year, o.source_id""",
        [ind.id, sex or ind.headline_sex, countries],
    ).df()
    categories = [_category(ind, lab, val) for lab, val in zip(rows["value_label"], rows["value"], strict=True)]
    return rows.assign(code=_codes(categories), label=_labels(categories, rows["value_label"].tolist()))


@per_release
def region_medians(ind: Indicator, sex: str | None, release: str | None = None) -> pd.DataFrame:
    """Median of the countries' values per UN region (its English name) and year (countries only; n = countries
    with a value), only where at least MIN_PEERS countries have one: a "median" of one or two countries would
    swing with who reports. The same for every reader of the release: kept (per_release)."""
    _, cur = cursor(release)
    return cur.execute(
        """SELECT c.un_region AS name, o.year, median(o.value) AS value, count(*) AS n
           FROM observations o JOIN countries c ON c.iso3 = o.country
           WHERE o.indicator_id = ? AND o.sex = ? AND o.partner_country = '' AND NOT c.is_aggregate
             AND o.value IS NOT NULL AND c.un_region IS NOT NULL
           GROUP BY ALL HAVING count(*) >= ? ORDER BY name, year""",
        [ind.id, sex or ind.headline_sex, MIN_PEERS],
    ).df()


@per_release
def all_country_medians(ind: Indicator, sex: str, release: str | None = None) -> pd.DataFrame:
    """Median of every country's value per year for one sex (year, value, n), only where at least MIN_PEERS countries
    have one: the women-and-men chart's line when no country is chosen."""
    _, cur = cursor(release)
    return cur.execute(
        """SELECT o.year, median(o.value) AS value, count(*) AS n
           FROM observations o JOIN countries c ON c.iso3 = o.country
           WHERE o.indicator_id = ? AND o.sex = ? AND o.partner_country = '' AND NOT c.is_aggregate
             AND o.value IS NOT NULL
           GROUP BY ALL HAVING count(*) >= ? ORDER BY year""",
        [ind.id, sex, MIN_PEERS],
    ).df()


@per_release
def category_counts(ind: Indicator, sex: str | None, release: str | None = None) -> pd.DataFrame:
    """Countries per published category in each year: year, code, label, level, n (categorical and ordinal; code
    and label as in `status_frame`). The same for every reader of the release: kept (per_release); each published
    (label, value) is looked up once."""
    _, cur = cursor(release)
    rows = cur.execute(
        """SELECT o.year, o.value_label, o.value, count(*) AS n
           FROM observations o JOIN countries c ON c.iso3 = o.country
           WHERE o.indicator_id = ? AND o.sex = ? AND o.partner_country = '' AND NOT c.is_aggregate
           GROUP BY ALL ORDER BY o.year, o.value, o.value_label""",
        [ind.id, sex or ind.headline_sex],
    ).df()
    kinds: dict[tuple[Any, Any], tuple[str | None, str, str]] = {}
    counts: dict[tuple[Any, ...], int] = {}
    for year, label, value, n in zip(*(rows[c].tolist() for c in ("year", "value_label", "value", "n")), strict=True):
        if (label, value) not in kinds:
            found = _category(ind, label, value)
            kinds[(label, value)] = (found.code, found.label, found.level) if found else (None, str(label), "no_data")
        key = (year, *kinds[(label, value)])
        counts[key] = counts.get(key, 0) + n
    return pd.DataFrame([(*key, n) for key, n in counts.items()], columns=["year", "code", "label", "level", "n"])


@per_release
def event_series(
    ind: Indicator, years: range, countries: list[str] | None = None, release: str | None = None
) -> pd.DataFrame:
    """Derived statuses per country and year (all countries, or the chosen ones), countries by English name: iso3,
    name, year, status, code, label, level."""
    names, statuses = _derived(ind, years, countries, release)
    found = [
        (iso3, year, status)
        for iso3, per_year in statuses.items()
        for year, status in zip(years, per_year, strict=True)
    ]
    rows = pd.DataFrame(found, columns=["iso3", "asked", "status"]).merge(names, on="iso3")
    kinds = _status_kinds(ind, rows["status"].unique())
    for n, column in enumerate(("code", "label", "level")):
        rows[column] = rows["status"].map({s: kind[n] for s, kind in kinds.items()})
    return rows[["iso3", "name", "asked", "status", "code", "label", "level"]].rename(columns={"asked": "year"})


@per_release
def event_counts(ind: Indicator, years: range, release: str | None = None) -> pd.DataFrame:
    """Countries per derived status in each year (all countries): year, code, label, level, n; counted straight
    from the statuses (no frame of countries x years). The same for every reader of the release: kept."""
    _, statuses = _derived(ind, years, None, release)
    by_status = Counter(
        (year, status) for per_year in statuses.values() for year, status in zip(years, per_year, strict=True)
    )
    kinds = _status_kinds(ind, {status for _, status in by_status})
    rows = [(year, *kinds[status], n) for (year, status), n in by_status.items()]
    return pd.DataFrame(rows, columns=["year", "code", "label", "level", "n"])


def _derived(ind: Indicator, years: range, countries: list[str] | None,
             release: str | None) -> tuple[pd.DataFrame, dict[str, list[str]]]:  # fmt: skip
    """(iso3 and name of the countries by name, iso3 -> the derived status in each year)."""
    _, cur = cursor(release)
    areas = cur.execute(_SCORED_AREAS_SQL).df()
    names = areas[areas["iso3"].isin(countries)] if countries else areas
    events, lists = event_tables(ind, release)
    info, un_style = list_info(lists), is_un_style(ind)
    scope = event_scopes([ind], lists, areas, load_registry())[ind.id]
    grouped: dict[str, list[Record]] = {}
    columns = ("country", "event_date", "year", "status", "source_id")
    for country, date, year, status, source in zip(*(events[c].tolist() for c in columns), strict=True):
        grouped.setdefault(country, []).append(make_record(date, year, status, source))
    return names[["iso3", "name"]], {
        iso3: _statuses(grouped.get(iso3, []), years, info, un_style, scope, iso3) for iso3 in names["iso3"].tolist()
    }


def _status_kinds(ind: Indicator, statuses: Any) -> dict[str, tuple[str | None, str, str]]:
    """status -> (its category's code, its English label, its level)."""
    out = {}
    for status in statuses:
        found = find_category(status, ind)
        code, label = (found.code, found.label) if found is not None else (None, status)
        out[status] = (code, label, _event_level(status, found, False))
    return out


def _statuses(records: list[Record], years: range, info: ListInfo, un_style: bool, scope: Scope,
              iso3: str) -> list[str]:  # fmt: skip
    """`derive`'s status of a country in each year. It depends on the year only through which dated records are
    past (a prefix in date order: _order sorts by year first; ILO entry-into-force records included) and whether
    the year reached the lists' as_of year, so it is derived once per such state, not once per year (a country
    with events took 31 derives: ~40 ms for an indicator most countries ratified)."""
    if outside(scope, iso3, records):
        return [NOT_APPLICABLE] * len(years)
    dated = sorted(r.year for r in (records if un_style else with_entry_into_force(records)) if r.year is not None)
    kept: dict[tuple[int, bool, bool], str] = {}
    out = []
    list_year = info.complete_as_of if not records else info.as_of
    for year in years:
        past = list_year is not None and scope.tolerance is not None and year > min(year, list_year) + scope.tolerance
        state = (bisect_right(dated, year), info.as_of is not None and year >= info.as_of, past)
        if state not in kept:
            result, record = derive(records, year, info.complete, un_style, info.as_of)
            valid = max(min(year, list_year) if list_year is not None else year, result.changed_year or 0)
            kept[state] = NOT_KNOWN if stale(result.status, record, valid, scope, year) else result.status
        out.append(kept[state])
    return out
