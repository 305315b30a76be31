"""Publishing under gunicorn (2 workers): pages keep being served, and a publish outlives a killed worker."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import requests

from bench._common import child_pids
from stewards import publish, store
from tests.steward.conftest import HEADER

ROWS = "tertiary_women_emigration_rate,MEX,,2022,,6.{n},,,INEGI ENADID 2022,\n"


def submit_and_approve(url: str, accounts, n: int) -> str:
    mex, admin = ({"Authorization": f"Bearer {t}"} for t in (accounts.mex_token, accounts.admin_token))
    files = {"file": ("mex.csv", (HEADER + ROWS.format(n=n)).encode())}
    created = requests.post(f"{url}/api/v1/submissions", files=files, headers=mex, timeout=30)
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    requests.post(f"{url}/api/v1/submissions/{sid}/submit", json={"confirm": True}, headers=mex, timeout=30)
    approved = requests.post(f"{url}/api/v1/submissions/{sid}/approve", json={"confirm": True}, headers=admin,
                             timeout=30)  # fmt: skip
    assert approved.json()["status"] == "approved", approved.text
    return sid


def wait_done(sid: str, timeout: float = 90) -> store.Submission:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sub = store.get_submission(sid)
        if sub and sub.job_state in ("done", "failed"):
            return sub
        time.sleep(0.2)
    raise TimeoutError(f"{sid} not published in {timeout} s")


def test_no_request_fails_while_a_submission_is_published(gunicorn_server: str, accounts, restore_release) -> None:
    failures: list[str] = []
    releases_seen: set[str] = set()
    stop = threading.Event()
    count = [0]

    def hammer() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                for path in ("/", "/steward/login", "/api/v1/health"):
                    try:
                        response = session.get(gunicorn_server + path, timeout=30)
                        if response.status_code != 200:
                            failures.append(f"{path}: {response.status_code}")
                        elif path == "/api/v1/health":
                            releases_seen.add(response.json()["release"])
                    except requests.RequestException as error:
                        failures.append(f"{path}: {error}")
                    count[0] += 1

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        sub = wait_done(submit_and_approve(gunicorn_server, accounts, 1))
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert sub.status == "published", sub.job_message
    assert failures == [], failures[:10]
    assert sub.release_id in releases_seen and len(releases_seen) >= 2
    assert count[0] > 100


def _gunicorn_workers(url: str) -> list[int]:
    port = url.rsplit(":", 1)[1]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"gunicorn" in b" ".join(args) and f"127.0.0.1:{port}".encode() in args:
            master = int(cmdline.parent.name)
            workers = [p for p in child_pids(master) if b"gunicorn" in Path(f"/proc/{p}/cmdline").read_bytes()]
            if workers:
                return workers
    raise LookupError(f"no gunicorn master for {url}")


def test_publish_survives_killed_web_workers(gunicorn_server: str, accounts, restore_release) -> None:
    sid = submit_and_approve(gunicorn_server, accounts, 2)
    for worker in _gunicorn_workers(gunicorn_server):
        os.kill(worker, signal.SIGKILL)  # the workers die mid-publish; gunicorn starts new ones
    sub = wait_done(sid)
    assert sub.status == "published", sub.job_message
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(gunicorn_server + "/api/v1/health", timeout=5).json()["release"] == sub.release_id:
                break
        except requests.RequestException:
            pass
        time.sleep(0.2)
    else:
        raise AssertionError("the new release was not served after the workers restarted")


def test_an_interrupted_publish_is_shown_and_can_be_retried(steward_server, accounts, restore_release, monkeypatch):
    from tests.steward.conftest import csrf_of, page_text, sign_in, upload

    steward = sign_in(steward_server, "mex")
    upload(steward, "mex.csv", (HEADER + ROWS.format(n=3)).encode())
    sub = store.list_submissions()[0]
    steward.post(f"/steward/submissions/{sub.id}/submit", data={"csrf_token": csrf_of(steward), "confirm": "yes"})
    monkeypatch.setattr(publish, "start_job", lambda *_a: 0)  # the worker dies right after recording the approval
    admin = sign_in(steward_server, "admin")
    admin.post(f"/steward/submissions/{sub.id}/approve", data={"csrf_token": csrf_of(admin)})
    store.update_submission(sub.id, job_pid=2**22 + 7)  # a pid that is not running
    text = page_text(admin.get(f"/steward/submissions/{sub.id}").text)
    assert "The publish job stopped before it finished. The approval is recorded; retry it below." in text
    monkeypatch.undo()
    admin.post(f"/steward/submissions/{sub.id}/retry", data={"csrf_token": csrf_of(admin)})
    assert wait_done(sub.id).status == "published"
    actions = [e["action"] for e in store.audit_entries(20, subject=sub.id)]
    assert actions[:4] == ["publish", "publish_retry", "approve", "submit"]
