"""create_app(): the Dash app (pages under dashboard/pages) on a Flask server that also carries the HTTP API."""

from __future__ import annotations

import importlib
from pathlib import Path

import dash
from dash import dcc, html
from flask import Flask

from dashboard.components.layout import page_shell

HERE = Path(__file__).resolve().parent
# Flask blueprints/extensions added by other modules with register(server) (API, steward upload, security).
SERVER_EXTENSIONS = ["dashboard.api", "dashboard.steward.routes", "dashboard.security"]


def create_app() -> dash.Dash:
    server = Flask(__name__)
    server.config["JSON_SORT_KEYS"] = False
    app = dash.Dash(
        __name__,
        server=server,  # type: ignore[arg-type]  # Dash accepts a Flask app; its stub says bool
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        title="Labour Migration Policy Monitor",
        suppress_callback_exceptions=True,
        compress=True,
    )
    app.layout = page_shell(dash.page_container)
    for name in SERVER_EXTENSIONS:
        try:
            importlib.import_module(name).register(server)
        except ModuleNotFoundError as missing:
            if missing.name != name and not name.startswith(str(missing.name)):
                raise
    return app


__all__ = ["create_app", "dcc", "html"]
