"""The indicator page derives a country's event status once per state (which dated records are past, and whether the
year reached the lists' as-of year) instead of once per year: for any records, the statuses must equal
`indicators.events.derive` run for every year."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.queries.indicator import _statuses
from indicators.events import ILO_STATUSES, UN_STATUSES, ListInfo, derive, make_record

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


@settings(max_examples=400, deadline=None)
@given(data=st.data(), un_style=st.booleans(), complete=st.booleans(), as_of=st.none() | st.integers(1990, 2030))
def test_statuses_per_state_equal_derive_per_year(data: st.DataObject, un_style: bool, complete: bool,
                                                   as_of: int | None) -> None:  # fmt: skip
    found = data.draw(records(un_style))
    info = ListInfo(complete=complete, as_of=as_of, complete_as_of=as_of if complete else None, sources="src")
    expected = [derive(found, year, complete, un_style, as_of)[0].status for year in YEARS]
    assert _statuses(found, YEARS, info, un_style) == expected
