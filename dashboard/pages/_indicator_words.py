"""The data of `/indicator/<id>` (dashboard/queries/indicator.py) in the reader's words: a year's status frame
(category labels, values with units, notes, country names and their order), what the event list's completeness
means, and the chart's series (region and country names, category labels). The status frame is kept per release
and language: the year slider asks for it again and again.

(A leading underscore keeps Dash Pages from taking this module for a page.)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.components.provenance import value_flags
from dashboard.i18n import group_text, missing_text, t, unit_text
from dashboard.i18n.names import localise, localise_sorted
from dashboard.memo import per_release_in_language
from dashboard.pages._status_words import FRAME_COLUMNS, category_labels, value_text
from dashboard.queries import indicator as q
from indicators.model import Indicator


@per_release_in_language
def status_frame(ind: Indicator, year: int, sex: str | None = None, release: str | None = None) -> pd.DataFrame:
    """One row per country (aggregates never) in FRAME_COLUMNS, by name in the reader's language: the status in
    `year` in words."""
    frame = q.status_frame(ind, year, sex, release)
    frame["label"] = category_labels(ind.id, frame["code"], frame["label"])
    unit = unit_text(ind.unit)
    columns = (frame[c].tolist() for c in ("value", "label", "since"))
    frame["value_text"] = [value_text(v, lab, since, unit) for v, lab, since in zip(*columns, strict=True)]
    frame["note"] = notes(frame["level"].tolist(), frame["year"].tolist(), ind, year, frame["reformed_on"].tolist())
    frame["flags_text"] = [value_flags(s, f) for s, f in zip(frame["source_id"], frame["flags"], strict=True)]
    return localise_sorted(frame[[*FRAME_COLUMNS, "flags_text"]])


def notes(levels: list[str], years: list[Any], ind: Indicator, asked: int, reforms: list[Any]) -> list[str]:
    """note() of every row, each distinct (level, year, reform date) written once."""
    kept: dict[tuple[str, Any, Any], str] = {}
    out = []
    for level, year, reform in zip(levels, years, reforms, strict=True):
        key = (level, None if year is None or pd.isna(year) else int(year), None if pd.isna(reform) else reform)
        if key not in kept:
            kept[key] = note(level, year, ind, asked, key[2])
        out.append(kept[key])
    return out


def note(level: str, year: object, ind: Indicator, asked: int, reformed_on: str | None = None) -> str:
    """Why a value is missing or not scored, in words."""
    if level == "no_data" and (year is None or pd.isna(year)):  # type: ignore[call-overload]
        return t("indicator.note.none_up_to", year=asked)
    if level == "out_of_date" and reformed_on:
        words = missing_text({"reason": "superseded", "since": reformed_on, "year": int(year)})  # type: ignore[call-overload]
        return words[:1].upper() + words[1:]
    if level == "out_of_date":
        return t("indicator.note.out_of_date", year=int(year), window=ind.recency_window, asked=asked)  # type: ignore[call-overload]
    if level == "not_known":
        return t("indicator.note.not_known", label=t("level.not_known"))
    return ""


def completeness_note(ind: Indicator, release: str | None = None) -> str:
    """What absence from the event list means for this indicator."""
    found = q.completeness(ind, release)
    if found is None:
        return t("indicator.list.none")
    if found.complete:
        head = t("indicator.list.complete", when=found.when)
    else:
        head = t("indicator.list.partial", when=found.when)
    return f"{head} {found.notes}".strip()


def country_series(ind: Indicator, countries: list[str], sex: str | None, release: str | None = None) -> pd.DataFrame:
    """The chosen countries' published values over time: name (in the reader's language), iso3, year, value,
    value_label, label (the category in words)."""
    rows = q.country_series(ind, countries, sex, release)
    return localise(rows.assign(label=category_labels(ind.id, rows["code"], rows["label"])).drop(columns="code"))


def region_medians(ind: Indicator, sex: str | None, release: str | None = None) -> pd.DataFrame:
    """The UN regions' medians over time (queries.indicator.region_medians), the regions named in words."""
    return q.region_medians(ind, sex, release).assign(name=lambda f: [group_text(n) for n in f["name"]])


def category_counts(ind: Indicator, sex: str | None, release: str | None = None) -> pd.DataFrame:
    """Countries per published category in each year: year, label (in words), level, n."""
    return _counts(summed(ind, q.category_counts(ind, sex, release)).items())


def event_series(ind: Indicator, years: range, countries: list[str] | None = None,
                 release: str | None = None) -> pd.DataFrame:  # fmt: skip
    """Derived statuses per country and year: iso3, name (in the reader's language), year, status, label (in
    words), level."""
    rows = q.event_series(ind, years, countries, release)
    rows["label"] = category_labels(ind.id, rows["code"], rows["label"])
    return localise(rows.drop(columns="code"))


def event_counts(ind: Indicator, years: range, release: str | None = None) -> pd.DataFrame:
    """Countries per derived status in each year: year, label (in words), level, n, sorted."""
    return _counts(sorted(summed(ind, q.event_counts(ind, years, release)).items()))


def summed(ind: Indicator, counts: pd.DataFrame) -> dict[tuple[Any, Any, Any], int]:
    """(year, label in words, level) -> countries, in the order first met (two codes may read the same)."""
    labels = category_labels(ind.id, counts["code"], counts["label"])
    out: dict[tuple[Any, Any, Any], int] = {}
    for year, label, level, n in zip(counts["year"].tolist(), labels, counts["level"].tolist(), counts["n"].tolist(),
                                      strict=True):  # fmt: skip
        out[(year, label, level)] = out.get((year, label, level), 0) + n
    return out


def _counts(items: Any) -> pd.DataFrame:
    return pd.DataFrame([(*key, n) for key, n in items], columns=["year", "label", "level", "n"])
