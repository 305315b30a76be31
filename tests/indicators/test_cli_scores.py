"""`lmm scorecard` and `lmm methodology` on the real release (bundled seed, status year 2025)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from lmm.cli import main

COUNTRIES = ["MEX", "PHL", "GHA"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def stored(release_id: str):
    from warehouse.connection import cursor

    _, cur = cursor(release_id)
    return {
        "scores": cur.execute("SELECT * FROM indicator_scores").df(),
        "principles": cur.execute("SELECT * FROM principle_scores").df(),
        "themes": cur.execute("SELECT * FROM theme_scores").df(),
    }


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_scorecard_json_holds_every_stored_score(capsys, release_id: str, stored, iso3: str) -> None:
    code, out, _ = run(capsys, "scorecard", iso3, "--format", "json", "--release", release_id)
    card = json.loads(out)
    assert code == 0 and card["release"] == release_id and card["status_year"] == 2025
    assert card["country"]["iso3"] == iso3 and card["country"]["un_region"] and card["country"]["income_group"]
    rows = {i["indicator_id"]: i for t in card["themes"] for i in t["indicators"]}
    mine = stored["scores"][stored["scores"]["country"] == iso3].set_index("indicator_id")
    assert set(rows) == set(mine.index), "every indicator of the country, grouped by theme"
    for ind, row in rows.items():
        level = mine.at[ind, "level"]
        assert row["level"] == (None if pd.isna(level) else level), ind
        if row["value"] is not None or row["value_label"] is not None:
            assert row["year"] is not None and row["source_id"], f"{ind}: a value always says its year and source"
        if row["score"] is not None:
            assert abs(row["score"] - mine.at[ind, "score"]) < 1e-9
    with_peers = [r for r in rows.values() if r["peer_medians"]["un_region"] is not None]
    assert with_peers, "peer medians (UN region) for continuous indicators"
    assert len(card["principles"]) == 15 and {t["theme"] for t in card["themes"]} == {
        "recruitment", "dual_nationality", "portability", "women",
    }  # fmt: skip


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_scorecard_text_is_complete(capsys, release_id: str, stored, iso3: str) -> None:
    code, out, _ = run(capsys, "scorecard", iso3, "--release", release_id)
    assert code == 0 and f"({iso3}) - status year 2025" in out.splitlines()[0]
    mine = stored["scores"][stored["scores"]["country"] == iso3]
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and line.split()}
    for row in mine.itertuples():
        assert row.indicator_id in lines, f"{row.indicator_id} missing from the text scorecard"
        line = lines[row.indicator_id]
        if row.source_id is not None and isinstance(row.source_id, str):
            assert row.source_id in line and str(row.year) in line, f"source and year shown: {line}"
    principles = stored["principles"][stored["principles"]["country"] == iso3]
    for p in principles.itertuples():
        line = next(x for x in out.splitlines() if re.match(rf"\s+{p.principle}\s{{2}}", x))
        if pd.isna(p.score):
            assert "no score" in line or "not measured by public data" in line, line
        else:
            assert f"{p.score:.1f}/100 from {p.n_with_data} of {p.n_mapped} index indicators" in line, line
    assert "MFLM principles:" in out and "Sources:" in out
    header = next(line for line in out.splitlines() if line.strip().startswith("indicator"))
    assert header.index("year") < header.index("score") < header.index("level") < header.index("source")


def test_mexico_c189_is_in_force_by_the_ilo_final_clause(capsys, release_id: str) -> None:
    _, out, _ = run(capsys, "scorecard", "MEX", "--release", release_id)
    c189 = next(line for line in out.splitlines() if line.strip().startswith("ilo_c189"))
    assert "Ratified, in force" in c189 and "changed in 2021 (derived †)" in c189 and "ilo_normlex" in c189
    assert "† derived: ILO final clause, in force 12 months after registration" in out
    _, out, _ = run(capsys, "scorecard", "MEX", "--format", "json", "--release", release_id)
    row = next(i for t in json.loads(out)["themes"] for i in t["indicators"] if i["indicator_id"] == "ilo_c189")
    assert (row["value_label"], row["changed_year"], row["level"]) == ("in_force", 2021, "green")
    assert row["note"] == "derived: ILO final clause, in force 12 months after registration"


def test_a_name_or_lower_case_code_finds_the_country(capsys, release_id: str) -> None:
    for text in ("gha", "Ghana", "GH"):
        code, out, _ = run(capsys, "scorecard", text, "--release", release_id)
        assert code == 0 and out.startswith("Scorecard Ghana (GHA)")


@pytest.mark.parametrize(
    ("text", "closest"),
    [("GHN", "GHA (Ghana)"), ("Philipines", "PHL (Philippines)"), ("MXE", "MEX (Mexico)"), ("korea", "KOR")],
)
def test_unknown_country_exits_2_with_the_closest(capsys, release_id: str, text: str, closest: str) -> None:
    code, out, err = run(capsys, "scorecard", text, "--release", release_id)
    assert code == 2 and not out
    assert f"unknown country {text!r}" in err and closest in err


def test_an_aggregate_is_not_a_country(capsys, release_id: str) -> None:
    code, _, err = run(capsys, "scorecard", "WLD", "--release", release_id)
    assert code == 2 and "aggregate" in err


def test_methodology_json_is_the_release_record(capsys, release_id: str) -> None:
    code, out, _ = run(capsys, "methodology", "--format", "json", "--release", release_id)
    method = json.loads(out)
    assert code == 0 and method["release"] == release_id and method["status_year"] == 2025
    assert method["methodology_version"] and method["coverage_threshold"] == 0.8
    assert method["rules"]["levels"]["green"] == {"label": "Achieved", "icon": "✓", "colour": "#009E73"}
    assert method["indicators"]["lfpr_ratio_fm"]["thresholds"] == {"optimum": 100, "green": 70, "red": 50,
                                                                   "lower_bound": 21.5}  # fmt: skip
    assert method["indicators"]["ilo_c189"]["event_style"] == "ilo"
    assert method["indicators"]["un_cedaw"]["event_style"] == "un"
    assert {"target_year", "min_points", "min_span", "tolerance", "rule"} <= set(method["rules"]["trend"])
    assert "12 months after registration" in method["notes"]["entry_into_force"]


def test_methodology_text_reads_on_a_terminal(capsys, release_id: str) -> None:
    code, out, _ = run(capsys, "methodology", "--release", release_id)
    assert code == 0 and out.startswith("Methodology ")
    for expected in ("Coverage threshold: 80%", "✓  green       Achieved", "Trend:", "Aggregation:", "Two worst:",
                     "Events:", "ILO entry into force:", "optimum 100 | green 70 | red 50 | lower bound 21.5",
                     "in_force         100  ✓  green   Ratified, in force"):  # fmt: skip
        assert expected in out, expected


def test_methodology_from_the_registry(capsys) -> None:
    code, out, _ = run(capsys, "methodology", "--registry", "--format", "json")
    method = json.loads(out)
    assert code == 0 and method["release"] is None and "rules" in method
