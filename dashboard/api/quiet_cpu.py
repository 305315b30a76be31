"""Does anyone else want the CPU? The render-ahead job (briefings_ahead.py) prints only while the answer is no.

Why the lowest CPU priority is not enough: the job and its Chromium run at SCHED_IDLE, so they never take a core
from a reader's request. But they share the cores' caches and the memory bus with it, and on this kind of host that
costs the pages a lot. In the load bench, with both workers busy, the job running in the idle gaps:
- lowered throughput from 156-180 to 97-101 requests/s;
- raised the page mix's p95 from 475-563 to 1,018-1,053 ms.
An idle-priority memory streamer made a busy Python loop 20-60% slower here.

The job therefore waits between briefings until the others' CPU has been low for a moment. A briefing already
printing finishes (~0.3 s). Quiet means quiet in every tenth of a second of the last second, so a reader's burst
holds the job from its next briefing on.

"The others" = every process on the host but this one and its children (the job's Chromium): the web workers, a
publish, a steward's validation, anything else. They are counted in `/proc`, without polling any of them.
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
WINDOW_S = 1.0  # quiet: under the limit in every sample of the last second (a reader's burst ends the quiet)
QUIET_SHARE = 0.15  # quiet: the others use less than this share of the host's cores (0.3 of a core on 2 cores)
# On a host that is never quiet, one briefing every MAX_HOLD_S still goes through (~1% of its time): the briefings
# get done at last, and a test suite or a busy neighbour never holds the job for ever.
MAX_HOLD_S = 30.0


def busy_ticks() -> int | None:
    """CPU ticks spent by everything on the host (not idle, not waiting for disk) since boot; None off Linux."""
    try:
        fields = (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return user + nice + system + irq + softirq + steal


def tree_of(root: int) -> set[int]:
    """Process `root` and every process under it."""
    parents = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:  # ended while it was read
                continue
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return tree


def ticks_of(pids: set[int]) -> int:
    """CPU ticks of these processes with their reaped children's (a Chromium renderer that ended is counted in its
    parent's); a process that has ended counts nothing."""
    spent = 0
    for pid in pids:
        try:
            spent += sum(int(t) for t in (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[11:15])
        except OSError:
            continue
    return spent


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
        if busy_ticks() is not None:  # elsewhere than Linux the job is not held back
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def quiet(self) -> bool:
        """The others used less than the limit over the last window, sampled moments ago."""
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
        tick = os.sysconf("SC_CLK_TCK")
        history: list[tuple[float, int, int]] = []
        tree, tree_at = tree_of(self.root), time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            if now - tree_at > 1.0:  # Chromium starts a process per page now and then
                tree, tree_at = tree_of(self.root), now
            history.append((now, busy_ticks() or 0, ticks_of(tree)))
            while now - history[0][0] > WINDOW_S + SAMPLE_S / 2:
                history.pop(0)
            if now - history[0][0] >= WINDOW_S - SAMPLE_S / 2:
                steps = zip(history, history[1:], strict=False)
                busiest = max(((b[1] - a[1]) - (b[2] - a[2])) / tick / (b[0] - a[0]) for a, b in steps)
                with self._changed:
                    self.others_cores = max(0.0, busiest)
                    self.sampled_at = now
                    self._changed.notify_all()
            self._stop.wait(SAMPLE_S)
