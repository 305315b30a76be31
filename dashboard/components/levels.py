"""Level badges and the legend: colour always with its text label and icon (never colour alone)."""

from __future__ import annotations

from dash import html

from dashboard.components.attrs import with_attrs
from dashboard.i18n import t
from indicators.levels import COLOURED, LEVELS, STATUS_LABELS, TEXT_COLOUR, LevelStyle


def style_of(level: str | None) -> LevelStyle:
    """The style of a level or of a status shown instead of a colour (out_of_date, not_known), its label in the
    reader's language."""
    if level in LEVELS:
        style, key = LEVELS[level], level  # type: ignore[index]
    elif level in STATUS_LABELS:
        style, key = STATUS_LABELS[level], level  # type: ignore[index]
    else:
        style, key = LEVELS["no_data"], "no_data"
    return style._replace(label=t(f"level.{key}"))


def level_badge(level: str | None, extra_text: str | None = None, **attrs: object) -> html.Span:
    """A filled badge: icon + label (+ optional text); its colour repeats what the words already say."""
    style = style_of(level)
    text = f"{style.icon} {style.label}" + (f" · {extra_text}" if extra_text else "")
    return html.Span(
        text,
        className=f"level-badge level-{level or 'no_data'}",
        style={"backgroundColor": style.colour, "color": TEXT_COLOUR},
        **attrs,  # type: ignore[arg-type]
    )


def legend(include_status: bool = True, coloured: bool = True, **attrs: object) -> html.Ul:
    """The four levels plus no data (and the statuses) with their names, for maps and heat maps; `coloured=False`
    for maps coloured by a value scale, where only the greys are levels."""
    items = html.Ul(legend_items(include_status, coloured), className="level-legend", **attrs)  # type: ignore[arg-type]
    return with_attrs(items, {"aria-label": t("legend.label")})


def legend_items(include_status: bool = True, coloured: bool = True) -> list[html.Li]:
    levels = [*(COLOURED if coloured else ()), "no_data"] + (list(STATUS_LABELS) if include_status else [])
    return [html.Li(level_badge(level)) for level in levels]
