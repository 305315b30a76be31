"""Reliability fixtures: a runtime folder of their own (a copy of the session's release, so faults planted here never
touch the shared one), steward accounts in it, a gunicorn (2 workers) on it, and the invariants every fault test
checks afterwards: the current release is intact and readable, every accepted submission is still there with its
stored file and checksum, and no half-written file is left behind by a finished operation."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
import requests
from flask import Flask

from bench._common import child_pids
from tests.conftest import ROOT, data_dir_set, free_port, wait_for_http

PASSWORD = "correct horse battery staple"
HEADER = "indicator_id,country,partner_country,year,sex,value,category,event_date,source,note\n"
ROW = "tertiary_women_emigration_rate,{country},,{year},,{value},,,National survey {year},\n"
SEED_ENV = "LMM_RELIABILITY_SEED"  # not a setting of the app: the fixed seed of every random choice below
SEED = int(os.environ.get(SEED_ENV, "20261128"))


@dataclass
class Site:
    """A runtime folder with a published release, accounts (admin, mex, phl) and their API tokens."""

    path: Path
    first_release: str
    tokens: dict[str, str] = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        """The site's environment; no briefings rendered ahead (a Chromium beside the workers these tests count and
        kill) unless `extra` asks for them."""
        return {**os.environ, "LMM_DATA_DIR": str(self.path), "LMM_BRIEFINGS_AHEAD": "0", **extra}

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def make_site(path: Path, release_id: str, session_data: Path, accounts: bool = True) -> Site:
    """Copy the session's release (file, checksum, one history line) into `path` and point `current` at it."""
    (path / "releases").mkdir(parents=True, exist_ok=True)
    for suffix in (".duckdb", ".sha256"):
        shutil.copy(session_data / "releases" / f"{release_id}{suffix}", path / "releases")
    (path / "releases" / "current").symlink_to(f"{release_id}.duckdb")
    entry = {"release_id": release_id, "action": "publish", "actor": "pytest", "at": "2026-01-01T00:00:00+00:00",
             "summary": "copied from the session's release", "changes": {}}  # fmt: skip
    (path / "releases" / "history.jsonl").write_text(json.dumps(entry, sort_keys=True) + "\n")
    site = Site(path, release_id)
    if accounts:
        with data_dir_set(path):
            from stewards import accounts as acct

            acct.create_user("admin", "admin", PASSWORD, institution="Monitor team")
            acct.create_user("mex", "steward", PASSWORD, ["MEX"], "INEGI Mexico")
            acct.create_user("phl", "steward", PASSWORD, ["PHL"], "Philippine Statistics Authority")
            site.tokens = {name: acct.issue_token(name, actor="pytest") for name in ("admin", "mex", "phl")}
    return site


@pytest.fixture(scope="package")
def site(release_id: str, data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The reliability tests' own runtime folder, active (LMM_DATA_DIR) while they run; every fault planted in it
    is repaired by the test that planted it."""
    built = make_site(tmp_path_factory.mktemp("reliability"), release_id, data_dir)
    with data_dir_set(built.path):
        yield built


# --- invariants ----------------------------------------------------------------------------------------------


def assert_release_intact(expected: str | None = None) -> str:
    """The current release passes its checksum and answers a query in a fresh read-only connection."""
    from warehouse import releases

    current = releases.current_release_id()
    assert current is not None, "no current release"
    if expected is not None:
        assert current == expected
    assert releases.verify(current), f"current release {current} fails its checksum"
    con = duckdb.connect(str(releases.release_path(current)), read_only=True)
    try:
        count = con.execute("SELECT count(*) FROM observations").fetchone()
        info = dict(con.execute("SELECT key, value FROM release_info").fetchall())
    finally:
        con.close()
    assert count is not None and count[0] > 100_000
    assert json.loads(info["release_id"]) == current
    return current


def assert_history_names(release_id: str) -> None:
    """The served release has its line in the release history (who published it and why)."""
    from warehouse import releases

    assert release_id in {h.release_id for h in releases.read_history()}, f"{release_id} missing from history"


def assert_submissions_intact(ids: list[str]) -> None:
    """Each submission is in the control database with its rows, and its stored file matches its checksum."""
    from stewards import store

    for sid in ids:
        sub = store.get_submission(sid)
        assert sub is not None, f"submission {sid} is gone"
        with store.connect() as db:
            stored = db.execute("SELECT stored_path FROM submissions WHERE id = ?", (sid,)).fetchone()[0]
        path = store.uploads_dir() / stored
        assert path.exists(), f"the original file of {sid} is gone"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sub.sha256, f"the file of {sid} changed"
        assert path.with_name(path.name + ".sha256").read_text().split()[0] == sub.sha256
        if sub.status in ("validated", "submitted", "approved", "published"):
            assert len(store.submission_rows(sid)) == sub.rows > 0, f"rows of {sid} are missing"


def leftovers() -> list[str]:
    """Half-written files in the releases folder (a build or switch that did not finish)."""
    from warehouse import releases

    names = [p.name for p in releases.releases_dir().iterdir()]
    return sorted(n for n in names if n.startswith((".building-", ".current-")) or n.endswith(".tmp"))


def control_counts() -> dict[str, int]:
    from stewards import store

    with store.connect() as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("submissions", "submission_rows")}


def csv_body(country: str = "MEX", year: int = 2024, value: float = 7.5, rows: int = 1) -> bytes:
    lines = [ROW.format(country=country, year=year - i % 30, value=round(value + i / 1000, 3)) for i in range(rows)]
    return (HEADER + "".join(lines)).encode()


def lmm(site: Site, *args: str, timeout: float = 120, **popen: object) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "lmm.cli", *args]
    return subprocess.run(cmd, cwd=ROOT, env=site.env(), capture_output=True, text=True, timeout=timeout, **popen)  # type: ignore[call-overload]


# --- a gunicorn of the module's own --------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def workers(self) -> list[int]:
        return child_pids(self.proc.pid)

    def wait_workers(self, count: int, timeout: float = 30) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.workers()
            if len(found) >= count:
                try:
                    if requests.get(self.url + "/api/v1/health", timeout=10).status_code == 200:
                        return found
                except requests.RequestException:
                    pass
            time.sleep(0.1)
        raise TimeoutError(f"gunicorn did not get back to {count} workers")


def start_gunicorn(site: Site, workers: int = 2, log: Path | None = None, **env: str) -> Server:
    port = free_port()
    log = log or site.path / f"gunicorn-{port}.log"
    cmd = [sys.executable, "-m", "gunicorn", "dashboard.wsgi:server", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--timeout", "60", "--graceful-timeout", "2"]  # fmt: skip
    handle = open(log, "ab")  # noqa: SIM115 - the server writes to it for its whole life
    proc = subprocess.Popen(cmd, cwd=ROOT, env=site.env(**env), stdout=handle, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    try:
        wait_for_http(server.url + "/api/v1/health", timeout=60)
        server.wait_workers(workers)
    except Exception:
        stop_gunicorn(server)
        raise RuntimeError("gunicorn did not start: " + log.read_text()[-3000:]) from None
    return server


def stop_gunicorn(server: Server) -> None:
    server.proc.send_signal(signal.SIGTERM)
    try:
        server.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=10)


@pytest.fixture(scope="package")
def app(site: Site) -> Iterator[Flask]:
    """The app in this process, one for the package, isolated from apps other tests made: Dash keeps the app that
    last answered one of its requests in a context variable (an app created after that registers its pages'
    redirects on that one, and fails), and its page registry keeps pages imported under other module names (which
    then clash as duplicate paths); both are cleared before, the variable after."""
    import dash
    import dash._get_app as dash_app

    from dashboard.app import create_app

    dash_app.app_context.set(None)
    dash.page_registry.clear()
    yield create_app().server
    dash_app.app_context.set(None)


@pytest.fixture(scope="package")
def server(site: Site) -> Iterator[Server]:
    started = start_gunicorn(site)
    yield started
    stop_gunicorn(started)


def publish_copy(actor: str = "pytest", tamper: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> str:
    """A new release in a fraction of a second: the current file with its own release id (and `tamper` applied),
    through the real seal, history and switch (so tests that need several releases do not pay for scoring)."""
    from warehouse import releases

    with releases.publish_lock():
        time.sleep(0.002)  # release ids have millisecond resolution
        new = releases.new_release_id()
        building = releases.releases_dir() / f".building-{new}.duckdb"
        current = releases.current_release_id()
        assert current is not None
        shutil.copyfile(releases.release_path(current), building)
        con = duckdb.connect(str(building))
        try:
            con.execute("UPDATE release_info SET value = ? WHERE key = 'release_id'", [json.dumps(new)])
            if tamper is not None:
                tamper(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        releases.seal(building, new)
        releases.append_history(releases.HistoryEntry(new, "publish", actor, releases.now_iso(), "a copy", {}))
        releases.point_current_to(new)
    return new


def accepted_submission(value: float = 6.25, status: str = "approved") -> str:
    """An upload by the MEX steward, submitted and approved (the approval recorded; no publish job started)."""
    from stewards import accounts as acct
    from stewards import store, workflow

    user = acct.get_user("mex")
    assert user is not None
    sub = workflow.receive_upload(user, "mex.csv", csv_body(value=value))
    assert sub.status == "validated", sub.problems
    workflow.submit(sub, user, {}, None)
    store.update_submission(sub.id, "admin", "approve", status=status, reviewed_by="admin",
                            reviewed_at=store.now_iso())  # fmt: skip
    return sub.id
