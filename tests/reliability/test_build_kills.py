"""The publishing process killed (SIGKILL) while it builds and switches a release: at random moments of a real
`lmm build` (fixed seed), and at every step of sealing, switching, recording history, pruning and rolling back.

After each kill: the current release is intact and readable and named in the history, the accepted submission is
still there with its file and checksum, and the next build (or rollback) succeeds and leaves no half-written file.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from tests.conftest import ROOT
from tests.reliability.conftest import (
    SEED,
    Site,
    accepted_submission,
    assert_history_names,
    assert_release_intact,
    assert_submissions_intact,
    leftovers,
)
from warehouse import releases

KILLS = 4  # random kills of a real build in the short form (`make soak` does many more)


@pytest.fixture(scope="module")
def accepted(site: Site) -> str:
    return accepted_submission()


def steward_values(release_id: str) -> int:
    con = duckdb.connect(str(releases.release_path(release_id)), read_only=True)
    try:
        found = con.execute("SELECT count(*) FROM observations WHERE source_id = 'steward'").fetchone()
    finally:
        con.close()
    return found[0] if found else 0


PHASES = ["", "merging steward submissions", "scoring", "writing the release file"]  # "": while starting up


def kill_build_at_random(site: Site, rng: random.Random) -> str:
    """Start `lmm build`, wait for a randomly chosen phase (its progress line), SIGKILL it a random delay later;
    return the last phase it reached. Phases, not clock time, so the kills land alike on a slow or busy machine."""
    proc = subprocess.Popen([sys.executable, "-m", "lmm.cli", "build", "--status-year", "2025"], cwd=ROOT,
                            env=site.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stderr is not None
    target, reached = rng.choice(PHASES), "starting"
    while target and (line := proc.stderr.readline()):
        reached = line.strip(". \n")
        if target in line:
            break
    time.sleep(rng.uniform(0.0, 1.2))
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=60)
    lines = [line.strip(". ") for line in err.splitlines() if line.strip()]
    return (lines[-1] if lines else reached) + (" (published before the kill)" if out.strip() else "")


def test_random_kills_of_lmm_build_leave_the_current_release_intact(site: Site, accepted: str) -> None:
    rng = random.Random(SEED)
    phases: list[str] = []
    for _ in range(KILLS):
        before = releases.current_release_id()
        phases.append(kill_build_at_random(site, rng))
        current = assert_release_intact()
        assert current == before or steward_values(current) > 0  # a new release only ever appears whole
        assert_history_names(current)
        assert_submissions_intact([accepted])
    done = subprocess.run([sys.executable, "-m", "lmm.cli", "build", "--status-year", "2025"], cwd=ROOT,
                          env=site.env(), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert assert_release_intact(done.stdout.split()[-1]) and steward_values(done.stdout.split()[-1]) > 0
    assert leftovers() == [], phases
    assert len(set(phases)) >= 2, f"the kills should land in different phases: {phases}"


# Each step kills the child right there. The child builds a cheap release: a copy of the current file with its own
# release id (so the steps after writing cost no scoring), through the real seal / switch / history / prune code.
CHILD = textwrap.dedent(
    """
    import os, shutil, signal, sys
    from pathlib import Path
    import duckdb
    from warehouse import local as releases

    step, action = sys.argv[1], sys.argv[2]
    calls = {}

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def at(name, nth=1, after=False):
        def wrap(real):
            def patched(*args, **kwargs):
                calls[name] = calls.get(name, 0) + 1
                if step == name and calls[name] == nth and not after:
                    die()
                result = real(*args, **kwargs)
                if step == name and calls[name] == nth and after:
                    die()
                return result
            return patched
        return wrap

    def cheap_release(path, release_id, inputs, progress, parent):
        source = releases.release_path(releases.current_release_id())
        if step == "write":
            with open(source, "rb") as src, open(path, "wb") as dst:
                dst.write(src.read(source.stat().st_size // 2))
                dst.flush()
            die()
        shutil.copyfile(source, path)
        con = duckdb.connect(str(path))
        con.execute("UPDATE release_info SET value = ? WHERE key = 'release_id'", ['"' + release_id + '"'])
        con.execute("CHECKPOINT")
        con.close()
        return {"observations": 1, "events": 0, "submissions": 0}

    def half_line(entry):
        path = releases.releases_dir() / "history.jsonl"
        with open(path, "a") as handle:
            handle.write('{"release_id": "' + entry.release_id + '", "acti')
        die()

    releases.write_release = cheap_release
    releases.os.replace = at("replace", nth=int(os.environ.get("NTH", "1")))(os.replace)
    releases.os.symlink = at("symlink", after=True)(os.symlink)
    if step == "history-mid-line":
        releases.append_history = half_line
    releases.append_history = at("history")(releases.append_history)
    releases.point_current_to = at("pointer")(releases.point_current_to)
    releases.prune = at("prune")(releases.prune)
    if step == "unlink-release":
        Path.unlink = at("unlink-release", nth=int(os.environ.get("NTH", "1")), after=True)(Path.unlink)
    if action == "publish":
        print(releases.build_release(releases.BuildInputs(seed=None, actor="step test", reason="step " + step)))
    else:
        releases.rollback(action, actor="step test")
    """
)
PUBLISH_STEPS = [
    ("write", {}),  # half the release file written
    ("replace", {"NTH": "1"}),  # sealed checksum written, file not yet renamed into place
    ("replace", {"NTH": "2"}),  # file renamed into place, checksum not yet
    ("symlink", {}),  # the new pointer made, not yet swapped in
    ("pointer", {}),  # sealed, not yet pointed to
    ("history", {}),  # before the history line
    ("history-mid-line", {}),  # the history line cut in half
    ("unlink-release", {"LMM_KEEP_RELEASES": "2", "NTH": "2"}),  # while pruning (the 1st unlink is the build's)
]


def run_child(site: Site, step: str, action: str = "publish", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, step, action], cwd=ROOT, env=site.env(**env),
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def next_publish(monkeypatch: pytest.MonkeyPatch) -> str:
    """The next operation, in this process: build_release with the same cheap file (a copy with its own id)."""
    from warehouse import build, local

    def cheap_release(path, release_id, _inputs, _progress, _parent) -> dict:
        shutil.copyfile(releases.release_path(releases.current_release_id() or ""), path)
        con = duckdb.connect(str(path))
        try:
            con.execute("UPDATE release_info SET value = ? WHERE key = 'release_id'", [f'"{release_id}"'])
            con.execute("CHECKPOINT")
        finally:
            con.close()
        return {"observations": 1, "events": 0, "submissions": 0}

    monkeypatch.setattr(local, "write_release", cheap_release)
    return build.build_release(build.BuildInputs(seed=None, actor="step test", reason="after a kill"))  # type: ignore[arg-type]


@pytest.mark.parametrize(("step", "env"), PUBLISH_STEPS, ids=[f"{s}{e.get('NTH', '')}" for s, e in PUBLISH_STEPS])
def test_a_kill_at_each_step_of_a_publish(
    site: Site, accepted: str, step: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = releases.current_release_id()
    killed = run_child(site, step, **env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    current = assert_release_intact()
    assert_history_names(current)
    assert_submissions_intact([accepted])
    assert current == before or current == releases.read_history()[-1].release_id
    published = next_publish(monkeypatch)
    assert assert_release_intact(published) == published
    assert releases.read_history()[-1].release_id == published  # the next publish is recorded, whatever came before
    assert leftovers() == []


@pytest.mark.parametrize("step", ["history", "pointer", "symlink"])  # before / after the history line; mid-switch
def test_a_kill_during_a_rollback_leaves_pointer_and_history_agreeing(
    site: Site, accepted: str, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = releases.current_release_id()
    assert target is not None
    next_publish(monkeypatch)
    killed = run_child(site, step, target)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    current = assert_release_intact()
    last = releases.read_history()[-1]
    if current == target:  # the switch happened: it must be on record (or the next build would undo the rollback)
        assert (last.action, last.release_id) == ("rollback", target)
    releases.rollback(target, actor="step test")  # the next operation: the rollback again
    assert assert_release_intact(target) == target
    assert releases.read_history()[-1].action == "rollback"
    assert leftovers() == []
