"""Scale-out fixtures: a real PostgreSQL from Debian on 127.0.0.1 (a temporary data folder, started and stopped by
the tests), the DuckLake settings pointing at it, a release published to the lake from the bundled seed, and two
separate gunicorn app servers reading the same catalog.

CI installs PostgreSQL (`make test`: DEBIAN_TEST_PACKAGES), so anything missing FAILS with the reason, never skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.scaleout_bench import PostgresUnavailable, TemporaryPostgres
from tests.conftest import ROOT, free_port, wait_for_http


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/scaleout/" in str(item.fspath):
            item.add_marker(pytest.mark.scaleout)


@dataclass(frozen=True)
class Postgres:
    dsn: str  # the lake's catalog database, owned by the dedicated role `lmm`
    lake_data: Path  # the "shared" Parquet folder
    env: dict[str, str]  # LMM_BACKEND=ducklake + the two settings, for subprocesses and for lake_env()
    server: TemporaryPostgres  # pause()/resume() for an outage


@pytest.fixture(scope="session")
def postgres(data_dir: Path) -> Iterator[Postgres]:
    """initdb into a temporary folder, pg_ctl start on 127.0.0.1 and a free port (bench/scaleout_bench.py does the
    work, as the `postgres` user when run as root); a role and database `lmm`; stopped at the end."""
    try:
        server = TemporaryPostgres()
    except PostgresUnavailable as error:
        pytest.fail(str(error))
    try:
        try:
            dsn = server.start()
        except PostgresUnavailable as error:
            pytest.fail(f"PostgreSQL did not start: {error}")
        lake_data = data_dir / "lake-parquet"
        env = {"LMM_BACKEND": "ducklake", "LMM_DUCKLAKE_DSN": dsn, "LMM_DUCKLAKE_DATA": str(lake_data)}
        yield Postgres(dsn, lake_data, env, server)
    finally:
        from warehouse import ducklake

        ducklake.close()  # the test process's own catalog connections
        server.stop()


@contextmanager
def lake_env(env: dict[str, str]) -> Iterator[None]:
    """Set the DuckLake settings in this process for a while; the rest of the suite stays on the local backend."""
    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(autouse=True)
def on_the_lake(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every scale-out test runs with LMM_BACKEND=ducklake (after the session fixtures it uses are set up)."""
    pg: Postgres = request.getfixturevalue("postgres")
    with lake_env(pg.env):
        yield


@pytest.fixture(scope="session")
def lake_release(postgres: Postgres) -> str:
    """The bundled seed published to the lake (status year pinned like the local session release)."""
    from lmm.config import seed_dir
    from loaders.seed import read_seed
    from warehouse.build import BuildInputs, build_release

    with lake_env(postgres.env):
        return build_release(BuildInputs(read_seed(seed_dir()), status_year=2025, actor="pytest"))


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "dashboard.wsgi:server", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    env = {"LMM_BRIEFINGS_AHEAD": "0", **env}  # no briefings rendered ahead beside these tests
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/api/v1/health", timeout=60)
    except TimeoutError:
        proc.terminate()
        raise RuntimeError("gunicorn did not start: " + proc.communicate(timeout=20)[1].decode()[-3000:]) from None
    return proc, url


@pytest.fixture(scope="session")
def lake_servers(postgres: Postgres, lake_release: str, data_dir: Path) -> Iterator[list[str]]:
    """Two app servers (separate gunicorn processes, 2 workers each, separate ports) on the same catalog."""
    env = dict(os.environ, LMM_DATA_DIR=str(data_dir), **postgres.env)
    started: list[subprocess.Popen] = []
    urls: list[str] = []
    try:
        for _ in range(2):
            proc, url = start_server(env)
            started.append(proc)
            urls.append(url)
        yield urls
    finally:
        for proc in started:
            proc.terminate()
            proc.wait(timeout=20)
