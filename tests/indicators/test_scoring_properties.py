"""Properties of the scoring methodology (hypothesis, derandomized so every run checks the same examples)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.aggregate import QUINTILES, batch_aggregate
from indicators.levels import COLOURED, LEVEL_RANK
from indicators.model import Thresholds
from indicators.scoring import (
    aggregate,
    continuous_level,
    event_status,
    latest_within_window,
    normalise,
    peer_stats,
    rank_band,
    score_release,
    trend,
)
from tests.indicators.scoring_factories import countries, event_lists, events, lfpr_ratio, observations, registry

FAST = settings(derandomize=True, max_examples=150, deadline=None)
FRAMES = settings(derandomize=True, max_examples=40, deadline=None)  # each example builds frames
SLOW = settings(derandomize=True, max_examples=15, deadline=None)  # each example runs a whole score_release

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def thresholds(draw: st.DrawFn) -> Thresholds:
    """Valid SDSN bounds in either direction: lower < red <= green < optimum (or the mirror image)."""
    a, b, c, d = sorted(draw(st.lists(finite, min_size=4, max_size=4, unique=True)))
    if d - a < 1e-6:
        d = a + 1.0
    higher = draw(st.booleans())
    return Thresholds(optimum=d, green=c, red=b, lower_bound=a) if higher else Thresholds(a, b, c, d)


def _higher(th: Thresholds) -> bool:
    return th.optimum > th.lower_bound


@FAST
@given(th=thresholds(), value=finite)
def test_scores_stay_within_0_and_100(th: Thresholds, value: float) -> None:
    assert 0.0 <= normalise(value, th) <= 100.0


@FAST
@given(th=thresholds(), a=finite, b=finite)
def test_improving_a_value_never_lowers_its_score_or_level(th: Thresholds, a: float, b: float) -> None:
    worse, better = (min(a, b), max(a, b)) if _higher(th) else (max(a, b), min(a, b))
    assert normalise(better, th) >= normalise(worse, th)
    assert LEVEL_RANK[continuous_level(better, th)] <= LEVEL_RANK[continuous_level(worse, th)]


entry = st.one_of(
    st.tuples(st.none(), st.just("no_data")),
    st.tuples(st.floats(min_value=0, max_value=100), st.sampled_from(COLOURED)),
)


@FAST
@given(entries=st.lists(entry, max_size=12), extra=st.integers(0, 6), threshold=st.floats(0.05, 1.0))
def test_no_aggregate_below_the_coverage_threshold(entries, extra: int, threshold: float) -> None:
    result = aggregate(entries, len(entries) + extra, threshold)
    if result.coverage < threshold - 1e-9:
        assert (result.score, result.level) == (None, "no_data")
    if result.score is not None:
        assert result.coverage >= threshold - 1e-9 and 0.0 <= result.score <= 100.0 and result.level != "no_data"


@FAST
@given(entries=st.lists(entry, min_size=1, max_size=12), new=st.floats(0, 100), level=st.sampled_from(COLOURED))
def test_adding_a_missing_value_never_reduces_coverage(entries, new: float, level: str) -> None:
    entries = [*entries, (None, "no_data")]
    before = aggregate(entries, len(entries))
    filled = [*entries[:-1], (new, level)]
    after = aggregate(filled, len(entries))
    assert after.coverage >= before.coverage and after.n_with_data == before.n_with_data + 1
    assert before.score is None or after.score is not None


@FRAMES
@given(
    per_country=st.lists(st.lists(entry, min_size=3, max_size=3), min_size=1, max_size=6), threshold=st.floats(0.1, 1)
)
def test_batch_aggregate_matches_the_scalar_rule(per_country, threshold: float) -> None:
    rows = [(f"C{c}", f"i{i}", s, lv) for c, entries in enumerate(per_country) for i, (s, lv) in enumerate(entries)]
    scores = pd.DataFrame(rows, columns=["country", "indicator_id", "score", "level"]).astype({"score": float})
    mapping = pd.DataFrame({"indicator_id": ["i0", "i1", "i2"], "key": 1, "weight": [1.0, 2.0, 1.0]})
    batch = batch_aggregate(scores, mapping, "key", threshold).set_index("country")
    for c, entries in enumerate(per_country):
        expected = aggregate(entries, 3, threshold, weights=[1.0, 2.0, 1.0])
        got = batch.loc[f"C{c}"]
        assert got["level"] == expected.level and got["n_with_data"] == expected.n_with_data
        assert (pd.isna(got["score"]) and expected.score is None) or abs(got["score"] - expected.score) < 1e-9


record = st.fixed_dictionaries(
    {
        "event_date": st.none(),
        "year": st.one_of(st.none(), st.integers(1990, 2030)),
        "status": st.sampled_from(
            ["in_force", "not_in_force", "party", "denounced", "signatory", "no_action", "reform"]
        ),
    }
)


@FAST
@given(
    records=st.lists(record, max_size=4), year=st.integers(1985, 2030), un=st.booleans(), as_of=st.integers(2000, 2025)
)
def test_a_partial_list_only_makes_a_status_less_known(records, year: int, un: bool, as_of: int) -> None:
    complete = event_status(records, year, True, un, as_of)
    partial = event_status(records, year, False, un, as_of)
    assert partial == complete or partial == ("not_known", None)
    if not records:
        assert partial.status == "not_known", "absent from a partial list is never 'not ratified'"


@FAST
@given(values=st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6)), max_size=10))
def test_peer_stats_are_ordered_and_withheld_for_small_groups(values) -> None:
    stats = peer_stats(values)
    if stats.n < 3:
        assert stats[:3] == (None, None, None)
    else:
        present = [v for v in values if v is not None]
        assert stats.q1 is not None and stats.median is not None and stats.q3 is not None
        assert min(present) <= stats.q1 <= stats.median <= stats.q3 <= max(present)


@FAST
@given(n=st.integers(5, 300), data=st.data())
def test_rank_bands_never_improve_with_a_worse_rank(n: int, data: st.DataObject) -> None:
    r1 = data.draw(st.integers(1, n))
    r2 = data.draw(st.integers(r1, n))
    assert QUINTILES.index(rank_band(r1, n)) <= QUINTILES.index(rank_band(r2, n))


series = st.lists(st.tuples(st.integers(2008, 2026), st.floats(15, 110)), max_size=6, unique_by=lambda p: p[0])


@SLOW
@given(per_country=st.lists(series, min_size=1, max_size=5))
def test_release_batch_agrees_with_the_scalar_functions(per_country) -> None:
    ind = lfpr_ratio()
    assert ind.thresholds is not None
    rows = [("lfpr_ratio_fm", f"C{c:02d}", y, v, None) for c, pts in enumerate(per_country) for y, v in pts]
    table = [(f"C{c:02d}", "R", "S", "I", False) for c in range(len(per_country))]
    out = score_release(observations(rows), events([]), event_lists([]), countries(table), registry(ind), 2024)
    scores = out["indicator_scores"].set_index("country")
    for c, pts in enumerate(per_country):
        row, latest = scores.loc[f"C{c:02d}"], latest_within_window(pts, 2024, ind.recency_window)
        assert row["trend"] == trend(pts, ind, 2024)
        if latest is None:
            assert row["level"] == "no_data" and pd.isna(row["year"])
        else:
            assert (row["year"], row["out_of_date"]) == (latest.year, latest.out_of_date)
            expected = "no_data" if latest.out_of_date else continuous_level(latest.value, ind.thresholds)
            assert row["level"] == expected
