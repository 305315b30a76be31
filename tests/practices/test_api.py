"""/api/v1/practices and /api/v1/practices/<id>: filters like the page, errors that name the parameter, the release
named in every answer, the OpenAPI document, and the practice tables in the bulk zip with their datapackage."""

from __future__ import annotations

import io
import json
import zipfile

import duckdb
import pandas as pd

from warehouse import practices as pq


def get(client, url: str):
    answer = client.get(url)
    return answer, answer.get_json(silent=True)


def test_list_names_its_release_and_every_practice(app_client, release_id: str) -> None:
    answer, body = get(app_client, "/api/v1/practices")
    assert answer.status_code == 200 and answer.headers["X-LMM-Release"] == release_id == body["release"]
    assert body["count"] == 7 == len(body["practices"])
    paisano = next(p for p in body["practices"] if p["practice_id"] == "mexico-paisano")
    assert paisano["start_year"] == 1989 and paisano["end_year"] is None and paisano["activity"] == "ongoing"
    assert (
        paisano["countries"] == ["MEX"] and paisano["principles"] == [12, 10] and paisano["gcm_objectives"] == [3, 14]
    )
    assert paisano["page"] == "/practices/mexico-paisano"


def test_filters_combine_like_the_page(app_client) -> None:
    cases = {
        "theme=portability": {"colombia-nos-une", "ghana-diasporan-relations"},
        "principle=12": {"mexico-paisano"},
        "country=usa": {"mexico-techba"},
        "region=africa": {"ghana-diasporan-relations", "nigeria-nido"},
        "region=Americas&principle=3": {"colombia-nos-une", "chile-dicoex"},
        "q=silicon valley": {"mexico-techba"},
        "q=Ghana tourism": {"ghana-diasporan-relations"},
        "theme=women": set(),
    }
    for query, expected in cases.items():
        answer, body = get(app_client, f"/api/v1/practices?{query}")
        assert answer.status_code == 200, (query, body)
        assert {p["practice_id"] for p in body["practices"]} == expected, query
    _, body = get(app_client, "/api/v1/practices?country=mex&theme=dual_nationality")
    assert body["query"] == {"country": "MEX", "theme": "dual_nationality"} and body["count"] == 3


def test_bad_parameters_are_named(app_client) -> None:
    for query, status, parameter in [
        ("theme=diaspora", 400, "theme"),
        ("principle=16", 400, "principle"),
        ("principle=x", 400, "principle"),
        ("country=XYZ", 404, "country"),
        ("region=Mars", 400, "region"),
        ("q=" + "a" * 101, 400, "q"),
        ("colour=red", 400, "colour"),
    ]:
        answer, body = get(app_client, f"/api/v1/practices?{query}")
        assert answer.status_code == status and body["error"]["parameter"] == parameter, (query, body)
    _, body = get(app_client, "/api/v1/practices?theme=diaspora")
    assert "portability" in body["error"]["allowed"]


def test_one_practice_in_full(app_client, release_id: str) -> None:
    answer, body = get(app_client, f"/api/v1/practices/chile-dicoex?release={release_id}")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "public, max-age=86400"
    rec = body["practice"]
    assert rec["start_year"] == 2000 and rec["countries"] == [{"iso3": "CHL", "name": "Chile", "role": "lead"}]
    assert {p["principle"] for p in rec["principles"]} == {15, 3, 7}
    assert rec["indicators"] == [
        {
            "indicator_id": "emigrant_stock",
            "title": rec["indicators"][0]["title"],
            "relation": "context",
            "why": rec["indicators"][0]["why"],
            "ref": "radiolatinamerika-registro",
        }
    ]
    first = rec["sources"][0]
    assert first["ref"] == "chilesomostodos-2020" and first["url"].startswith("https://www.chilesomostodos.gob.cl")
    assert "start_year" in first["supports"] and first["accessed"] == "2026-11-28"
    assert "[chilesomostodos-2020]" in rec["summary"] and rec["source_id"] == "editorial"
    assert rec["provenance"].startswith("file=data/practices/practices.yaml;version=")
    assert rec["left_out"] and rec["submitted_role"] == "editor"


def test_unknown_practice_gets_the_closest_ids(app_client) -> None:
    answer, body = get(app_client, "/api/v1/practices/mexico-pasano")
    assert answer.status_code == 404 and body["error"]["code"] == "unknown_practice"
    assert body["error"]["alternatives"][0]["id"] == "mexico-paisano"


def test_openapi_documents_both_paths(app_client) -> None:
    _, spec = get(app_client, "/api/v1/openapi.json")
    assert {"/practices", "/practices/{practice_id}"} <= set(spec["paths"])
    assert {"Practice", "PracticeSummary"} <= set(spec["components"]["schemas"])
    listed = get(app_client, "/api/v1/")[1]["endpoints"]
    assert "/api/v1/practices/{practice_id}" in listed


def test_bulk_zip_holds_the_practice_tables(app_client, release_id: str) -> None:
    answer = app_client.get(f"/api/v1/releases/{release_id}/bulk.zip")
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    package = json.loads(archive.read("datapackage.json"))
    resources = {r["path"]: r for r in package["resources"]}
    for name, key in [
        ("practices", ["practice_id"]),
        ("practice_sources", ["practice_id", "ref"]),
        ("practice_indicators", ["practice_id", "indicator_id"]),
    ]:
        assert resources[f"{name}.csv"]["schema"]["primaryKey"] == key
    sources = pd.read_csv(archive.open("practice_sources.csv"))
    assert len(sources) >= 7 and sources["url"].str.startswith("http").all()
    practices = pd.read_csv(archive.open("practices.csv"))
    assert set(practices["practice_id"]) >= {"mexico-paisano", "nigeria-nido"}


def test_a_release_without_the_library_answers_no_practices() -> None:
    cur = duckdb.connect()
    assert not pq.has_practices(cur) and pq.list_frame(cur).empty and pq.record(cur, "x") is None
    assert pq.practice_names(cur) == {}
