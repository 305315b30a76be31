"""The fault and attack families of `python -m bench.soak`: each call makes one attempt against the running system
and records it in a Tally (attempts, failures of the system under test, data lost). The short forms of the same
checks are in tests/reliability/."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast
from urllib.parse import quote

import duckdb
import requests

from bench._common import at_once
from bench.soak import PAGE_CALLBACK, PASSWORD, ROOT, Soak, Tally

HEADER = "indicator_id,country,partner_country,year,sex,value,category,event_date,source,note\n"
CONFIRM = {"confirm": True}  # approve, reject and roll back by API act only when confirmed
HOSTILE = ["'; DROP TABLE observations; --", "<script>lmmXSS()</script>", "../../../../etc/passwd", "%00", "A" * 10_240,
           "\u041cEX", "9" * 30, "\r\nX-Injected: lmm", '"><img src=x onerror=lmmXSS()>', "javascript:lmmXSS()"]  # fmt: skip
API = ["/api/v1/scorecards/{v}", "/api/v1/indicators/{v}", "/api/v1/corridors/MEX/{v}", "/api/v1/briefings/{v}.html",
       "/api/v1/releases/{v}/bulk.zip", "/api/v1/observations?indicator={v}", "/api/v1/observations?indicator=female_lfpr&country={v}",
       "/api/v1/observations?indicator=female_lfpr&year_from={v}", "/api/v1/countries?release={v}",
       "/api/v1/observations?indicator=female_lfpr&limit={v}", "/steward/submissions/{v}", "/steward/login?next={v}",
       "/api/v1/practices?q={v}"]  # fmt: skip
PAGES = ["/country/{v}", "/indicator/{v}", "/corridor/MEX/{v}", "/?view={v}", "/compare?countries={v}",
         "/framework?region={v}", "/sources?release={v}", "/indicator/female_lfpr?year={v}"]  # fmt: skip


COUNTRIES = ["MEX", "PHL", "IND", "BGD", "NPL", "GTM", "SLV", "HND", "COL", "PER", "LKA", "PAK", "IDN", "VNM", "KEN"]


def csv_rows(value: float, year: int = 2024, rows: int = 1, country: str = "MEX") -> bytes:
    line = "tertiary_women_emigration_rate,{c},,{y},,{v},,,Soak survey {y},\n"
    return (HEADER + "".join(line.format(c=country, y=year - i % 30, v=round(value + i / 1000, 3))
                             for i in range(rows))).encode()  # fmt: skip


def fresh_series(soak: Soak) -> tuple[str, int]:
    """A (country, year) no earlier soak submission used: a later approval of the same cell would rightly replace
    the earlier value, and the loss check could not tell that from a loss."""
    n = soak.series
    soak.series += 1
    return COUNTRIES[n % len(COUNTRIES)], 2024 - n // len(COUNTRIES)


# --- invariants ----------------------------------------------------------------------------------------------


def intact(soak: Soak, tally: Tally, what: str) -> None:
    """The current release verifies and answers; every accepted submission is there with its file and checksum,
    and every published one is still in the current release."""
    from stewards import store
    from warehouse import releases

    current = releases.current_release_id()
    if not current or not releases.verify(current):
        tally.fail(f"{what}: the current release {current} fails its checksum")
        return
    con = duckdb.connect(str(releases.release_path(current)), read_only=True)
    try:
        count = con.execute("SELECT count(*) FROM observations").fetchone()
        flags = {r[0] for r in con.execute("SELECT flags FROM observations WHERE source_id = 'steward'").fetchall()}
    finally:
        con.close()
    if not count or count[0] < 100_000:
        tally.fail(f"{what}: the current release answers {count} rows")
    served = " ".join(flags)
    for sid in soak.accepted:
        sub = store.get_submission(sid)
        stored = store.uploads_dir() / f"{sid}.csv"
        if sub is None or not stored.exists() or hashlib.sha256(stored.read_bytes()).hexdigest() != sub.sha256:
            tally.lost += 1
            tally.notes.append(f"{what}: submission {sid} or its file is gone or changed")
        elif sub.status == "published" and f"submission={sid}" not in served:
            tally.lost += 1
            tally.notes.append(f"{what}: published submission {sid} is missing from release {current}")


def leftovers() -> list[str]:
    from warehouse import releases

    return [p.name for p in releases.releases_dir().iterdir() if p.name.startswith((".building-", ".current-"))]


def counts() -> tuple[int, int]:
    from stewards import store

    with store.connect() as db:
        subs = db.execute("SELECT count(*) FROM submissions").fetchone()[0]
        rows = db.execute("SELECT count(*) FROM submission_rows").fetchone()[0]
    return subs, rows


def upload(soak: Soak, body: bytes, name: str = "mex.csv", who: str = "mex") -> requests.Response:
    return requests.post(soak.url + "/api/v1/submissions", headers=soak.auth(who), files={"file": (name, body)},
                         timeout=120)  # fmt: skip


def submitted(soak: Soak, value: float) -> str:
    """A file for a fresh series, uploaded and submitted (by the admin, who may submit for any country)."""
    country, year = fresh_series(soak)
    made = upload(soak, csv_rows(value, year, country=country), who="admin")
    sid = made.json()["id"]
    requests.post(f"{soak.url}/api/v1/submissions/{sid}/submit", headers=soak.auth("admin"), json={"confirm": True},
                  timeout=60)  # fmt: skip
    return sid


def wait_job(sid: str, timeout: float = 300) -> object:
    from stewards import store

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sub = store.get_submission(sid)
        if sub and sub.job_state in ("done", "failed"):
            return sub
        time.sleep(0.2)
    return store.get_submission(sid)


# --- faults --------------------------------------------------------------------------------------------------


def killed_build(soak: Soak, tally: Tally) -> None:
    """`lmm build` killed at a random phase, a random delay after its progress line; every 4th runs to the end."""
    tally.attempts += 1
    proc = subprocess.Popen([sys.executable, "-m", "lmm.cli", "build"], cwd=ROOT, env=soak.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    if tally.attempts % 4:
        target = soak.rng.choice(["", "merging", "scoring", "writing"])
        while target and proc.stderr and (line := proc.stderr.readline()) and target not in line:
            pass
        time.sleep(soak.rng.uniform(0, 1.2))
        proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=600)
    if not tally.attempts % 4:
        if proc.returncode != 0:
            tally.fail(f"a build after earlier kills failed: {err.strip()[-300:]}")
        elif leftovers():
            tally.fail(f"half-written files left after a complete build: {leftovers()}")
    intact(soak, tally, "killed build")


def killed_publish_job(soak: Soak, tally: Tally) -> None:
    """An approval's publish job killed at a random moment: the submission shows what is served (published in the
    release the job switched in, or interrupted); the admin's retry publishes what was not."""
    from stewards import publish, store, workflow

    tally.attempts += 1
    sid = submitted(soak, 20 + tally.attempts / 100)
    answer = requests.post(f"{soak.url}/api/v1/submissions/{sid}/approve", json=CONFIRM, headers=soak.auth("admin"),
                           timeout=60)  # fmt: skip
    if answer.status_code != 200:
        tally.fail(f"approval refused: {answer.status_code} {answer.text[:200]}")
        return
    soak.accepted.append(sid)
    time.sleep(soak.rng.uniform(0.2, 4.0))
    sub = store.get_submission(sid)
    if sub and sub.job_pid and publish.job_alive(sub):
        os.kill(sub.job_pid, signal.SIGKILL)
        time.sleep(0.2)
    sub = store.get_submission(sid)
    if sub is not None and not publish.job_alive(sub):
        sub = workflow.settled(sub)  # a job killed after the switch: published in the release that serves it
        if (sub.status == "published") != publish.served(sub):
            tally.fail(f"{sid} shown {sub.status} while its figures are {'' if publish.served(sub) else 'not '}served")
    if sub and sub.status == "approved" and publish.interrupted(sub):
        publish.retry(sid, "soak admin")
    done = wait_job(sid)
    if getattr(done, "status", None) != "published":
        tally.fail(f"{sid} not published after the retry: {getattr(done, 'job_message', None)}")
    intact(soak, tally, "killed publish job")


def _worker_holding(soak: Soak, client_port: int) -> int | None:
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = (int(a.split(":")[1], 16) for a in fields[1:3])
        if local == soak.port and remote == client_port:
            inode = fields[9]
    for pid in soak.workers():
        try:
            if any(os.readlink(fd) == f"socket:[{inode}]" for fd in Path(f"/proc/{pid}/fd").iterdir()):
                return pid
        except OSError:
            continue
    return None


def _raw_upload(soak: Soak, body: bytes, sent: float, kill_when: Callable[[], bool]) -> bool:
    """Send a multipart upload by hand (the first `sent` share of it), kill the worker holding it when
    `kill_when()`; return whether a worker was killed."""
    boundary = "soakboundary"
    start = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.csv"\r\n\r\n'.encode()
    end = f"\r\n--{boundary}--\r\n".encode()
    head = (f"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {soak.tokens['mex']}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(start) + len(body) + len(end)}\r\nConnection: close\r\n\r\n").encode()  # fmt: skip
    cut = int(len(body) * sent)
    with socket.create_connection(("127.0.0.1", soak.port), timeout=120) as sock:
        sock.sendall(head + start + body[:cut] + (end if sent >= 1 else b""))
        deadline = time.monotonic() + 60
        worker = None
        while worker is None and time.monotonic() < deadline:  # busy workers accept it a little later
            worker = _worker_holding(soak, sock.getsockname()[1])
            time.sleep(0.01)
        while worker and not kill_when() and time.monotonic() < deadline:
            time.sleep(0.005)
        if worker:
            os.kill(worker, signal.SIGKILL)
            soak.collateral += 1
    return worker is not None


def _uploads() -> set[str]:
    from stewards import store

    return {p.name for p in store.uploads_dir().glob("s*") if not p.name.endswith(".sha256")}


def worker_killed_mid_upload(soak: Soak, tally: Tally) -> None:
    tally.attempts += 1
    before, files = counts(), _uploads()
    if not _raw_upload(soak, csv_rows(1.5, rows=20_000), soak.rng.uniform(0.1, 0.9), lambda: True):
        tally.fail("no worker took the upload within a minute")
    time.sleep(1.0)
    if counts() != before or _uploads() != files:
        tally.fail("a cut upload left a submission, rows or a file behind")
    _next_upload_works(soak, tally)
    intact(soak, tally, "worker killed mid-upload")


def worker_killed_mid_validation(soak: Soak, tally: Tally) -> None:
    """A worker killed while it hands a large upload to its validation job: no submission, or one whose check ends
    by itself (validated with all its rows, or invalid with none), never left 'validating'."""
    from stewards import store, workflow

    tally.attempts += 1
    before, files = counts(), _uploads()
    if not _raw_upload(soak, csv_rows(1.75, rows=120_000), 1.0, lambda: _uploads() != files):
        tally.fail("no worker took the upload within a minute")
    for name in _uploads() - files:
        deadline = time.monotonic() + 120
        while (sub := store.get_submission(name.split(".")[0])) is not None and time.monotonic() < deadline:
            if (sub := workflow.settled(sub)).status != "validating":
                break
            time.sleep(0.2)
        if sub is not None and sub.status == "validating":
            tally.fail(f"{sub.id} still validating two minutes after its worker was killed")
        elif sub is not None and len(store.submission_rows(sub.id)) != (sub.rows if sub.status == "validated" else 0):
            tally.fail("a submission cut mid-validation has part of its rows")
    if counts()[1] < before[1]:
        tally.lost += 1
    _next_upload_works(soak, tally)
    intact(soak, tally, "worker killed mid-validation")


def _next_upload_works(soak: Soak, tally: Tally) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            answer = upload(soak, csv_rows(2.25))
            if answer.status_code == 201:
                return
            tally.fail(f"the next upload was answered {answer.status_code}")
            return
        except requests.ConnectionError:
            time.sleep(0.2)  # gunicorn is starting the replacement worker
    tally.fail("the next upload never succeeded")


def two_publishes_at_once(soak: Soak, tally: Tally) -> None:
    tally.attempts += 1
    ids = [submitted(soak, 30 + tally.attempts / 100) for _ in range(2)]

    def approve(sid: str) -> Callable[[], object]:
        return lambda: requests.post(f"{soak.url}/api/v1/submissions/{sid}/approve", headers=soak.auth("admin"),
                                     json=CONFIRM, timeout=60).status_code  # fmt: skip

    if at_once(approve(ids[0]), approve(ids[1])) != [200, 200]:
        tally.fail("a simultaneous approval was refused")
        return
    soak.accepted += ids
    states = [wait_job(sid) for sid in ids]
    if [getattr(s, "status", None) for s in states] != ["published", "published"]:
        tally.fail(f"simultaneous publishes: {[getattr(s, 'job_message', None) for s in states]}")
    intact(soak, tally, "two publishes at once")


def two_uploads_at_once(soak: Soak, tally: Tally) -> None:
    tally.attempts += 1
    answers = at_once(lambda: upload(soak, csv_rows(3.5)), lambda: upload(soak, csv_rows(3.75)))
    codes = [getattr(a, "status_code", None) for a in answers]
    ids = {a.json()["id"] for a in answers if getattr(a, "status_code", None) == 201}  # type: ignore[attr-defined]
    if codes != [201, 201] or len(ids) != 2:
        tally.fail(f"simultaneous uploads answered {codes}")
    intact(soak, tally, "two uploads at once")


def disk_full_build(soak: Soak, tally: Tally) -> None:
    from warehouse import releases

    tally.attempts += 1
    limit = soak.rng.choice([64 * 1024, 512 * 1024, 2 * 1024 * 1024, 6 * 1024 * 1024])
    before = releases.current_release_id()

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([sys.executable, "-m", "lmm.cli", "build"], cwd=ROOT, env=soak.env(), capture_output=True,
                          text=True, timeout=600, preexec_fn=apply)  # fmt: skip
    if done.returncode != 1 or "was abandoned: the disk is full" not in done.stderr:
        tally.fail(f"a full disk at {limit} bytes: exit {done.returncode}, {done.stderr.strip()[-200:]}")
    if releases.current_release_id() != before or [n for n in leftovers() if n.startswith(".building-")]:
        tally.fail("a build on a full disk changed the current release or left a .building file")
    intact(soak, tally, "disk full")


def copy_publish(tamper: Callable[[Path], None] | None = None) -> str:
    """A release in a moment: the current file with its own id, through the real seal, history and switch."""
    from warehouse import releases

    with releases.publish_lock():
        time.sleep(0.002)
        new = releases.new_release_id()
        building = releases.releases_dir() / f".building-{new}.duckdb"
        shutil.copyfile(releases.release_path(releases.current_release_id() or ""), building)
        con = duckdb.connect(str(building))
        con.execute("UPDATE release_info SET value = ? WHERE key = 'release_id'", [json.dumps(new)])
        con.execute("CHECKPOINT")
        con.close()
        releases.seal(building, new)
        releases.append_history(releases.HistoryEntry(new, "publish", "soak", releases.now_iso(), "a copy", {}))
        releases.point_current_to(new)
    return new


def damaged_release(soak: Soak, tally: Tally) -> None:
    """The current release cut or its checksum wrong on disk while served: the workers fall back, /health says so."""
    from warehouse import releases

    tally.attempts += 1
    good = releases.current_release_id()
    damaged = copy_publish()
    path = releases.release_path(damaged)
    saved = {p: p.read_bytes() for p in (path, path.with_suffix(".sha256"))}
    if soak.rng.random() < 0.5:
        with open(path, "r+b") as handle:
            handle.truncate(path.stat().st_size - 4096)
    else:
        path.with_suffix(".sha256").write_text("0" * 64 + "\n")
    try:
        seen = set()
        for _ in range(12):
            health = requests.get(soak.url + "/api/v1/health", timeout=60).json()
            seen.add((health["release"], health["status"]))
        if seen != {(good, "degraded")}:
            tally.fail(f"with {damaged} damaged the workers answered {sorted(seen)}")
        pinned = requests.get(f"{soak.url}/api/v1/scorecards/MEX?release={damaged}", timeout=60)
        if pinned.status_code != 404:
            tally.fail(f"?release= of a damaged release answered {pinned.status_code}")
    finally:
        for p, data in saved.items():
            p.write_bytes(data)
    intact(soak, tally, "damaged release")


def bit_rot_at_startup(soak: Soak, tally: Tally) -> None:
    """Bytes of the current release changed with size and mtime kept (no running worker can notice): a new process
    refuses it at startup and serves the previous release. On a copy of the runtime folder."""
    tally.attempts += 1
    scratch = Path(soak.data.parent / f"bitrot-{tally.attempts}")
    shutil.copytree(soak.data / "releases", scratch / "releases", symlinks=True)
    current = os.readlink(scratch / "releases" / "current")
    path = scratch / "releases" / current
    stat = path.stat()
    with open(path, "r+b") as handle:
        handle.seek(soak.rng.randrange(stat.st_size // 4, stat.st_size - 64))
        chunk = handle.read(8)
        handle.seek(-8, os.SEEK_CUR)
        handle.write(bytes(b ^ 0xA5 for b in chunk))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    done = subprocess.run([sys.executable, "-m", "lmm.cli", "info"], cwd=ROOT, env=soak.env(LMM_DATA_DIR=str(scratch)),
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    if (
        done.returncode != 0
        or Path(current).stem in done.stdout.splitlines()[0]
        or "fails its checksum" not in done.stderr
    ):
        tally.fail(f"bit rot in {current} not refused at startup: {done.stdout[:120]} {done.stderr[-200:]}")
    shutil.rmtree(scratch, ignore_errors=True)


def damaged_control_database(soak: Soak, tally: Tally) -> None:
    """On a copy of the runtime folder: the control database damaged, refused by `lmm control check` and by
    `lmm build`, restored from its backup with every accepted submission."""
    from stewards import store

    tally.attempts += 1
    scratch = soak.data.parent / f"control-{tally.attempts}"
    with store.connect() as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(soak.data, scratch, symlinks=True, ignore=shutil.ignore_patterns("*.log", "lake"))
    path = scratch / "control.sqlite"
    how = soak.rng.choice(["garbage", "halved", "emptied"])
    with open(path, "r+b") as handle:
        if how == "garbage":
            handle.seek(4096)
            handle.write(os.urandom(4096 * 4))
        else:
            handle.truncate(path.stat().st_size // 2 if how == "halved" else 0)
    env = soak.env(LMM_DATA_DIR=str(scratch))

    def lmm(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "lmm.cli", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)  # fmt: skip

    if lmm("control", "check").returncode != 1:
        tally.fail(f"a {how} control database passed its check")
    build = lmm("build")
    if build.returncode == 0 or "control database is damaged" not in build.stderr:
        tally.fail(f"`lmm build` ran on a {how} control database: {build.stderr[-200:]}")
    if lmm("control", "restore").returncode != 0:
        tally.fail(f"restore after {how} failed")
    db = sqlite3.connect(path)
    try:
        found = {r[0]: r[1] for r in db.execute("SELECT id, sha256 FROM submissions")}
    finally:
        db.close()
    for sid in soak.accepted:
        stored = scratch / "uploads" / f"{sid}.csv"
        if sid not in found or not stored.exists() or hashlib.sha256(stored.read_bytes()).hexdigest() != found[sid]:
            tally.lost += 1
            tally.notes.append(f"control database {how}: accepted submission {sid} not restored")
    shutil.rmtree(scratch, ignore_errors=True)


# --- attacks -------------------------------------------------------------------------------------------------


def hostile_upload(soak: Soak, tally: Tally) -> None:
    """A generated file (odd encoding, hostile and look-alike cells, huge cells, random bytes): a clear answer,
    and a refused file adds no row."""
    rng = soak.rng
    for _ in range(5):
        tally.attempts += 1
        cells = HOSTILE + ["tertiary_women_emigration_rate", "MEX", "2024", "7.5", "", "\u041cEX", "x" * 50_000]
        rows = [",".join(rng.choice(cells).replace(",", ";") for _ in range(10)) for _ in range(rng.randint(0, 6))]
        kind = rng.choice(["utf-8", "utf-16", "latin-1", "bytes", "zip"])
        text = HEADER + "\n".join(rows)
        body = (os.urandom(rng.randint(1, 4000)) if kind == "bytes" else b"PK\x03\x04" + os.urandom(500) if kind == "zip"
                else text.encode(kind, errors="replace"))  # fmt: skip
        before = counts()
        answer = upload(soak, body, rng.choice(["f.csv", "f.xlsx", "../f.csv", "f.txt"]))
        if answer.status_code >= 500 or answer.status_code not in (201, 422):
            tally.fail(f"a hostile upload was answered {answer.status_code}")
        elif answer.status_code == 422 and counts()[1] != before[1]:
            tally.fail("a refused upload added rows")


def hostile_urls(soak: Soak, tally: Tally) -> None:
    for _ in range(20):
        tally.attempts += 1
        value = quote(soak.rng.choice(HOSTILE), safe="")
        if soak.rng.random() < 0.5:
            url = soak.rng.choice(API).format(v=value)
            answer = requests.get(soak.url + url, headers=soak.auth("admin"), timeout=60)
        else:
            page = soak.rng.choice(PAGES).format(v=value)
            path, _, search = page.partition("?")
            payload = json.loads(json.dumps(PAGE_CALLBACK))
            payload["inputs"][0]["value"], payload["inputs"][1]["value"] = path, "?" + search if search else ""
            url = page
            answer = requests.post(soak.url + "/_dash-update-component", json=payload, timeout=60)
        if answer.status_code >= 500 or "X-Injected" in answer.headers:
            tally.fail(f"{url[:80]}: {answer.status_code}")
        elif answer.headers.get("Content-Type", "").startswith("text/html") and "<script>lmmXSS" in answer.text:
            tally.fail(f"{url[:80]}: script reflected")


def forged_access(soak: Soak, tally: Tally) -> None:
    """Actions a caller may not take: each must be refused and change nothing."""
    from stewards import store
    from warehouse import releases

    sid = submitted(soak, 4.5)
    current = releases.current_release_id()
    revoked = _revoked_token()
    attempts: list[tuple[str, str, str, dict[str, str], dict | None]] = [
        ("steward approves", "POST", f"/api/v1/submissions/{sid}/approve", soak.auth("mex"), CONFIRM),
        ("other steward approves", "POST", f"/api/v1/submissions/{sid}/approve", soak.auth("phl"), CONFIRM),
        ("other steward rejects", "POST", f"/api/v1/submissions/{sid}/reject", soak.auth("phl"), CONFIRM),
        (
            "steward rolls back",
            "POST",
            "/api/v1/releases/rollback",
            soak.auth("mex"),
            {"release_id": current, **CONFIRM},
        ),
        ("other steward reads", "GET", f"/api/v1/submissions/{sid}", soak.auth("phl"), None),
        ("anonymous approves", "POST", f"/api/v1/submissions/{sid}/approve", {}, CONFIRM),
        ("revoked token approves", "POST", f"/api/v1/submissions/{sid}/approve", revoked, CONFIRM),
        ("forged token", "POST", f"/api/v1/submissions/{sid}/approve", {"Authorization": "Bearer lmm_forged"}, CONFIRM),
        ("form without CSRF", "POST", "/steward/releases/rollback", {}, None),
        ("PHL rows from MEX", "UPLOAD", "", {}, None),
    ]
    for what, method, path, headers, body in attempts:
        tally.attempts += 1
        if method == "UPLOAD":
            answer = upload(soak, csv_rows(5.5).replace(b"MEX", b"PHL"))
            if answer.status_code != 422:
                tally.fail(f"{what}: {answer.status_code}")
            continue
        answer = requests.request(
            method, soak.url + path, headers=headers, json=body, timeout=60, allow_redirects=False
        )
        if answer.status_code < 400:
            tally.fail(f"{what}: answered {answer.status_code}")
    sub = store.get_submission(sid)
    if sub is None or sub.status != "submitted" or releases.current_release_id() != current:
        tally.fail("a refused action changed the submission or the release")


def _revoked_token() -> dict[str, str]:
    from stewards import accounts

    name = f"revoked{int(time.time() * 1000)}"
    accounts.create_user(name, "admin", PASSWORD)
    token = accounts.issue_token(name, actor="soak")
    accounts.revoke_tokens(name, actor="soak")
    return {"Authorization": f"Bearer {token}"}


def sign_in_guessing(soak: Soak, tally: Tally) -> None:
    """Wrong passwords against a fresh account across both workers, then the right one: refused while locked."""
    from stewards import accounts

    name = f"guess{int(time.time() * 1000)}"
    accounts.create_user(name, "steward", PASSWORD, ["MEX"])
    for guess in range(accounts.max_attempts() + 3):
        tally.attempts += 1
        answer = _login(soak, name, f"wrong {guess}")
        if answer.status_code != 401:
            tally.fail(f"a wrong password was answered {answer.status_code}")
    tally.attempts += 1
    if _login(soak, name, PASSWORD).status_code != 401:
        tally.fail("the right password was accepted while the account was locked for this address")


def _login(soak: Soak, name: str, password: str) -> requests.Response:
    session = requests.Session()
    page = session.get(soak.url + "/steward/login", timeout=60).text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    return session.post(soak.url + "/steward/login", data={"name": name, "password": password, "csrf_token": token},
                        allow_redirects=False, timeout=60)  # fmt: skip


_BUILT: dict[str, bytes] = {}


def build_hostile_files() -> None:
    """Every hostile file made before the readers start: making a 1 GB zip bomb is the attacker's cost, not the
    server's, and must not be counted in the readers' latency on a 2-core machine."""
    from bench.soak_hostile import HOSTILE_FILES

    for name, (_filename, build) in HOSTILE_FILES.items():
        _BUILT.setdefault(name, build())


def hostile_steward(soak: Soak, tally: Tally) -> None:
    """The worst files a steward can make (bench/soak_hostile.py), two of them at once by two stewards, while the
    readers load pages: each is answered (a refusal naming its limit or its problems) within the check's budget,
    never with a 5xx or a cut connection; none is accepted; a refused file adds no row."""
    from bench.soak_hostile import HOSTILE_FILES

    names = list(HOSTILE_FILES)
    picked = [names[(2 * tally.attempts + i) % len(names)] for i in range(2)]
    results = at_once(*(lambda name=name, who=who: _hostile_file(soak, name, who)
                        for name, who in zip(picked, ("mex", "phl"), strict=True)))  # fmt: skip
    answers = cast("list[tuple[str | None, str]]", results)
    for name, (problem, figures) in zip(picked, answers, strict=True):
        tally.attempts += 1
        tally.details.append(figures)
        if problem:
            tally.fail(f"{name}: {problem}")


def _hostile_file(soak: Soak, name: str, who: str) -> tuple[str | None, str]:
    """(what went wrong or None, a line of figures) for one upload of one hostile file, followed to its answer."""
    from bench.soak_hostile import HOSTILE_FILES
    from lmm.config import setting

    filename, build = HOSTILE_FILES[name]
    body = _BUILT.get(name) or _BUILT.setdefault(name, build())
    rows_before = counts()[1]
    started = time.monotonic()
    try:
        answer = upload(soak, body, filename, who=who)
    except requests.RequestException as error:
        return f"the upload got {type(error).__name__}", f"{name}: no answer"
    state = answer.json() if answer.headers.get("Content-Type", "").startswith("application/json") else {}
    while answer.status_code == 202 and state.get("status") == "validating" and time.monotonic() - started < 120:
        time.sleep(float(answer.headers.get("Retry-After", 1)) / 2)  # a client told to wait 2 s looks again at 1 s
        state = requests.get(f"{soak.url}/api/v1/submissions/{state['id']}", headers=soak.auth(who), timeout=60).json()
    seconds = time.monotonic() - started
    message = (state.get("problems") or [{}])[0].get("message", "")
    check = state.get("publish", {}).get("message") or "checked in the web worker"
    figures = (f"{name:<24} {len(body) / 1e6:6.1f} MB  {answer.status_code}  {state.get('status', '?'):<10} "
               f"{seconds:5.1f} s  {state.get('problem_count', 0):>9,} problems  {check}: {message[:70]}")  # fmt: skip
    if answer.status_code >= 500 or answer.status_code not in (202, 422):
        return f"answered {answer.status_code}", figures
    if state.get("status") != "invalid":
        return f"ended {state.get('status')} (a hostile file must be refused)", figures
    if seconds > 2 * float(setting("LMM_VALIDATION_SECONDS")) + 5:
        return f"answered after {seconds:.0f} s, past its budget", figures
    if counts()[1] != rows_before:
        return "a refused file added rows", figures
    return None, figures


def readers_only(_soak: Soak, tally: Tally) -> None:
    """Nothing but the readers for 20 s: the baseline their latency under the other families is compared with
    (`--only baseline`), on the same machine under the same load."""
    tally.attempts += 1
    time.sleep(20)


PREPARE: dict[str, Callable[[], None]] = {"attack: hostile steward (worst files)": build_hostile_files}
"""Work a family needs done before the readers start (what an attacker prepares at home)."""

FAMILIES: dict[str, Callable[[Soak, Tally], None]] = {
    "fault: lmm build killed": killed_build,
    "fault: publish job killed": killed_publish_job,
    "fault: worker killed mid-upload": worker_killed_mid_upload,
    "fault: worker killed mid-validation": worker_killed_mid_validation,
    "fault: two publishes at once": two_publishes_at_once,
    "fault: two uploads at once": two_uploads_at_once,
    "fault: disk full during a build": disk_full_build,
    "fault: release damaged on disk": damaged_release,
    "fault: bit rot, new process": bit_rot_at_startup,
    "fault: control database damaged": damaged_control_database,
    "attack: hostile uploads": hostile_upload,
    "attack: hostile steward (worst files)": hostile_steward,
    "attack: hostile URLs": hostile_urls,
    "attack: forged access": forged_access,
    "attack: sign-in guessing": sign_in_guessing,
    "baseline: readers only": readers_only,
}
