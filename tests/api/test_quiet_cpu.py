"""The render-ahead job yields to every other process on the host, not only by priority: between briefings it waits
while others use the CPU (dashboard/api/quiet_cpu.py). Its own processes (its Chromium) do not hold it back."""

from __future__ import annotations

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


def _above_the_hosts_own_load(quiet) -> None:
    """The limit set half a core above what the host's other processes use now, so that the burner, not a neighbour
    on a shared machine, is what the test sees."""
    assert _until(lambda: quiet.sampled_at > 0), "the sampler runs"
    time.sleep(0.5)
    quiet.limit_cores = quiet.others_cores + 0.5


def _until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_another_process_burning_a_core_holds_the_job_until_it_ends(tmp_path):
    from dashboard.api.quiet_cpu import QuietCpu

    with QuietCpu() as quiet:
        _above_the_hosts_own_load(quiet)
        pid = _outside_burner(30, tmp_path / "burner.pid")
        try:
            assert _until(lambda: not quiet.quiet()), f"a core burnt elsewhere is seen: {quiet.others_cores}"
            waiter = threading.Thread(target=quiet.wait)
            waiter.start()
            waiter.join(1.0)
            assert waiter.is_alive(), "held while the other process burns"
        finally:
            os.kill(pid, signal.SIGKILL)
        waiter.join(10)
        assert not waiter.is_alive(), "let go once it has ended"
        assert quiet.held_s >= 1.0


def test_the_jobs_own_processes_are_its_tree_and_their_cpu_is_counted_as_its_own():
    """A child and a grandchild (as Chromium's browser and renderer) are in the tree; their CPU is counted in it."""
    from dashboard.api.quiet_cpu import ticks_of, tree_of

    child = subprocess.Popen(["bash", "-c", f"{sys.executable} -c '{BURN.format(seconds=1.5)}' & wait"])
    try:
        assert _until(lambda: len(tree_of(child.pid)) == 2), "the shell and the Python it started"
        tree = tree_of(os.getpid())
        assert child.pid in tree and tree_of(child.pid) <= tree
        before = ticks_of(tree)
        time.sleep(1.0)
        spent = (ticks_of(tree) - before) / os.sysconf("SC_CLK_TCK")
        assert spent > 0.3, f"the grandchild's burning is the tree's: {spent:.2f} s of CPU in 1 s"
    finally:
        child.wait(timeout=10)


def test_the_job_waits_for_a_busy_host_and_then_renders(release_id, tmp_path, monkeypatch):
    """The job, limited to one area, started while another process burns a core for 4 s: it says how long it was
    held, and then writes the area's three briefings."""
    from dashboard.api import briefings_ahead
    from warehouse import briefing

    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed: `make install-test` installs it")
    from dashboard.api import quiet_cpu

    with quiet_cpu.QuietCpu() as probe:  # the job's limit half a core above the host's own load, as above
        _above_the_hosts_own_load(probe)
    monkeypatch.setattr(quiet_cpu, "QUIET_SHARE", probe.limit_cores / (os.cpu_count() or 1))
    monkeypatch.setattr(briefings_ahead, "countries", lambda _release: ["GUY"])
    for path in briefing.folder(release_id).glob("GUY.*"):
        path.unlink()
    _outside_burner(4.0, tmp_path / "burner.pid")
    time.sleep(0.5)  # a full window of the sampler sees it from the job's first briefing on
    done = briefings_ahead.run(release_id, workers=1)
    assert done["written"] == 3 and done["failed"] == []
    assert done["held_for_others_s"] >= 1.0, done


def test_a_host_that_is_never_quiet_still_lets_a_briefing_through_now_and_then(tmp_path):
    """Held for at most `max_s` (MAX_HOLD_S in the job) while another process burns a core throughout."""
    from dashboard.api.quiet_cpu import QuietCpu

    with QuietCpu() as quiet:
        _above_the_hosts_own_load(quiet)
        pid = _outside_burner(30, tmp_path / "burner.pid")
        try:
            assert _until(lambda: not quiet.quiet())
            started = time.monotonic()
            quiet.wait(max_s=1.0)
            held = time.monotonic() - started
        finally:
            os.kill(pid, signal.SIGKILL)
    assert 1.0 <= held < 5.0
