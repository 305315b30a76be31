"""The web worker killed (SIGKILL) mid-upload and mid-validation, and two uploads and two publishes at the same
moment, against a real gunicorn (2 workers) on loopback.

After each: nothing half-stored (no submission row, no rows of the cut upload), every accepted submission still
there with its file and checksum, the release intact, gunicorn back to two workers and the next upload accepted.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import requests

from bench._common import at_once
from tests.reliability.conftest import (
    HEADER,
    Server,
    Site,
    accepted_submission,
    assert_release_intact,
    assert_submissions_intact,
    control_counts,
    csv_body,
)
from warehouse import releases

BOUNDARY = "lmmreliabilityboundary"


def worker_holding(server: Server, client_port: int, timeout: float = 30) -> int:
    """The gunicorn worker whose socket is connected to our client port (via /proc/net/tcp and its fds), once one
    has accepted the connection."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _holder(server, client_port)
        except LookupError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _holder(server: Server, client_port: int) -> int:
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = (int(a.split(":")[1], 16) for a in fields[1:3])
        if local == server.port and remote == client_port:
            inode = fields[9]
    if not inode:
        raise LookupError("the server has not accepted the connection yet")
    for pid in server.workers():
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    raise LookupError("no worker holds the connection")


def multipart_head(site: Site, body_size: int, name: str = "slow.csv") -> tuple[bytes, bytes, bytes]:
    start = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
             f"Content-Type: text/csv\r\n\r\n").encode()  # fmt: skip
    end = f"\r\n--{BOUNDARY}--\r\n".encode()
    length = len(start) + body_size + len(end)
    head = (f"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {site.tokens['mex']}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\n"
            f"Connection: close\r\n\r\n").encode()  # fmt: skip
    return head, start, end


def uploads(site: Site) -> set[str]:
    return {p.name for p in (site.path / "uploads").glob("s*") if not p.name.endswith(".sha256")}


def after_the_fault(site: Site, server: Server, accepted: list[str], counts: dict[str, int]) -> None:
    assert control_counts() == counts, "a cut upload left rows behind"
    assert_submissions_intact(accepted)
    assert_release_intact()
    server.wait_workers(2)
    nxt = requests.post(server.url + "/api/v1/submissions", headers=site.auth("mex"),
                        files={"file": ("next.csv", csv_body(value=8.5))}, timeout=60)  # fmt: skip
    assert nxt.status_code == 201, nxt.text
    assert_submissions_intact([nxt.json()["id"]])


def test_a_worker_killed_mid_upload_stores_nothing(site: Site, server: Server) -> None:
    accepted = [accepted_submission()]
    counts, files = control_counts(), uploads(site)
    body = csv_body(rows=20_000)
    head, start, end = multipart_head(site, len(body))
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head + start + body[: len(body) // 3])  # a slow client: a third of the file so far
        time.sleep(0.5)
        worker = worker_holding(server, sock.getsockname()[1])
        os.kill(worker, signal.SIGKILL)
        try:
            sock.sendall(body[len(body) // 3 :] + end)
            answer = sock.recv(100)
        except OSError:
            answer = b""
    assert not answer.startswith(b"HTTP/1.1 201"), "the upload cannot have been accepted"
    assert uploads(site) == files, "a cut upload was stored"
    after_the_fault(site, server, accepted, counts)


def test_a_worker_killed_while_handing_a_large_upload_to_its_check(site: Site, server: Server) -> None:
    """A large file is kept, recorded as being checked and handed to a validation job outside the worker. Killed at
    that moment, the worker leaves either no submission (the bytes may stay), or one whose check finishes by itself:
    validated with all its rows, or invalid with none; never 'validating' for good."""
    from stewards import store, workflow

    accepted = [accepted_submission()]
    counts, files = control_counts(), uploads(site)
    body = csv_body(rows=120_000)  # ~8 MB: checked by a validation job
    head, start, end = multipart_head(site, len(body), "big.csv")
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall(head + start + body + end)
        worker = worker_holding(server, sock.getsockname()[1])
        deadline = time.monotonic() + 60
        while uploads(site) == files and time.monotonic() < deadline:  # the original is kept first
            time.sleep(0.005)
        os.kill(worker, signal.SIGKILL)
    for name in uploads(site) - files:
        deadline = time.monotonic() + 90
        while (sub := store.get_submission(name.split(".")[0])) is not None and time.monotonic() < deadline:
            sub = workflow.settled(sub)
            if sub.status != "validating":
                break
            time.sleep(0.2)
        if sub is not None:
            assert sub.status in ("validated", "invalid"), sub.status
            assert len(store.submission_rows(sub.id)) == (sub.rows if sub.status == "validated" else 0)
            counts = control_counts()
    after_the_fault(site, server, accepted, counts)


def test_an_oversize_upload_is_answered_413_not_reset(site: Site, server: Server) -> None:
    """Before: the API answered 413 without reading the body, and the client, still sending, often got a reset."""
    counts = control_counts()
    body = b"x" * (21 * 1024 * 1024)  # over the 20 MB limit
    for _ in range(3):
        big = requests.post(server.url + "/api/v1/submissions", headers=site.auth("mex"),
                            files={"file": ("big.csv", body)}, timeout=60)  # fmt: skip
        assert big.status_code == 413 and "larger than the limit of 20 MB" in big.json()["error"]
    page = requests.post(server.url + "/steward/upload", files={"file": ("big.csv", body)}, timeout=60)
    assert page.status_code == 413 and "File too large" in page.text
    assert control_counts() == counts


def test_two_uploads_at_the_same_moment_are_both_kept(site: Site, server: Server) -> None:
    from stewards import store

    def upload(value: float):
        return lambda: requests.post(server.url + "/api/v1/submissions", headers=site.auth("mex"),
                                     files={"file": ("same.csv", csv_body(value=value))}, timeout=60)  # fmt: skip

    first, second = at_once(upload(1.25), upload(1.5))
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    ids = [first.json()["id"], second.json()["id"]]
    assert ids[0] != ids[1]
    assert_submissions_intact(ids)
    assert store.verify_audit() == []


def test_two_publishes_at_the_same_moment_both_land_one_after_the_other(site: Site, server: Server) -> None:
    from stewards import store

    before = releases.current_release_id()
    ids = []
    for year in (2019, 2018):
        body = (HEADER + f"tertiary_women_emigration_rate,MEX,,{year},,1{year % 10}.5,,,Survey {year},\n").encode()
        made = requests.post(server.url + "/api/v1/submissions", headers=site.auth("mex"),
                             files={"file": ("y.csv", body)}, timeout=60).json()  # fmt: skip
        requests.post(f"{server.url}/api/v1/submissions/{made['id']}/submit", headers=site.auth("mex"),
                      json={"confirm": True}, timeout=60)  # fmt: skip
        ids.append(made["id"])

    def approve(sid: str):
        return lambda: requests.post(f"{server.url}/api/v1/submissions/{sid}/approve", headers=site.auth("admin"),
                                     json={"confirm": True}, timeout=60)  # fmt: skip

    answers = at_once(approve(ids[0]), approve(ids[1]))
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        states = [store.get_submission(sid) for sid in ids]
        if all(s and s.job_state in ("done", "failed") for s in states):
            break
        time.sleep(0.3)
    assert all(s and s.status == "published" for s in states), [s and s.job_message for s in states]
    made = sorted(s.release_id for s in states if s and s.release_id)
    assert len(set(made)) == 2 and before not in made
    current = assert_release_intact(made[-1])  # the later publish carries both submissions
    import duckdb

    con = duckdb.connect(str(releases.release_path(current)), read_only=True)
    try:
        flags = [r[0] for r in con.execute("SELECT flags FROM observations WHERE source_id = 'steward'").fetchall()]
    finally:
        con.close()
    assert all(any(f"submission={sid}" in f for f in flags) for sid in ids)
    assert {h.release_id for h in releases.read_history()} >= set(made)
    assert_submissions_intact(ids)
    assert store.verify_audit() == []
