"""Shared fixtures: the real raw files, and a real release built from the bundled seed in a temporary data dir."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "data" / "raw"


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    if not RAW.is_dir():
        pytest.skip(f"the real source files are not beside this checkout ({RAW}); CI always has them")
    return RAW


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One runtime folder for the session; the app and the CLI read LMM_DATA_DIR at call time."""
    path = tmp_path_factory.mktemp("lmm-data")
    # the suite publishes many releases into this folder (steward flows, builds, rollbacks): keep them all, so the
    # session's release, which later tests roll back to, is never pruned
    settings = {"LMM_DATA_DIR": str(path), "LMM_KEEP_RELEASES": "1000"}
    previous = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    yield path
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def release_id(data_dir: Path) -> str:
    """A real release built from the bundled seed (status year pinned so expectations do not drift)."""
    from lmm.config import seed_dir
    from loaders.seed import read_seed
    from warehouse.build import BuildInputs, build_release

    return build_release(BuildInputs(read_seed(seed_dir()), status_year=2025, actor="pytest"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 30.0) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def gunicorn_server(release_id: str, data_dir: Path) -> Iterator[str]:
    """The real app under gunicorn (gunicorn.conf.py's threaded workers, 2) on a free loopback port; yields its URL."""
    port = free_port()
    # no briefings rendered ahead (minutes of Chromium beside the suite); tests/api/test_briefing.py runs that job
    env = dict(os.environ, LMM_DATA_DIR=str(data_dir), LMM_BRIEFINGS_AHEAD="0")
    cmd = [sys.executable, "-m", "gunicorn", "dashboard.wsgi:server", "--config", "gunicorn.conf.py", "--bind",
           f"127.0.0.1:{port}", "--workers", "2"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_for_http(url + "/")
        except TimeoutError:
            proc.terminate()
            raise RuntimeError("gunicorn did not start: " + proc.communicate(timeout=20)[1].decode()[-3000:]) from None
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


class data_dir_set:
    """LMM_DATA_DIR pointed elsewhere for a block (the app and the CLI read it at each call)."""

    def __init__(self, path: Path) -> None:
        self.path, self.previous = path, os.environ.get("LMM_DATA_DIR")

    def __enter__(self) -> Path:
        self.previous = os.environ.get("LMM_DATA_DIR")
        os.environ["LMM_DATA_DIR"] = str(self.path)
        return self.path

    def __exit__(self, *exc: object) -> None:
        if self.previous is None:
            os.environ.pop("LMM_DATA_DIR", None)
        else:
            os.environ["LMM_DATA_DIR"] = self.previous
