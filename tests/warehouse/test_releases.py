"""Releases: atomic publish, checksums, failed builds publish nothing, readers never fail during a publish."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
import requests

from lmm.config import seed_dir
from loaders.seed import Seed, read_seed
from warehouse import releases
from warehouse.build import BuildInputs, build_release
from warehouse.connection import cursor

ROOT = Path(__file__).resolve().parents[2]


def test_published_release_is_current_and_verified(release_id: str) -> None:
    assert releases.current_release_id() == release_id
    assert releases.verify(release_id)
    served, cur = cursor()
    assert served == release_id
    assert cur.execute("SELECT count(*) FROM observations").fetchall()[0][0] > 100_000


def test_failed_build_publishes_nothing(release_id: str) -> None:
    seed = read_seed(seed_dir())
    broken = dict(seed.tables)
    broken["observations"] = broken["observations"].drop(columns=["value"])  # fails while merging/scoring
    before = set(releases.list_release_ids())
    with pytest.raises(Exception):  # noqa: B017 - any failure will do; what matters is what stays
        build_release(BuildInputs(Seed(broken), status_year=2025))
    assert releases.current_release_id() == release_id
    assert set(releases.list_release_ids()) == before
    assert not list(releases.releases_dir().glob(".building-*"))


def test_corrupted_release_is_refused(release_id: str, tmp_path: Path) -> None:
    path = releases.release_path(release_id)
    original = path.read_bytes()
    try:
        path.write_bytes(original[:-4096])  # truncated on disk
        assert not releases.verify(release_id)
        with pytest.raises(releases.ReleaseError, match="checksum"):
            releases.point_current_to(release_id)
    finally:
        path.write_bytes(original)
    assert releases.verify(release_id)


def test_no_request_fails_while_lmm_build_publishes(gunicorn_server: str, data_dir: Path, release_id: str) -> None:
    """Two gunicorn workers serve continuously while `lmm build` publishes a new release in another process."""
    failures: list[str] = []
    seen: set[str] = set()
    stop = threading.Event()

    def hammer() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                for path in ("/api/v1/health", "/"):
                    response = session.get(gunicorn_server + path, timeout=30)
                    if response.status_code != 200:
                        failures.append(f"{path} -> {response.status_code}")
                    elif path.endswith("health"):
                        seen.add(response.json()["release"])

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    env = dict(os.environ, LMM_DATA_DIR=str(data_dir))
    build = subprocess.run(
        [sys.executable, "-m", "lmm.cli", "build", "--status-year", "2025"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    new_release = build.stdout.strip().splitlines()[-1]
    deadline = threading.Event()
    deadline.wait(1.0)  # let readers pick the new release up
    stop.set()
    for thread in threads:
        thread.join()
    assert build.returncode == 0, build.stderr
    assert failures == []
    assert new_release in seen
    assert len(seen) >= 2
    releases.rollback(release_id, actor="pytest")  # later tests read the session's release


def test_history_records_each_publish(release_id: str) -> None:
    history = pd.DataFrame([h.__dict__ for h in releases.read_history()])
    assert release_id in set(history.release_id)
    assert set(history.action) <= {"publish", "rollback"}
