"""Status frames of the map pages (`/`: dashboard/queries/home.py; `/indicator/<id>`: queries/indicator.py) in
the reader's words: category labels, values with their units, and numbers as the language writes them.

(A leading underscore keeps Dash Pages from taking this module for a page.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from dashboard.i18n import category_text, current_lang, number, t, use_lang
from dashboard.memo import memo

# What the map pages' frames hold, in words (components.map draws them; the tables and their CSV show them).
FRAME_COLUMNS = ["iso3", "name", "value", "label", "unit", "year", "since", "level", "value_text", "note", "source_id"]


def category_labels(indicator_id: str, codes: Iterable[Any], labels: Iterable[Any]) -> list[Any]:
    """Each category's label in the reader's language; a label without a category code stays as published."""
    return [
        category_text(indicator_id, code, label) if isinstance(code, str) and isinstance(label, str) else label
        for code, label in zip(codes, labels, strict=True)
    ]


def value_text(value: object, label: object, since: object, unit: str) -> str:
    """'47.3 %' (the unit already in the reader's language), or the category with the year it last changed:
    'Ratified, in force (since 2012)'; '' when there is neither."""
    if isinstance(label, str) and label:
        return label + ("" if pd.isna(since) else t("indicator.since", year=int(since)))  # type: ignore[call-overload]
    if pd.isna(value):  # type: ignore[call-overload]
        return ""
    return f"{format_number(float(value))} {unit}".strip()  # type: ignore[arg-type]


def format_number(value: float) -> str:
    """47.317 -> '47.3'; 1234567 -> '1,234,567'; 0.04213 -> '0.0421' (digits as the reader's language writes them).
    Kept per value and language: Babel takes ~50 us a number and a map shows the same values year after year."""
    return _formatted(float(value), current_lang())


@memo(8192)
def _formatted(value: float, lang: str) -> str:
    with use_lang(lang):
        return _format(value)


def _format(value: float) -> str:
    if abs(value) >= 1000:
        return number(value, decimals=0)
    if abs(value) >= 10 or value == int(value):
        return number(round(value, 1))
    text = f"{value:.3g}"
    return text if "e" in text else number(float(text))
