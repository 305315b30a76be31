"""Briefing files: a renderer's self-contained HTML in; HTML and PDF files out, per release, country and language.

Files live under LMM_DATA_DIR/briefings/<release>/<ISO3>.<lang>.html|pdf, written atomically, one writer per
country at a time (a file lock). They are rendered ahead after each publish by the web app's render-ahead job
(dashboard/api/briefings_ahead.py, with kept Chromiums: warehouse/briefing_print.py); a request for a briefing
the job has not reached yet asks it to render that one next and waits for it, and renders it itself (HTML, then
Chromium printing it) only when no job is running or the wait runs out. A request never queues behind the job's
lock for long: the job runs at the lowest CPU priority and may be starved on a busy machine. Everything runs offline: the PDF is
Chromium printing the HTML, whose @page rules put release and sources on every page.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lmm.config import data_dir

PDF_TIMEOUT_S = 90
# a request waits this long for the render-ahead job (nice 19: maybe starved) before rendering itself
WAIT_FOR_JOB_S = 4.0
# ... unless the job has not taken the request's wish (read before each briefing it starts) within this long
PICKUP_S = 1.0
KINDS = ("html", "pdf")
JOB_LOCK = ".ahead.lock"  # held by the render-ahead job of the release for as long as it runs
COMPLETE = ".complete.json"  # written by the job when every briefing of the release is on disk
WANTED = ".wanted"  # requests' markers: render these next


class BriefingError(RuntimeError):
    """A briefing cannot be rendered on this machine (e.g. Chromium missing); the message says what to install."""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise BriefingError("Chromium is not installed (Debian: apt-get install chromium); PDF briefings need it")
    return found


def folder(release_id: str) -> Path:
    path = data_dir() / "briefings" / release_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(release_id: str, iso3: str, lang: str, kind: str) -> Path:
    return folder(release_id) / f"{iso3}.{lang}.{kind}"


def briefing_file(
    release_id: str, iso3: str, kind: str, render_html: Callable[[str, str, str], str], lang: str = "en"
) -> Path:
    """The briefing (kind 'html' or 'pdf'): from disk, from the render-ahead job, or rendered here."""
    target = path_of(release_id, iso3, lang, kind)
    if target.exists():
        return target
    job = job_running(release_id)
    if job and _wait_for_job(release_id, iso3, lang, target):
        return target
    with country_lock(release_id, iso3, wait_s=WAIT_FOR_JOB_S if job else None) as ours:
        if target.exists():  # written while this request waited for the lock
            return target
        if not ours:  # the job (lowest priority: starved on a busy machine) holds the country: not queued behind it
            return _render_here(release_id, iso3, kind, render_html, lang)
        html_path = path_of(release_id, iso3, lang, "html")
        if not html_path.exists():
            atomic_write(html_path, render_html(release_id, iso3, lang).encode("utf-8"))
        if kind == "pdf" and not target.exists():
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            print_pdf(html_path, tmp)
            os.replace(tmp, target)
    return target


def _render_here(release_id: str, iso3: str, kind: str, render_html: Callable[[str, str, str], str], lang: str) -> Path:
    """The briefing rendered by this request beside whoever holds the country's lock, into files of its own moved
    into place (the same page: whichever copy lands last is the one kept)."""
    own = f"{os.getpid()}.{threading.get_ident()}"
    html_path = path_of(release_id, iso3, lang, "html")
    html_tmp = html_path.with_name(f".{html_path.name}.{own}.tmp")
    html_tmp.write_bytes(render_html(release_id, iso3, lang).encode("utf-8"))
    target = path_of(release_id, iso3, lang, kind)
    if kind == "pdf":
        pdf_tmp = target.with_name(f".{target.name}.{own}.tmp")
        print_pdf(html_tmp, pdf_tmp)
        os.replace(pdf_tmp, target)
    os.replace(html_tmp, html_path)
    return target


def _wait_for_job(release_id: str, iso3: str, lang: str, target: Path) -> bool:
    """Ask the running job for this briefing next and wait for it (False: not there in time, the job ended, or it
    did not take the wish within PICKUP_S: busy or starved at its lowest priority, so the request renders it)."""
    wanted = folder(release_id) / WANTED
    wanted.mkdir(exist_ok=True)
    mark = wanted / f"{iso3}.{lang}"
    mark.touch()
    started = time.monotonic()
    while time.monotonic() < started + WAIT_FOR_JOB_S:
        if target.exists():
            return True
        if not job_running(release_id):
            return target.exists()
        if time.monotonic() > started + PICKUP_S and mark.exists():
            mark.unlink(missing_ok=True)
            return target.exists()
        time.sleep(0.05)
    return False


def wished(release_id: str) -> bool:
    """Is a request waiting for a briefing of the release (without taking its wish)?"""
    try:
        with os.scandir(folder(release_id) / WANTED) as marks:
            return any(True for _ in marks)
    except FileNotFoundError:
        return False


def wanted(release_id: str) -> list[tuple[str, str]]:
    """(ISO3, lang) that requests are waiting for, oldest first; their markers removed."""
    marks = folder(release_id) / WANTED
    try:
        found = sorted(os.scandir(marks), key=lambda e: e.stat().st_mtime)
    except FileNotFoundError:
        return []
    out = []
    for entry in found:
        iso3, _, lang = entry.name.partition(".")
        Path(entry.path).unlink(missing_ok=True)
        out.append((iso3, lang))
    return out


@contextmanager
def country_lock(release_id: str, iso3: str, wait_s: float | None = None) -> Iterator[bool]:
    """One writer of a country's briefings at a time, across processes. Yields True once taken; with `wait_s`, False
    when another holds it that long."""
    with open(folder(release_id) / f".{iso3}.lock", "a+") as lock:
        deadline = None if wait_s is None else time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if deadline is None or time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
        yield True


@contextmanager
def job_lock(release_id: str) -> Iterator[bool]:
    """The render-ahead job's lock of a release: yields True when taken (the caller is the one job), else False."""
    with open(folder(release_id) / JOB_LOCK, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def job_running(release_id: str) -> bool:
    """Whether a render-ahead job holds the release's lock (released with its process, however it ends)."""
    path = data_dir() / "briefings" / release_id / JOB_LOCK
    if not path.exists():
        return False
    with open(path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False


def complete(release_id: str) -> bool:
    return (data_dir() / "briefings" / release_id / COMPLETE).exists()


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Headless Chromium started for this one file prints the HTML (no network, no browser header/footer: the
    page's own @page boxes). The render-ahead job keeps one Chromium instead (warehouse/briefing_print.py)."""
    with tempfile.TemporaryDirectory(prefix="lmm-chromium-") as profile:
        cmd = [
            chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-pdf-header-footer", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
            html_path.resolve().as_uri(),
        ]  # fmt: skip
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=PDF_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as error:
            raise BriefingError(f"Chromium did not print {html_path.name} within {PDF_TIMEOUT_S} s") from error
    if done.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise BriefingError(f"Chromium failed to print {html_path.name}: {done.stderr.strip()[-300:]}")
