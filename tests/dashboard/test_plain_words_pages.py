"""Plain words on the home page and the profile (issue 18): the release id is small print under the date the
figures were published, and the profile says in one line how many MFLM principles are scored, at which levels,
and why the others are not (real release built from the seed)."""

from __future__ import annotations

import importlib
import re
from collections import Counter

import dash
import pytest

from dashboard.i18n import use_lang
from dashboard.queries.country import profile
from tests.dashboard.layout_tree import find_component


@pytest.fixture(scope="module")
def pages(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    return importlib.import_module("dashboard.pages.home"), importlib.import_module("dashboard.pages.country")


def test_the_release_id_is_small_print_on_the_home_tile(pages, release_id: str) -> None:
    home, _ = pages
    tiles = home.headline(None).children[1].children
    first = tiles[0]
    label, value, detail = first.children
    assert label.children == "Figures as published on" and re.search(r"\d{4}", str(value.children))
    small = detail.children[-1]
    assert type(small).__name__ == "Small" and find_component(small, "home-release-id").children == release_id
    assert "scores show 2025" in detail.children[0]


@pytest.mark.parametrize("code", ["KEN", "BGD", "PER", "JOR"])
def test_one_line_principle_summary_agrees_with_the_scorecard(pages, release_id: str, code: str) -> None:
    _, country = pages
    prof = profile(code)
    numbers = [str(p["principle"]) for p in prof.tables.principles]
    scored = [
        prof.aggregates[("principle", n)]
        for n in numbers
        if (prof.aggregates.get(("principle", n)) or {}).get("score") is not None
    ]
    levels = Counter(a["level"] for a in scored)
    line = country.principle_summary(prof)
    assert line.startswith(f"Scored on {len(scored)} of {len(numbers)} MFLM principles: ")
    if levels["green"]:
        assert f"{levels['green']} ✓ Achieved" in line
    unmeasured = sum(1 for n in numbers if (prof.group("principle", n) or {}).get("status") == "not_measured")
    assert f"{unmeasured} not measured by public data" in line
    assert "principle-summary" in str(country.header(prof, "theme", None))


def test_principle_summary_in_spanish_and_french(pages) -> None:
    _, country = pages
    prof = profile("PER")
    with use_lang("es"):
        assert country.principle_summary(prof).startswith("Puntuado en ")
    with use_lang("fr"):
        assert " principes du CMMM : " in country.principle_summary(prof)
