"""Briefing files: a renderer's self-contained HTML in; cached HTML and PDF files out, per release and country.

Everything runs offline: figures are rendered by kaleido on Debian's Chromium with the app's own map outlines
(stack-notes), and the PDF is Chromium printing the HTML (its @page rules put release and sources on every page).
Files live under LMM_DATA_DIR/briefings/<release>/ and are built once (one builder at a time per country).
"""

from __future__ import annotations

import base64
import fcntl
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from lmm.config import PROJECT_ROOT, data_dir

TOPOJSON_DIR = PROJECT_ROOT / "dashboard" / "assets" / "topojson"
PDF_TIMEOUT_S = 90
_kaleido_lock = threading.Lock()
_kaleido_pid: int | None = None


class BriefingError(RuntimeError):
    """A briefing cannot be rendered on this machine (e.g. Chromium missing); the message says what to install."""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise BriefingError("Chromium is not installed (Debian: apt-get install chromium); PDF briefings need it")
    return found


def briefing_file(release_id: str, iso3: str, kind: str, render_html: Callable[[str, str], str]) -> Path:
    """The cached briefing (kind 'html' or 'pdf'), rendered on first request."""
    folder = data_dir() / "briefings" / release_id
    folder.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = folder / f"{iso3}.html", folder / f"{iso3}.pdf"
    target = pdf_path if kind == "pdf" else html_path
    if target.exists():
        return target
    with open(folder / f".{iso3}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not html_path.exists():
            _atomic_write(html_path, render_html(release_id, iso3).encode("utf-8"))
        if kind == "pdf" and not pdf_path.exists():
            tmp = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.tmp")
            print_pdf(html_path, tmp)
            os.replace(tmp, pdf_path)
    return target


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Headless Chromium prints the HTML (no network, no browser header/footer: the page's own @page boxes)."""
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


def start_kaleido() -> None:
    """One kaleido server per process (a forked worker starts its own); maps use the bundled outlines."""
    global _kaleido_pid
    with _kaleido_lock:
        if _kaleido_pid == os.getpid():
            return
        import kaleido
        import plotly.io as pio

        pio.defaults.topojson = TOPOJSON_DIR.resolve().as_uri() + "/"
        pio.defaults.mathjax = False
        kaleido.start_sync_server(silence_warnings=True)
        _kaleido_pid = os.getpid()


def figure_data_uri(figure, width: int = 900, height: int = 420) -> str:
    """A plotly figure as a PNG data URI (scale 2 for print)."""
    import warnings

    import plotly.io as pio

    start_kaleido()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "kopts ignored when using a server": options set at start
        png = pio.to_image(figure, format="png", width=width, height=height, scale=2)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
