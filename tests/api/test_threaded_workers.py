"""The app under gunicorn.conf.py's threaded workers: connections kept alive between requests, a worker's first
burst of simultaneous requests served by a fully set-up Dash (dashboard/wsgi.py SetUpAlone), and a kept API answer
still Flask's answer."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, free_port

BURST = ["/_dash-dependencies", "/_dash-layout", "/", "/country/MEX", "/_dash-dependencies", "/api/v1/health"] * 3


@pytest.fixture
def fresh_server(release_id: str, data_dir: Path) -> Iterator[str]:
    """One threaded worker (8 threads) that has served nothing yet: nothing waits for it to answer first."""
    port = free_port()
    env = dict(os.environ, LMM_DATA_DIR=str(data_dir), LMM_BRIEFINGS_AHEAD="0", LMM_WEB_THREADS="8")
    cmd = [sys.executable, "-m", "gunicorn", "dashboard.wsgi:server", "--config", "gunicorn.conf.py", "--bind",
           f"127.0.0.1:{port}", "--workers", "1"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for_the_socket(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_for_the_socket(port: int, proc: subprocess.Popen) -> None:
    """The master listens before its worker has imported the app: connections wait in the queue meanwhile."""
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:] if proc.stderr else "gunicorn stopped"
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError("gunicorn did not listen")


def test_a_fresh_worker_serves_its_first_simultaneous_requests_set_up(fresh_server: str) -> None:
    with ThreadPoolExecutor(len(BURST)) as pool:
        answers = list(pool.map(lambda path: requests.get(fresh_server + path, timeout=120), BURST))
    assert [a.status_code for a in answers] == [200] * len(BURST), [(a.url, a.status_code) for a in answers]
    for answer in answers:
        if answer.url.endswith("/_dash-dependencies"):  # Dash's page router is registered on the first request
            outputs = [d["output"] for d in answer.json()]
            assert any("_pages_content" in output for output in outputs), outputs
        if answer.url.endswith("/_dash-layout"):
            assert "_pages_content" in json.dumps(answer.json())


def test_requests_wait_while_the_first_one_sets_dash_up() -> None:
    """Dash's hooks mark themselves done before their work: a second thread must not get past them meanwhile."""
    from dashboard.wsgi import SetUpAlone

    flags = {"setup_server": False, "pages": False}
    working, finish, seen = threading.Event(), threading.Event(), []

    def dash(environ: dict, start_response: object) -> list[bytes]:
        if not flags["setup_server"]:
            flags.update(setup_server=True, pages=True)  # marked first, as Dash does
            working.set()
            finish.wait(30)  # ... then the set-up's work
            seen.append("set up")
            return [b"first"]
        seen.append("second, after: " + ",".join(seen))
        return [b"second"]

    app = SetUpAlone(flags, dash)
    first = threading.Thread(target=app, args=({}, None))
    first.start()
    assert working.wait(30)
    second = threading.Thread(target=app, args=({}, None))
    second.start()
    second.join(0.3)  # it waits for the first (were it let through, it would have run by now)
    finish.set()
    first.join(30)
    second.join(30)
    assert seen == ["set up", "second, after: set up"]
    assert app.ready and app(dict(), None) == [b"second"]  # once set up, no lock


def test_connections_are_kept_alive_between_requests(gunicorn_server: str) -> None:
    host, port = gunicorn_server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        sockets = []
        for path in ("/api/v1/health", "/api/v1/observations?indicator=female_lfpr&country=MEX", "/api/v1/health"):
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            assert response.status == 200 and response.getheader("Connection") == "keep-alive"
            sockets.append(connection.sock)
        assert sockets[0] is not None and sockets[0] is sockets[1] is sockets[2], "one connection for the three"
    finally:
        connection.close()
