"""WSGI entry point for gunicorn (`gunicorn dashboard.wsgi:server`). No database is opened at import.

gunicorn.conf.py serves it from threaded workers: Dash sets itself up on a worker's first request (its
before-request hooks mark themselves done first and then register the page router and walk the assets), so a
second thread arriving meanwhile would be served by a half set-up app. Requests that reach Flask therefore go one
at a time until one has passed those hooks, then in parallel (one flag read per request); the API's fast lane, in
front, never reaches Dash and is not held."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from dashboard.api.fastlane import FastLane
from dashboard.app import create_app, tune_garbage_collection

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SetUpAlone:
    """WSGI middleware: requests serialised until Dash's first-request set-up has run to its end."""

    def __init__(self, flags: dict[str, bool], inner: WsgiApp) -> None:
        self.flags, self.inner = flags, inner
        self.lock = threading.Lock()
        self.ready = False

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.ready:
            return self.inner(environ, start_response)
        with self.lock:
            answer = self.inner(environ, start_response)  # the hooks run inside this call, not while streaming
            self.ready = all(self.flags.values())  # set by a hook before its work, read here after it
            return answer


app = create_app()
server = app.server
lane = server.wsgi_app
if isinstance(lane, FastLane):  # Flask behind the fast lane
    lane.inner = SetUpAlone(app._got_first_request, lane.inner)
else:
    server.wsgi_app = SetUpAlone(app._got_first_request, lane)  # type: ignore[method-assign]
tune_garbage_collection()
