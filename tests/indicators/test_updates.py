"""Last and next expected update per indicator source (indicators/updates.py): given/expect, no guessing."""

from __future__ import annotations

from datetime import date

from indicators.registry import load_registry
from indicators.updates import ROUND, SCHEDULE, SourceUpdate, next_expected, next_yearly, source_updates

TODAY = date(2026, 12, 6)


def test_next_yearly_day_is_on_or_after_today() -> None:
    assert next_yearly("07-01", TODAY) == date(2027, 7, 1)
    assert next_yearly("12-06", TODAY) == TODAY
    assert next_yearly("12-31", TODAY) == date(2026, 12, 31)


def test_only_a_stated_pattern_or_an_open_round_gives_a_next_date() -> None:
    sources = load_registry().sources
    dates = {"wb_wdi": "2025-03-24", "wb_class_fy2026": "2025-10-07 (file version)"}
    found = source_updates(("wb_wdi", "wb_class_fy2026"), sources, dates, [], TODAY)
    assert found[0] == SourceUpdate("wb_wdi", "2025-03-24", None, None, None), "WDI states no schedule: not announced"
    assert (found[1].next_expected, found[1].basis) == ("2027-07-01", SCHEDULE)
    assert "1 July" in str(found[1].detail)
    assert next_expected(found) == found[1]
    assert next_expected(found[:1]) is None


def test_an_open_round_is_the_stewards_next_update_and_the_soonest_wins() -> None:
    sources = load_registry().sources
    rounds = [("2027 costs", "2027-03-31"), ("2026 costs", "2027-01-31")]
    found = source_updates(("sdg_un", "steward"), sources, {}, rounds, TODAY)
    stewards = [u for u in found if u.source_id == "steward"]
    assert [(u.next_expected, u.basis, u.detail) for u in stewards] == [
        ("2027-01-31", ROUND, "2026 costs"), ("2027-03-31", ROUND, "2027 costs")]  # fmt: skip
    assert next_expected(found) == stewards[0]
    without = source_updates(("ilo_normlex", "steward"), sources, {}, [], TODAY)
    assert [u.source_id for u in without] == ["ilo_normlex", "steward"] and next_expected(without) is None


def test_every_stated_pattern_has_its_words_and_a_valid_day() -> None:
    for source in load_registry().sources.values():
        if source.updated_yearly_on:
            assert source.update_pattern, source.id
            next_yearly(source.updated_yearly_on, TODAY)
