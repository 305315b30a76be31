"""Briefings rendered ahead: after each publish, every country's briefing in English, Spanish and French (HTML and
PDF) is written to LMM_DATA_DIR/briefings/<release>/ by one background job, so a reader's first request is served
from disk instead of waiting seconds for Chromium.

Why the web app starts it, and as a subprocess:
- The publish side (`lmm build`, the steward publish job) may not import the web app (tests/test_layers.py), and
  starting a separate program from there would tie publishing to the renderer's needs (Chromium, fonts) and to one
  host: with the DuckLake backend every app server has its own LMM_DATA_DIR and serves its own files. The web app
  renders what it serves, on every host, and also covers a rollback (a release seen again is rendered if missing).
- A worker notices a new release on a request (any page or API call; checked at most every CHECK_EVERY_S per
  worker, with the reader's own check of the current release) and starts `python -m dashboard.api.briefings_ahead
  <release>`. It does not render in a thread of its own: building the pages of 250 countries holds the GIL for
  minutes, which would delay the requests that worker serves. The subprocess runs at the lowest CPU priority (nice
  19 and SCHED_IDLE, inherited by its Chromium: lowest_priority()), reads every country's facts in one pass,
  renders up to PRINTERS briefings at a time (one per core), each printer with its own kept Chromium
  (warehouse/briefing_print.py), and takes the release's job lock first, so one job renders a release on a host
  however many workers notice it (the others' processes exit at once). Publishing never waits for it. Between
  briefings it waits while other processes use the CPU (quiet_cpu.py): even at idle priority, its Chromium halved
  the pages' throughput through the shared caches.
- A request for a briefing the job has not reached yet asks it to render that one next and waits for it
  (warehouse/briefing.py); without a job, or past the wait, the request renders it as before.

LMM_BRIEFINGS_AHEAD: `auto` (default) renders ahead when the app is served by gunicorn (production, the benches),
not under Flask's test client or the Dash dev server (tests start apps by the hundred); `1` always; `0` never.
The job ends by writing `.complete.json` (count, seconds) in the release's folder; its log is `.ahead.log` there.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from dashboard.api.quiet_cpu import QuietCpu
from dashboard.i18n import LANGS
from lmm.config import PROJECT_ROOT, data_dir, setting
from warehouse import briefing
from warehouse.connection import NoReleaseError, cursor

log = logging.getLogger(__name__)
CHECK_EVERY_S = 2.0  # a worker looks for a new release at most this often
NICE = 19
PRINTERS = 2  # briefings printed at once (at most one per core): at nice 19 they only take CPU others leave idle
KEEP_RENDERED = 1  # besides the release just rendered, the newest other fully rendered one (readers pinned to it)
_state: dict[str, Any] = {"checked": -CHECK_EVERY_S, "started": {}}
_lock = threading.Lock()


def enabled(environ: dict[str, Any]) -> bool:
    mode = setting("LMM_BRIEFINGS_AHEAD").strip().lower()
    if mode in ("1", "true", "yes", "on"):
        return True
    if mode == "auto":
        return str(environ.get("SERVER_SOFTWARE", "")).startswith("gunicorn")
    return False


def notice(environ: dict[str, Any]) -> None:
    """On a request: start the render-ahead job of the release served now if it has none and is not complete."""
    now = time.monotonic()
    if now - _state["checked"] < CHECK_EVERY_S or not enabled(environ):
        return
    with _lock:
        if now - _state["checked"] < CHECK_EVERY_S:
            return
        _state["checked"] = now
        try:
            release_id, cur = cursor()
        except NoReleaseError:
            return
        cur.close()
        started = _state["started"].get(release_id)
        if started is not None and started.poll() is None:
            return
        if briefing.complete(release_id) or briefing.job_running(release_id):
            return
        _state["started"] = {release_id: start(release_id)}


def notice_request() -> None:
    """Flask's before-request hook (dashboard/api/routes.register); the fast lane calls `notice` itself."""
    from flask import request

    notice(request.environ)


def start(release_id: str) -> subprocess.Popen:
    """The job as a subprocess at the lowest priority; its output appended to the release's `.ahead.log`."""
    logfile = open(briefing.folder(release_id) / ".ahead.log", "ab")  # noqa: SIM115 (the child writes it)
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.api.briefings_ahead", release_id, str(os.getpid())], cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    logfile.close()
    threading.Thread(target=proc.wait, name="briefings-ahead-reaper", daemon=True).start()
    return proc


# --- the job ----------------------------------------------------------------------------------------------------


def countries(release_id: str) -> list[str]:
    """The areas of the release that have a scorecard (not aggregates, uninhabited or historical areas)."""
    from warehouse.scorecard import no_scorecard_reason

    _, cur = cursor(release_id)
    result = cur.execute("SELECT * FROM countries WHERE NOT is_aggregate ORDER BY iso3")
    names = [d[0] for d in result.description or []]
    rows = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    return [row["iso3"] for row in rows if no_scorecard_reason(row) is None]


class Queue:
    """(country, language) in turn, each once: whatever requests are waiting for first (looked for before every
    briefing, so a request waits for at most the ones being printed), then every country in English, then in
    Spanish, then in French (two printers at once work on different countries: a country's lock is not shared).
    `taken` says when every one has been handed out, so a printer held for quiet CPU stops at once when the last
    ones went to readers' requests (it used to wait out a whole hold to find the queue empty)."""

    def __init__(self, release_id: str, codes: list[str]) -> None:
        self.release_id, self.codes = release_id, set(codes)
        self.done: set[tuple[str, str]] = set()
        self.order = ((iso3, lang) for lang in LANGS for iso3 in codes)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return self

    def __next__(self) -> tuple[str, str]:
        wishes = (w for w in briefing.wanted(self.release_id) if w[0] in self.codes and w[1] in LANGS)
        for item in itertools.chain(wishes, self.order):
            if item not in self.done:
                self.done.add(item)
                return item
        raise StopIteration

    @property
    def taken(self) -> bool:
        return len(self.done) == len(self.codes) * len(LANGS)


class Shared:
    """What the job's renderers share: every country's facts, read once (on first need) under a lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.facts: dict[str, Any] | None = None


class Renderer:
    """Writes one briefing at a time with its kept Chromium. Every country's facts are read in one pass when first
    needed (warehouse tables read once for all, rather than ~10 queries per country) and shared by the renderers of
    the job (`shared`), for as long as the job runs."""

    def __init__(self, release_id: str, printer: Any, shared: Shared | None = None) -> None:
        self.release_id, self.printer = release_id, printer
        self._shared = shared or Shared()

    def render(self, iso3: str, lang: str) -> int:
        """The briefing's HTML and PDF unless on disk already; the files printed (0 or 1)."""
        pdf = briefing.path_of(self.release_id, iso3, lang, "pdf")
        if pdf.exists():
            return 0
        with briefing.country_lock(self.release_id, iso3):
            if pdf.exists():  # a request rendered it meanwhile
                return 0
            html_path = briefing.path_of(self.release_id, iso3, lang, "html")
            if not html_path.exists():
                briefing.atomic_write(html_path, self._html(iso3, lang).encode("utf-8"))
            self.printer.print(html_path, pdf)
        return 1

    def _html(self, iso3: str, lang: str) -> str:
        from dashboard.api.briefing import facts, render

        found = self._facts().get(iso3)
        return render(found if found is not None else facts(self.release_id, iso3), lang)

    def _facts(self) -> dict[str, Any]:
        from dashboard.api.briefing import facts_all

        with self._shared.lock:
            if self._shared.facts is None:
                self._shared.facts = facts_all(self.release_id, countries(self.release_id))
            return self._shared.facts


def orphaned(parent: int | None) -> bool:
    """The app process that started the job has ended (cheap enough to ask every tenth of a second while held)."""
    return parent is not None and os.getppid() != parent


def still_wanted(release_id: str, parent: int | None) -> str | None:
    """Why the job should stop now (None: carry on): its release is no longer the one served, its folder is gone
    (the release pruned, a test's data removed), or the app process that started it has ended."""
    if orphaned(parent):
        return "the app process that started it has ended"
    if not (data_dir() / "briefings" / release_id).is_dir():
        return "its folder is gone"
    try:
        served, cur = cursor()
    except NoReleaseError:
        return "no release is served"
    cur.close()
    return None if served == release_id else f"release {served} is served now"


def printers() -> int:
    """How many briefings the job prints at once: one per core, at most PRINTERS (each its own Chromium, ~150 MB)."""
    return max(1, min(PRINTERS, os.cpu_count() or 1))


def run(release_id: str, parent: int | None = None, workers: int | None = None) -> dict[str, Any]:
    """Every briefing of the release on disk, `workers` (default printers()) at once, each thread with its own
    Chromium; what was done (written by the caller as `.complete.json`)."""
    started, clock = datetime.now(UTC).isoformat(timespec="seconds"), time.perf_counter()
    codes = countries(release_id)
    with QuietCpu() as quiet:
        state: dict[str, Any] = {"items": Queue(release_id, codes), "lock": threading.Lock(), "written": 0,
                                 "failed": [], "stopped": None, "shared": Shared(), "quiet": quiet}  # fmt: skip
        threads = [threading.Thread(target=_work, args=(release_id, parent, state), name=f"briefings-printer-{n}")
                   for n in range(workers or printers())]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return {"release": release_id, "countries": len(codes), "languages": list(LANGS), "written": state["written"],
            "failed": state["failed"], "stopped": state["stopped"], "started_at": started, "printers": len(threads),
            "seconds": round(time.perf_counter() - clock, 1), "held_for_others_s": round(quiet.held_s, 1)}  # fmt: skip


def _next(release_id: str, parent: int | None, state: dict[str, Any]) -> tuple[str, str] | None:
    """The next briefing to render (None: all taken, or the job should stop: `state["stopped"]` says why)."""
    with state["lock"]:
        if state["stopped"]:
            return None
        state["stopped"] = still_wanted(release_id, parent)
        return None if state["stopped"] else next(state["items"], None)


def _work(release_id: str, parent: int | None, state: dict[str, Any]) -> None:
    """One printer's loop: wait until other processes leave the CPU quiet (quiet_cpu.py says why idle priority is
    not enough) or a request waits for a briefing, take the next briefing, render it; a stuck or dead Chromium is
    replaced."""
    from warehouse.briefing_print import PdfPrinter

    renderer = Renderer(release_id, None, state["shared"])
    try:
        while True:  # a briefing a reader is waiting for is printed at once: that reader is who the wait is for
            state["quiet"].wait(unless=lambda: briefing.wished(release_id) or orphaned(parent) or state["items"].taken)
            if (item := _next(release_id, parent, state)) is None:
                break
            if renderer.printer is None:  # started only now: a Chromium's start is a burst, and a publish is busy
                renderer.printer = PdfPrinter().__enter__()
            iso3, lang = item
            try:
                written = renderer.render(iso3, lang)
            except briefing.BriefingError as error:  # Chromium stuck or gone: a fresh one for the next briefing
                written = _failed(state, f"{iso3}.{lang}: {error}")
                renderer.printer.__exit__()
                renderer.printer = None
            except Exception as error:  # one briefing's bug must not stop the others (a request renders it later)
                log.exception("briefing %s.%s not rendered ahead", iso3, lang)
                written = _failed(state, f"{iso3}.{lang}: {error!r}"[:300])
            with state["lock"]:
                state["written"] += written
    finally:
        if renderer.printer is not None:
            renderer.printer.__exit__()


def _failed(state: dict[str, Any], what: str) -> int:
    with state["lock"]:
        state["failed"].append(what)
    return 0


def prune_rendered(release_id: str, keep: int = KEEP_RENDERED) -> list[str]:
    """Remove the briefings rendered ahead for older releases but the newest `keep` others (a full set is ~370 MB):
    a request for one of those renders it again. Folders a job did not complete (briefings of a pinned release
    rendered on request) are left to warehouse.bulk.prune_cache, which removes them with their release."""
    import shutil

    root = data_dir() / "briefings"
    done = sorted((p for p in root.iterdir() if p.name != release_id and (p / briefing.COMPLETE).exists()),
                  key=lambda p: p.name, reverse=True)  # fmt: skip
    for folder in done[keep:]:
        shutil.rmtree(folder, ignore_errors=True)
    return [p.name for p in done[keep:]]


def lowest_priority() -> str:
    """This process and all it starts (threads, Chromium and its processes) at the lowest CPU priority: nice 19 and
    Linux's SCHED_IDLE, which runs them only when no other process wants the CPU. Nice alone does not hold for
    Chromium: it sets its threads' nice values itself (0, and -8 for its display threads), which works when it may
    (as root, in containers: measured here); it does not change a SCHED_IDLE policy. Says which it got."""
    os.nice(NICE)
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux
        return f"nice {NICE}"
    return f"nice {NICE}, SCHED_IDLE"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        print("usage: python -m dashboard.api.briefings_ahead RELEASE_ID [PARENT_PID]", file=sys.stderr)
        return 2
    release_id, parent = args[0], (int(args[1]) if len(args) == 2 else None)
    priority = lowest_priority()  # before Chromium starts: it inherits it
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    with briefing.job_lock(release_id) as ours:
        if not ours or briefing.complete(release_id):
            return 0
        done = run(release_id, parent)
        if not done["stopped"]:  # even when some failed: those render on request (no job restarted for them)
            briefing.atomic_write(briefing.folder(release_id) / briefing.COMPLETE, json.dumps(done).encode())
            done["pruned"] = prune_rendered(release_id)
        log.info("briefings of %s (%s): %s", release_id, priority, done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
