"""The disk fills while a release is written: the build is abandoned with a clear message, no `.building` file (or
its DuckDB WAL) is left, the current release and the history are untouched, and the next build succeeds.

Two ways to fill it: a file size limit on the build process (RLIMIT_FSIZE with SIGXFSZ ignored, so the write fails
with EFBIG at the OS level; runs everywhere), and a real 12 MB filesystem on a loop device that runs out of space
(ENOSPC; only where the tests run as root and may mount).
"""

from __future__ import annotations

import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.reliability.conftest import (
    Site,
    assert_release_intact,
    assert_submissions_intact,
    csv_body,
    data_dir_set,
    leftovers,
    make_site,
)
from warehouse import releases

ABANDONED = "was abandoned: the disk is full or the file size limit was reached"


def size_limit(limit: int):
    def apply() -> None:  # runs in the child between fork and exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def build(site: Site, limit: int | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lmm.cli", "build", "--status-year", "2025"], cwd=ROOT,
                          env=site.env(), capture_output=True, text=True, timeout=180,
                          preexec_fn=size_limit(limit) if limit else None)  # fmt: skip


def snapshot() -> tuple[str | None, str, str]:
    current = releases.current_release_id()
    assert current is not None
    history = (releases.releases_dir() / "history.jsonl").read_text()
    return current, releases.file_sha256(releases.release_path(current)), history


@pytest.mark.parametrize("limit", [64 * 1024, 6 * 1024 * 1024], ids=["64k", "6M"])  # in the WAL; at the checkpoint
def test_a_build_that_hits_the_size_limit_is_abandoned_cleanly(site: Site, limit: int) -> None:
    before = snapshot()
    done = build(site, limit)
    assert done.returncode == 1, done.stdout + done.stderr
    message = done.stderr.strip().splitlines()[-1]
    assert ABANDONED in message and "Nothing was published" in message, message
    assert f"release {before[0]} is still served" in message
    assert leftovers() == [], "a half-written release is left on the full disk"
    assert snapshot() == before
    assert_release_intact(before[0])


def test_a_publish_job_on_a_full_disk_fails_visibly_and_can_be_retried(site: Site) -> None:
    from stewards import accounts, publish, store, workflow

    user = accounts.get_user("mex")
    assert user is not None
    sub = workflow.receive_upload(user, "mex.csv", csv_body(value=5.5))
    workflow.submit(sub, user, {}, None)
    store.update_submission(sub.id, "admin", "approve", status="approved", reviewed_by="admin",
                            reviewed_at=store.now_iso(), job_state="queued")  # fmt: skip
    before = snapshot()
    job = [sys.executable, "-m", publish.MODULE, sub.id, "--actor", "admin"]
    failed = subprocess.run(job, cwd=ROOT, env=site.env(), capture_output=True, text=True, timeout=180,
                            preexec_fn=size_limit(512 * 1024))  # fmt: skip
    assert failed.returncode != 0
    state = store.get_submission(sub.id)
    assert state is not None and state.job_state == "failed" and state.status == "approved"
    assert ABANDONED in (state.job_message or "") and publish.interrupted(state)
    assert snapshot() == before and leftovers() == []
    assert_submissions_intact([sub.id])
    retried = subprocess.run(job, cwd=ROOT, env=site.env(), capture_output=True, text=True, timeout=180)
    assert retried.returncode == 0, retried.stderr[-2000:]
    state = store.get_submission(sub.id)
    assert state is not None and state.status == "published"
    assert_release_intact(state.release_id)


@pytest.fixture
def tiny_disk(release_id: str, data_dir: Path, tmp_path: Path) -> Iterator[Site]:
    """A 40 MB ext4 filesystem on a loop device holding a runtime folder, filled with ballast to 4 MB free."""
    if shutil.which("mkfs.ext4") is None:
        pytest.skip("mkfs.ext4 is not installed (e2fsprogs)")
    image, mount = tmp_path / "disk.img", tmp_path / "disk"
    mount.mkdir()
    with open(image, "wb") as handle:
        handle.truncate(40 * 1024 * 1024)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", str(image)], check=True, capture_output=True)
    mounted = subprocess.run(["mount", "-o", "loop", str(image), str(mount)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a loop filesystem here (needs root): {mounted.stderr.strip()}")
    try:
        site = make_site(mount / "data", release_id, data_dir, accounts=False)
        free = shutil.disk_usage(mount).free
        with open(mount / "ballast", "wb") as handle:
            handle.write(b"\0" * (free - 4 * 1024 * 1024))
        with data_dir_set(site.path):
            yield site
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False, capture_output=True)


def test_a_build_on_a_filesystem_that_runs_out_of_space(tiny_disk: Site) -> None:
    before = snapshot()
    done = build(tiny_disk)
    assert done.returncode == 1, done.stdout + done.stderr
    message = done.stderr.strip().splitlines()[-1]
    assert ABANDONED in message and "No space left on device" in message, message
    assert leftovers() == [] and snapshot() == before
    assert_release_intact(before[0])
    (tiny_disk.path.parent / "ballast").unlink()  # space freed: the next build succeeds
    done = build(tiny_disk)
    assert done.returncode == 0, done.stderr[-2000:]
    assert_release_intact(done.stdout.split()[-1])
