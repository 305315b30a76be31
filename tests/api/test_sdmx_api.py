"""/api/v1/sdmx/structure and /api/v1/sdmx/data/<indicator>: the bulk zip's SDMX per release and per indicator, with
the filters and errors of /api/v1/observations."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

sdmx = pytest.importorskip("sdmx", reason="sdmx1 is a test dependency: `make install-test`")

DATA = "/api/v1/sdmx/data"


@pytest.fixture(scope="module")
def bulk(client, release_id: str) -> zipfile.ZipFile:
    answer = client.get(f"/api/v1/releases/{release_id}/bulk.zip")
    assert answer.status_code == 200
    return zipfile.ZipFile(io.BytesIO(answer.data))


@pytest.fixture(scope="module")
def dataflow(client):
    answer = client.get("/api/v1/sdmx/structure")
    return sdmx.read_sdmx(io.BytesIO(answer.data), format="XML").dataflow["DF_LMM_OBSERVATIONS"]


def _frame(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def test_structure_is_the_bulk_file(client, bulk, release_id):
    answer = client.get("/api/v1/sdmx/structure")
    assert answer.status_code == 200 and answer.headers["X-LMM-Release"] == release_id
    assert answer.mimetype == "application/vnd.sdmx.structure+xml"
    assert answer.data == bulk.read("structure.sdmx.xml")
    again = client.get(f"/api/v1/sdmx/structure?release={release_id}", headers={"If-None-Match": "x"})
    assert again.data == answer.data and again.headers["Cache-Control"] == "public, max-age=86400"
    cached = client.get("/api/v1/sdmx/structure", headers={"If-None-Match": answer.headers["ETag"]})
    assert cached.status_code == 304


@pytest.mark.parametrize(
    "query",
    ["female_lfpr?country=MEX", "migrant_stock_corridor?country=MEX&sex=female&year_from=2000",
     "ilo_c102", "dual_citizenship_emigrants?country=FRA&year_to=1990", "wb_income_group"],
)  # fmt: skip
def test_data_are_the_bulk_rows_of_the_indicator(client, bulk, dataflow, query):
    answer = client.get(f"{DATA}/{query}")
    assert answer.status_code == 200, answer.data[:300]
    assert answer.mimetype == "application/vnd.sdmx.data+csv"
    frame = _frame(answer.data)
    assert list(frame.columns[:3]) == ["STRUCTURE", "STRUCTURE_ID", "ACTION"] and len(frame) > 0
    assert int(answer.headers["X-LMM-Count"]) == len(frame)
    everything = _frame(bulk.read("observations.sdmx2.csv"))
    indicator, _, filters = query.partition("?")
    expected = everything[everything["INDICATOR"] == indicator]
    for name, value in (part.split("=") for part in filters.split("&") if part):
        expected = expected[_keep(expected, name, value)]
    pd.testing.assert_frame_equal(frame, expected.reset_index(drop=True))
    message = sdmx.read_sdmx(io.BytesIO(answer.data), format="CSV", structure=dataflow)
    assert len(message.data[0].obs) == len(frame)


def _keep(frame: pd.DataFrame, name: str, value: str) -> pd.Series:
    if name == "year_from":
        return frame["TIME_PERIOD"].astype(int) >= int(value)
    if name == "year_to":
        return frame["TIME_PERIOD"].astype(int) <= int(value)
    if name == "sex":
        return frame["SEX"] == {"female": "F", "male": "M", "total": "_T"}[value]
    return frame[{"country": "REF_AREA", "partner": "COUNTERPART_AREA"}[name]] == value


def test_data_follow_the_rows_of_observations(client):
    """The same rows, in the same order, as /api/v1/observations with the same filters."""
    query = "country=MEX&partner=USA&sex=female"
    tidy = client.get(f"/api/v1/observations?indicator=migrant_stock_corridor&{query}&format=csv")
    answer = client.get(f"{DATA}/migrant_stock_corridor?{query}")
    expected, frame = _frame(tidy.data), _frame(answer.data)
    assert len(frame) == len(expected) > 0
    assert list(frame["TIME_PERIOD"]) == list(expected["year"])
    assert [float(v) for v in frame["OBS_VALUE"]] == [float(v) for v in expected["value"]]
    assert set(frame["COUNTERPART_AREA"]) == {"USA"} and set(frame["SEX"]) == {"F"}


def test_events_without_a_year_are_counted_as_left_out(client):
    answer = client.get(f"{DATA}/ilo_c102")
    tidy = _frame(client.get("/api/v1/observations?indicator=ilo_c102&format=csv").data)
    undated = int((tidy["year"] == "").sum())
    assert undated > 0 and int(answer.headers["X-LMM-Left-Out"]) == undated
    assert int(answer.headers["X-LMM-Count"]) == len(tidy) - undated
    frame = _frame(answer.data)
    assert set(frame["OBS_VALUE"]) <= {"in_force", "party", "not_in_force", "denounced"}
    assert set(frame["UNIT_MEASURE"]) == {"RATIFICATION_STATUS"}


@pytest.mark.parametrize(
    ("query", "status", "parameter"),
    [
        ("nope_indicator", 404, "indicator"),
        ("female_lfpx", 404, "indicator"),
        ("female_lfpr?country=XXQ", 404, "country"),
        ("migrant_stock_corridor?partner=ZZZ", 404, "partner"),
        ("female_lfpr?sex=women", 400, "sex"),
        ("female_lfpr?year_from=2020&year_to=2010", 400, "year_from"),
        ("female_lfpr?year_from=twenty", 400, "year_from"),
        ("female_lfpr?limit=10", 400, "limit"),
        ("female_lfpr?format=csv", 400, "format"),
        ("female_lfpr?release=r19990101T000000000Z", 404, "release"),
    ],
)
def test_bad_requests_get_the_apis_json_errors(client, query, status, parameter):
    answer = client.get(f"{DATA}/{query}")
    assert answer.status_code == status and answer.mimetype == "application/json"
    assert answer.get_json()["error"]["parameter"] == parameter
    if parameter == "indicator" and query == "female_lfpx":
        assert answer.get_json()["error"]["alternatives"][0]["id"] == "female_lfpr"


def test_openapi_documents_the_sdmx_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    structure = paths["/sdmx/structure"]["get"]["responses"]["200"]["content"]
    assert list(structure) == ["application/vnd.sdmx.structure+xml; version=2.1"]
    data = paths["/sdmx/data/{indicator}"]["get"]
    assert list(data["responses"]["200"]["content"]) == ["application/vnd.sdmx.data+csv; version=2.0.0"]
    assert {p["name"] for p in data["parameters"]} == {"indicator", "country", "year_from", "year_to", "sex",
                                                       "partner", "release"}  # fmt: skip
