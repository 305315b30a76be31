"""The fast lane: GET /api/v1/observations answered from the release's index without Flask's request machinery.

Through Flask a one-country query costs ~0.8 ms in the worker, of which the rows are ~0.05 ms: the request
context, routing, Dash's before-request hooks and three after-request hooks are the rest. Measured against
Datasette side by side, the HTTP floor of a gunicorn sync worker (a WSGI app answering 2 bytes, a new connection per
request) is already 0.3-0.46 of Datasette's time for the same small query (bench/datasette_bench.py), so half of a
peer's time leaves a few tenths of a millisecond for the app. This WSGI middleware (installed by routes.register) answers the plain case itself: a GET with no
conditional or range header, valid parameters, and the release's index built. It builds the body and the route's
headers with the route's own code (dashboard/api/observations.py), then adds what the app's after-request hooks add
(compression as Flask-Compress does it, with its settings; the security headers; Vary). Everything else (errors,
304s, the SQL path before the index is ready, a request naming a language) goes through Flask unchanged.

A finished answer is kept per worker (`kept_answers()`: bounded by count and bytes) under everything it depends on: the
release served (the current one, known without a cursor; a query naming ?release= is not kept), the query string
as sent, Accept-Encoding as sent and the URL's scheme, host and root (the `next` link, HSTS). A release never
changes once published, so the same request is answered again with the same bytes and a fresh Date, without
parsing, filtering or compressing anything (~0.03 ms in the process instead of ~0.3-0.8 ms).

The lane checks once that the app's hooks are the ones it stands in for and turns itself off (logging why) when
another hook was added, so a new hook can never be skipped; tests/api/test_fastlane.py compares its answers with
Flask's, header by header and byte by byte, on generated queries.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from flask import Flask, Response
from werkzeug.http import http_date
from werkzeug.wrappers import Request

from dashboard.api import briefings_ahead
from dashboard.api import index as api_index
from dashboard.api import observations as api_observations
from dashboard.api.common import checked_context, open_release
from dashboard.delivery import CompressedComponentFiles
from lmm.config import setting
from warehouse.memo import Kept

log = logging.getLogger(__name__)
PATH = "/api/v1/observations"
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE",
               "HTTP_IF_RANGE", "HTTP_RANGE")  # fmt: skip
# The hooks the lane stands in for, by qualified name; any other hook turns the lane off.
BEFORE = {
    "Dash._setup_server", "Dash.enable_pages.<locals>.router_sync",  # Dash's: nothing they do concerns the API
    "notice_request",  # dashboard/api/briefings_ahead.py: the lane calls it itself
}  # fmt: skip
AFTER = ["Compress.after_request", "add_headers", "remember",  # remember: only ?lang= (refused here) or HTML
         "long_lived_assets"]  # dashboard/delivery.py: only /assets/ URLs  # fmt: skip
HSTS = "max-age=31536000; includeSubDomains"  # dashboard/security.add_headers, over HTTPS
KEPT_ANSWERS = 512  # finished answers kept per worker, at most
KEPT_BYTES = 16 * 1024 * 1024  # and at most these many bytes of bodies (a 1,000-row page compressed is ~20-40 kB)
RELEASE_HEADER = "X-LMM-Release"
URL_PARTS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME")  # the `next` link, HSTS
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Headers = list[tuple[str, str]]
Answer = tuple[str, Headers, bytes]


class FastLane:
    """WSGI middleware in front of the Flask app (`server.wsgi_app = FastLane(server, server.wsgi_app)`)."""

    def __init__(self, server: Flask, inner: WsgiApp) -> None:
        self.server, self.inner = server, inner
        self.enabled: bool | None = None  # checked at the first request, once every extension has registered
        self.served = ServedRelease()
        self.answers = kept_answers()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "GET" and self._on():
            briefings_ahead.notice(environ)
            if not any(name in environ for name in CONDITIONAL):
                key = self._key(environ)
                answered = self.answers.get(key) if key is not None else None
                if answered is None:
                    answered = self._answer(environ)
                    if answered is not None:
                        self._keep(key or self._key(environ), answered)  # a first request: known by now
                if answered is not None:
                    status, headers, body = answered
                    start_response(
                        status, [*headers, ("Date", now_date())] if isinstance(headers, Dated) else [*headers]
                    )
                    return [body]
        return self.inner(environ, start_response)

    def _key(self, environ: dict[str, Any]) -> tuple[object, ...] | None:
        """What a kept answer to this request depends on; None when it may not be kept (?release= named, or the
        release served is not known without asking the reader)."""
        query = environ.get("QUERY_STRING", "")
        release_id = self.served.known() if "release" not in query else None
        if release_id is None:
            return None
        return release_id, query, environ.get("HTTP_ACCEPT_ENCODING"), *(environ.get(k) for k in URL_PARTS)

    def _keep(self, key: tuple[object, ...] | None, answered: Answer) -> None:
        """Keep the answer under the key's release if it is of that release (not of one published meanwhile)."""
        if key is not None and (RELEASE_HEADER, key[0]) in answered[1] and worth_keeping(answered):
            self.answers.put(key, answered)

    def _on(self) -> bool:
        if self.enabled is None:
            reason = unknown_hooks(self.server)
            if reason:
                log.warning("API fast lane off: %s; /api/v1/observations goes through Flask", reason)
            self.enabled = not reason
        return self.enabled

    def _answer(self, environ: dict[str, Any]) -> Answer | None:
        """(status, headers, body) as Flask would answer, or None to let Flask answer (any error included)."""
        request = Request(environ)
        try:
            ctx = checked_context(request, api_observations.PARAMS, remember=False, opener=self.served.open)
        except Exception:  # an unknown parameter or release: Flask answers with the error
            return None
        try:
            if api_index.ready(ctx.release_id) is None:
                return None  # the index is being built: Flask reads DuckDB
            args = request.args.to_dict()  # each name once (checked): a dict's get is cheaper than a MultiDict's
            response = api_observations.answer(ctx, args, lambda: request.base_url)  # type: ignore[arg-type]
        except Exception:  # a wrong parameter (or a bug, which Flask logs and answers 500)
            return None
        finally:
            if ctx.cur is not None:
                ctx.cur.close()
        return self._after_request(response, request)

    def _after_request(self, response: Response, request: Request) -> Answer:
        """What the app's after-request hooks add, in Flask's order (the last registered first): the security
        headers (dashboard/security.py), then Flask-Compress (Vary, the body compressed, ETag, Date)."""
        from dashboard.security import HEADERS, content_security_policy

        headers = response.headers.to_wsgi_list()
        names = {name for name, _ in headers}
        headers.append(("Content-Security-Policy", content_security_policy(response, request.path)))
        headers += [(name, value) for name, value in HEADERS.items() if name not in names]
        if request.is_secure:
            headers.append(("Strict-Transport-Security", HSTS))
        body = response.get_data()
        return response.status, *self._compressed(headers, body, response.mimetype or "", request)

    def _compressed(self, headers: Headers, body: bytes, mimetype: str, request: Request) -> tuple[Headers, bytes]:
        """Flask-Compress's after_request for a plain (not streamed) 200 answer to a GET, with the app's settings."""
        from flask_compress.flask_compress import _choose_algorithm, _compress_data

        hook = compress_hook(self.server)
        headers.append(("Vary", "Accept-Encoding"))  # the route sets no Vary
        algorithm = _choose_algorithm(hook.enabled_algorithms, request.headers.get("Accept-Encoding", ""))
        if algorithm is None or mimetype not in hook.compress_mimetypes_set:
            return headers, body
        if len(body) < self.server.config["COMPRESS_MIN_SIZE"]:
            return headers, body
        body = _compress_data(self.server, body, algorithm)
        out = []
        for name, value in headers:
            if name == "Content-Length":
                value = str(len(body))
            elif name == "ETag" and not value.startswith("W/"):
                value = f'{value[:-1]}:{algorithm}"'
            out.append((name, value))
        out.append(("Content-Encoding", algorithm))
        if self.server.config["COMPRESS_EVALUATE_CONDITIONAL_REQUEST"]:
            return Dated(out), body  # a Date (what make_conditional adds to a GET without conditions) per answer
        return out, body


class Dated(list):  # type: ignore[type-arg]
    """Headers to which each answer adds its own Date last (a kept answer is sent again later)."""


def kept_answers() -> Kept:
    """Finished answers (status, headers, body) of a worker, bounded by count and body bytes (the project's one memo
    store, warehouse/memo.py)."""
    return Kept(KEPT_ANSWERS, KEPT_BYTES, weigh=lambda answer: len(answer[2]))


def worth_keeping(answer: Answer) -> bool:
    return len(answer[2]) <= KEPT_BYTES // 16  # a big page is cheap to write relative to its transfer: not kept


class ServedRelease:
    """Which release the reader serves, without a DuckDB cursor (~0.1 ms, a quarter of the lane's time) when nothing
    it decides on has changed: for the local backend and the current release, the reader's answer is kept with what
    it depends on (the `current` link's target, the size and time of that release's file and checksum); any change
    (a publish, a rollback, a file cut or rewritten) and the reader is asked again, which verifies and may fall back.
    ?release= and the DuckLake backend always ask the reader. Only a release whose index is built is answered here:
    the rows come from memory, so no cursor is needed."""

    def __init__(self) -> None:
        self._kept: tuple[object, str] | None = None

    def open(self, wanted: str | None, remember: bool) -> tuple[str, Any]:
        key = self._key() if wanted is None else None
        if key is not None and self._kept is not None and self._kept[0] == key:
            return self._kept[1], None
        release_id, cur = open_release(wanted, remember)
        if key is not None and key[0] == release_id:
            self._kept = (key, release_id)
        return release_id, cur

    def known(self) -> str | None:
        """The current release's id when the reader's kept answer still holds (no cursor), else None."""
        kept, key = self._kept, self._key()
        return kept[1] if key is not None and kept is not None and kept[0] == key else None

    @staticmethod
    def _key() -> tuple[object, ...] | None:
        """What the reader's answer for the current release depends on (None: ask the reader every time)."""
        from warehouse import backend, local

        if backend.name() != "local":
            return None
        folder = _releases_dir(setting("LMM_DATA_DIR"))
        try:  # warehouse/local.py's layout: `current` links to <id>.duckdb, sealed by <id>.sha256
            target = os.readlink(os.path.join(folder, local.CURRENT))
            path = os.path.join(folder, target)
            files = os.stat(path), os.stat(path.removesuffix(".duckdb") + ".sha256")
        except OSError:
            return None
        stem = os.path.splitext(os.path.basename(target))[0]  # Path(target).stem, a third of the time
        return (stem, os.getpid(), *(n for f in files for n in (f.st_ino, f.st_size, f.st_mtime_ns)))


_DATE: list[tuple[int, str]] = [(0, "")]  # (second, its HTTP date): one pair swapped whole, safe between threads


def now_date() -> str:
    """werkzeug's http_date() of now, written once per second."""
    second = int(time.time())
    kept = _DATE[0]
    if kept[0] != second:
        kept = _DATE[0] = (second, http_date(second))
    return kept[1]


@lru_cache(maxsize=8)
def _releases_dir(_setting: str) -> str:
    """The releases folder for this LMM_DATA_DIR (warehouse.local.releases_dir, made once, not per request)."""
    from warehouse import local

    return str(local.releases_dir())


def compress_hook(server: Flask) -> Any:
    """The app's Flask-Compress (Dash's `compress=True`)."""
    from flask_compress.flask_compress import Compress

    hooks: list[Any] = list(server.after_request_funcs[None])
    return next(f.__self__ for f in hooks if isinstance(getattr(f, "__self__", None), Compress))


def unknown_hooks(server: Flask) -> str | None:
    """Why the lane cannot stand in for the app's hooks (None: it can)."""
    before = {name(f) for f in server.before_request_funcs.get(None, [])}
    after = [name(f) for f in server.after_request_funcs.get(None, [])]
    if before - BEFORE or after != AFTER:
        return f"request hooks {sorted(before)} / {after}, not {sorted(BEFORE)} / {AFTER}"
    if any(server.before_request_funcs.get(bp) or server.after_request_funcs.get(bp) for bp in ("api_v1",)):
        return "the API blueprint has request hooks of its own"
    if server.teardown_request_funcs.get(None) or server.url_value_preprocessors.get(None):
        return "the app has teardown or URL-value hooks"
    hook = compress_hook(server)
    kept = hook.cache is not None and not isinstance(hook.cache, CompressedComponentFiles)  # never keeps the API's
    if kept or not server.config.get("COMPRESS_REGISTER", True):
        return "Flask-Compress is set up differently (a cache, or not registered)"
    return None


def name(function: Callable[..., Any]) -> str:
    return getattr(function, "__qualname__", repr(function))


def install(server: Flask) -> None:
    server.wsgi_app = FastLane(server, server.wsgi_app)  # type: ignore[method-assign]
