"""Does anyone else want the CPU? The render-ahead job (briefings_ahead.py) prints only while the answer is no.

Why the lowest CPU priority is not enough: the job and its Chromium run at SCHED_IDLE, so they never take a core
from a reader's request. But they share the cores' caches and the memory bus with it, and on this kind of host that
costs the pages a lot. In the load bench, with both workers busy, the job running in the idle gaps:
- lowered throughput from 156-180 to 97-101 requests/s;
- raised the page mix's p95 from 475-563 to 1,018-1,053 ms.
An idle-priority memory streamer made a busy Python loop 20-60% slower here.

The job therefore waits between briefings until the others' CPU has been low for a moment. A briefing already
printing finishes (~0.3 s). Quiet means under the limit on average over the last second and over the last 0.3 s:
a reader's request (50-150 ms of CPU) holds the job from its next briefing on.

"The others" = every process on the host but this one and its descendants (the job's Chromium): the web workers,
a publish, a steward's validation, anything else. Each process's own CPU time is read from `/proc` and compared
with its previous reading, so a process that starts or ends between two samples makes no jump, and a process that
leaves the job's tree (a Chromium helper whose parent ended) is not counted for its past. The host's total from
`/proc/stat` is not used: it is counted in scheduler ticks and the processes' times are not, and in 0.1 s the two
differ by up to two ticks per core (measured here: 11% of the samples of an idle host above the limit, 16% below
zero).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
PROC = Path("/proc")
SAMPLE_S = 0.1  # how often the sampler reads /proc
WINDOWS_S = (1.0, 0.3)  # quiet: under the limit on average over each of these last seconds
QUIET_SHARE = 0.15  # quiet: the others use less than this share of the host's cores (0.3 of a core on 2 cores)
# On a host that is never quiet, one briefing every MAX_HOLD_S still goes through (~1% of its time): the briefings
# get done at last, and a test suite or a busy neighbour never holds the job for ever.
MAX_HOLD_S = 30.0


def processes() -> dict[int, tuple[int, int]]:
    """Every process on the host: pid -> (parent pid, CPU ticks spent by all its threads, user and system); {} off
    Linux."""
    found = {}
    try:
        names = os.listdir(PROC)
    except OSError:
        return {}
    for name in names:
        if name.isdigit():
            try:  # the command name may hold spaces and parentheses: the fields are after its last ")"
                fields = (PROC / name / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended while it was read
                continue
            found[int(name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return found


def tree_of(root: int, found: dict[int, tuple[int, int]] | None = None) -> set[int]:
    """Process `root` and every process under it (in `found`, default: the host's processes now)."""
    parents = {pid: parent for pid, (parent, _ticks) in (processes() if found is None else found).items()}
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return tree


class OthersCpu:
    """`spent()`: the CPU ticks every process outside `root`'s tree spent since the previous call (0 at the first).
    A process not seen before is counted from its start; one that was in the tree before is counted from then."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[int, int] | None = None

    def spent(self) -> int:
        return sum(self.deltas().values())

    def deltas(self) -> dict[int, int]:
        """Each outside process's ticks since the previous call ({} at the first)."""
        found = processes()
        ours = tree_of(self.root, found)
        now = {pid: ticks for pid, (_parent, ticks) in found.items()}
        before, self.seen = self.seen, now
        if before is None:
            return {}
        return {pid: max(0, ticks - before.get(pid, 0)) for pid, ticks in now.items() if pid not in ours}


class QuietCpu:
    """`with QuietCpu() as quiet: quiet.wait()` blocks while other processes use the CPU. A thread samples /proc
    every SAMPLE_S; `wait` trusts only a fresh sample, so when that thread is starved (it runs at the job's idle
    priority, and others are busy), `wait` waits too. `held_s` is the time callers spent waiting, summed over them
    (two printers waiting one second each: 2 s)."""

    def __init__(self, share: float | None = None, root: int | None = None) -> None:
        self.limit_cores = (QUIET_SHARE if share is None else share) * (os.cpu_count() or 1)
        self.root = root or os.getpid()
        self.others_cores = 0.0
        self.sampled_at = -1.0
        self.held_s = 0.0
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="quiet-cpu", daemon=True)

    def __enter__(self) -> QuietCpu:
        if processes():  # elsewhere than Linux the job is not held back
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def quiet(self) -> bool:
        """The others used less than the limit over each window, sampled moments ago."""
        fresh = time.monotonic() - self.sampled_at < 2 * SAMPLE_S
        return fresh and self.others_cores < self.limit_cores

    def wait(self, max_s: float | None = None, unless: Callable[[], bool] = lambda: False) -> None:
        """Return once the others are quiet, after `max_s` (default MAX_HOLD_S), or as soon as `unless()` holds
        (asked every SAMPLE_S); at once when no sampler runs."""
        if not self._thread.is_alive():
            return
        max_s = MAX_HOLD_S if max_s is None else max_s
        started = time.monotonic()
        with self._changed:
            while not (self.quiet() or self._stop.is_set() or time.monotonic() - started >= max_s or unless()):
                self._changed.wait(SAMPLE_S)
            self.held_s += time.monotonic() - started

    def _sample(self) -> None:
        try:
            self._sample_until_stopped()
        except Exception:  # the job then runs without waiting, as off Linux: said in its log, not hidden
            log.exception("CPU sampling stopped: the job no longer waits for quiet CPU")

    def _sample_until_stopped(self) -> None:
        tick, others = os.sysconf("SC_CLK_TCK"), OthersCpu(self.root)
        history: list[tuple[float, int]] = []  # (when, the others' ticks since the sampler started)
        spent = others.spent()
        while not self._stop.is_set():
            now = time.monotonic()
            spent += others.spent()
            history.append((now, spent))
            while now - history[0][0] > max(WINDOWS_S) + SAMPLE_S / 2:
                history.pop(0)
            if now - history[0][0] >= max(WINDOWS_S) - SAMPLE_S / 2:
                with self._changed:
                    self.others_cores = max(self._rate(history, window, tick) for window in WINDOWS_S)
                    self.sampled_at = now
                    self._changed.notify_all()
            self._stop.wait(SAMPLE_S)

    @staticmethod
    def _rate(history: list[tuple[float, int]], window: float, tick: int) -> float:
        """The others' cores on average over the last `window` seconds of `history`."""
        now, spent = history[-1]
        then, before = next(h for h in history if now - h[0] <= window + SAMPLE_S / 2)
        return (spent - before) / tick / (now - then) if now > then else 0.0
