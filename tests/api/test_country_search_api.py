"""GET /api/v1/countries?q=: countries by the names people use, ranked best first; without q the list is unchanged."""

from __future__ import annotations


def test_q_ranks_the_named_country_first(client) -> None:
    for typed, iso3 in [("India", "IND"), ("Ivory Coast", "CIV"), ("Holland", "NLD"), ("burma", "MMR"),
                        ("south korea", "KOR"), ("Turkey", "TUR"), ("vn", "VNM")]:  # fmt: skip
        body = client.get("/api/v1/countries", query_string={"q": typed}).get_json()
        assert body["countries"][0]["iso3"] == iso3, (typed, body["countries"][:2])
        assert body["q"] == typed and body["count"] == len(body["countries"])


def test_a_hit_carries_the_country_fields_and_what_matched(client) -> None:
    first = client.get("/api/v1/countries?q=Cote").get_json()["countries"][0]
    assert first["iso3"] == "CIV" and first["match"] == "prefix" and first["matched"] == "Côte d’Ivoire"
    assert {"iso2", "un_region", "income_group"} <= set(first)


def test_india_lists_the_british_indian_ocean_territory_after_india(client) -> None:
    codes = [c["iso3"] for c in client.get("/api/v1/countries?q=india").get_json()["countries"]]
    assert codes[0] == "IND" and codes.index("IOT") > 0


def test_no_match_is_an_empty_list_and_a_long_q_is_refused(client) -> None:
    assert client.get("/api/v1/countries?q=Atlantis").get_json()["countries"] == []
    answer = client.get("/api/v1/countries", query_string={"q": "x" * 101})
    assert answer.status_code == 400 and answer.get_json()["error"]["parameter"] == "q"


def test_without_q_the_list_is_as_before(client) -> None:
    body = client.get("/api/v1/countries").get_json()
    assert "q" not in body and body["count"] == len(body["countries"]) > 200
    assert "matched" not in body["countries"][0]
