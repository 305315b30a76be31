"""Downloads of exactly what is on screen: a CSV with units, sources and the release, safe for spreadsheets."""

from __future__ import annotations

import re

import pandas as pd

from dashboard.i18n import t
from warehouse.safe_csv import neutralise_frame

BOM = "\ufeff"  # Excel reads a UTF-8 file as UTF-8 only when it starts with the byte-order mark
YEARISH = re.compile(r"year|since|año|desde|année|depuis", re.IGNORECASE)

PNG_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def csv_download(frame: pd.DataFrame, filename: str, release_id: str, note: str = "") -> dict[str, object]:
    """A `dcc.Download` payload that opens cleanly in a spreadsheet: the header row first, then the rows; the
    release and what the rows are in two trailing columns (so a file that travels alone still says where its
    figures come from); UTF-8 with a byte-order mark so Excel keeps the accents; years as whole numbers."""
    about = t("download.header", release=release_id) + (f". {note}" if note else "")
    shown = whole_number_years(neutralise_frame(frame))
    meta = {t("download.col_release"): release_id, t("download.col_about"): about}
    body = shown.assign(**{k: v for k, v in meta.items() if k not in shown.columns}).to_csv(index=False)
    return {"content": BOM + body, "filename": filename, "type": "text/csv"}


def whole_number_years(frame: pd.DataFrame) -> pd.DataFrame:
    """Year columns (headed Year, Since, or holding "year" in any of the app's languages) whose values are whole
    numbers written as 2023, never 2023.0."""
    out = frame.copy()
    for name in out.columns:
        if not YEARISH.search(str(name)) or out[name].dtype == object:
            continue
        values = pd.to_numeric(out[name], errors="coerce")
        if values.notna().any() and (values.dropna() % 1 == 0).all():
            out[name] = values.round().astype("Int64")
    return out


def graph_config(topojson_url: str | None = None, filename: str = "chart") -> dict[str, object]:
    """dcc.Graph config: PNG export button named after the view; maps get the app's own outlines (offline)."""
    config: dict[str, object] = {
        **PNG_CONFIG,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
    }
    if topojson_url:
        config["topojsonURL"] = topojson_url
    return config
