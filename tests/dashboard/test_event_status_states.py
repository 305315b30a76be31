"""The indicator page derives a country's event status once per state (which dated records are past, whether the
year reached the lists' as-of year, whether an absence is past its tolerance) instead of once per year: for any
records, universe and tolerance, the statuses must equal the release's rule (`derive`, then `outside` / `stale` as
`indicators.events.event_rows` applies them) run for every year."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.queries.indicator import _statuses
from indicators.events import (
    ILO_STATUSES,
    NOT_APPLICABLE,
    NOT_KNOWN,
    UN_STATUSES,
    ListInfo,
    Scope,
    derive,
    make_record,
    outside,
    stale,
)

YEARS = range(1945, 2031)


@st.composite
def records(draw: st.DrawFn, un_style: bool) -> list:
    statuses = sorted(UN_STATUSES if un_style else ILO_STATUSES)
    found = []
    for _ in range(draw(st.integers(0, 5))):
        year = draw(st.none() | st.integers(1940, 2035))
        month = draw(st.integers(1, 12))
        date = f"{year}-{month:02d}-15" if year is not None and draw(st.booleans()) else None
        found.append(make_record(date, year, draw(st.sampled_from(statuses)), "src"))
    return found


def release_rule(found: list, year: int, info: ListInfo, un_style: bool, scope: Scope, iso3: str) -> str:
    if outside(scope, iso3, found):
        return NOT_APPLICABLE
    result, record = derive(found, year, info.complete, un_style, info.as_of)
    list_year = info.as_of if found else info.complete_as_of
    valid = max(min(year, list_year) if list_year is not None else year, result.changed_year or 0)
    return NOT_KNOWN if stale(result.status, record, valid, scope, year) else result.status


@settings(max_examples=400, deadline=None)
@given(data=st.data(), un_style=st.booleans(), complete=st.booleans(), as_of=st.none() | st.integers(1990, 2030),
       tolerance=st.none() | st.integers(0, 3), member=st.booleans())  # fmt: skip
def test_statuses_per_state_equal_derive_per_year(data: st.DataObject, un_style: bool, complete: bool,
                                                   as_of: int | None, tolerance: int | None, member: bool) -> None:  # fmt: skip
    found = data.draw(records(un_style))
    info = ListInfo(complete=complete, as_of=as_of, complete_as_of=as_of if complete else None, sources="src")
    scope = Scope(frozenset({"AAA"} if member else {"BBB"}), tolerance)
    expected = [release_rule(found, year, info, un_style, scope, "AAA") for year in YEARS]
    assert _statuses(found, YEARS, info, un_style, scope, "AAA") == expected
