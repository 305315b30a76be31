"""Clear errors (404 with the closest ids, 400 naming the parameter, 413 with the limit, never a 500), caching
headers and spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def error_of(response) -> dict:
    body = response.get_json()
    assert response.mimetype == "application/json" and "error" in body, response.get_data(as_text=True)[:300]
    return body["error"]


def test_unknown_indicator_lists_the_closest(client):
    error = error_of(answer := client.get("/api/v1/observations?indicator=femal_lfpr"))
    assert answer.status_code == 404 and error["parameter"] == "indicator"
    assert error["alternatives"][0]["id"] == "female_lfpr"


def test_unknown_country_by_code_or_name(client):
    by_code = error_of(answer := client.get("/api/v1/scorecards/MXE"))
    assert answer.status_code == 404 and "MEX" in [a["id"] for a in by_code["alternatives"]]
    by_name = error_of(client.get("/api/v1/observations?indicator=female_lfpr&country=Mexco"))
    assert by_name["parameter"] == "country" and by_name["alternatives"][0] == {"id": "MEX", "name": "Mexico"}
    corridor = error_of(client.get("/api/v1/corridors/MEX/Germny"))
    assert corridor["parameter"] == "destination" and "DEU" in [a["id"] for a in corridor["alternatives"]]


def test_unknown_release_lists_the_available_ones(client, release_id):
    error = error_of(answer := client.get("/api/v1/scorecards/MEX?release=r20000101T000000000Z"))
    assert answer.status_code == 404 and error["parameter"] == "release" and release_id in error["available"]
    error = error_of(answer := client.get("/api/v1/releases/r20000101T000000000Z/bulk.zip"))
    assert answer.status_code == 404 and release_id in error["available"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("indicator=female_lfpr&year_from=19x9", "year_from"),
        ("indicator=female_lfpr&year_to=2020.5", "year_to"),
        ("indicator=female_lfpr&year_from=2020&year_to=2010", "year_from"),
        ("indicator=female_lfpr&sex=women", "sex"),
        ("indicator=female_lfpr&format=xlsx", "format"),
        ("indicator=female_lfpr&limit=0", "limit"),
        ("indicator=female_lfpr&offset=-1", "offset"),
        ("indicator=female_lfpr&offset=99999999999999999999", "offset"),
        ("indicator=", "indicator"),
        ("country=MEX", "indicator"),
        ("indicator=female_lfpr&contry=MEX", "contry"),
        ("indicator=female_lfpr&sex=male&sex=female", "sex"),
    ],
)
def test_malformed_parameters_are_400_naming_them(client, query, parameter):
    answer = client.get(f"/api/v1/observations?{query}")
    assert answer.status_code == 400
    assert error_of(answer)["parameter"] == parameter


def test_too_large_a_page_names_the_limit(client):
    answer = client.get("/api/v1/observations?indicator=female_lfpr&limit=50001")
    error = error_of(answer)
    assert answer.status_code == 413 and error["limit"] == 50000 and "50,000" in error["message"]


def test_routing_errors_are_json(client):
    assert error_of(answer := client.get("/api/v1/no-such-thing"))["status"] == 404 and answer.status_code == 404
    assert client.post("/api/v1/countries").status_code == 405
    assert error_of(client.get("/api/v1/briefings/MEX.docx"))["status"] == 404


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(["observations", "scorecards/", "corridors/MEX/", "indicators/", "countries", "releases"]),
    value=st.text(max_size=30),
    name=st.sampled_from(["indicator", "country", "year_from", "limit", "offset", "sex", "partner", "release"]),
)
def test_no_input_gives_a_server_error(client, path, value, name):
    # the value goes into the path percent-encoded, as a client would send it ("?" or "#" would end the path)
    url = f"/api/v1/{path}" + (quote(value, safe="") if path.endswith("/") else "")
    answer = client.get(url, query_string={"indicator": "female_lfpr", name: value} if path == "observations" else {})
    assert answer.status_code < 500, answer.get_data(as_text=True)[:300]


def test_etag_gives_304_and_differs_per_query_and_release(client, release_id):
    first = client.get("/api/v1/scorecards/MEX")
    etag = first.headers["ETag"]
    assert release_id in etag and "max-age" in first.headers["Cache-Control"]
    again = client.get("/api/v1/scorecards/MEX", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["X-LMM-Release"] == release_id
    assert client.get("/api/v1/scorecards/DEU").headers["ETag"] != etag
    pinned = client.get(f"/api/v1/scorecards/MEX?release={release_id}")
    assert pinned.headers["ETag"] != etag and "86400" in pinned.headers["Cache-Control"]


def test_planted_formula_is_neutralised_in_csv_but_not_in_json(client, in_two_releases):
    from tests.api.conftest import PLANTED

    query = {"indicator": "female_lfpr", "country": "ZWE", "year_from": 1901, "year_to": 1901}
    answer = client.get("/api/v1/observations", query_string={**query, "format": "csv"})
    assert answer.headers["X-LMM-Release"] == in_two_releases.second
    (row,) = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert row["value_label"] == "'" + PLANTED["value_label"] and row["flags"] == "'" + PLANTED["flags"]
    (raw,) = client.get("/api/v1/observations", query_string=query).get_json()["rows"]
    assert raw["value_label"] == PLANTED["value_label"]


def test_every_answer_names_its_release(client, release_id):
    for url in ["/api/v1/health", "/api/v1/countries", "/api/v1/indicators", "/api/v1/methodology",
                "/api/v1/releases", "/api/v1/corridors/MEX/USA", "/api/v1/indicators/female_lfpr"]:  # fmt: skip
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.get_json()["release"] == answer.headers["X-LMM-Release"] == release_id, url


def test_a_real_bug_is_a_logged_json_500(client, monkeypatch, caplog):
    from dashboard.api import queries as api_queries

    def broken() -> list:
        raise RuntimeError("planted bug")

    monkeypatch.setattr(api_queries, "release_list", broken)
    answer = client.get("/api/v1/releases")
    assert answer.status_code == 500 and error_of(answer)["code"] == "internal_error"
    assert "planted bug" not in answer.get_data(as_text=True), "no internals leak to the client"
    assert any("API bug" in record.message for record in caplog.records)
