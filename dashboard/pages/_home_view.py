"""What `/` shows, in the reader's words, over the data of dashboard/queries/home.py: a view's map frame (category
labels, values and scores with units, coverage, notes, country names and their order) and its title, the view
selector's and the country search's options, and the headline coverage. Kept per release and language where the
page asks again (the selector's callback); the page module holds the layout and the callbacks.

(A leading underscore keeps Dash Pages from taking this module for a page.)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.i18n import ind_text, percent, principle_text, t, theme_text, unit_text
from dashboard.i18n.names import localise_sorted, names, sort_key
from dashboard.memo import per_release_in_language
from dashboard.pages._status_words import FRAME_COLUMNS, category_labels, format_number, value_text
from dashboard.queries import home as q
from dashboard.queries import search
from indicators.registry import load_registry

SCORE_UNIT = "score 0-100"  # the unit of a principle's or theme's aggregate


@per_release_in_language
def view_frame(view: q.View, release: str | None = None) -> tuple[pd.DataFrame, str]:
    """(one row per country in FRAME_COLUMNS plus `coverage`, by name in the reader's language; the title) of the
    view at the release's status year, in words.

    Raises KeyError when the indicator, principle or theme is not in the release."""
    data = q.view_frame(view, release)
    if view.kind == "indicator":
        frame, title = indicator_words(str(data.key), data.frame), ind_text(data.key, "title", data.title)
    else:
        frame, title = group_words(data.frame), group_title(view.kind, data.key, data.title)
    return localise_sorted(frame), title


def indicator_words(indicator_id: str, frame: pd.DataFrame) -> pd.DataFrame:
    """An indicator view's rows with the category labels, value texts and notes in words."""
    frame["label"] = category_labels(indicator_id, frame["code"], frame["label"])
    columns = (frame[c].tolist() for c in ("value", "label", "since", "unit"))
    frame["value_text"] = [
        value_text(v, lab, since, unit_text(unit)) for v, lab, since, unit in zip(*columns, strict=True)
    ]
    columns = (frame[c].tolist() for c in ("note", "year", "window"))
    frame["note"] = [indicator_note(code, year, window) for code, year, window in zip(*columns, strict=True)]
    frame["coverage"] = None
    return frame[[*FRAME_COLUMNS, "coverage"]]


def indicator_note(code: str, year: Any, window: Any) -> str:
    """Why an indicator's value is missing or not scored, in words."""
    if code == "not_known":
        return t("indicator.note.not_known", label=t("level.not_known"))
    if code == "no_value":
        return t("home.note.no_value")
    if code == "out_of_date":
        return t("home.note.out_of_date", year=int(year), window=int(window))
    return ""


def group_words(data: pd.DataFrame) -> pd.DataFrame:
    """A principle's or theme's rows in words: the score, the coverage and why a country has no score."""
    pairs = zip(data["n_with_data"], data["n_mapped"], strict=True)
    frame = pd.DataFrame(
        {
            "iso3": data["iso3"], "name": data["name"], "value": data["value"], "label": None,
            "unit": unit_text(SCORE_UNIT), "year": pd.NA, "since": pd.NA, "level": data["level"], "source_id": None,
            "coverage": [t("home.coverage_of", n=int(n), of=int(m)) if pd.notna(m) else "" for n, m in pairs],
        }
    )  # fmt: skip
    frame["value_text"] = [t("home.score_of", score=format_number(v)) if pd.notna(v) else "" for v in frame["value"]]
    registry = load_registry()
    needed, minimum = registry.coverage_threshold, registry.min_index_indicators
    columns = (data[c].tolist() for c in ("note", "n_with_data", "coverage"))
    frame["note"] = [group_note(code, n, coverage, minimum, needed) for code, n, coverage in zip(*columns, strict=True)]
    shown = frame.astype({"value": "Float64", "year": "Int64", "since": "Int64"})
    return shown[[*FRAME_COLUMNS, "coverage"]]


def group_note(code: str, n: Any, coverage: Any, minimum: int, needed: float) -> str:
    """Why a country has no aggregate, in words: not measured, a single indicator (fewer than `minimum`), or too
    little coverage (below `needed`)."""
    if code == "not_measured":
        return t("scorecard.status.not_measured")
    if code == "single_indicator":
        return t("scorecard.status.single_indicator", n=int(n), minimum=minimum)
    if code == "not_scored":
        return t("home.note.not_scored", pct=percent(float(coverage)), needed=percent(needed))
    return ""


def group_title(kind: str, key: object, title: str) -> str:
    """A principle's title with its number ("Principle 13: ..."), or a theme's title, in the reader's language."""
    if kind == "principle":
        return t("home.option.principle", n=key, title=principle_text(key, "title", title))
    return theme_text(key, "title", title)


@per_release_in_language
def view_options(release: str | None = None) -> list[dict[str, str]]:
    """Themes, then principles, then scored indicators, labelled for people (themes and indicators in the
    alphabetical order of their titles in the reader's language)."""
    choices = q.view_choices(release)
    themes = sorted(((key, theme_text(key, "title", title)) for key, title in choices.themes), key=lambda x: x[1])
    indicators = sorted(((key, ind_text(key, "title", title)) for key, title in choices.indicators),
                        key=lambda x: x[1])  # fmt: skip
    return (
        [{"label": t("home.option.theme", title=title), "value": f"theme:{key}"} for key, title in themes]
        + [{"label": group_title("principle", n, title), "value": f"principle:{n}"} for n, title in choices.principles]
        + [{"label": t("home.option.indicator", title=title), "value": f"indicator:{key}"} for key, title in indicators]
    )


@per_release_in_language
def country_options(release: str | None = None) -> list[dict[str, str]]:
    """Every country (never an aggregate) for searchable dropdowns, "Name (ISO3)" in the alphabetical order of
    the reader's language (English: the release's own order of its names)."""
    rows = q.countries(release)
    local = names(release)
    if local:
        rows = sorted(((iso3, local.get(iso3, name)) for iso3, name in rows), key=lambda r: sort_key(r[1]))
    texts = search.search_texts(release)
    return [{"label": f"{name} ({iso3})", "value": iso3, "search": texts.get(iso3, "")} for iso3, name in rows]


def country_search_options(text: str, release: str | None = None, keep: list[str] | None = None) -> list[dict]:
    """The countries a typed text names, best first, as dropdown options ("Netherlands (NLD) · Holland" when the
    text matched another name than the one shown), then the options of `keep` (a multi-select's chosen values)."""
    hits = search.country_hits(text, release)
    shown = dict((o["value"], o["label"]) for o in country_options(release))
    local = names(release)
    options = []
    for hit in hits:
        label = shown.get(hit.iso3, f"{hit.name} ({hit.iso3})")
        other = hit.kind not in ("name", "iso2", "iso3") and hit.matched != local.get(hit.iso3, hit.name)
        options.append({"label": f"{label} · {hit.matched}" if other else label, "value": hit.iso3, "search": text})
    found = {o["value"] for o in options}
    return options + [{"label": shown[c], "value": c} for c in keep or [] if c in shown and c not in found]


def headline(release: str | None = None) -> dict[str, Any]:
    """The release summary, the number of sources and the coverage per theme, the themes titled in words."""
    facts = q.headline(release)
    coverage: pd.DataFrame = facts["coverage"]  # type: ignore[assignment]
    titles = [theme_text(key, "title", title) for key, title in zip(coverage["theme"], coverage["title"], strict=True)]
    return {**facts, "coverage": coverage.assign(title=titles)}
