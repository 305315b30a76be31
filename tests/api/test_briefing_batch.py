"""The render-ahead job reads every country's briefing facts in one pass (each table once for all countries): the
cards, facts and pages it writes are the ones a request reads and renders country by country."""

from __future__ import annotations

import pytest


def test_scorecards_read_together_are_the_ones_read_one_by_one(release_id):
    from dashboard.api import briefings_ahead
    from warehouse.connection import cursor
    from warehouse.scorecard import NoScorecard, read_scorecard, read_scorecards

    _, cur = cursor(release_id)
    codes = [row[0] for row in cur.execute("SELECT iso3 FROM countries ORDER BY iso3").fetchall()]
    cards = read_scorecards(cur, codes, release_id)
    assert sorted(cards) == briefings_ahead.countries(release_id), "every area with a scorecard, and only those"
    for iso3 in codes:
        if iso3 in cards:
            assert cards[iso3] == read_scorecard(cur, iso3, release_id), iso3
        else:
            with pytest.raises(NoScorecard):
                read_scorecard(cur, iso3, release_id)


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_facts_read_together_render_the_same_briefing(release_id, lang):
    """Every country: the same Facts as facts() (scorecard, sources, the series against the region's median, the
    region's map), so the same HTML, byte for byte."""
    from dashboard.api import briefings_ahead
    from dashboard.api.briefing import facts, facts_all, render

    codes = briefings_ahead.countries(release_id)
    together = facts_all(release_id, codes)
    assert sorted(together) == codes
    with_series = with_map = 0
    for iso3 in codes[:: 7 if lang == "en" else 23]:
        alone = facts(release_id, iso3)
        assert together[iso3] == alone, iso3
        assert render(together[iso3], lang) == render(alone, lang), iso3
        with_series += bool(alone.series)
        with_map += bool(alone.map_states)
    assert with_series and with_map, "the sample has charts to compare"


def test_rendering_leaves_the_facts_as_they_were(release_id):
    """render() writes its words in a copy: the facts the job keeps for three languages are not changed by one."""
    import copy

    from dashboard.api.briefing import facts, render

    found = facts(release_id, "NPL")
    before = copy.deepcopy(found)
    for lang in ("fr", "en", "es"):
        render(found, lang)
    assert found == before


def test_two_printers_write_each_briefing_once(release_id, monkeypatch):
    """The job with two printers at once (each its own Chromium): every briefing on disk once, a PDF, none failed;
    the facts read in one pass are shared by both."""
    import shutil

    from dashboard.api import briefings_ahead
    from warehouse import briefing

    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed: `make install-test` installs it")
    codes = ["NPL", "SEN"]
    monkeypatch.setattr(briefings_ahead, "countries", lambda _release: codes)
    for path in briefing.folder(release_id).glob("[NS][PE][LN].*"):
        path.unlink()
    done = briefings_ahead.run(release_id, workers=2)
    assert done["printers"] == 2 and done["failed"] == [] and done["written"] == 6
    for iso3 in codes:
        for lang in ("en", "es", "fr"):
            assert briefing.path_of(release_id, iso3, lang, "pdf").read_bytes().startswith(b"%PDF")
    assert not list(briefing.folder(release_id).glob(".*.tmp")), "no file left half-written"
