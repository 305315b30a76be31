"""A release file or the control database corrupted or truncated on disk: detected at startup (checksums;
`PRAGMA quick_check`), refused, said (log and /api/v1/health), and the last good release served; the control
database comes back from its verified backup with every accepted submission, file and checksum."""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

import pytest
import requests
from flask import Flask

from tests.conftest import ROOT
from tests.reliability.conftest import (
    PASSWORD,
    SEED,
    Server,
    Site,
    accepted_submission,
    assert_release_intact,
    assert_submissions_intact,
    csv_body,
    publish_copy,
)
from warehouse import local_reader, releases


def truncate(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size - 4096)


def flip_bytes(path: Path) -> None:
    """Bit rot: a few bytes changed in the middle, the file's size and mtime kept."""
    stat = path.stat()
    with open(path, "r+b") as handle:
        handle.seek(stat.st_size // 2)
        chunk = handle.read(16)
        handle.seek(stat.st_size // 2)
        handle.write(bytes(b ^ 0x5A for b in chunk))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def wrong_checksum(path: Path) -> None:
    path.with_suffix(".sha256").write_text("0" * 64 + f"  {path.name}\n")


def deleted(path: Path) -> None:
    path.unlink()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": truncate, "bit-rot": flip_bytes, "checksum": wrong_checksum, "deleted": deleted,
}  # fmt: skip


class Damaged:
    """Damage a release's files for a block, then put the original bytes back."""

    def __init__(self, release_id: str, how: Callable[[Path], None]) -> None:
        self.path = releases.release_path(release_id)
        self.how = how

    def __enter__(self) -> Path:
        self.saved = {p: p.read_bytes() for p in (self.path, self.path.with_suffix(".sha256"))}
        self.how(self.path)
        return self.path

    def __exit__(self, *exc: object) -> None:
        for path, data in self.saved.items():  # repaired as a restore from a backup would: a new mtime
            path.write_bytes(data)


@pytest.fixture
def fresh_reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[local_reader.ReleaseReader]:
    """A reader as a newly started process has it (nothing verified or opened yet)."""
    reader = local_reader.ReleaseReader()
    monkeypatch.setattr(local_reader, "READER", reader)
    yield reader


@pytest.mark.parametrize("how", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_current_release_is_refused_and_the_last_good_one_served(
    site: Site, app: Flask, fresh_reader, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    good = releases.current_release_id()
    damaged = publish_copy()
    with Damaged(damaged, DAMAGE[how]):
        started = subprocess.run([sys.executable, "-m", "lmm.cli", "info"], cwd=ROOT, env=site.env(),
                                 capture_output=True, text=True, timeout=120)  # fmt: skip
        assert started.returncode == 0, started.stderr
        assert started.stdout.startswith(f"release {good} ")  # a new process refuses it at startup
        assert f"release {damaged} fails its checksum or is missing; serving {good}" in started.stderr
        client = app.test_client()
        with caplog.at_level(logging.WARNING, logger="warehouse.connection"):
            answers = [client.get("/api/v1/health") for _ in range(5)]
        health = answers[0].get_json()
        assert answers[0].status_code == 200 and health["release"] == good and health["status"] == "degraded"
        assert any(damaged in w for w in health["warnings"]), health
        assert len([r for r in caplog.records if damaged in r.getMessage()]) == 1  # said once, not per request
        query = client.get("/api/v1/observations?indicator=female_lfpr&country=MEX")
        assert query.status_code == 200 and query.headers["X-LMM-Release"] == good
        pinned = client.get(f"/api/v1/scorecards/MEX?release={damaged}")
        assert pinned.status_code == 404 and pinned.get_json()["error"]["code"] == "unknown_release"
    back = app.test_client().get("/api/v1/health").get_json()  # the file repaired: served again, no warning
    assert back["release"] == damaged and back["status"] == "ok" and back["warnings"] == []
    assert_release_intact(damaged)


def test_the_fallback_never_serves_a_release_withdrawn_by_a_rollback(site: Site, app: Flask, fresh_reader) -> None:
    older = publish_copy()
    middle = publish_copy()
    publish_copy()  # the newest, withdrawn below
    releases.rollback(middle, actor="pytest")
    with Damaged(middle, truncate):
        served = app.test_client().get("/api/v1/health").get_json()
        assert served["release"] == older, "fell back to figures an admin took back"
    assert app.test_client().get("/api/v1/health").get_json()["release"] == middle


def test_a_release_published_in_the_same_second_as_a_rollback_is_not_withdrawn() -> None:
    """History entries carry seconds: what a rollback withdraws is decided by their order, not by their times."""
    at = "2026-01-01T00:00:00+00:00"
    entry = releases.HistoryEntry
    history = [entry("r1", "publish", "a", at, "", {}), entry("r2", "publish", "a", at, "", {}),
               entry("r1", "rollback", "a", at, "", {}), entry("r3", "publish", "a", at, "", {})]  # fmt: skip
    assert releases.withdrawn(history) == {"r2"}


def test_no_servable_release_is_a_clear_503(site: Site, app: Flask, fresh_reader) -> None:
    ids = releases.list_release_ids()
    saved = {p: p.read_text() for p in releases.releases_dir().glob("*.sha256")}
    try:
        for path in saved:
            path.write_text("0" * 64 + "\n")
        answer = app.test_client().get("/api/v1/health")
        assert answer.status_code == 503 and answer.get_json()["error"]["code"] == "no_release"
        assert "lmm build" in answer.get_json()["error"]["message"]
    finally:
        for path, text in saved.items():
            path.write_text(text)
    assert releases.list_release_ids() == ids


def test_a_running_worker_notices_a_release_cut_on_disk(site: Site, server: Server) -> None:
    good = releases.current_release_id()
    damaged = publish_copy()
    session = requests.Session()
    statuses = []
    for _ in range(6):  # both workers switch to the new release
        statuses.append(session.get(server.url + "/api/v1/health", timeout=30).status_code)
    with Damaged(damaged, truncate):
        seen = []
        for _ in range(10):
            answer = session.get(server.url + "/api/v1/health", timeout=30)
            statuses.append(answer.status_code)
            seen.append(answer.json().get("release"))
            statuses.append(session.get(server.url + "/api/v1/countries", timeout=30).status_code)
        assert set(seen) == {good}, seen
        assert answer.json()["status"] == "degraded"
    assert session.get(server.url + "/api/v1/health", timeout=30).json()["release"] == damaged
    assert set(statuses) == {200}, statuses


# --- the control database ----------------------------------------------------------------------------------


def steward_app() -> Flask:
    from dashboard import security
    from dashboard.steward import routes

    server = Flask("steward-reliability")
    routes.register(server)
    security.register(server)
    return server


def forget_checks() -> None:
    """What a newly started process knows about the control database: nothing."""
    from stewards import integrity, store

    store._READY.clear()
    integrity._DAMAGED.clear()
    integrity._CHECKED.clear()


def checkpoint(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def garbage(path: Path) -> None:
    rng = random.Random(SEED)
    with open(path, "r+b") as handle:
        handle.seek(4096)
        handle.write(bytes(rng.randrange(256) for _ in range(4096 * 4)))


def halved(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def emptied(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(0)


def removed(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


CONTROL_DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage": garbage, "halved": halved, "emptied": emptied, "removed": removed,
}  # fmt: skip


@pytest.mark.parametrize("how", list(CONTROL_DAMAGE), ids=list(CONTROL_DAMAGE))
def test_a_damaged_control_database_is_refused_then_restored_with_nothing_lost(
    site: Site, app: Flask, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    from stewards import store

    ids = [accepted_submission(value=4.5), accepted_submission(value=4.75, status="published")]
    path = store.control_path()
    checkpoint(path)
    CONTROL_DAMAGE[how](path)
    forget_checks()
    with caplog.at_level(logging.ERROR, logger="stewards.integrity"):
        client = steward_app().test_client()
        page = client.get("/steward/login")  # the sign-in form itself needs no database
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        login = client.post("/steward/login", data={"name": "admin", "password": PASSWORD, "csrf_token": token})
        assert login.status_code == 503 and "The control database is damaged" in login.text
        assert "lmm control restore" in login.text
        api = client.get(f"/api/v1/submissions/{ids[0]}", headers=site.auth("admin"))
        assert api.status_code == 503 and "control database is damaged" in api.get_json()["error"]
    assert len([r for r in caplog.records if "refused" in r.getMessage()]) == 1
    health = app.test_client().get("/api/v1/health").get_json()
    assert health["status"] == "degraded" and any("control database refused" in w for w in health["warnings"])
    if how == "halved":  # the commands once (each starts a Python): the other kinds go through the same functions
        cli = {args: subprocess.run([sys.executable, "-m", "lmm.cli", *args.split()], cwd=ROOT, env=site.env(),
                                    capture_output=True, text=True, timeout=120)
               for args in ("build", "control check", "control restore", "audit verify")}  # fmt: skip
        assert cli["build"].returncode == 1 and "The control database is damaged" in cli["build"].stderr
        assert cli["control check"].returncode == 1 and "DAMAGED" in cli["control check"].stdout
        restored = cli["control restore"]
        assert restored.returncode == 0 and "restored control.sqlite from control.sqlite.bak" in restored.stdout
        assert cli["audit verify"].returncode == 0 and "intact" in cli["audit verify"].stdout
    else:
        from stewards import integrity

        with pytest.raises(integrity.ControlDatabaseError, match="control database is damaged"):
            store.accepted_submission_frames()  # what `lmm build` reads: refused, never an empty list
        assert "restored control.sqlite" in integrity.restore(path)
        forget_checks()
        assert store.verify_audit() == [] and integrity.audit_against_backup(path) == []
    assert_release_intact()
    forget_checks()
    assert_submissions_intact(ids)
    nxt = client.post("/api/v1/submissions", headers=site.auth("mex"),
                      data={"file": (BytesIO(csv_body(value=3.25)), "mex.csv")})  # fmt: skip
    assert nxt.status_code == 201, nxt.get_json()
