"""The API's fast lane (dashboard/api/fastlane.py) answers /api/v1/observations exactly as Flask does: same status,
same headers in the same order (Date's value aside), same body, for generated queries (good and bad parameters,
pinned releases, every Accept-Encoding, HTTP and HTTPS); and the CSV written from the index is pandas' CSV."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder

from dashboard.api import index as api_index
from dashboard.api.fastlane import FastLane

INDICATORS = ["female_lfpr", "lfpr_national", "migrant_stock", "migrant_stock_corridor", "ilo_c189", "ilo_c097",
              "dual_citizenship_acceptance", "remittance_cost", "nope", "FEMALE_LFPR", ""]  # fmt: skip
ENCODINGS = ["", "gzip", "gzip, deflate", "gzip, deflate, br, zstd", "br", "zstd", "identity", "gzip;q=0", "*"]


def run(app, url: str, headers: dict[str, str], scheme: str = "http") -> tuple[str, list, bytes]:
    environ = EnvironBuilder(url, headers=headers, base_url=f"{scheme}://127.0.0.1:8050").get_environ()
    out: dict = {}

    def start_response(status, response_headers, exc_info=None):
        out.update(status=status, headers=response_headers)

    body = b"".join(app(environ, start_response))
    return out["status"], [(k, "<date>" if k == "Date" else v) for k, v in out["headers"]], body


@pytest.fixture(scope="module")
def lane(client, release_id: str) -> FastLane:
    lane = client.application.wsgi_app
    assert isinstance(lane, FastLane) and lane._on(), "the fast lane is installed and on"
    deadline = time.monotonic() + 60
    while api_index.ready(release_id) is None:  # the lane answers only from the index
        assert time.monotonic() < deadline, "the index was not built within 60 s"
        time.sleep(0.1)
    return lane


def _query(data) -> str:
    params = {
        "indicator": data.draw(st.sampled_from(INDICATORS)),
        "country": data.draw(st.sampled_from([None, "MEX", "mex", "PHL", "USA", "", "ZZZ", "WLD"])),
        "partner": data.draw(st.sampled_from([None, None, "USA", "MEX", ""])),
        "sex": data.draw(st.sampled_from([None, "female", "male", "total", "FEMALE", "other"])),
        "year_from": data.draw(st.sampled_from([None, "2000", "1990", "abc", "3000"])),
        "year_to": data.draw(st.sampled_from([None, "2020", "1999", ""])),
        "format": data.draw(st.sampled_from([None, "json", "csv", "CSV", "xml"])),
        "limit": data.draw(st.sampled_from([None, "1", "3", "1000", "50000", "50001", "0", "x"])),
        "offset": data.draw(st.sampled_from([None, "0", "2", "40", "-1"])),
        "extra": data.draw(st.sampled_from([None, None, None, "1"])),
    }
    return urlencode({k: v for k, v in params.items() if v is not None})


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_lane_answers_as_flask_does(lane, release_id, data):
    query = _query(data)
    if data.draw(st.booleans()):
        query += f"&release={data.draw(st.sampled_from([release_id, 'r19990101T000000000Z', 'bad id']))}"
    if data.draw(st.integers(0, 9)) == 0:
        query += "&sex=female"  # a parameter given twice
    headers = {"Accept-Encoding": data.draw(st.sampled_from(ENCODINGS))}
    scheme = data.draw(st.sampled_from(["http", "https"]))
    url = f"/api/v1/observations?{query}"
    assert run(lane, url, headers, scheme) == run(lane.inner, url, headers, scheme)


def test_the_lane_answers_the_plain_case_itself(lane, monkeypatch):
    url = "/api/v1/observations?indicator=female_lfpr&country=MEX"
    expected = run(lane.inner, url, {"Accept-Encoding": "gzip"})
    monkeypatch.setattr(lane, "inner", lambda *_: pytest.fail("went through Flask"))
    assert run(lane, url, {"Accept-Encoding": "gzip"}) == expected
    assert expected[0] == "200 OK" and dict(expected[1])["Content-Encoding"] == "gzip"


def raw(app, url: str, headers: dict[str, str]) -> tuple[str, dict[str, str], bytes]:
    environ = EnvironBuilder(url, headers=headers, base_url="http://127.0.0.1:8050").get_environ()
    out: dict = {}
    body = b"".join(app(environ, lambda status, response_headers, exc_info=None: out.update(h=response_headers)))
    return environ["QUERY_STRING"], dict(out["h"]), body


def test_a_repeated_request_is_answered_from_the_kept_answer_as_flask_answers(lane, monkeypatch):
    url = "/api/v1/observations?indicator=lfpr_national&country=PHL"
    headers = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    first = run(lane, url, headers)
    with monkeypatch.context() as patched:
        patched.setattr(lane, "_answer", lambda environ: pytest.fail("answered anew, not from the kept answers"))
        assert run(lane, url, headers) == first == run(lane.inner, url, headers)
        assert raw(lane, url, headers)[1]["Date"], "each answer has its own Date"
    assert run(lane, url, {"Accept-Encoding": "identity"}) == run(lane.inner, url, {"Accept-Encoding": "identity"})
    https = run(lane, url, headers, "https")  # kept apart: another URL in the answer (HSTS, the next link)
    assert https == run(lane.inner, url, headers, "https") and https != first


def test_an_answer_is_kept_only_under_the_release_it_is_of(lane, release_id, monkeypatch):
    """A request that saw release A before a publish, answered with release B, is not kept under A (a rollback to A
    would send B's rows); a query naming ?release= is not kept at all."""
    answered: list[str] = []
    real = lane._answer

    def counting(environ):
        answered.append(environ["QUERY_STRING"])
        return real(environ)

    monkeypatch.setattr(lane, "_answer", counting)
    monkeypatch.setattr(lane.served, "known", lambda: "r19990101T000000000Z")
    for url in ["/api/v1/observations?indicator=female_lfpr&country=CAN"] * 2:
        assert run(lane, url, {}) == run(lane.inner, url, {})
    assert len(answered) == 2
    monkeypatch.undo()
    monkeypatch.setattr(lane, "_answer", counting)
    for url in [f"/api/v1/observations?indicator=female_lfpr&country=CHL&release={release_id}"] * 2:
        assert run(lane, url, {}) == run(lane.inner, url, {})
    assert len(answered) == 4


def test_kept_answers_are_bounded(monkeypatch):
    from dashboard.api import fastlane

    monkeypatch.setattr(fastlane, "KEPT_ANSWERS", 3)
    monkeypatch.setattr(fastlane, "KEPT_BYTES", 1600)
    answers = fastlane.kept_answers()
    for i in range(5):
        answers.put((i,), ("200 OK", [], b"x" * 50))
    assert [answers.get((i,)) is not None for i in range(5)] == [False, False, True, True, True]  # by count
    big = ("200 OK", [], b"x" * 101)
    assert not fastlane.worth_keeping(big) and fastlane.worth_keeping(("200 OK", [], b"x" * 100))  # 1/16 of bytes
    for i in range(5, 8):
        answers.put((i,), ("200 OK", [], b"x" * 600))  # 1,800 bytes: by bytes, the oldest goes first
    assert [answers.get((i,)) is not None for i in range(2, 8)] == [False] * 4 + [True, True]


def test_conditional_requests_go_through_flask(client, lane):
    first = client.get("/api/v1/observations?indicator=female_lfpr&country=MEX", headers={"Accept-Encoding": "gzip"})
    again = client.get("/api/v1/observations?indicator=female_lfpr&country=MEX",
                       headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})  # fmt: skip
    assert again.status_code == 304


def test_the_lane_turns_itself_off_when_the_app_gains_a_hook(lane, monkeypatch):
    from dashboard.api import fastlane

    server = lane.server
    monkeypatch.setitem(server.before_request_funcs, None, [*server.before_request_funcs[None], lambda: None])
    assert "request hooks" in (fastlane.unknown_hooks(server) or "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_csv_from_the_index_is_pandas_csv(client, lane, monkeypatch, data):
    """The same bytes whether the CSV is written from the index or by pandas from DuckDB's rows."""
    query = _query(data).replace("format=json", "format=csv")
    url = f"/api/v1/observations?{query}&format=csv" if "format=" not in query else f"/api/v1/observations?{query}"
    from_index = client.get(url).data
    with monkeypatch.context() as patched:
        patched.setattr(api_index, "ready", lambda release: None)
        patched.setattr(lane, "_key", lambda environ: None)  # not the kept answer: DuckDB's rows
        assert client.get(url).data == from_index


def test_csv_of_planted_text_cells(in_two_releases):
    """Formula-like cells are neutralised and quoted as pandas writes them, from the index too."""
    from warehouse.connection import cursor
    from warehouse.read import export_rows
    from warehouse.safe_csv import neutralise_frame

    _, cur = cursor(in_two_releases.second)
    index = api_index.build(cur)
    assert index is not None
    filters = dict.fromkeys(("country", "year_from", "year_to", "sex", "partner"))
    for indicator, country in (("female_lfpr", "ZWE"), ("ilo_c189", None), ("migrant_stock_corridor", "MEX")):
        query = {**filters, "indicator": indicator, "country": country}
        expected = neutralise_frame(export_rows(cur, **query, limit=5000)).to_csv(index=False)  # type: ignore[arg-type]
        written = "\n".join(["indicator,country,year,sex,partner_country,value,value_label,unit,source_id,flags",
                             *index.csv_lines(query, 5000, 0)]) + "\n"  # fmt: skip
        assert written == expected, indicator


def test_the_served_release_is_asked_again_when_its_files_change(lane, release_id, monkeypatch):
    """The lane keeps the reader's answer only while the `current` link and the release's files stay as they were:
    a changed checksum file (as a damaged or repaired release) or a new target makes it ask the reader again."""
    import os

    from dashboard.api import fastlane
    from warehouse import releases

    asked: list[str | None] = []
    real = fastlane.open_release

    def counting(wanted, remember):
        asked.append(wanted)
        return real(wanted, remember)

    monkeypatch.setattr(fastlane, "open_release", counting)
    served = fastlane.ServedRelease()
    assert served.open(None, False)[0] == release_id and served.open(None, False) == (release_id, None)
    assert len(asked) == 1, "the second answer came without the reader"
    checksum = releases.release_path(release_id).with_suffix(".sha256")
    stat = checksum.stat()
    os.utime(checksum, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    try:
        assert served.open(None, False)[0] == release_id and len(asked) == 2
        assert served.open(release_id, False)[0] == release_id and len(asked) == 3, "?release= always asks"
    finally:
        os.utime(checksum, ns=(stat.st_atime_ns, stat.st_mtime_ns))


# (indicator, country): a state with data, one with none for that indicator (VAT), a territory with data (PRI, HKG),
# a territory with no data at all (PCN), a corridor's origin, an index indicator with categories.
CASES = [("female_lfpr", "MEX"), ("female_lfpr", "VAT"), ("female_lfpr", "PRI"), ("migrant_stock", "HKG"),
         ("female_lfpr", "PCN"), ("migrant_stock_corridor", "MEX"), ("dual_citizenship_acceptance", "PCN"),
         ("ilo_c189", "PRI"), ("female_lfpr", None), ("remittance_cost", None)]  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize(("indicator", "country"), CASES)
def test_the_lane_writes_what_flask_reads_from_duckdb(lane, monkeypatch, indicator, country, fmt):
    """Fast path (the lane, rows from the index) against the normal path (Flask, rows from DuckDB's SQL): the same
    status, headers and bytes, including an empty answer for an area with no data (never zeros)."""
    query = urlencode({k: v for k, v in {"indicator": indicator, "country": country, "format": fmt,
                                         "limit": "50000"}.items() if v})  # fmt: skip
    url = f"/api/v1/observations?{query}"
    headers = {"Accept-Encoding": "identity"}
    fast = run(lane, url, headers)
    monkeypatch.setattr(api_index, "ready", lambda release: None)
    monkeypatch.setattr(lane, "_key", lambda environ: None)  # not the kept answer: DuckDB's rows
    assert run(lane, url, headers) == fast, "the same answer from DuckDB"
    assert fast[0] == "200 OK"
    if country in ("VAT", "PCN"):
        empty = '"rows": []' in fast[2].decode() if fmt == "json" else fast[2].decode().count("\n") == 1
        assert empty, "no data is an empty answer"
    elif fmt == "csv" and country is None:
        assert fast[2].decode().count("\n") > 500, "a whole indicator"
