"""`make soak` (`python -m bench.soak`): the long form of tests/reliability, against a real gunicorn on loopback.

    .venv/bin/python -m bench.soak [--seconds 300] [--readers 6] [--workers 2] [--seed 20261128]

Readers request pages, callbacks and the API without pause while the fault and attack families of
bench/soak_faults.py run in rounds (killed builds and publish jobs, killed workers mid-upload and mid-validation,
simultaneous publishes and uploads, a full disk, damaged releases and control database; hostile uploads, URLs,
forged access and sign-in guessing; a hostile steward uploading the worst files of bench/soak_hostile.py, two at a
time). Everything is bounded: the time budget, and a cap per family. It prints, per
family: attempts, failures of the system under test (must be 0) and data lost (must be 0); the readers' requests,
failures and latency; and each gunicorn worker's memory over time. A temporary runtime folder (a release built from
the bundled seed) is used: nothing under var/ is touched. Exit status 1 when any failure or loss was seen.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bench._common import child_pids

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "soak password 0123"
READ_URLS = ["/", "/country/MEX", "/api/v1/health", "/api/v1/countries", "/api/v1/scorecards/MEX",
             "/api/v1/observations?indicator=female_lfpr&country=MEX", "/api/v1/corridors/MEX/USA",
             "/steward/login", "/assets/style.css"]  # fmt: skip
PAGE_CALLBACK: dict[str, Any] = {
    "output": ".._pages_content.children..._pages_store.data..",
    "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
    "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/country/MEX"},
               {"id": "_pages_location", "property": "search", "value": ""}],
    "changedPropIds": ["_pages_location.pathname"], "state": [],
}  # fmt: skip


@dataclass
class Tally:
    """One fault or attack family's figures."""

    attempts: int = 0
    failures: int = 0  # failures of the system under test
    lost: int = 0  # accepted submissions or published figures lost
    notes: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # figures a family reports (e.g. each hostile file's answer)

    def fail(self, why: str) -> None:
        self.failures += 1
        self.notes.append(why)


@dataclass
class Soak:
    """The running system: runtime folder, gunicorn, accounts, and what has been accepted so far."""

    data: Path
    url: str
    proc: subprocess.Popen
    tokens: dict[str, str]
    rng: random.Random
    accepted: list[str] = field(default_factory=list)  # submissions approved or published (must never be lost)
    collateral: int = 0  # workers killed on purpose
    series: int = 0  # (country, year) cells handed out to submissions so far

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "LMM_DATA_DIR": str(self.data), **extra}

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def workers(self) -> list[int]:
        return child_pids(self.proc.pid)


def rss_mb(pid: int, field: str = "VmRSS") -> float | None:
    """A process's resident memory (VmRSS) or its peak so far (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, workers: int, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (
                requests.get(url + "/api/v1/health", timeout=10).status_code == 200
                and len(child_pids(proc.pid)) >= workers
            ):
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError("gunicorn did not come up")


def set_up(data: Path, workers: int, seed: int) -> Soak:
    """A release built from the bundled seed, three accounts with tokens, gunicorn on a free loopback port."""
    env = dict(os.environ, LMM_DATA_DIR=str(data))
    build = subprocess.run([sys.executable, "-m", "lmm.cli", "build"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=600)  # fmt: skip
    if build.returncode != 0:
        raise RuntimeError(build.stderr)
    os.environ["LMM_DATA_DIR"] = str(data)  # this process's own steward calls (accounts, retries)
    from stewards import accounts

    accounts.create_user("admin", "admin", PASSWORD, institution="Soak team")
    accounts.create_user("mex", "steward", PASSWORD, ["MEX"], "INEGI Mexico")
    accounts.create_user("phl", "steward", PASSWORD, ["PHL"], "Philippine Statistics Authority")
    tokens = {name: accounts.issue_token(name, actor="soak") for name in ("admin", "mex", "phl")}
    port = free_port()
    log = open(data / "gunicorn.log", "ab")  # noqa: SIM115 - open for the server's life
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "dashboard.wsgi:server", "--config", "gunicorn.conf.py",
                             "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60",
                             "--graceful-timeout", "2"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, workers, proc)
    return Soak(data, url, proc, tokens, random.Random(seed))


class Readers:
    """Threads requesting READ_URLS and a page callback without pause; a connection cut is retried once (what a
    browser or proxy does for a GET), a second cut or any 5xx counts as a failed request. They run in a process of
    their own, as browsers do: the families' work in this process (building and sending 19 MB files, reading the
    control database) never holds the readers' interpreter, so their latency is the server's."""

    def __init__(self, soak: Soak, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.stop, self.done = context.Event(), context.Value("i", 0)
        self.results, sending = context.Pipe(duplex=False)
        self.process = context.Process(target=read_without_pause, args=(soak.url, count, self.stop, self.done, sending),
                                       daemon=True)  # fmt: skip
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.retried = 0

    def start(self) -> None:
        self.process.start()

    @property
    def requests_so_far(self) -> int:
        return int(self.done.value)

    def finish(self) -> None:
        self.stop.set()
        if self.results.poll(90):
            self.latencies, self.failures, self.retried = self.results.recv()
        else:
            self.failures.append("the readers' process gave no figures within 90 s")
        self.process.join(timeout=30)


def read_without_pause(url: str, count: int, stop: Any, done: Any, results: Any) -> None:
    """The readers' process: `count` threads until `stop`, then (latencies, failures, retried) sent on `results`."""
    tally = ReaderTally(url, stop, done)
    threads = [threading.Thread(target=tally.run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.send((tally.latencies, tally.failures, tally.retried))


class ReaderTally:
    """What the reader threads of one process measured."""

    def __init__(self, url: str, stop: Any, done: Any) -> None:
        self.url, self.stop, self.done = url, stop, done
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.retried = 0

    def run(self, index: int) -> None:
        session = requests.Session()
        urls = READ_URLS[index % len(READ_URLS) :] + READ_URLS[: index % len(READ_URLS)] + ["callback"]
        while not self.stop.is_set():
            for url in urls:
                if self.stop.is_set():
                    return
                self.one(session, url)

    def one(self, session: requests.Session, url: str) -> None:
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                if url == "callback":
                    answer = session.post(self.url + "/_dash-update-component", json=PAGE_CALLBACK, timeout=60)
                else:
                    answer = session.get(self.url + url, timeout=60)
            except requests.ConnectionError as error:
                if attempt == 1:
                    self.retried += 1
                    session = requests.Session()
                    continue
                self.failures.append(f"{url}: {type(error).__name__}")
                return
            self.latencies.append(time.perf_counter() - started)
            with self.done.get_lock():
                self.done.value += 1
            if answer.status_code >= 500:
                self.failures.append(f"{url}: {answer.status_code}")
            return


class Memory:
    """RSS of each gunicorn worker every few seconds."""

    def __init__(self, soak: Soak, every: float) -> None:
        self.soak, self.every, self.stop = soak, every, threading.Event()
        self.samples: list[tuple[float, dict[int, float]]] = []
        self.peaks: dict[int, float] = {}  # pid -> the worker's peak resident memory (VmHWM) last seen
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(self.every):
            self.sample()

    def sample(self) -> None:
        found = {pid: rss for pid in self.soak.workers() if (rss := rss_mb(pid)) is not None}
        self.samples.append((time.monotonic() - self.started, found))
        for pid in found:
            self.peaks[pid] = max(self.peaks.get(pid, 0.0), rss_mb(pid, "VmHWM") or 0.0)


def report(families: dict[str, Tally], readers: Readers, memory: Memory, soak: Soak, seconds: float) -> bool:
    print(f"\nsoak: {seconds:.0f} s in all on {soak.url} (loopback), seed {ARGS.seed}")
    print(f"\n{'family':<34}{'attempts':>9}{'failures':>10}{'lost':>6}")
    for name, tally in families.items():
        print(f"{name:<34}{tally.attempts:>9}{tally.failures:>10}{tally.lost:>6}")
    latencies = sorted(readers.latencies)
    q = statistics.quantiles(latencies, n=20) if len(latencies) > 20 else [0.0] * 19
    print(f"\nreaders: {len(latencies) + len(readers.failures)} requests, {len(readers.failures)} failed, "
          f"{readers.retried} connection cuts retried once (by a worker killed on purpose), "
          f"p50 {1000 * statistics.median(latencies or [0]):.0f} ms, p95 {1000 * q[18]:.0f} ms")  # fmt: skip
    print("\nmemory per gunicorn worker (RSS MB; a new pid is a worker started after a kill):")
    pids = sorted({pid for _, found in memory.samples for pid in found})
    print("  time s " + "".join(f"{pid:>9}" for pid in pids))
    step = max(1, len(memory.samples) // 12)
    for at, found in memory.samples[::step] + memory.samples[-1:]:
        print(f"  {at:6.0f} " + "".join(f"{found[p]:9.0f}" if p in found else f"{'':>9}" for p in pids))
    for pid in pids:
        mine = [found[pid] for _, found in memory.samples if pid in found]
        if len(mine) >= 4:
            half = len(mine) // 2
            print(f"  worker {pid}: first half mean {statistics.mean(mine[:half]):.0f} MB, second half mean "
                  f"{statistics.mean(mine[half:]):.0f} MB, max {max(mine):.0f} MB over {len(mine)} samples")  # fmt: skip
    if memory.peaks:
        print(f"  peak resident memory of any worker (VmHWM): {max(memory.peaks.values()):.0f} MB "
              f"({', '.join(f'{pid}: {mb:.0f}' for pid, mb in sorted(memory.peaks.items()))})")  # fmt: skip
    for name, tally in families.items():
        if tally.details:
            print(f"\n{name}: each answer (file, size, HTTP status, outcome, seconds to the answer, problems, check):")
            print("  " + "\n  ".join(tally.details))
    problems = [f"{n}: {note}" for n, t in families.items() for note in t.notes] + readers.failures[:20]
    if problems:
        print("\nproblems:\n  " + "\n  ".join(problems[:40]))
    return not problems and not any(t.lost for t in families.values())


ARGS = argparse.Namespace(seed=20261128)


def main(argv: list[str] | None = None) -> int:
    global ARGS
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300, help="time budget for the fault rounds (default 300)")
    parser.add_argument("--readers", type=int, default=6, help="reader threads (default 6)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--seed", type=int, default=20261128, help="seed of every random choice")
    parser.add_argument("--max-per-family", type=int, default=40, help="cap on attempts per family (default 40)")
    parser.add_argument("--only", default="", help="run only the families whose name contains this text")
    ARGS = parser.parse_args(argv)
    from bench.soak_faults import FAMILIES, PREPARE

    folder = Path(tempfile.mkdtemp(prefix="lmm-soak-"))
    started = time.monotonic()
    print(f"setting up in {folder}: a release from the bundled seed, accounts, gunicorn ({ARGS.workers} workers)")
    soak = set_up(folder / "data", ARGS.workers, ARGS.seed)
    readers, memory = Readers(soak, ARGS.readers), Memory(soak, every=1.0)
    chosen = {name: family for name, family in FAMILIES.items()  # the baseline only when asked for by name
              if ARGS.only in name and (ARGS.only or not name.startswith("baseline"))}  # fmt: skip
    families = {name: Tally() for name in chosen}
    for name in chosen.keys() & PREPARE.keys():
        print(f"preparing {name}", flush=True)
        PREPARE[name]()
    memory.sample()
    memory.thread.start()
    readers.start()
    deadline, rounds = time.monotonic() + ARGS.seconds, 0
    try:
        while time.monotonic() < deadline:
            progressed = False
            for name, family in chosen.items():
                tally = families[name]
                if (time.monotonic() >= deadline and tally.attempts) or tally.attempts >= ARGS.max_per_family:
                    continue  # every family gets at least one attempt, however short the budget
                try:
                    family(soak, tally)
                except Exception as error:  # counted against the system: the soak cannot tell whose bug it is
                    tally.fail(f"raised {type(error).__name__}: {str(error)[:300]}")
                progressed = True
            if not progressed:
                break
            rounds += 1
            attempts, failures = (sum(getattr(t, k) for t in families.values()) for k in ("attempts", "failures"))
            print(f"  {time.monotonic() - started:6.0f} s  round {rounds}: {attempts} attempts so far, {failures} "
                  f"failures, {readers.requests_so_far} reader requests", flush=True)  # fmt: skip
    finally:
        readers.finish()
        memory.stop.set()
        memory.sample()
        soak.proc.terminate()
        soak.proc.wait(timeout=30)
    ok = report(families, readers, memory, soak, time.monotonic() - started)
    if ok:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"\nkept for a look: {folder} (gunicorn.log, releases/, control.sqlite, uploads/jobs/)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
