"""create_app(): the Dash app (pages under dashboard/pages) on a Flask server that also carries the HTTP API."""

from __future__ import annotations

import gc
import importlib
from pathlib import Path
from typing import Any

import dash
from dash import dcc, html
from flask import Flask

from dashboard import delivery
from dashboard.components.layout import page_shell
from dashboard.first_view import (
    chart_preloads,
    first_view,
    layout_json,
    page_container,
    scripts_after_first_paint,
)
from dashboard.i18n import t
from dashboard.i18n.web import index_page

HERE = Path(__file__).resolve().parent
# Flask blueprints/extensions added by other modules with register(server) (API, steward upload, security, language).
SERVER_EXTENSIONS = ["dashboard.api.routes", "dashboard.steward.routes", "dashboard.security", "dashboard.i18n.web",
                     "dashboard.delivery"]  # fmt: skip


# On a page without a first view drawn on the server, Dash's scripts are fetched while the page is parsed and run
# once it is (defer); on a page with one, they are fetched and run once it is painted (scripts_after_first_paint).
RENDERER = "var renderer = new DashRenderer();"
DEFERRED_RENDERER = (
    'document.addEventListener("DOMContentLoaded", function () { window.renderer = new DashRenderer(); });'
)


class MonitorDash(dash.Dash):
    """Dash with the page's language on <html lang> and the app title in that language; the page's first view is
    drawn on the server and Dash's scripts do not hold up its first paint."""

    def interpolate_index(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["title"] = t("app.title")
        drawn = first_view()
        kwargs["app_entry"] = drawn + kwargs.get("app_entry", "")  # the page drawn before Dash starts
        kwargs["metas"] = kwargs.get("metas", "") + chart_preloads()
        if drawn and RENDERER in kwargs.get("renderer", ""):  # Dash runs once the drawn page is painted
            kwargs["scripts"], kwargs["renderer"] = scripts_after_first_paint(kwargs.get("scripts", ""))
            kwargs["css"] = delivery.inline_stylesheets(kwargs.get("css", ""), self.config.requests_pathname_prefix,
                                                        Path(self.config.assets_folder))  # fmt: skip
        else:
            kwargs["scripts"] = kwargs.get("scripts", "").replace("<script src=", "<script defer src=")
            kwargs["renderer"] = kwargs.get("renderer", "").replace(RENDERER, DEFERRED_RENDERER)
        return index_page(super().interpolate_index(*args, **kwargs))

    def serve_layout(self) -> Any:
        kept = layout_json()  # a page drawn on the server: its layout's JSON is kept
        return super().serve_layout() if kept is None else self.backend.make_response(kept, mimetype="application/json")


def create_app() -> dash.Dash:
    server = Flask(__name__)
    server.config["JSON_SORT_KEYS"] = False
    delivery.configure(server)  # Dash's JavaScript compressed once per worker (before Dash sets compression up)
    app = MonitorDash(
        "dashboard",  # the package: pages register as dashboard.pages.<name>, the modules tests import (no duplicates)
        server=server,  # type: ignore[arg-type]  # Dash's hints say bool | Callable; a Flask server is documented
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        title="Labour Migration Policy Monitor",
        update_title=None,  # type: ignore[arg-type]  # keep the page's own title while callbacks run (no untranslated "Updating...")
        suppress_callback_exceptions=True,
        compress=True,
        use_async=False,  # sync callbacks: with asgiref installed (datasette brings it) Dash would default to async
    )
    app.layout = lambda: page_shell(page_container())  # per page load: the header in the reader's language, the page
    for name in SERVER_EXTENSIONS:
        try:
            importlib.import_module(name).register(server)
        except ModuleNotFoundError as missing:
            if missing.name != name and not name.startswith(str(missing.name)):
                raise
    return app


__all__ = ["create_app", "dcc", "html", "tune_garbage_collection"]


def tune_garbage_collection() -> None:
    """Each worker keeps large, long-lived trees (page layouts per release, the API's row index), and CPython's full
    collections walk all of them: 6 full collections cost 1.1 s of 9.2 s CPU while replaying the load bench's mix in
    one process, with pauses up to 250 ms landing on whichever request was running. Freezing what start-up built
    and collecting the young generation less often removed the full collections from that replay (CPU 9.2 -> 8.2 s,
    slowest request 296 -> 176 ms). Reference counting still frees all acyclic garbage at once."""
    gc.freeze()  # what start-up built lives as long as the worker: never scan it again
    gc.set_threshold(50_000, 20, 20)  # default (700, 10, 10): a full collection every ~300 requests of that mix
