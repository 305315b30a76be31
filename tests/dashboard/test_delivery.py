"""How static files travel (dashboard/delivery.py): Dash's JavaScript compressed once per worker and served
identical to the file; pages and callbacks never kept; versioned assets kept by browsers for a year."""

from __future__ import annotations

import gzip
from pathlib import Path

import plotly
import pytest

from dashboard.delivery import CompressedComponentFiles

PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"


@pytest.fixture(scope="module")
def app(release_id: str):
    from tests.dashboard.test_first_view import forget_the_app_of_requests, the_app

    yield the_app()
    forget_the_app_of_requests()


def _kept(app) -> CompressedComponentFiles:
    compress = next(f.__self__ for f in app.server.after_request_funcs[None] if hasattr(f, "__self__"))
    return compress.cache


def test_a_component_file_is_compressed_once_and_served_as_the_file(app) -> None:
    client = app.server.test_client()
    first = client.get(PLOTLY, headers={"Accept-Encoding": "gzip"})
    again = client.get(PLOTLY, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and first.data == again.data
    original = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    assert gzip.decompress(first.data) == original
    assert f"gzip;{PLOTLY}?" in _kept(app).kept  # Flask's full path: the URL with its query


def test_pages_and_callbacks_are_never_kept(app) -> None:
    client = app.server.test_client()
    client.get("/country/MEX", headers={"Accept-Encoding": "gzip"})
    client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert all(key.split(";", 1)[1].startswith("/_dash-component-suites/") for key in _kept(app).kept)


def test_versioned_assets_are_kept_by_browsers_and_others_are_checked(app) -> None:
    client = app.server.test_client()
    versioned = client.get("/assets/style.css?m=1796535338.9")
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "immutable" not in client.get("/assets/style.css").headers.get("Cache-Control", "")


def test_the_api_fast_lane_stays_on_beside_them(app) -> None:
    from dashboard.api.fastlane import unknown_hooks

    assert unknown_hooks(app.server) is None  # the kept bodies and the assets' hook never concern the API
