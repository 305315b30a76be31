"""Scoring methodology as given/expect tables: scoring.md's pinned cases, events, recency, trend, aggregates."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.events import DERIVED_NOTE, derive, entry_into_force_date, to_records
from indicators.model import Thresholds
from indicators.scoring import (
    LEVELS,
    SCORE_COLUMNS,
    STATUS_LABELS,
    TEXT_COLOUR,
    aggregate,
    category_result,
    continuous_level,
    event_status,
    latest_within_window,
    normalise,
    peer_stats,
    rank_band,
    score_release,
    second_worst,
    trend,
)
from tests.indicators.scoring_factories import (
    FEE_TABLE,
    FEMALE_LFPR,
    ILO_TABLE,
    LFPR_RATIO,
    ORDINAL_TABLE,
    RECRUITMENT_COST,
    UN_TABLE,
    countries,
    event_lists,
    events,
    indicator,
    lfpr_ratio,
    observations,
    recruitment_cost,
    registry,
)

# --- levels: four colours plus no data, each with a label and an icon ------------------------------------------


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_levels_are_ordered_labelled_and_iconic() -> None:
    assert list(LEVELS) == ["green", "yellow", "orange", "red", "no_data"]
    assert [style.label for style in LEVELS.values()] == [
        "Achieved", "Challenges remain", "Significant challenges", "Major challenges", "No data",
    ]  # fmt: skip
    assert STATUS_LABELS["out_of_date"].label == "Out of date"
    assert STATUS_LABELS["not_known"].label == "Not known"
    styles = [*LEVELS.values(), *STATUS_LABELS.values()]
    assert len({s.icon for s in styles}) == len(styles), "icons must tell every state apart without colour"
    assert len({s.colour for s in styles}) == len(styles)


@pytest.mark.parametrize("style", [*LEVELS.values(), *STATUS_LABELS.values()], ids=lambda s: s.label)
def test_text_on_every_fill_meets_wcag_aa(style) -> None:
    assert _contrast(style.colour, TEXT_COLOUR) >= 4.5


# --- continuous scores and levels (SDSN) ------------------------------------------------------------------------

CONTINUOUS_CASES = [
    # (thresholds, value, expected level, expected score rounded to 2 d.p.)
    (LFPR_RATIO, 70, "green", 61.78),
    (LFPR_RATIO, 60, "yellow", 49.04),  # the midpoint belongs to yellow; score = 100 x 38.5 / 78.5
    (LFPR_RATIO, 55, "orange", 42.68),
    (LFPR_RATIO, 50, "orange", 36.31),  # red is strictly beyond 50
    (LFPR_RATIO, 49.9, "red", 36.18),
    (LFPR_RATIO, 120, "green", 100.0),  # clipped at the optimum
    (LFPR_RATIO, 10, "red", 0.0),  # clipped at the lower bound
    (RECRUITMENT_COST, 0.5, "green", 91.67),  # lower is better
    (RECRUITMENT_COST, 1, "green", 83.33),
    (RECRUITMENT_COST, 2, "yellow", 66.67),  # midpoint
    (RECRUITMENT_COST, 2.5, "orange", 58.33),
    (RECRUITMENT_COST, 3, "orange", 50.0),
    (RECRUITMENT_COST, 4, "red", 33.33),
    (RECRUITMENT_COST, 9, "red", 0.0),
]


@pytest.mark.parametrize(("th", "value", "level", "score"), CONTINUOUS_CASES)
def test_continuous_level_and_score(th: Thresholds, value: float, level: str, score: float) -> None:
    assert continuous_level(value, th) == level
    assert round(normalise(value, th), 2) == score


def test_missing_value_is_no_data_and_nan_score() -> None:
    assert continuous_level(float("nan"), LFPR_RATIO) == "no_data"
    assert math.isnan(normalise(float("nan"), LFPR_RATIO))


@pytest.mark.parametrize(
    "th",
    [Thresholds(optimum=10, green=5, red=3, lower_bound=10), Thresholds(optimum=100, green=40, red=60, lower_bound=0)],
    ids=["optimum equals lower bound", "green beyond red"],
)
def test_unusable_thresholds_are_refused(th: Thresholds) -> None:
    with pytest.raises(ValueError, match="optimum|green"):
        normalise(5, th)


# --- category tables (MIPEX-style) ------------------------------------------------------------------------------

FEE = indicator("fee_ban_law", type="categorical", categories=FEE_TABLE)
ORDINAL = indicator("sdg1072_d4", type="ordinal", categories=ORDINAL_TABLE)


@pytest.mark.parametrize(
    ("ind", "code", "expected"),
    [
        (FEE, "full", (100, "green")),
        (FEE, "partial", (50, "yellow")),
        (FEE, " none ", (0, "red")),
        (FEE, "Full ban (employer pays)", (100, "green")),  # the label works too
        (ORDINAL, 4.0, (100, "green")),  # published as a number
        (ORDINAL, "2", (33.3, "orange")),
    ],
)
def test_category_result(ind, code, expected) -> None:
    assert category_result(code, ind) == expected


def test_unknown_category_names_indicator_and_code() -> None:
    with pytest.raises(ValueError, match=r"fee_ban_law.*'banned'"):
        category_result("banned", FEE)


# --- event status -----------------------------------------------------------------------------------------------


def ev(date: str | None, status: str, year: int | None = None) -> dict:
    return {
        "event_date": date,
        "year": year if year is not None else (int(date[:4]) if date else None),
        "status": status,
    }


RATIFIED_2005 = [ev("2005-06-01", "in_force")]
DENOUNCED = [ev("1990-03-01", "in_force"), ev("2015-05-01", "denounced")]
EVENT_CASES = [
    # (id, events, year, list complete, un style, as_of, expected status, changed year)
    ("ratified 2005 in force, 2010", RATIFIED_2005, 2010, True, False, None, "in_force", 2005),
    ("ratified in the status year counts", RATIFIED_2005, 2005, False, False, None, "in_force", 2005),
    ("future ratification, complete list", RATIFIED_2005, 2004, True, False, None, "not_ratified", None),
    ("future ratification, partial list: its record dates it", RATIFIED_2005, 2004, False, False, None, "not_ratified", None),
    ("absent from a complete list", [], 2010, True, False, None, "not_ratified", None),
    ("absent from a PARTIAL list", [], 2010, False, False, None, "not_known", None),
    ("denounced", DENOUNCED, 2016, True, False, None, "denounced", 2015),
    ("before the denunciation", DENOUNCED, 2014, True, False, None, "in_force", 1990),
    ("denunciation first, ratification undated elsewhere", [ev("2015-05-01", "denounced")], 2010, True, False, None, "not_known", None),
    ("ratified, not yet in force", [ev("2023-02-01", "not_in_force")], 2023, False, False, None, "not_in_force", 2023),
    ("same year: the later stage wins", [ev(None, "in_force", 2011), ev(None, "not_in_force", 2011)], 2011, False, False, None, "in_force", 2011),
    ("ratified, in-force status not stated", [ev("2019-01-10", "party")], 2020, False, False, None, "party", 2019),
    ("undated ILO row, status year after as_of", [ev(None, "in_force")], 2024, False, False, 1976, "in_force", None),
    ("undated ILO row, status year before as_of", [ev(None, "in_force")], 1970, False, False, 1976, "not_known", None),
    ("a status outside the vocabulary", [ev("2010-01-01", "reform")], 2012, True, False, None, "not_known", None),
    ("UN party", [ev(None, "party", 2010)], 2015, True, True, 2022, "party", 2010),
    ("UN party later: earlier signature unknown", [ev(None, "party", 2010)], 2005, True, True, 2022, "not_known", None),
    ("UN signatory (undated), after as_of", [ev(None, "signatory")], 2024, True, True, 2022, "signatory", None),
    ("UN signatory (undated), before as_of", [ev(None, "signatory")], 2015, True, True, 2022, "not_known", None),
    ("UN no action (undated), before as_of", [ev(None, "no_action")], 2015, True, True, 2022, "no_action", None),
    ("UN absent, complete list", [], 2024, True, True, 2022, "no_action", None),
    ("UN absent, partial list", [], 2024, False, True, 2022, "not_known", None),
    ("UN signed then party", [ev("2001-01-01", "signatory"), ev("2009-01-01", "party")], 2005, True, True, None, "signatory", 2001),
    ("a dated event newer than the undated list", [ev(None, "no_action"), ev("2023-05-01", "party")], 2024, True, True, 2022, "party", 2023),
]  # fmt: skip


@pytest.mark.parametrize(
    ("events", "year", "complete", "un_style", "as_of", "status", "changed"),
    [case[1:] for case in EVENT_CASES],
    ids=[case[0] for case in EVENT_CASES],
)
def test_event_status(events, year, complete, un_style, as_of, status, changed) -> None:
    result = event_status(events, year, list_complete=complete, un_style=un_style, as_of=as_of)
    assert (result.status, result.changed_year) == (status, changed)


def test_event_status_accepts_a_frame() -> None:
    frame = pd.DataFrame(DENOUNCED).astype({"year": "Int64"})
    assert event_status(frame, 2016, True, False) == ("denounced", 2015)


# ILO final clause: a registered ratification is in force for the Member 12 months after its registration.
MEX_C189 = [ev("2020-07-03", "not_in_force")]  # NORMLEX list of October 2020: "not in force"
ENTRY_INTO_FORCE_CASES = [
    # (id, events, year, as_of, expected status, changed year)
    ("registration year: not yet in force", MEX_C189, 2020, 2020, "not_in_force", 2020),
    ("12 months later: in force", MEX_C189, 2021, 2020, "in_force", 2021),
    ("status year 2025: in force since 2021", MEX_C189, 2025, 2020, "in_force", 2021),
    ("29 February: in force on 28 February", [ev("2020-02-29", "not_in_force")], 2021, None, "in_force", 2021),
    ("a later denunciation still wins", [ev("2012-03-01", "not_in_force"), ev("2023-05-01", "denounced")], 2024, None, "denounced", 2023),
    ("in force between registration and denunciation", [ev("2012-03-01", "not_in_force"), ev("2023-05-01", "denounced")], 2015, None, "in_force", 2013),
    ("an explicit status within the 12 months decides", [ev("2020-07-03", "not_in_force"), ev("2021-03-01", "denounced")], 2022, None, "denounced", 2021),
    ("a year-only denunciation in the entry year decides", [ev("2020-07-03", "not_in_force"), ev(None, "denounced", 2021)], 2022, None, "denounced", 2021),
    ("a stated entry into force is not duplicated", [ev("2020-07-03", "not_in_force"), ev("2021-07-03", "in_force")], 2022, None, "in_force", 2021),
    ("undated 'not in force': no date, nothing derived", [ev(None, "not_in_force")], 2025, 2020, "not_in_force", None),
    ("year only: no registration date, nothing derived", [ev(None, "not_in_force", 2020)], 2025, None, "not_in_force", 2020),
    ("an undated status as of a later list wins", [ev(None, "not_in_force"), *MEX_C189], 2025, 2024, "not_in_force", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("events", "year", "as_of", "status", "changed"),
    [case[1:] for case in ENTRY_INTO_FORCE_CASES],
    ids=[case[0] for case in ENTRY_INTO_FORCE_CASES],
)
def test_ilo_entry_into_force_12_months_after_registration(events, year, as_of, status, changed) -> None:
    result = event_status(events, year, list_complete=True, un_style=False, as_of=as_of)
    assert (result.status, result.changed_year) == (status, changed)


def test_entry_into_force_is_flagged_as_derived_and_ilo_only() -> None:
    status, record = derive(to_records(MEX_C189), 2025, True, un_style=False, as_of=2020)
    assert status == ("in_force", 2021) and record is not None and record.derived
    assert record.date == "2021-07-03" and "12 months after registration" in DERIVED_NOTE
    stated = derive(to_records([*MEX_C189, ev("2021-07-03", "in_force")]), 2025, True, False, 2020)[1]
    assert stated is not None and not stated.derived, "a stated entry into force is the source's, not derived"
    assert event_status(MEX_C189, 2025, True, un_style=True).status == "not_known", "UN vocabulary: no such rule"
    assert [entry_into_force_date(d) for d in ("2020-07-03", "2024-02-29", "2020-07", "")] == [
        "2021-07-03", "2025-02-28", None, None,
    ]  # fmt: skip


# --- recency ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "status_year", "window", "expected"),
    [
        ([(2018, 1.0), (2022, 2.0)], 2024, 5, (2022, 2.0, False)),
        ([(2019, 1.0)], 2024, 5, (2019, 1.0, False)),  # exactly status_year - window: still current
        ([(2018, 1.0)], 2024, 5, (2018, 1.0, True)),  # older: shown as out of date, not dropped
        ([(2015, 1.0), (2025, 9.0)], 2024, 5, (2015, 1.0, True)),  # a value after the status year is not used
        ([(2020, float("nan")), (2017, 3.0)], 2024, 5, (2017, 3.0, True)),  # missing is not a value
        ([], 2024, 5, None),
    ],
)
def test_latest_within_window(points, status_year, window, expected) -> None:
    result = latest_within_window(points, status_year, window)
    assert (tuple(result) if result else None) == expected


# --- trend ------------------------------------------------------------------------------------------------------

RATIO = lfpr_ratio()  # green score 61.78; from 50 in 2015 (36.94) the required pace is 1.656 points a year
COST = recruitment_cost()
TREND_CASES = [
    ("two observations 2 years apart", RATIO, [(2022, 50), (2024, 65)], "not_available"),
    ("one observation", RATIO, [(2024, 65)], "not_available"),
    ("second point outside the window", RATIO, [(2012, 40), (2024, 65)], "not_available"),
    ("fast enough to reach green by 2030", RATIO, [(2015, 50), (2024, 65)], "on_track"),  # 2.12 >= 1.66
    ("more than half the pace", RATIO, [(2015, 50), (2024, 60)], "moderately_improving"),  # 1.42 > 0.83
    ("less than half the pace", RATIO, [(2015, 50), (2024, 55)], "stagnating"),  # 0.71 <= 0.83
    ("flat within tolerance", RATIO, [(2015, 50), (2024, 50.05)], "stagnating"),
    ("falling", RATIO, [(2015, 50), (2024, 45)], "decreasing"),
    ("green and not falling: maintaining achievement", RATIO, [(2015, 72), (2024, 75)], "on_track"),
    ("green but falling", RATIO, [(2015, 80), (2024, 71)], "decreasing"),
    ("least squares over three points", RATIO, [(2015, 50), (2018, 62), (2024, 59)], "moderately_improving"),
    ("lower is better, falling cost", COST, [(2015, 4), (2024, 1.5)], "on_track"),
    ("lower is better, rising cost", COST, [(2015, 2), (2024, 3)], "decreasing"),
    ("latest value out of date", RATIO, [(2014, 50), (2018, 65)], "not_available"),
    ("categorical", indicator("fee_ban_law", type="categorical", categories=FEE_TABLE), [(2015, 0), (2024, 100)], "not_available"),
    ("context", indicator("remittances_gdp", direction="context"), [(2015, 1), (2024, 5)], "not_available"),
]  # fmt: skip


@pytest.mark.parametrize(("ind", "points", "expected"), [c[1:] for c in TREND_CASES], ids=[c[0] for c in TREND_CASES])
def test_trend(ind, points, expected) -> None:
    assert trend(points, ind, 2024) == expected


# --- aggregation ------------------------------------------------------------------------------------------------

AGGREGATE_CASES = [
    # (id, scores, n_mapped, expected score, level, coverage, n_with_data)
    ("5 mapped, data for 3: 60% coverage, no aggregate",
     [(80, "green"), (60, "yellow"), (40, "orange")], 5, None, "no_data", 0.6, 3),
    ("5 mapped, data for 4: 80% is enough",
     [(80, "green"), (60, "yellow"), (40, "orange"), (20, "red"), (None, "no_data")], 5, 50.0, "orange", 0.8, 4),
    ("both worst red -> red", [(90, "green"), (10, "red"), (5, "red")], 3, 35.0, "red", 1.0, 3),
    ("worst red, next yellow -> orange (mean rank rounded to the worse)",
     [(90, "green"), (10, "red"), (65, "yellow")], 3, 55.0, "orange", 1.0, 3),
    ("green and red -> orange, never green", [(90, "green"), (10, "red")], 2, 50.0, "orange", 1.0, 2),
    ("a single indicator keeps its level", [(70, "yellow")], 1, 70.0, "yellow", 1.0, 1),
    ("nothing mapped", [], 0, None, "no_data", 0.0, 0),
    ("no data at all", [(None, "no_data"), (None, "no_data")], 2, None, "no_data", 0.0, 0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("scores", "n_mapped", "score", "level", "coverage", "n_with_data"),
    [c[1:] for c in AGGREGATE_CASES],
    ids=[c[0] for c in AGGREGATE_CASES],
)
def test_aggregate(scores, n_mapped, score, level, coverage, n_with_data) -> None:
    result = aggregate(scores, n_mapped)
    assert (result.score, result.level) == (pytest.approx(score) if score is not None else None, level)
    assert (result.coverage, result.n_with_data, result.n_mapped) == (pytest.approx(coverage), n_with_data, n_mapped)


def test_aggregate_weights_and_errors() -> None:
    assert aggregate([(100, "green"), (0, "red")], 2, weights=[3, 1]).score == pytest.approx(75)
    with pytest.raises(ValueError, match="mapped"):
        aggregate([(100, "green"), (0, "red")], 1)
    with pytest.raises(ValueError, match="weights"):
        aggregate([(100, "green")], 1, weights=[1, 2])


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        (["red", "red", "green"], "red"),
        (["red", "orange", "green"], "orange"),
        (["red", "green"], "orange"),
        (["green", "yellow"], "yellow"),
        (["yellow", "orange"], "orange"),
        (["orange", "orange", "green"], "orange"),
        (["green", "green"], "green"),
        (["yellow"], "yellow"),
        (["no_data", "green"], "green"),
        ([], "no_data"),
    ],
)
def test_second_worst(levels, expected) -> None:
    assert second_worst(levels) == expected


# --- peers and rank bands ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 2.0], (None, None, None, 2)),
        ([1.0, None, float("nan")], (None, None, None, 1)),
        ([0.5, 2.0, 4.0], (2.0, 1.25, 3.0, 3)),
        ([1.0, 2.0, 3.0, 4.0], (2.5, 1.75, 3.25, 4)),
    ],
)
def test_peer_stats(values, expected) -> None:
    assert tuple(peer_stats(values)) == expected


@pytest.mark.parametrize(
    ("rank", "n", "expected"),
    [(1, 10, "top 20%"), (2, 10, "top 20%"), (3, 10, "20-40%"), (6, 10, "40-60%"), (8, 10, "60-80%"),
     (10, 10, "bottom 20%"), (1, 193, "top 20%"), (193, 193, "bottom 20%"), (2, 3, "not banded (only 3 countries)")],
)  # fmt: skip
def test_rank_band(rank, n, expected) -> None:
    assert rank_band(rank, n) == expected


def test_rank_band_refuses_impossible_ranks() -> None:
    with pytest.raises(ValueError):
        rank_band(11, 10)


# --- score_release on a tiny hand-made release (status year 2024; expectations worked out by hand) --------------

C181 = indicator("ilo_c181", type="event", theme="recruitment", principles=(13,), categories=ILO_TABLE)
ICRMW = indicator("un_icrmw", type="event", theme="recruitment", principles=(13,), categories=UN_TABLE)
REGISTRY = registry(
    lfpr_ratio(),
    indicator("female_lfpr", thresholds=FEMALE_LFPR, principles=(1, 4), headline_sex="female"),
    recruitment_cost(),
    indicator("fee_ban_law", type="categorical", theme="recruitment", principles=(13,), categories=FEE_TABLE),
    C181,
    ICRMW,
    indicator("remittances_gdp", direction="context", theme="diaspora", principles=(15,)),
    recruitment_cost(id="recruitment_cost_corridor", disaggregations=("partner_country",)),
)
OBSERVATIONS = [
    ("lfpr_ratio_fm", "AAA", 2015, 50, None), ("lfpr_ratio_fm", "AAA", 2024, 65, None),
    ("lfpr_ratio_fm", "BBB", 2016, 60, None),  # older than 2024 - 5: out of date
    ("lfpr_ratio_fm", "CCC", 2021, 72, None), ("lfpr_ratio_fm", "WLD", 2024, 60, None),  # WLD: an aggregate
    ("female_lfpr", "AAA", 2023, 70, None), ("female_lfpr", "AAA", 2023, 30, None, "female"),
    ("recruitment_cost_months", "AAA", 2022, 0.5, None), ("recruitment_cost_months", "BBB", 2023, 4, None),
    ("recruitment_cost_months", "CCC", 2025, 1, None),  # after the status year: not used
    ("recruitment_cost_months", "DDD", 2020, 2, None),
    ("fee_ban_law", "AAA", 2018, None, "none"), ("fee_ban_law", "AAA", 2021, None, "full"),
    ("fee_ban_law", "BBB", 2022, None, "partial"),
    ("remittances_gdp", "AAA", 2023, 5.2, None),
    ("recruitment_cost_corridor", "AAA", 2022, 2.0, None, "total", "CCC"),
]  # fmt: skip
EVENTS = [
    ("ilo_c181", "AAA", "2005-06-01", 2005, "in_force"), ("ilo_c181", "BBB", "2023-02-01", 2023, "not_in_force"),
    ("ilo_c181", "DDD", "2012-01-01", 2012, "in_force"), ("ilo_c181", "DDD", "2020-05-01", 2020, "denounced"),
    ("un_icrmw", "AAA", None, 2010, "party", "un_treaties"), ("un_icrmw", "BBB", None, None, "signatory", "un_treaties"),
    ("un_icrmw", "CCC", None, None, "no_action", "un_treaties"),
]  # fmt: skip
LISTS = [("ilo_c181", "ilo_normlex", False, "2023-03"), ("un_icrmw", "un_treaties", True, "2022-08-25")]
COUNTRIES = [
    ("AAA", "Africa", "Eastern Africa", "Low income", False), ("BBB", "Africa", "Eastern Africa", "Low income", False),
    ("CCC", "Europe", "Northern Europe", "High income", False), ("DDD", "Africa", "Eastern Africa", "High income", False),
    ("WLD", None, None, None, True),
]  # fmt: skip


@pytest.fixture(scope="module")
def release() -> dict[str, pd.DataFrame]:
    return score_release(
        observations(OBSERVATIONS), events(EVENTS), event_lists(LISTS), countries(COUNTRIES), REGISTRY, 2024,
        groups={"club": ["AAA", "BBB", "CCC", "ZZZ"]},
    )  # fmt: skip


N = None
SCORE_ROWS = [
    # country, indicator, value, value_label, year, out_of_date, score, level, trend, changed_year
    ("AAA", "lfpr_ratio_fm", 65, N, 2024, False, 55.41, "yellow", "on_track", N),
    ("BBB", "lfpr_ratio_fm", 60, N, 2016, True, N, "no_data", "not_available", N),
    ("CCC", "lfpr_ratio_fm", 72, N, 2021, False, 64.33, "green", "not_available", N),
    ("DDD", "lfpr_ratio_fm", N, N, N, False, N, "no_data", "not_available", N),
    ("AAA", "female_lfpr", 30, N, 2023, False, 30.0, "red", "not_available", N),  # the headline (female) slice
    ("AAA", "recruitment_cost_months", 0.5, N, 2022, False, 91.67, "green", "not_available", N),
    ("BBB", "recruitment_cost_months", 4, N, 2023, False, 33.33, "red", "not_available", N),
    ("CCC", "recruitment_cost_months", N, N, N, False, N, "no_data", "not_available", N),
    ("DDD", "recruitment_cost_months", 2, N, 2020, False, 66.67, "yellow", "not_available", N),
    ("AAA", "fee_ban_law", N, "full", 2021, False, 100.0, "green", "not_available", 2021),
    ("BBB", "fee_ban_law", N, "partial", 2022, False, 50.0, "yellow", "not_available", N),
    ("AAA", "ilo_c181", N, "in_force", 2023, False, 100.0, "green", "not_available", 2005),
    # ratified 2023-02-01, listed not in force: in force 12 months after registration (ILO final clause)
    ("BBB", "ilo_c181", N, "in_force", 2024, False, 100.0, "green", "not_available", 2024),
    ("CCC", "ilo_c181", N, "not_known", 2023, False, N, "no_data", "not_available", N),  # partial list: not red
    ("DDD", "ilo_c181", N, "denounced", 2023, False, 0.0, "red", "not_available", 2020),
    ("AAA", "un_icrmw", N, "party", 2022, False, 100.0, "green", "not_available", 2010),
    ("BBB", "un_icrmw", N, "signatory", 2022, False, 33.3, "orange", "not_available", N),
    ("CCC", "un_icrmw", N, "no_action", 2022, False, 0.0, "red", "not_available", N),
    ("DDD", "un_icrmw", N, "no_action", 2022, False, 0.0, "red", "not_available", N),  # complete list: absent = none
    ("AAA", "remittances_gdp", 5.2, N, 2023, False, N, N, "not_available", N),  # context: no score, no colour
    ("BBB", "remittances_gdp", N, N, N, False, N, "no_data", "not_available", N),
]  # fmt: skip


def _cell(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return round(float(value), 2) if isinstance(value, float) else value


def test_release_indicator_scores(release) -> None:
    scores = release["indicator_scores"]
    assert list(scores.columns) == SCORE_COLUMNS
    assert len(scores) == 4 * 7, "every non-aggregate country x non-corridor indicator, no-data rows included"
    assert set(scores["country"]) == {"AAA", "BBB", "CCC", "DDD"}
    assert "recruitment_cost_corridor" not in set(scores["indicator_id"])
    assert set(scores["methodology_version"]) == {"test-1.0"} and set(scores["status_year"]) == {2024}
    rows = scores.set_index(["country", "indicator_id"])
    columns = ["value", "value_label", "year", "out_of_date", "score", "level", "trend", "changed_year"]
    for country, ind, *expected in SCORE_ROWS:
        got = [_cell(rows.at[(country, ind), c]) for c in columns]
        assert got == expected, f"{country} {ind}"


PRINCIPLE_ROWS = [
    # country, principle, score, level, coverage, n_with_data, n_mapped
    ("AAA", 13, 97.92, "green", 1.0, 4, 4),  # (91.67 + 100 + 100 + 100) / 4
    ("BBB", 13, 54.16, "orange", 1.0, 4, 4),  # (33.33 + 50 + 100 + 33.3) / 4; two worst red, orange
    ("CCC", 13, N, "no_data", 0.25, 1, 4),
    ("DDD", 13, N, "no_data", 0.75, 3, 4),  # below 80%: no aggregate, coverage still shown
    ("AAA", 1, 42.71, "orange", 1.0, 2, 2),  # (55.41 + 30) / 2; two worst red, yellow: mean rank 2
    ("BBB", 1, N, "no_data", 0.0, 0, 2),  # the out-of-date value is not scored
    ("CCC", 4, N, "no_data", 0.5, 1, 2),
]  # fmt: skip


def test_release_principle_and_theme_scores(release) -> None:
    principles = release["principle_scores"].set_index(["country", "principle"])
    assert set(principles.index.get_level_values("principle")) == {1, 4, 13}, "context-only principle 15 has none"
    for country, principle, *expected in PRINCIPLE_ROWS:
        row = principles.loc[(country, principle)]
        got = [_cell(row[c]) for c in ["score", "level", "coverage", "n_with_data", "n_mapped"]]
        assert got == expected, f"{country} principle {principle}"
    themes = release["theme_scores"].set_index(["country", "theme"])
    assert set(themes.index.get_level_values("theme")) == {"women", "recruitment"}
    assert _cell(themes.loc[("AAA", "recruitment"), "score"]) == 97.92
    assert themes.loc[("DDD", "recruitment"), "level"] == "no_data"


def test_release_peer_stats(release) -> None:
    peers = release["peer_stats"].set_index(["indicator_id", "group_kind", "group"])
    cost = peers.loc[("recruitment_cost_months", "un_region", "Africa")]  # AAA 0.5, BBB 4, DDD 2
    assert [_cell(cost[c]) for c in ["median", "q1", "q3", "n"]] == [2.0, 1.25, 3.0, 3]
    club = peers.loc[("recruitment_cost_months", "custom:club", "club")]  # AAA and BBB only (CCC's is 2025)
    assert [_cell(club[c]) for c in ["median", "q1", "q3", "n"]] == [N, N, N, 2]
    assert peers.loc[("lfpr_ratio_fm", "un_region", "Africa"), "n"] == 1, "the out-of-date value is not a peer"
    assert peers.loc[("female_lfpr", "income_group", "High income"), "n"] == 0
    assert set(peers.index.get_level_values("group_kind")) == {
        "un_region",
        "un_subregion",
        "income_group",
        "custom:club",
    }
    assert not set(peers.index.get_level_values("indicator_id")) & {"fee_ban_law", "ilo_c181", "un_icrmw"}


def test_a_value_superseded_by_a_later_reform_is_out_of_date_from_its_year() -> None:
    """later_change=<date> (a reform the source records after its coding date): the value is current before the
    reform's year, out of date (shown, not scored, not a peer) from it on, whatever the recency window."""
    fee = indicator("fee_ban_law", type="categorical", theme="recruitment", principles=(13,), categories=FEE_TABLE)
    obs = observations([("fee_ban_law", "AAA", 2024, None, "none", "total", "", "src", "dataset=x;later_change=2025-03-01"),
                        ("fee_ban_law", "BBB", 2024, None, "none", "total", "", "src", "dataset=x")])  # fmt: skip
    rows = {}
    for year in (2024, 2025, 2026):
        scores = score_release(obs, events([]), event_lists([]), countries(COUNTRIES[:2]), registry(fee), year)
        rows[year] = scores["indicator_scores"].set_index("country")
    assert (rows[2024].loc["AAA", "level"], rows[2024].loc["AAA", "out_of_date"]) == ("red", False)
    for year in (2025, 2026):
        aaa, bbb = rows[year].loc["AAA"], rows[year].loc["BBB"]
        assert (aaa["value_label"], aaa["year"], aaa["out_of_date"], aaa["level"]) == ("none", 2024, True, "no_data")
        assert pd.isna(aaa["score"])
        assert (bbb["out_of_date"], bbb["level"], bbb["score"]) == (False, "red", 0.0)


def test_release_refuses_an_unknown_category() -> None:
    bad = observations([*OBSERVATIONS, ("fee_ban_law", "CCC", 2022, None, "banned")])
    with pytest.raises(ValueError, match=r"fee_ban_law.*'banned'"):
        score_release(bad, events(EVENTS), event_lists(LISTS), countries(COUNTRIES), REGISTRY, 2024)


def test_release_trend_ignores_another_source_and_breaks() -> None:
    rows = [("lfpr_ratio_fm", "AAA", 2015, 30, N, "total", "", "old"), ("lfpr_ratio_fm", "AAA", 2024, 65, N),
            ("lfpr_ratio_fm", "BBB", 2015, 30, N), ("lfpr_ratio_fm", "BBB", 2018, 64, N, "total", "", "src", "break=1"),
            ("lfpr_ratio_fm", "BBB", 2024, 65, N)]  # fmt: skip
    out = score_release(observations(rows), events([]), event_lists([]), countries(COUNTRIES), REGISTRY, 2024)
    trends = out["indicator_scores"].set_index(["country", "indicator_id"])["trend"]
    assert trends[("AAA", "lfpr_ratio_fm")] == "not_available"  # the 2015 value is from another source
    assert trends[("BBB", "lfpr_ratio_fm")] == "stagnating"  # 2018 -> 2024 after the break: 0.21 a year
