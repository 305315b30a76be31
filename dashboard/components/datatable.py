"""A sortable, filterable `dash_table.DataTable` with human header names, a labelled search box beside it, and the
helpers that turn what the table shows (its filtered, sorted rows) back into a frame for a CSV download.

The search box filters on the server (`search_rows`), the per-column filter row and the sort run in the browser;
`shown_frame(derived_virtual_data, columns)` is exactly what the reader sees, in the order shown.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
from dash import dash_table, dcc, html

from dashboard.i18n import t
from indicators.levels import TEXT_COLOUR

T = TypeVar("T", pd.DataFrame, list[dict[str, Any]])
FONT = '"Liberation Sans", Arial, Helvetica, sans-serif'  # the app's font (DataTable sets monospace otherwise)


@dataclass(frozen=True)
class Column:
    id: str
    name: str  # the header people read (and the CSV header)
    numeric: bool = False
    description: str = ""  # header tooltip
    width: str = ""  # a minimum width for long texts, e.g. "18rem"
    markdown: bool = False  # cells are Markdown (e.g. "[Mexico](/country/MEX)" for a link)

    def spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"id": self.id, "name": self.name, "type": "numeric" if self.numeric else "text"}
        if self.numeric and (decimal := t("format.plot_separators")[0]) != ".":
            spec["format"] = number_format(decimal)
        return spec | ({"presentation": "markdown"} if self.markdown else {})


def number_format(decimal: str) -> dict[str, Any]:
    """A numeric column written with the language's decimal sign ('52,9' in Spanish and French: '52.929' reads as
    fifty-two thousand there), up to 6 decimals, no grouping (years stay '2023'); sort and filter use the value."""
    return {"locale": {"decimal": decimal}, "specifier": ".6~f"}


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def records(frame: pd.DataFrame | Sequence[Mapping[str, object]], columns: Sequence[Column]) -> list[dict[str, object]]:
    """JSON-safe rows (NaN/NA -> None) holding only the table's columns (plain loops: pandas' own were slower), from
    a frame or from plain rows."""
    ids = [c.id for c in columns]
    if not isinstance(frame, pd.DataFrame):
        return [{k: None if _missing(v := row.get(k)) else v for k in ids} for row in frame]
    return [dict(zip(ids, row, strict=True)) for row in zip(*(_plain(frame[k]) for k in ids), strict=True)]


def _plain(column: pd.Series) -> list[object]:
    """A column as Python values, missing ones as None (a column at a time: most have none missing)."""
    values = column.astype(object).tolist()
    missing = column.isna()
    if not missing.any():
        return values
    return [None if gone else v for v, gone in zip(values, missing.tolist(), strict=True)]


def data_table(
    table_id: str,
    frame: pd.DataFrame | Sequence[Mapping[str, object]],
    columns: Sequence[Column],
    page_size: int = 25,
    **extra: Any,
):
    """The table: native sort (several columns with shift-click), a case-insensitive filter row, pages. `extra`
    overrides or adds DataTable properties (e.g. style_data_conditional, sort_by, fixed_columns)."""
    props: dict[str, Any] = {
        "sort_action": "native",
        "sort_mode": "multi",
        "filter_action": "native",
        "filter_options": {"case": "insensitive", "placeholder_text": t("table.filter_placeholder")},
        "page_action": "native",
        "page_size": page_size,
        "tooltip_header": {c.id: c.description for c in columns if c.description},
        "tooltip_delay": 300,
        "style_table": {"overflowX": "auto"},
        "style_cell": {"textAlign": "left", "whiteSpace": "normal", "height": "auto", "fontFamily": FONT,
                       "padding": "4px 8px", "color": TEXT_COLOUR, "maxWidth": "28rem"},
        "style_cell_conditional": [{"if": {"column_id": c.id}, "minWidth": c.width, "width": c.width}
                                   for c in columns if c.width],
        "style_header": {"fontWeight": "bold", "backgroundColor": "#F2F2F2", "whiteSpace": "normal"},
        "style_filter": {"backgroundColor": "#FFFFFF"},
        "css": [{"selector": ".dash-filter input::placeholder", "rule": "color: #595959; opacity: 1"}],
        "markdown_options": {"link_target": "_self"},
    }  # fmt: skip
    with warnings.catch_warnings():  # DataTable is deprecated in favour of dash-ag-grid; it still ships with Dash 4
        warnings.simplefilter("ignore", DeprecationWarning)
        return dash_table.DataTable(  # type: ignore[attr-defined]
            id=table_id, data=records(frame, columns), columns=[c.spec() for c in columns], **(props | extra)
        )


def search_box(input_id: str, label: str, placeholder: str | None = None) -> html.Div:
    """A labelled search input (the label is read out by screen readers)."""
    return html.Div(
        [
            html.Label(label, htmlFor=input_id),
            dcc.Input(
                id=input_id,
                type="search",
                debounce=0.3,
                placeholder=placeholder or t("table.search_placeholder"),
                autoComplete="off",
            ),  # fmt: skip
        ],
        className="table-search",
    )


def search_rows(frame: T, term: str | None, columns: Sequence[Column]) -> T:
    """Rows (of a frame, or plain rows) where the shown columns together contain every word of `term`
    (case-insensitive); all rows for none."""
    words = (term or "").casefold().split()
    if not words or len(frame) == 0:
        return frame
    ids = [c.id for c in columns]
    if isinstance(frame, pd.DataFrame):
        values: Any = frame[ids].astype(object).to_numpy()
    else:
        values = ([row.get(k) for k in ids] for row in frame)
    texts = (" ".join("" if _missing(v) else str(v) for v in row).casefold() for row in values)
    keep = [all(w in text for w in words) for text in texts]
    if isinstance(frame, pd.DataFrame):
        return frame[keep]  # type: ignore[return-value]
    return [row for row, kept in zip(frame, keep, strict=True) if kept]  # type: ignore[return-value]


def shown_frame(rows: list[dict[str, object]] | None, columns: Sequence[dict[str, str]]) -> pd.DataFrame:
    """What the table shows (derived_virtual_data: filtered and sorted), with its header names as column names."""
    ids = [c["id"] for c in columns]
    frame = pd.DataFrame(rows or [], columns=ids)
    return frame.rename(columns={c["id"]: c["name"] for c in columns})
