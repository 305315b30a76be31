"""Shared by the benches: figures (median, p95), interleaved timing, a release built from the bundled seed in a
temporary LMM_DATA_DIR, the app under gunicorn on loopback, and the rows of the summary table `make bench` prints."""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import synthetic

ROOT = Path(__file__).resolve().parents[1]
Row = dict[str, Any]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def stats_ms(seconds: list[float]) -> dict[str, float]:
    """n, median and p95 in milliseconds (rounded to 0.1 ms)."""
    return {"n": len(seconds), "median_ms": round(1000 * statistics.median(seconds), 1),
            "p95_ms": round(1000 * percentile(seconds, 0.95), 1)}  # fmt: skip


def ratio_stats(a: list[float], b: list[float]) -> dict[str, float]:
    """Pairwise ratios a[i] / b[i] of runs measured back to back: median and p95 of the ratio."""
    ratios = [x / y for x, y in zip(a, b, strict=True) if y > 0]
    return {"n": len(ratios), "median": round(statistics.median(ratios), 3), "p95": round(percentile(ratios, 0.95), 3)}


def interleaved(cases: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Each case once per round, in turn (A B A B ...), so a busy moment of the machine hits every case alike."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return times


def add_quick(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller sizes (make bench-quick)")


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def summary(figure: str, measured: str, target: str = "", met: bool | None = None) -> Row:
    """One line of the table `make bench` prints at the end."""
    return {"figure": figure, "measured": measured, "target": target, "met": met}


# --- releases ----------------------------------------------------------------------------------------------------

_REAL: dict[str, tuple[Path, str]] = {}


def real_release() -> tuple[Path, str]:
    """(LMM_DATA_DIR, release id) of a release built from the bundled seed (status year 2025) in a temporary folder,
    once per process."""
    if "real" not in _REAL:
        from lmm.config import seed_dir

        folder = synthetic.temporary_folder("lmm-bench-real-")
        release_id, _, _ = synthetic.build(seed_dir(), folder / "var")
        _REAL["real"] = (folder / "var", release_id)
    return _REAL["real"]


def publish(data_dir: Path) -> tuple[str, float]:
    """`lmm build` of the bundled seed into data_dir while the app serves it: (new release id, seconds)."""
    from lmm.config import seed_dir

    release_id, seconds, _ = synthetic.build(seed_dir(), data_dir)
    return release_id, seconds


# --- the app under gunicorn -------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_options() -> list[str]:
    """The gunicorn options of the Procfile's web line that shape serving (workers, threads, worker class, timeout,
    the config file: gunicorn.conf.py, by its absolute path so a server started elsewhere reads it too), so the
    benches measure what production runs; ${VAR:-default} is read as its default."""
    line = next((x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:")), "")
    line = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", line)
    words, out = line.split(), []
    for i, word in enumerate(words):
        if word in ("--workers", "-w", "--threads", "--worker-class", "-k", "--timeout", "--keep-alive"):
            out += [word, words[i + 1]]
        elif word in ("--config", "-c"):
            out += [word, str(ROOT / words[i + 1])]
    return out


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    command: list[str]


@contextmanager
def gunicorn(data_dir: Path, extra: list[str] | None = None, env: dict[str, str] | None = None,
             root: Path = ROOT) -> Iterator[Server]:  # fmt: skip
    """The real app (dashboard.wsgi:server) under gunicorn on 127.0.0.1 and a free port, with the Procfile's options
    (and `extra`, which win); stopped on exit. `root`: the checkout whose code is served (another commit's worktree
    for a side-by-side comparison)."""
    port = free_port()
    options = procfile_options()
    for i in range(0, len(extra or []), 2):
        key = extra[i]  # type: ignore[index]
        if key in options:
            at = options.index(key)
            del options[at : at + 2]
    cmd = [sys.executable, "-m", "gunicorn", "dashboard.wsgi:server", "--bind", f"127.0.0.1:{port}", *options,
           *(extra or [])]  # fmt: skip
    full_env = dict(os.environ, LMM_DATA_DIR=str(data_dir), **(env or {}))
    if root != ROOT:
        full_env["PYTHONPATH"] = str(root)
    proc = subprocess.Popen(cmd, cwd=root, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url + "/api/v1/health", proc)
        yield Server(url, proc, cmd)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + (proc.stderr.read().decode()[-2000:] if proc.stderr else ""))
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s")


@contextmanager
def data_dir_env(data_dir: Path) -> Iterator[None]:
    """Point this process at data_dir (the app and the CLI read LMM_DATA_DIR at call time)."""
    saved = dict(os.environ)  # restored whole afterwards: the setting is written here, never read
    os.environ["LMM_DATA_DIR"] = str(data_dir)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def child_pids(pid: int) -> list[int]:
    """The process ids whose parent is pid (gunicorn's workers), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def at_once(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released together (a barrier); their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
