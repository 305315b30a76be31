"""The render-ahead job yields to every other process on the host, not only by priority: between briefings it waits
while others use the CPU (dashboard/api/quiet_cpu.py). Its own processes (its Chromium) do not hold it back."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

BURN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


def _outside_burner(seconds: float, pid_file: Path) -> int:
    """A process that burns one core for `seconds` and is NOT a descendant of this one (its shell parent exits at
    once, so it belongs to init): the pid."""
    script = pid_file.with_suffix(".py")
    script.write_text(BURN.format(seconds=seconds), encoding="utf-8")
    subprocess.run(["bash", "-c", f"{sys.executable} {script} >/dev/null 2>&1 & echo $! > {pid_file}"], check=True)
    return int(pid_file.read_text())


def _ticks(pid: int) -> int:
    from dashboard.api.quiet_cpu import processes

    return processes()[pid][1]


def _until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_process_outside_the_job_is_counted_as_others(tmp_path):
    """What another process burns is in `others_cores` (the host's other load may add to it, never take from it)."""
    from dashboard.api.quiet_cpu import QuietCpu

    with QuietCpu() as quiet:
        assert _until(lambda: quiet.sampled_at > 0), "the sampler runs"
        pid = _outside_burner(30, tmp_path / "burner.pid")
        try:
            time.sleep(0.6)  # the sampler's windows full of the burner
            before, seen = _ticks(pid), []
            for _ in range(10):
                time.sleep(0.3)
                seen.append(quiet.others_cores)
            burnt = (_ticks(pid) - before) / os.sysconf("SC_CLK_TCK") / 3.0
        finally:
            os.kill(pid, signal.SIGKILL)
    assert burnt > 0.2, f"the burner ran: {burnt:.2f} cores"
    assert sum(seen) / len(seen) >= 0.8 * burnt, (seen, burnt)


def test_wait_holds_while_others_are_above_the_limit_and_lets_go_when_they_are_not():
    from dashboard.api.quiet_cpu import QuietCpu

    with QuietCpu(share=-1.0) as quiet:  # a limit no host meets: held
        waiter = threading.Thread(target=quiet.wait)
        waiter.start()
        waiter.join(1.0)
        assert waiter.is_alive(), "held"
        quiet.limit_cores = float("inf")  # any load is under it: let go at the next sample
        waiter.join(5.0)
        assert not waiter.is_alive(), "let go"
    assert quiet.held_s >= 1.0


def test_the_jobs_own_processes_are_its_tree_and_not_counted_as_others():
    """A child and a grandchild (as Chromium's browser and renderer) are in the tree; their CPU is not the others'
    (counted with the same readings when the tree is another's)."""
    from dashboard.api.quiet_cpu import OthersCpu, tree_of

    child = subprocess.Popen(["bash", "-c", f"{sys.executable} -c '{BURN.format(seconds=1.5)}' & wait"])
    try:
        assert _until(lambda: len(tree_of(child.pid)) == 2), "the shell and the Python it started"
        tree = tree_of(os.getpid())
        assert child.pid in tree and tree_of(child.pid) <= tree
        burner = max(tree_of(child.pid) - {child.pid})
        ours, nobodys = OthersCpu(os.getpid()), OthersCpu(-1)
        ours.deltas(), nobodys.deltas()
        time.sleep(1.0)
        assert burner not in ours.deltas(), "the grandchild's burning is the job's own"
        burnt = nobodys.deltas()[burner] / os.sysconf("SC_CLK_TCK")
        assert burnt > 0.3, f"and the others' when the tree is another's: {burnt:.2f} s of CPU in 1 s"
    finally:
        child.wait(timeout=10)


def test_a_process_that_leaves_the_tree_is_counted_as_others_only_from_then(tmp_path):
    """A burner whose parent (in the tree) exits belongs to init from then on: counted as the others' from the
    previous reading, not for all the CPU it spent while it was the job's (a Chromium helper whose parent ended)."""
    from dashboard.api.quiet_cpu import OthersCpu, tree_of

    pid_file = tmp_path / "burner.pid"
    (tmp_path / "burn.py").write_text(BURN.format(seconds=4), encoding="utf-8")
    script = f"{sys.executable} {tmp_path / 'burn.py'} & echo $! > {pid_file}; read -r _"  # exits when told
    shell = subprocess.Popen(["bash", "-c", script], stdin=subprocess.PIPE)
    try:
        assert _until(lambda: pid_file.exists() and pid_file.read_text().strip().isdigit())
        burner = int(pid_file.read_text())
        others = OthersCpu(os.getpid())
        time.sleep(0.7)  # the burner's past, spent in the tree
        before = _ticks(burner)
        others.deltas()
        assert burner in tree_of(os.getpid())
        shell.communicate(b"\n", timeout=10)  # the shell exits: the burner now belongs to init
        assert _until(lambda: burner not in tree_of(os.getpid()))
        time.sleep(0.3)
        counted = others.deltas()[burner]
        after = _ticks(burner)
        assert before >= 0.3 * os.sysconf("SC_CLK_TCK"), "it had a past in the tree"
        assert 0 < counted <= after - before, (counted, before, after)
    finally:
        shell.kill()
        with contextlib.suppress(ProcessLookupError, NameError):
            os.kill(burner, signal.SIGKILL)


def test_the_job_waits_between_briefings_on_a_host_that_is_not_quiet_and_says_so(release_id, monkeypatch):
    """The job, limited to one area, on a host that is never quiet (a limit no host meets), held at most 1 s at a
    time: it waits before each of the three briefings, writes them all, and says how long it was held."""
    from dashboard.api import briefings_ahead, quiet_cpu
    from warehouse import briefing

    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed: `make install-test` installs it")
    monkeypatch.setattr(quiet_cpu, "QUIET_SHARE", -1.0)
    monkeypatch.setattr(quiet_cpu, "MAX_HOLD_S", 1.0)
    monkeypatch.setattr(briefings_ahead, "countries", lambda _release: ["GUY"])
    for path in briefing.folder(release_id).glob("GUY.*"):
        path.unlink()
    done = briefings_ahead.run(release_id, workers=1)
    assert done["written"] == 3 and done["failed"] == []
    assert done["held_for_others_s"] >= 3.0, done


def test_a_host_that_is_never_quiet_still_lets_a_briefing_through_now_and_then():
    """Held for at most `max_s` (MAX_HOLD_S in the job) when the others are never under the limit."""
    from dashboard.api.quiet_cpu import QuietCpu

    with QuietCpu(share=-1.0) as quiet:
        started = time.monotonic()
        quiet.wait(max_s=1.0)
        held = time.monotonic() - started
    assert 1.0 <= held < 5.0


def test_a_briefing_a_reader_waits_for_is_printed_at_once_while_the_job_is_held(release_id, monkeypatch):
    """The job held (a limit no host meets: never quiet, and a minute at a time): a request's wish for a briefing is
    printed at once, the reader being who the wait is for, while the rest of the queue stays held."""
    from dashboard.api import briefings_ahead, quiet_cpu
    from warehouse import briefing

    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed: `make install-test` installs it")
    monkeypatch.setattr(quiet_cpu, "QUIET_SHARE", -1.0)
    monkeypatch.setattr(quiet_cpu, "MAX_HOLD_S", 60.0)
    monkeypatch.setattr(briefings_ahead, "countries", lambda _release: ["BRB", "FJI"])
    for path in briefing.folder(release_id).glob("[BF][RJ][BI].*"):
        path.unlink()
    done: list[dict] = []
    job = threading.Thread(target=lambda: done.append(briefings_ahead.run(release_id, workers=1)))
    job.start()

    def wish(iso3: str, lang: str) -> None:
        (briefing.folder(release_id) / briefing.WANTED).mkdir(exist_ok=True)
        (briefing.folder(release_id) / briefing.WANTED / f"{iso3}.{lang}").touch()

    try:
        time.sleep(1.0)
        wish("FJI", "fr")
        assert _until(briefing.path_of(release_id, "FJI", "fr", "pdf").exists, timeout=30), "not held a minute"
        assert not briefing.path_of(release_id, "BRB", "en", "pdf").exists(), "the first in the queue still held"
    finally:
        for iso3, lang in [("BRB", "en"), ("BRB", "es"), ("BRB", "fr"), ("FJI", "en"), ("FJI", "es")]:
            wish(iso3, lang)
            _until(briefing.path_of(release_id, iso3, lang, "pdf").exists, timeout=30)
        job.join(timeout=20)  # every briefing went to a reader: the job stops without waiting out its hold (60 s)
    assert not job.is_alive() and done[0]["written"] == 6 and done[0]["failed"] == []


def test_a_held_job_whose_app_has_ended_stops_at_once(release_id, monkeypatch):
    """Held for a minute at a time, the job still notices within a tenth of a second that the app process that
    started it is gone (it is then another's child), and stops without printing."""
    from dashboard.api import briefings_ahead, quiet_cpu

    monkeypatch.setattr(quiet_cpu, "QUIET_SHARE", -1.0)
    monkeypatch.setattr(quiet_cpu, "MAX_HOLD_S", 60.0)
    monkeypatch.setattr(briefings_ahead, "countries", lambda _release: ["GUY"])
    gone = subprocess.Popen(["true"])
    gone.wait()
    started = time.monotonic()
    done = briefings_ahead.run(release_id, parent=gone.pid, workers=1)
    assert time.monotonic() - started < 10
    assert done["written"] == 0 and done["stopped"] == "the app process that started it has ended", done
