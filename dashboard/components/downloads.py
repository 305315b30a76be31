"""Downloads of exactly what is on screen: a CSV with units, sources and the release, safe for spreadsheets."""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import t
from warehouse.safe_csv import neutralise_frame

PNG_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def csv_download(frame: pd.DataFrame, filename: str, release_id: str, note: str = "") -> dict[str, object]:
    """A `dcc.Download` payload. The first lines (starting with #) name the release and what the rows are, so a
    file that travels alone still says where its figures come from."""
    header = [f"# {t('download.header', release=release_id)}"]
    if note:
        header.append(f"# {note}")
    body = neutralise_frame(frame).to_csv(index=False)
    return {"content": "\n".join(header) + "\n" + body, "filename": filename, "type": "text/csv"}


def graph_config(topojson_url: str | None = None, filename: str = "chart") -> dict[str, object]:
    """dcc.Graph config: PNG export button named after the view; maps get the app's own outlines (offline)."""
    config: dict[str, object] = {
        **PNG_CONFIG,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
    }
    if topojson_url:
        config["topojsonURL"] = topojson_url
    return config
