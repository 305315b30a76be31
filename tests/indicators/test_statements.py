"""Statements a scorecard must never make, pinned on real countries of the real release (bundled seed, status year
2025): stale complete lists, list universes, durable ratifications, GLOBALCIT's own meanings, suspect values,
historical areas, and a scorecard for every inhabited area. Countries chosen apart from the earlier tests' MEX,
PHL, GHA."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lmm.cli import main


@pytest.fixture(scope="module")
def cur(release_id: str):
    from warehouse.connection import cursor

    return cursor(release_id)[1]


def score(cur, iso3: str, indicator: str) -> dict:
    rows = cur.execute("SELECT * FROM indicator_scores WHERE country = ? AND indicator_id = ?", [iso3, indicator]).df()
    assert len(rows) == 1, f"{iso3} {indicator}: {len(rows)} rows"
    return {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in rows.iloc[0].to_dict().items()}


# --- 1. a stale complete list is not today's truth --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso3", "indicator", "since", "last"),
    [
        ("ESP", "ilo_c189", "2020-10", "not_ratified"),  # Spain ratified C189 in 2023, after the October 2020 list
        ("USA", "ilo_c100", "2021", "not_ratified"),  # the UNSD extract of 2021
        ("USA", "un_icescr", "2022-08-25", "signatory"),  # signed in 1977: "signed, not ratified" as of 2022 only
        ("JPN", "un_icrmw", "2022-08-25", "no_action"),
    ],
)
def test_an_absence_past_its_list_tolerance_is_not_known_since(cur, iso3, indicator, since, last) -> None:
    row = score(cur, iso3, indicator)
    assert row["value_label"] == "not_known", "never a current 'not ratified' / 'no action' from an old list"
    assert f"not_known_since={since}" in row["flags"] and f"last_stated={last}" in row["flags"]
    assert row["score"] is None and row["level"] == "no_data"


def test_within_its_tolerance_a_complete_list_still_says_not_ratified(release_id) -> None:
    """Status year 2021: the complete C189 list of October 2020 is inside its one-year tolerance."""
    from indicators.registry import load_registry
    from indicators.release import score_release
    from lmm.config import seed_dir
    from loaders.seed import read_seed

    seed = read_seed(seed_dir())
    scores = score_release(seed["observations"], seed["events"], seed["event_lists"], seed["countries"],
                           load_registry(), 2021)["indicator_scores"]  # fmt: skip
    esp = scores[(scores["country"] == "ESP") & (scores["indicator_id"] == "ilo_c189")].iloc[0]
    assert (esp["value_label"], esp["level"], float(esp["score"])) == ("not_ratified", "red", 0.0)


# --- 2. a list's universe ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso3", "indicator"),
    [("TWN", "un_cedaw"), ("XKX", "un_icrmw"), ("PRI", "ilo_c189"), ("GRL", "ilo_c111"), ("MCO", "ilo_c100"),
     ("PSE", "un_iccpr"), ("VAT", "un_icescr")],
)  # fmt: skip
def test_outside_the_list_universe_is_not_applicable_never_red(cur, iso3, indicator) -> None:
    row = score(cur, iso3, indicator)
    assert row["value_label"] == "not_applicable" and row["level"] == "no_data" and row["score"] is None


def test_no_area_outside_a_universe_is_scored_red_on_a_ratification(cur) -> None:
    bad = cur.execute(
        """SELECT s.country, s.indicator_id, s.value_label FROM indicator_scores s
           JOIN indicators i USING (indicator_id) JOIN countries c ON c.iso3 = s.country
           WHERE i.type = 'event' AND s.level = 'red'
             AND ((i.universe = 'un_members' AND NOT c.un_member) OR (i.universe = 'ilo_members' AND NOT c.ilo_member))"""
    ).fetchall()
    assert bad == []


@pytest.mark.parametrize("iso3", ["ATA", "BVT", "HMD", "SGS", "ATF", "UMI", "IOT"])
def test_uninhabited_areas_have_no_scorecard_and_say_why(cur, capsys, release_id, iso3) -> None:
    assert cur.execute("SELECT count(*) FROM indicator_scores WHERE country = ?", [iso3]).fetchall()[0][0] == 0
    assert main(["scorecard", iso3, "--release", release_id]) == 2
    assert "no permanent population" in capsys.readouterr().err


# --- 3. a ratification is durable -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso3", "indicator", "status"),
    [("ITA", "ilo_c143", "party"), ("ECU", "un_icrmw", "party"), ("NLD", "ilo_c118", "party"),
     ("ZAF", "ilo_c189", "in_force"), ("AUS", "un_icescr", "party")],
)  # fmt: skip
def test_a_ratification_keeps_its_score_whatever_the_list_age(cur, iso3, indicator, status) -> None:
    row = score(cur, iso3, indicator)
    assert row["value_label"] == status and row["level"] == "green" and row["score"] == 100
    assert not row["out_of_date"], "a positive status shown with a clock and no score is wrong"
    assert row["year"] is not None, "shown 'as of' the list's date"


# --- 4. GLOBALCIT in its own meaning; combined code never beside its components -------------------------------------


def test_globalcit_codes_read_in_globalcit_meaning(capsys, release_id) -> None:
    main(["scorecard", "EST", "--format", "json", "--release", release_id])  # Estonia: L05 code 3
    card = json.loads(capsys.readouterr().out)
    entry = next(
        e for t in card["themes"] for e in t["indicators"] if e["indicator_id"] == "dual_citizenship_emigrants"
    )
    assert entry["category_label"].startswith("Kept by citizens by birth; lost by naturalised citizens")


def test_the_combined_code_never_counts_with_its_components(cur) -> None:
    index = dict(cur.execute("SELECT indicator_id, index FROM indicator_index").fetchall())
    assert index["dual_citizenship_emigrants"] and index["naturalisation_renunciation"]
    assert index["dual_citizenship_acceptance"] is False
    n_mapped = cur.execute("SELECT max(n_mapped) FROM theme_scores WHERE theme = 'dual_nationality'").fetchall()[0][0]
    assert n_mapped == 2, "the theme rests on L05 and A06b only"


# --- 5. suspect zeros and swapped values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso3", "indicator", "year", "sex", "reason"),
    [
        ("MDV", "lfpr_ratio_fm", 2019, "total", "swapped"),  # women 77.05 %, men 45.67 % in the 2019 HIES
        ("CPV", "pension_coverage", 2021, "male", "outside its definition"),  # 132.4 %
        ("UZB", "injury_rate_migrant_gap", 2021, "total", "not counted"),  # a reported 0 among migrants
    ],
)
def test_suspect_values_are_flagged_in_the_release_and_exports(cur, capsys, release_id, iso3, indicator, year, sex,
                                                               reason) -> None:  # fmt: skip
    flags = cur.execute(
        "SELECT flags FROM observations WHERE country = ? AND indicator_id = ? AND year = ? AND sex = ?",
        [iso3, indicator, year, sex],
    ).fetchall()[0][0]
    assert "suspect=" in flags and reason in flags
    main(["export", "--indicator", indicator, "--country", iso3, "--format", "csv", "--release", release_id])
    line = next(x for x in capsys.readouterr().out.splitlines() if f",{year}," in x and f",{sex}," in x)
    assert "suspect=" in line


def test_a_suspect_current_value_is_not_scored_nor_in_peer_medians(cur) -> None:
    row = score(cur, "UZB", "injury_rate_migrant_gap")
    assert row["value"] == 0 and row["score"] is None and row["level"] == "no_data" and "suspect=" in row["flags"]


def test_iab_zeros_before_the_first_count_are_flagged(cur) -> None:
    rows = cur.execute(
        """SELECT count(*) FILTER (WHERE flags LIKE '%suspect=%'), count(*) FROM observations
           WHERE indicator_id = 'migrant_stock_corridor' AND value = 0 AND source_id = 'iab_brain_drain'"""
    ).fetchall()[0]
    assert rows[0] > 1000 and rows[0] <= rows[1]


# --- 6. historical entities are kept ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "successor"), [("SCG", "SRB"), ("YUG", "HRV"), ("SUN", "UKR"), ("CSK", "SVK"),
                                                 ("DDR", "DEU")])  # fmt: skip
def test_historical_areas_keep_their_values(cur, code, successor) -> None:
    area = cur.execute("SELECT area_kind, successors FROM countries WHERE iso3 = ?", [code]).fetchall()[0]
    assert area[0] == "historical" and successor in area[1].split(",")
    assert cur.execute("SELECT count(*) FROM observations WHERE country = ?", [code]).fetchall()[0][0] > 0
    assert cur.execute("SELECT count(*) FROM unmatched WHERE key = ?", [code]).fetchall()[0][0] == 0


# --- 7. every inhabited area has a scorecard, in every interface -------------------------------------------------------


def test_every_scored_area_has_a_scorecard(cur, release_id) -> None:
    from warehouse.scorecard import read_scorecard
    from warehouse.scorecard_words import with_words

    codes = [r[0] for r in cur.execute("SELECT DISTINCT country FROM indicator_scores").fetchall()]
    assert len(codes) > 240
    for code in codes:
        card = with_words(read_scorecard(cur, code, release_id))
        assert {t["theme"] for t in card["themes"]} == {"recruitment", "dual_nationality", "portability", "women"}
        assert all(g["text"] for g in [*card["themes"], *card["principles"]])


@pytest.mark.parametrize("iso3", ["VEN", "XKX", "TWN", "CHI"])  # no income group / not in the UN / channel islands
def test_the_cli_scorecard_works_without_income_group_or_membership(capsys, release_id, iso3) -> None:
    assert main(["scorecard", iso3, "--release", release_id]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Scorecard ") and "MFLM principles:" in out


def test_a_missing_theme_score_says_which_indicators_and_why(capsys, release_id) -> None:
    main(["scorecard", "TWN", "--format", "json", "--release", release_id])
    card = json.loads(capsys.readouterr().out)
    recruitment = next(t for t in card["themes"] if t["theme"] == "recruitment")
    assert recruitment["status"] != "scored" and recruitment["missing"]
    assert all(m["text"] and m["reason"] for m in recruitment["missing"])
    assert "steward" in (recruitment["steward_text"] or "")
