"""One scorecard, four interfaces: the CLI, the API, the profile page and the briefing make the same statements
(every theme's and principle's result and each missing indicator's reason) for countries of three regions and
income groups; areas without a scorecard say why in each."""

from __future__ import annotations

import json

import pytest

from lmm.cli import main

COUNTRIES = ["NPL", "DEU", "SEN"]  # Southern Asia / lower-middle; Western Europe / high; Western Africa / lower-middle


def cli_card(capsys, release_id: str, iso3: str) -> dict:
    assert main(["scorecard", iso3, "--format", "json", "--release", release_id]) == 0
    return json.loads(capsys.readouterr().out)


def statements(groups: list[dict], key: str) -> dict:
    return {g[key]: (g["status"], g["text"], tuple(m["text"] for m in g["missing"])) for g in groups}


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_the_cli_the_api_and_the_briefing_say_the_same(client, capsys, release_id: str, iso3: str) -> None:
    card = cli_card(capsys, release_id, iso3)
    api = client.get(f"/api/v1/scorecards/{iso3}?release={release_id}").get_json()
    for kind, key in (("themes", "theme"), ("principles", "principle")):
        assert statements(api[kind], key) == statements(card[kind], key), kind
    html = client.get(f"/api/v1/briefings/{iso3}.html?release={release_id}").get_data(as_text=True)
    from html import escape

    for group in [*card["themes"], *card["principles"]]:
        assert escape(group["text"]) in html, f"briefing lacks {group['text']!r}"
        for item in group["missing"]:
            assert escape(item["text"]) in html


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_the_profile_page_says_the_same(capsys, release_id: str, iso3: str) -> None:
    from dashboard.pages import country as page
    from tests.dashboard.test_country import find, text

    card = cli_card(capsys, release_id, iso3)
    for group_by, kind, key in (("theme", "themes", "theme"), ("principle", "principles", "principle")):
        layout = page.layout(iso3=iso3, group=group_by, release=release_id)
        for group in card[kind]:
            shown = text(find(layout, f"{key}-{group[key]}"))
            if group["status"] == "scored":
                assert f"score {group['score']:.0f}" in shown
                continue
            assert "No score" in shown or "Not measured by public data" in shown
            for item in group["missing"]:
                assert f"{item['title']}: " in shown, f"{iso3} {key} {group[key]}: {item['title']} not explained"


def test_an_uninhabited_area_answers_404_with_the_reason(client) -> None:
    answer = client.get("/api/v1/scorecards/BVT")
    body = answer.get_json()
    assert answer.status_code == 404 and body["error"]["code"] == "no_scorecard"
    assert "no permanent population" in body["error"]["message"]


def test_a_historical_area_answers_404_naming_its_successors(client) -> None:
    body = client.get("/api/v1/scorecards/YUG").get_json()
    assert body["error"]["code"] == "no_scorecard" and "SRB" in body["error"]["successors"]
    assert "historical area" in body["error"]["message"]


def test_the_profile_of_an_uninhabited_area_says_why(release_id: str) -> None:
    from dashboard.pages import country as page
    from tests.dashboard.test_country import find, text

    shown = text(find(page.layout(iso3="HMD", release=release_id), "country-unscored"))
    assert "No permanent population" in shown


def test_a_successor_profile_shows_its_historical_areas(release_id: str) -> None:
    from dashboard.pages import country as page
    from tests.dashboard.test_country import find, text

    layout = page.layout(iso3="SRB", release=release_id)
    for code in ("SCG", "YUG"):
        section = find(layout, f"historical-{code}")
        assert section is not None and "Historical" in text(section)


def test_a_law_reformed_after_its_coding_date_is_not_stated_as_current(client, release_id: str) -> None:
    """GLOBALCIT codes 1 January 2024; its author records Germany's reform in force 2024-06-27 and Ukraine's in force
    2026-01-16. For the 2025 scorecards, Germany's 2024 codes are no longer current (no red, the reason given in
    the API and on the profile); Ukraine's still are; Japan, with no later reform recorded, keeps its red."""
    from dashboard.pages import country as page
    from tests.dashboard.test_country import find, text

    def dual(iso3: str) -> tuple[dict, dict]:
        card = client.get(f"/api/v1/scorecards/{iso3}?release={release_id}").get_json()
        assert card["status_year"] == 2025
        scores = {s["indicator_id"]: s for s in card["indicator_scores"]}
        return next(t for t in card["themes"] if t["theme"] == "dual_nationality"), scores

    theme, scores = dual("DEU")
    assert scores["dual_citizenship_emigrants"]["out_of_date"] and scores["dual_citizenship_emigrants"]["score"] is None
    assert "red" not in {scores[i]["level"] for i in scores if i.startswith(("dual_", "naturalisation_"))}
    assert theme["status"] != "scored"
    assert {(m["reason"], m["since"]) for m in theme["missing"]} == {("superseded", "2024-06-27")}
    shown = text(find(page.layout(iso3="DEU", group="theme", release=release_id), "theme-dual_nationality"))
    assert "a later reform is in force since 2024-06-27" in shown
    _, ukraine = dual("UKR")
    assert not ukraine["dual_citizenship_emigrants"]["out_of_date"]
    assert ukraine["dual_citizenship_emigrants"]["level"] == "red"  # lost (4, withdrawal) as of 1 January 2024
    _, japan = dual("JPN")
    assert (
        japan["dual_citizenship_emigrants"]["level"] == "red" and not japan["dual_citizenship_emigrants"]["out_of_date"]
    )
