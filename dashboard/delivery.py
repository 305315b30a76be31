"""How the app's own static files travel: Dash's JavaScript compressed once per worker, not on every request, and
the app's assets (whose URLs carry their file's time, `?m=`) kept by browsers for a year.

Flask-Compress compresses every response as it leaves. For Dash's component files that is the same work each cold
page load: plotly.js alone (4.8 MB) took 0.33 s of zstd and 1.7 s of gzip on this 2-core host under load, the
other Dash bundles (1.2 MB) about 0.1 s more, all on the critical path of a first visit and taken from the CPU the
reader's page needs. Those files change only when Dash or plotly is upgraded (a restart), so their compressed bodies
are kept per URL and encoding: a fixed, small set (about 20 files, about 3 MB per encoding used). Nothing else is
kept: every other response (pages, callbacks, the API) is compressed as before."""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

from flask import Flask, Request, Response, request

COMPONENT_FILES = "/_dash-component-suites/"
YEAR = 365 * 24 * 3600


def compressed_key(req: Request) -> str:
    """Flask-Compress's cache key: the URL of a Dash component file fetched with GET, else "" (never kept)."""
    return req.full_path if req.method == "GET" and req.path.startswith(COMPONENT_FILES) else ""


class CompressedComponentFiles:
    """Flask-Compress's cache backend (get/set): compressed bodies of Dash's component files, per worker."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self.kept.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";") and key not in self.kept:  # "<encoding>;" is a response that is not kept
            with self.lock:
                self.kept[key] = value


def configure(server: Flask) -> None:
    """Before Dash sets Flask-Compress up on `server`: keep the compressed component files."""
    server.config["COMPRESS_CACHE_KEY"] = compressed_key
    server.config["COMPRESS_CACHE_BACKEND"] = CompressedComponentFiles


def long_lived_assets(response: Response) -> Response:
    """An asset asked for by its versioned URL (`/assets/style.css?m=<time>`) is kept by the browser for a year."""
    if request.path.startswith("/assets/") and request.args.get("m") and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def inline_stylesheets(css: str, prefix: str, assets: Path) -> str:
    """Dash's `<link rel="stylesheet">` tags of the app's own assets as `<style>` elements holding the files: for a
    page drawn on the server, whose first paint would otherwise wait for 9 stylesheets queued with the JavaScript
    on the browser's 6 connections (0.24 s of a cold load here). A file that cannot be held inline stays a link."""
    pattern = re.compile(rf'<link rel="stylesheet" href="{re.escape(prefix)}assets/([\w./-]+\.css)\?m=[\d.]+">')

    def inline(link: re.Match[str]) -> str:
        path = (assets / link.group(1)).resolve()
        inside = path.is_relative_to(assets.resolve()) and path.is_file()
        text = _stylesheet_text(path, path.stat().st_mtime) if inside else None
        return link.group(0) if text is None else f"<style>{text}</style>"

    return pattern.sub(inline, css)


@functools.lru_cache(maxsize=64)
def _stylesheet_text(path: Path, mtime: float) -> str | None:
    """The stylesheet's text (read again when the file changes: `mtime` is part of the key), or None if it could
    end the `<style>` element early."""
    text = path.read_text(encoding="utf-8")
    return None if "</" in text else text


def register(server: Flask) -> None:
    server.after_request(long_lived_assets)
