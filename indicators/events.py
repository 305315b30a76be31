"""A country's dated legal events for one instrument in; its status in a given year (and when it changed) out.

Statuses, ILO style: in_force / not_in_force (ratified, not yet in force) / party (ratified, whether in force not
stated) / denounced / not_ratified / not_known. UN style: party / signatory / no_action / not_known.

ILO entry into force (derived): the final clauses of ILO conventions say a ratification comes into force for the
Member twelve months after its registration. A list that states "not in force" as of its page date (e.g. C189
ratified 2020-07-03, listed in October 2020) is therefore read as in force from the registration date + 12 months;
see `with_entry_into_force`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import pandas as pd

from indicators.model import Indicator

ILO_STATUSES = frozenset({"in_force", "not_in_force", "party", "denounced"})
UN_STATUSES = frozenset({"party", "signatory", "no_action"})
NOT_RATIFIED, NOT_KNOWN, NO_ACTION = "not_ratified", "not_known", "no_action"
NOT_APPLICABLE = "not_applicable"  # the area is outside the list's universe (e.g. not a UN member state)
# Statuses that say something has NOT happened (a signature says the treaty was not ratified): true only as of the
# list's date, so they hold for its tolerance and no longer. Ratifications and denunciations are durable.
ABSENCE_STATUSES = frozenset({NOT_RATIFIED, NO_ACTION, "signatory"})
STALE_FLAG = "not_known_since"
DERIVED_FLAG = "in_force_derived"  # in force by the ILO 12-month rule (see with_entry_into_force), not by the list
# Events that can open a country's record: before them the instrument was not (yet) ratified / acted on.
# A UN "party" cannot: the country may have signed before, and the list does not date signatures.
FIRST_STEPS = {False: frozenset({"in_force", "not_in_force", "party"}), True: frozenset({"signatory", "no_action"})}
# Two events in the same year (or on the same date): the later stage wins.
PRECEDENCE = {"no_action": 0, "signatory": 1, "party": 2, "not_in_force": 2, "in_force": 3, "denounced": 4}
ENTRY_INTO_FORCE_MONTHS = 12
DERIVED_NOTE = "derived: ILO final clause, in force 12 months after registration"
_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class EventStatus(NamedTuple):
    status: str
    changed_year: int | None  # "changed in YEAR"; None when the status was not set by a dated event


class Record(NamedTuple):
    year: int | None  # None: undated (the list gives the status as of its as_of date only)
    date: str  # 'YYYY-MM-DD' or ''
    status: str
    source_id: str = ""
    derived: bool = False  # added by `with_entry_into_force`, not stated by the source


def event_status(
    events: pd.DataFrame | Iterable[Mapping[str, Any]],
    year: int,
    list_complete: bool,
    un_style: bool,
    as_of: int | None = None,
) -> EventStatus:
    """The status of one instrument in one country in `year`, from that country's events (event_date/year/status).

    Rules, in order:
    1. Undated events give the status as of the list's `as_of` year: they decide when `year` >= as_of (or as_of
       is unknown), unless a dated event after as_of (and not after `year`) is newer. changed_year is None.
    2. Otherwise the latest dated event in or before `year` decides (ties: later stage wins); changed_year is its
       year. A ratification dated after `year` is not yet counted.
    3. Only undated events, and `year` before as_of: no_action if that is all they say (UN), else not_known.
    4. Only events after `year`: not_ratified (UN: no_action) when the first of them opens the record
       (ILO: a ratification; UN: a signature or no action); else not_known (e.g. a denunciation first, or a UN
       accession whose earlier signature, if any, is undated).
    5. No events: not_ratified (UN: no_action) only when the list is complete; absent from a PARTIAL list is
       not_known, never not ratified.
    A status outside the style's vocabulary is not derivable: not_known. ILO style only: before these rules, a
    dated not_in_force adds a derived in_force record 12 months later (`with_entry_into_force`).
    """
    return derive(to_records(events), year, list_complete, un_style, as_of)[0]


def to_records(events: pd.DataFrame | Iterable[Mapping[str, Any]]) -> list[Record]:
    rows = events.to_dict("records") if isinstance(events, pd.DataFrame) else list(events)
    return [make_record(r.get("event_date"), r.get("year"), r["status"], r.get("source_id")) for r in rows]


def make_record(date: object, year: object, status: object, source_id: object = "") -> Record:
    text = date.strip() if isinstance(date, str) else ""
    if text:
        dated: int | None = int(text[:4])
    else:
        dated = None if year is None or pd.isna(year) else int(year)  # type: ignore[call-overload]
    return Record(dated, text, str(status), "" if source_id is None or pd.isna(source_id) else str(source_id))  # type: ignore[call-overload]


def _order(record: Record) -> tuple[int, str, int]:
    return (record.year or 0, record.date, PRECEDENCE.get(record.status, -1))


def entry_into_force_date(date: str, months: int = ENTRY_INTO_FORCE_MONTHS) -> str | None:
    """'2020-07-03' -> '2021-07-03' (`months` later; a day the month lacks -> its last day); None unless a full date."""
    match = _FULL_DATE.match(date)
    if match is None or not 1 <= int(match[2]) <= 12:
        return None
    year, month = divmod(int(match[1]) * 12 + int(match[2]) - 1 + months, 12)
    day = min(int(match[3]), calendar.monthrange(year, month + 1)[1])
    return f"{year:04d}-{month + 1:02d}-{day:02d}"


def with_entry_into_force(records: list[Record]) -> list[Record]:
    """ILO final clause: each dated not_in_force (a registered ratification) adds a derived in_force record dated
    12 months later, unless an explicit record falls after the registration and on or before that date (a
    denunciation or a stated status then decides). Explicit records after the derived date win by date as usual.
    """
    derived = []
    for reg in records:
        in_force = entry_into_force_date(reg.date) if reg.status == "not_in_force" else None
        if in_force is None or reg.year is None:
            continue
        end = int(in_force[:4])
        between = [
            r for r in records
            if r.year is not None and (reg.date < r.date <= in_force if r.date else reg.year < r.year <= end)
        ]  # fmt: skip
        if not between:
            derived.append(Record(end, in_force, "in_force", reg.source_id, derived=True))
    return records + derived


def _checked(status: str, un_style: bool) -> str:
    return status if status in (UN_STATUSES if un_style else ILO_STATUSES) else NOT_KNOWN


def derive(
    records: list[Record], year: int, complete: bool, un_style: bool, as_of: int | None = None
) -> tuple[EventStatus, Record | None]:
    """`event_status` plus the record that decided it (None when derived from absence)."""
    none_yet = NO_ACTION if un_style else NOT_RATIFIED
    records = records if un_style else with_entry_into_force(records)
    dated = sorted((r for r in records if r.year is not None), key=_order)
    past = [r for r in dated if r.year is not None and r.year <= year]
    undated = [r for r in records if r.year is None]
    newer_dated = bool(past) and as_of is not None and (past[-1].year or 0) > as_of
    if undated and (as_of is None or year >= as_of) and not newer_dated:
        last = max(undated, key=_order)
        return EventStatus(_checked(last.status, un_style), None), last
    if past:
        status = _checked(past[-1].status, un_style)
        return EventStatus(status, None if status == NOT_KNOWN else past[-1].year), past[-1]
    if undated:
        only_none = un_style and all(r.status == NO_ACTION for r in undated)
        return EventStatus(NO_ACTION if only_none else NOT_KNOWN, None), undated[0]
    if dated:
        opens = dated[0].status in FIRST_STEPS[un_style]
        return EventStatus(none_yet if opens else NOT_KNOWN, None), None
    return EventStatus(none_yet if complete else NOT_KNOWN, None), None


def is_un_style(ind: Indicator) -> bool:
    """UN treaty vocabulary (party / signatory / no action) when the indicator's table uses it."""
    codes = {c.code for c in ind.categories}
    return bool(codes & {"signatory", "no_action"}) or (not codes and ind.id.startswith("un_"))


class ListInfo(NamedTuple):
    complete: bool
    as_of: int | None  # latest as_of year over the indicator's lists
    complete_as_of: int | None  # latest as_of year over its complete lists
    sources: str
    as_of_text: str = ""  # the newest list's as_of as published ('2022-08-25', '2020-10')


class Scope(NamedTuple):
    """Where an indicator's lists speak: the areas they cover, and how long an absence from them stays true."""

    universe: frozenset[str] | None = None  # None: every area
    tolerance: int | None = None  # years after the list's as-of year; None: no limit


def as_of_year(text: object) -> int | None:
    """'2020-10' -> 2020, '2023/24' -> 2023; None when no four-digit year is given."""
    years = [int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", str(text))] if pd.notna(text) else []  # type: ignore[call-overload]
    return max(years) if years else None


def list_info(lists: pd.DataFrame) -> ListInfo:
    """One indicator's event_lists rows: complete when any list is; as-of years; their sources."""
    complete_mask = lists["complete"].astype(bool)
    years = [y for y in map(as_of_year, lists["as_of"]) if y is not None]
    complete_years = [y for y in map(as_of_year, lists.loc[complete_mask, "as_of"]) if y is not None]
    dated = sorted((as_of_year(text) or 0, str(text)) for text in lists["as_of"] if pd.notna(text))
    return ListInfo(
        bool(complete_mask.any()),
        max(years) if years else None,
        max(complete_years) if complete_years else None,
        ";".join(sorted(set(lists["source_id"].astype(str)))),
        dated[-1][1] if dated else "",
    )


def event_rows(
    events: pd.DataFrame,
    event_lists: pd.DataFrame,
    indicators: list[Indicator],
    iso3: list[str],
    status_year: int,
    scopes: Mapping[str, Scope] | None = None,
) -> pd.DataFrame:
    """Every country x event indicator: status code (value_label), changed_year, the year it is valid for, source,
    flags.

    The status is valid as of the lists' as_of year when that is before the status year (a list complete to
    2020 says nothing about 2024), so `year` = min(status_year, as_of). Then, by the indicator's `Scope`:
    - an area outside the list's universe with no event of its own is not_applicable (never "not ratified");
    - a ratification, entry into force or denunciation is durable: it keeps its status whatever the list's age;
    - a status that says something has not happened (not_ratified / no_action from absence, a signature without a
      ratification) holds until the list's as-of year + tolerance; past it the status is not_known, flagged
      `not_known_since=<the list's as_of>;last_stated=<status>`, and `year` stays the list's as-of year.
    An in-force status that comes from the ILO 12-month rule, not from the list, is flagged `in_force_derived=<date>`.
    """
    ids = {ind.id for ind in indicators}
    wanted = events[events["indicator_id"].isin(ids) & (events["partner_country"].fillna("") == "")]
    grouped: dict[tuple[str, str], list[Record]] = {}
    for ind_id, country, date, year, status, source in zip(
        wanted["indicator_id"], wanted["country"], wanted["event_date"], wanted["year"], wanted["status"],
        wanted["source_id"], strict=True,
    ):  # fmt: skip
        grouped.setdefault((ind_id, country), []).append(make_record(date, year, status, source))
    rows = []
    for ind in indicators:
        info = list_info(event_lists[event_lists["indicator_id"] == ind.id])
        scope = (scopes or {}).get(ind.id, Scope())
        rows.extend(_indicator_rows(ind, info, scope, grouped, iso3, status_year))
    columns = ["indicator_id", "country", "value_label", "changed_year", "year", "source_id", "flags"]
    return pd.DataFrame(rows, columns=columns)


def _indicator_rows(
    ind: Indicator,
    info: ListInfo,
    scope: Scope,
    grouped: dict[tuple[str, str], list[Record]],
    iso3: list[str],
    status_year: int,
) -> list[tuple[str, str, str, int | None, int, str, str]]:
    un_style = is_un_style(ind)
    valid_year = min(status_year, info.as_of) if info.as_of is not None else status_year
    absent_year = min(status_year, info.complete_as_of) if info.complete_as_of is not None else valid_year
    rows: list[tuple[str, str, str, int | None, int, str, str]] = []
    for country in iso3:
        records = grouped.get((ind.id, country), [])
        if outside(scope, country, records):
            rows.append((ind.id, country, NOT_APPLICABLE, None, valid_year, info.sources, ""))
            continue
        result, record = derive(records, status_year, info.complete, un_style, info.as_of)
        year = max(valid_year if records else absent_year, result.changed_year or 0)  # a newer event is its own date
        source = record.source_id if record is not None and record.source_id else info.sources
        status, flags = result.status, f"{DERIVED_FLAG}={record.date}" if record is not None and record.derived else ""
        if stale(result.status, record, year, scope, status_year):
            status, flags = NOT_KNOWN, f"{STALE_FLAG}={info.as_of_text or year};last_stated={result.status}"
        rows.append((ind.id, country, status, result.changed_year, year, source, flags))
    return rows


def outside(scope: Scope, country: str, records: list[Record]) -> bool:
    """Outside the list's universe, with no event of its own: not applicable."""
    return not records and scope.universe is not None and country not in scope.universe


def stale(status: str, record: Record | None, list_year: int, scope: Scope, status_year: int) -> bool:
    """An absence (or a signature) stated by a list, read in a status year past the list's tolerance."""
    from_list = record is None or record.year is None  # not a dated event of the country's own
    expired = scope.tolerance is not None and status_year > list_year + scope.tolerance
    return status in ABSENCE_STATUSES and from_list and expired
