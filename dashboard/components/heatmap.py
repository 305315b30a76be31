"""Heat-map scorecard: rows (indicators) x columns (countries) as an HTML table. Every cell carries its colour, an
icon and words (value or category, year, level label), so colour is never the only signal; row and column headers
are real <th> with scope for screen readers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dash import html

from dashboard.components.levels import style_of
from dashboard.components.quick import quick
from dashboard.i18n import current_lang, number, t, use_lang
from dashboard.memo import memo
from indicators.levels import LEVELS, STATUS_LABELS, TEXT_COLOUR, LevelStyle

CONTEXT = LevelStyle("Context, not scored", "◇", "#FFFFFF")
# Levels whose cell colour is a class of compare.css (td.heat-<level>), kept equal to these colours by a test.
CLASS_COLOURED: dict[str, str] = {str(k): v.colour for k, v in LEVELS.items()}
CLASS_COLOURED |= {k: v.colour for k, v in STATUS_LABELS.items()} | {"context": CONTEXT.colour}


def aria(**attrs: str) -> dict[str, Any]:
    """ARIA attributes for a Dash html component: aria(label="Legend") -> {"aria-label": "Legend"}."""
    return {f"aria-{name}": value for name, value in attrs.items()}


@dataclass(frozen=True)
class HeatCell:
    level: str | None  # green/yellow/orange/red/no_data, out_of_date, not_known, "context", None (= no data)
    text: str  # the value or the category, as shown
    year: int | None = None
    extra: str = ""  # appended to the note (e.g. "coverage 45%")
    full: str = ""  # the whole value text for the tooltip, when `text` is shortened


@dataclass(frozen=True)
class HeatRow:
    key: str
    label: str  # the row's name in words (cell tooltips repeat it)
    cells: Mapping[str, HeatCell] = field(default_factory=dict)
    header: Any = None  # a component for the row header (e.g. a link); default: the label
    group: str = ""  # a heading row is drawn before the first row of each group
    kind: str = "indicator"  # css class suffix: indicator / aggregate


def style_for(level: str | None) -> LevelStyle:
    """A level's style with its label in the reader's language (kept per level and language: a table asks for it
    once or twice per cell)."""
    return _style(level, current_lang())


@memo(64)
def _style(level: str | None, lang: str) -> LevelStyle:
    with use_lang(lang):
        return CONTEXT._replace(label=t("level.context")) if level == "context" else style_of(level)


def format_number(value: float | None, unit: str = "") -> str:
    """A value as shown in a cell: thousands separated, 1 decimal from 10, 2 below; '%' kept with the number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    size = abs(value)
    if size >= 1000 or (size >= 100 and float(value).is_integer()):
        text = number(value, decimals=0)
    elif size >= 10:
        text = number(value, decimals=1)
    else:
        text = number(round(value, 2)) or "0"
    return t("format.pct", n=text) if unit == "%" else text


def cell_words(cell: HeatCell) -> tuple[str, str]:
    """(main line, note line) of a cell: icon + value, then year and level label."""
    style = style_for(cell.level)
    if not cell.text:
        return f"{style.icon} {style.label}", cell.extra
    note = " · ".join(p for p in (str(cell.year) if cell.year else "", style.label, cell.extra) if p)
    return f"{style.icon} {cell.text}", note


@memo(8192, by_language=True)
def heat_cell(cell: HeatCell | None, row_label: str, column_label: str) -> html.Td:
    """A cell: one text node (its first line styled by CSS, ::first-line), coloured by its class `heat-<level>`
    (compare.css, the colours of indicators.levels: no style object per cell for a page of ~1,300 cells to carry
    and draw); a level without a class of its own keeps its colour inline. Kept per cell, labels and language (a
    compare of a new set of countries reuses the cells of the countries it shares with others); shared, never
    changed."""
    cell = cell or HeatCell(None, "")
    main, note = cell_words(cell)
    level = cell.level or "no_data"
    extra: dict[str, Any] = {}
    if level not in CLASS_COLOURED:
        extra["style"] = {"backgroundColor": style_for(cell.level).colour, "color": TEXT_COLOUR}
    return html.Td(
        f"{main}\n{note}" if note else main,
        className=f"heat-cell heat-{level}",
        title=f"{column_label}, {row_label}: {cell.full or main}" + (f" ({note})" if note else ""),
        **extra,
    )


def heatmap(
    rows: Sequence[HeatRow],
    columns: Sequence[tuple[str, str, Any]],
    caption: str,
    table_id: str,
    corner: str | None = None,
) -> html.Div:
    """The table (scrolls sideways when wide). columns: (key, label, header component or None) in display order."""
    labels = {key: label for key, label, _ in columns}
    heads = [html.Th(head if head is not None else label, scope="col") for _, label, head in columns]
    head = html.Thead(html.Tr([html.Th(corner or t("heatmap.corner"), scope="col"), *heads]))
    body: list[html.Tr] = []
    group = None
    for row in rows:
        if row.group and row.group != group:
            group = row.group
            body.append(html.Tr(html.Th(group, scope="colgroup", colSpan=len(columns) + 1), className="heat-group"))
        cells = [heat_cell(row.cells.get(key), row.label, labels[key]) for key in labels]
        header = row.header if row.header is not None else row.label
        body.append(
            quick(html.Tr, [quick(html.Th, header, scope="row"), *cells], className=f"heat-row heat-{row.kind}")
        )
    table = html.Table([html.Caption(caption), head, html.Tbody(body)], id=table_id, className="heatmap")
    return html.Div(table, className="heatmap-scroll", tabIndex="0", role="region", **aria(label=caption))
