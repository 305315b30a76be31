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


def test_the_kept_scorecard_is_the_one_read_by_its_own_queries(release_id):
    """Every area: the card the pages and the API make from the release's kept rows is read_scorecard's (its own
    per-area queries); an area without one says why, an unknown code is not found."""
    from warehouse.connection import cursor
    from warehouse.scorecard import NoScorecard, kept_scorecard, read_scorecard

    _, cur = cursor(release_id)
    codes = [row[0] for row in cur.execute("SELECT iso3 FROM countries ORDER BY iso3").fetchall()]
    kinds = set()
    for iso3 in codes:
        try:
            card = read_scorecard(cur, iso3, release_id)
        except NoScorecard as expected:
            with pytest.raises(NoScorecard) as kept:
                kept_scorecard(iso3, release_id)
            assert kept.value.reason == expected.reason and kept.value.country == expected.country
            continue
        assert kept_scorecard(iso3, release_id) == card, iso3
        kinds.add((card["country"]["area_kind"], card["country"]["income_group"] is None))
    assert len(kinds) >= 3, f"countries, territories, areas without an income group among them: {kinds}"
    with pytest.raises(LookupError):
        kept_scorecard("XXX", release_id)


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
    monkeypatch.setattr("dashboard.api.quiet_cpu.QUIET_SHARE", float("inf"))  # never held (test_quiet_cpu.py)
    for path in briefing.folder(release_id).glob("[NS][PE][LN].*"):
        path.unlink()
    done = briefings_ahead.run(release_id, workers=2)
    assert done["printers"] == 2 and done["failed"] == [] and done["written"] == 6
    for iso3 in codes:
        for lang in ("en", "es", "fr"):
            assert briefing.path_of(release_id, iso3, lang, "pdf").read_bytes().startswith(b"%PDF")
    assert not list(briefing.folder(release_id).glob(".*.tmp")), "no file left half-written"


def test_a_request_does_not_queue_behind_a_starved_job(client, release_id, monkeypatch):
    """The job (lowest priority) holds a country's lock and does not move: a request for that country's briefing
    withdraws the wish the job did not take, still gets the briefing, rendered beside the job, and no temporary file
    is left."""
    from dashboard.api.briefing import render_html
    from warehouse import briefing

    monkeypatch.setattr(briefing, "WAIT_FOR_JOB_S", 0.5)
    monkeypatch.setattr(briefing, "PICKUP_S", 0.1)
    for kind in ("html", "pdf"):
        briefing.path_of(release_id, "SEN", "es", kind).unlink(missing_ok=True)
    with briefing.job_lock(release_id) as ours, briefing.country_lock(release_id, "SEN") as held:
        assert ours and held and briefing.job_running(release_id)
        answer = client.get("/api/v1/briefings/SEN.html?lang=es")
    assert answer.status_code == 200 and answer.get_data(as_text=True) == render_html(release_id, "SEN", "es")
    assert briefing.path_of(release_id, "SEN", "es", "html").exists()
    assert not list(briefing.folder(release_id).glob(".SEN.*.tmp"))
    assert not (briefing.folder(release_id) / briefing.WANTED / "SEN.es").exists(), "the untaken wish withdrawn"


def test_the_job_and_its_chromium_run_only_on_idle_cpu(tmp_path):
    """lowest_priority() puts the job at nice 19 and SCHED_IDLE, and every thread of its Chromium keeps SCHED_IDLE
    (Chromium sets its threads' nice values itself, to 0 and -8 where it may, e.g. as root; nice alone did not hold).
    Run in a child process: a process cannot take its priority back."""
    import json
    import shutil
    import subprocess
    import sys

    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed: `make install-test` installs it")
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><html lang='en'><title>t</title><h1>Briefing</h1></html>", encoding="utf-8")
    script = f"""
import json, os, pathlib
from dashboard.api.briefings_ahead import lowest_priority
from dashboard.api.quiet_cpu import tree_of
from warehouse.briefing_print import PdfPrinter
said = lowest_priority()
with PdfPrinter() as printer:
    printer.print(pathlib.Path({str(page)!r}), pathlib.Path({str(tmp_path / "page.pdf")!r}))
    tree = tree_of(printer._process.pid)
    def policies_of(pid):  # a Chromium helper process or thread may end while it is read: it is then not counted
        try:
            tasks = list(pathlib.Path(f"/proc/{{pid}}/task").iterdir())
        except OSError:
            return []
        found = []
        for task in tasks:
            try:
                found.append(os.sched_getscheduler(int(task.name)))
            except OSError:
                pass
        return found
    policies = [policy for pid in tree for policy in policies_of(pid)]
    print(json.dumps({{"said": said, "processes": len(tree), "policies": policies, "idle": os.SCHED_IDLE,
                      "nice": os.nice(0)}}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["said"] == "nice 19, SCHED_IDLE" and found["nice"] == 19
    assert found["processes"] >= 2 and len(found["policies"]) > 10, "Chromium's browser and renderer, their threads"
    assert set(found["policies"]) == {found["idle"]}, found
