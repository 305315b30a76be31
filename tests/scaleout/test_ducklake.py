"""Scale-out mode: releases as DuckLake snapshots in a real PostgreSQL catalog, read by two separate app servers.

Runs in `make test` (marker `scaleout`); the fixtures in conftest.py start PostgreSQL and fail, not skip, when it
or the extension wheels cannot run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import requests

from lmm.config import seed_dir
from loaders.seed import Seed, read_seed
from tests.conftest import ROOT
from tests.scaleout.conftest import Postgres
from warehouse import ducklake, releases
from warehouse import lake_setup as backend
from warehouse.build import BuildInputs, build_release
from warehouse.connection import NoReleaseError, cursor
from warehouse.read import export_rows, table_counts

OBSERVATIONS = "/api/v1/observations?indicator=female_lfpr&country=MEX"


def lmm(postgres: Postgres, data_dir: Path, *args: str) -> str:
    """Run the `lmm` command as its own process (the publisher) on the lake; its last output line."""
    env = dict(os.environ, LMM_DATA_DIR=str(data_dir), **postgres.env)
    done = subprocess.run(
        [sys.executable, "-m", "lmm.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def served_release(url: str, release: str | None = None) -> str:
    response = requests.get(url + "/api/v1/health", params={"release": release} if release else None, timeout=30)
    assert response.status_code == 200, response.text[:500]
    return response.json()["release"]


def wait_until_served(urls: list[str], release_id: str, timeout: float = 30.0) -> None:
    """Several answers in a row from each server (so from both of its workers) name the release."""
    deadline = time.monotonic() + timeout
    for url in urls:
        streak = 0
        while streak < 6:
            assert time.monotonic() < deadline, f"{url} still serves {served_release(url)}, not {release_id}"
            streak = streak + 1 if served_release(url) == release_id else 0


def local_counts(release_id: str) -> dict[str, int]:
    con = duckdb.connect(str(releases.release_path(release_id)), read_only=True)
    try:
        return table_counts(con)
    finally:
        con.close()


def test_extensions_load_from_the_wheels_without_network(postgres: Postgres) -> None:
    con = backend.open_duckdb()
    try:
        rows = con.execute(
            "SELECT extension_name, loaded, install_path FROM duckdb_extensions() WHERE loaded"
        ).fetchall()
        settings = con.execute("SELECT current_setting('autoinstall_known_extensions')").fetchall()[0][0]
    finally:
        con.close()
    loaded = {name: path for name, _, path in rows}
    assert {"postgres_scanner", "ducklake"} <= set(loaded)
    assert all(str(Path(os.environ["LMM_DATA_DIR"]) / "duckdb_extensions") in loaded[n] for n in backend.EXTENSIONS)
    assert settings is False


def test_lake_release_is_one_snapshot_with_the_local_row_counts(lake_release: str, release_id: str) -> None:
    """Same seed, same status year: every table holds exactly the rows of the local release, read by bare name."""
    assert releases.current_release_id() == lake_release
    assert releases.verify(lake_release)
    served, cur = cursor()
    assert served == lake_release
    lake_counts = {k: v for k, v in table_counts(cur).items() if k not in ducklake.META_TABLES}
    assert lake_counts == local_counts(release_id)
    assert lake_counts["observations"] > 100_000
    local = duckdb.connect(str(releases.release_path(release_id)), read_only=True)
    try:
        for indicator, country in (("female_lfpr", "MEX"), ("ilo_c189", "PHL"), ("migrant_stock", "DEU")):
            pd.testing.assert_frame_equal(export_rows(cur, indicator, country), export_rows(local, indicator, country))
    finally:
        local.close()
    snapshot = ducklake.release_snapshots()[lake_release]
    messages = dict(
        ducklake.lake_cursor().execute("SELECT snapshot_id, commit_message FROM lake.snapshots()").fetchall()
    )
    assert messages[snapshot] == f"publish {lake_release}"


def test_two_servers_see_each_publish_and_no_request_fails(
    lake_servers: list[str], postgres: Postgres, data_dir: Path
) -> None:
    """Two gunicorn servers serve continuously while a publisher process commits two releases to the lake."""
    failures: list[str] = []
    seen: dict[str, set[str]] = {url: set() for url in lake_servers}
    stop = threading.Event()

    def hammer(url: str) -> None:
        with requests.Session() as session:
            while not stop.is_set():
                for path in ("/api/v1/health", OBSERVATIONS, "/"):
                    try:
                        response = session.get(url + path, timeout=30)
                    except requests.RequestException as error:
                        failures.append(f"{url}{path}: {error}")
                        continue
                    if response.status_code != 200:
                        failures.append(f"{url}{path} -> {response.status_code}: {response.text[:200]}")
                    elif path.endswith("health"):
                        seen[url].add(response.json()["release"])
                stop.wait(0.05)  # a steady load, leaving the publisher some of the machine

    threads = [threading.Thread(target=hammer, args=(url,)) for url in lake_servers]
    for thread in threads:
        thread.start()
    try:
        published = []
        for _ in range(2):
            published.append(lmm(postgres, data_dir, "build", "--status-year", "2025", "--reason", "pytest publish"))
            wait_until_served(lake_servers, published[-1])
        # the readers' own next answers name it too (on a loaded machine one may still be in flight)
        deadline = time.monotonic() + 30
        while any(not set(published) <= seen[url] for url in lake_servers) and time.monotonic() < deadline:
            stop.wait(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    for url in lake_servers:
        assert set(published) <= seen[url], f"{url} saw {seen[url]}"
    assert releases.current_release_id() == published[-1]


def test_rollback_and_pinned_release_map_to_snapshots(
    lake_servers: list[str], lake_release: str, postgres: Postgres, data_dir: Path, release_id: str
) -> None:
    if len(releases.list_release_ids()) < 2:
        build_release(BuildInputs(read_seed(seed_dir()), status_year=2025, actor="pytest"))
    newest = releases.current_release_id()
    assert newest and newest != lake_release
    for url in lake_servers:  # ?release= reads the earlier snapshot, while the newest stays current
        assert served_release(url, lake_release) == lake_release
        pinned = requests.get(url + OBSERVATIONS, params={"release": lake_release}, timeout=30).json()
        assert pinned["release"] == lake_release and pinned["count"] > 10
        unknown = requests.get(url + "/api/v1/health", params={"release": "r20000101T000000000Z"}, timeout=30)
        assert unknown.status_code == 404
    lmm(postgres, data_dir, "releases", "rollback", lake_release, "--actor", "pytest")
    assert releases.current_release_id() == lake_release
    wait_until_served(lake_servers, lake_release)
    history = releases.read_history()
    assert (history[-1].action, history[-1].release_id, history[-1].changes) == (
        "rollback",
        lake_release,
        {"from": newest},
    )
    assert newest in releases.list_release_ids()  # a rollback deletes nothing
    releases.rollback(newest, actor="pytest")
    wait_until_served(lake_servers, newest)
    _, cur = cursor(lake_release)
    assert {k: v for k, v in table_counts(cur).items() if k not in ducklake.META_TABLES} == local_counts(release_id)


def test_servers_keep_serving_while_the_catalog_is_down(lake_servers: list[str], postgres: Postgres) -> None:
    """PostgreSQL stops: each worker keeps serving the release it has (its views read Parquet, not the catalog)."""
    current = releases.current_release_id()
    assert current is not None
    with ThreadPoolExecutor(4) as pool:  # concurrent requests reach every worker: each has opened the release
        assert set(pool.map(served_release, lake_servers * 20)) == {current}
    ducklake.close()  # this process's connections would only see the outage too
    postgres.server.pause()
    try:
        time.sleep(1.5)  # past the workers' once-a-second look at the pointer
        for url in lake_servers:
            for _ in range(6):
                assert served_release(url) == current
                assert requests.get(url + OBSERVATIONS, timeout=30).json()["count"] > 10
    finally:
        postgres.server.resume()
    wait_until_served(lake_servers, current)
    assert releases.current_release_id() == current


def test_failed_publishes_leave_the_lake_as_it_was(lake_release: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (releases.current_release_id(), releases.list_release_ids())
    snapshots = ducklake.lake_cursor().execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchall()
    seed = read_seed(seed_dir())
    broken = dict(seed.tables)
    broken["observations"] = broken["observations"].drop(columns=["value"])  # fails while scoring
    with pytest.raises(Exception):  # noqa: B017 - any failure will do; what matters is what stays
        build_release(BuildInputs(Seed(broken), status_year=2025))

    def crash(*_args: object) -> None:
        raise RuntimeError("killed after the tables were written, before the commit")

    monkeypatch.setattr(ducklake, "_append_pointer", crash)
    with pytest.raises(RuntimeError, match="killed"):
        build_release(BuildInputs(seed, status_year=2025))
    assert (releases.current_release_id(), releases.list_release_ids()) == before
    assert ducklake.lake_cursor().execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchall() == snapshots


def test_prune_expires_old_snapshots_but_never_the_current_release(lake_release: str) -> None:
    while len(releases.list_release_ids()) < 3:
        build_release(BuildInputs(read_seed(seed_dir()), status_year=2025, actor="pytest"))
    releases.rollback(releases.list_release_ids()[0], actor="pytest")  # the oldest is current: it must stay
    current = releases.current_release_id()
    doomed = releases.prune(keep=2)
    kept = releases.list_release_ids()
    assert current in kept and len(kept) == 2 and doomed and not set(doomed) & set(kept)
    assert cursor()[0] == current
    with pytest.raises(NoReleaseError):
        cursor(doomed[0])
