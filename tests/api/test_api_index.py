"""dashboard/api/index.py writes the same bytes as the SQL of `lmm export` (api_queries.observation_rows) for any
filters, limit and offset (hypothesis), and the app answers the same whichever of the two is used."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.api import index as api_index
from dashboard.api import queries as q
from dashboard.api.common import json_text


@pytest.fixture(scope="module")
def reading(release_id: str):
    from warehouse.connection import cursor

    _, cur = cursor(release_id)
    return cur, api_index.build(cur), q.indicator_types(cur)


def _sample(column: str):
    return st.sampled_from([None, None, "MEX", "PHL", "USA", "DEU", "ZZZ", ""] if column != "sex"
                           else [None, "total", "female", "male", "other"])  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_index_writes_what_the_sql_writes(reading, data):
    cur, index, kinds = reading
    filters = {
        "indicator": data.draw(st.sampled_from([*sorted(kinds), "not_an_indicator"])),
        "country": data.draw(_sample("country")), "partner": data.draw(_sample("partner")),
        "sex": data.draw(_sample("sex")),
        "year_from": data.draw(st.none() | st.integers(1000, 2999)), "year_to": data.draw(st.none() | st.integers(1000, 2999)),
    }  # fmt: skip
    limit, offset = data.draw(st.integers(1, 50_001)), data.draw(st.sampled_from([0, 0, 1, 7, 1000, 2**31 - 1]))
    expected = [
        json_text(row) for row in q.observation_rows(cur, kinds.get(filters["indicator"]), filters, limit, offset)
    ]
    assert index.json_rows(filters, limit, offset) == expected


def test_app_answers_the_same_from_the_index_and_from_duckdb(client, release_id, reading, monkeypatch):
    urls = ["/api/v1/observations?indicator=female_lfpr&country=MEX", "/api/v1/observations?indicator=ilo_c189",
            "/api/v1/observations?indicator=migrant_stock&sex=female&year_from=2000&year_to=2020&limit=1000&offset=5",
            "/api/v1/observations?indicator=migrant_stock_corridor&country=MEX&partner=USA"]  # fmt: skip
    monkeypatch.setattr(api_index, "ready", lambda release: None)
    from_sql = [client.get(url).data for url in urls]
    monkeypatch.setattr(api_index, "ready", lambda release: reading[1])
    assert [client.get(url).data for url in urls] == from_sql
