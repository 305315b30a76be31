"""A scorecard (warehouse/scorecard.py) in; the English sentences a minister reads out: why a theme or principle has
no score, why an indicator is missing, what a data steward could submit. The CLI, the API (`text` fields) and the
briefing print these; the profile page says the same through its catalogue (dashboard/i18n, keys `missing.*`).
"""

from __future__ import annotations

from typing import Any

STEWARD_URL = "/steward"
MISSING = {
    "no_public_source": "no public source covers it: only a national data steward can supply it",
    "no_data": "the public source has no value for this country",
    "out_of_date": "the latest value ({year}) is older than the indicator's recency window",
    "superseded": "a later reform is in force since {since}: the latest coded value ({year}) is no longer current",
    "suspect": "the latest value is flagged as suspect in the source and is not scored",
    "not_known": "not known: the public ratification list is partial",
    "not_known_since": "not known since {since}: the complete list of that date is too old to say it is still so",
    "not_scored": "its published category carries no score ({label})",
}
GROUP = {
    "scored": "{score:.1f}/100 from {n_with_data} of {n_mapped} index indicators",
    "single_indicator": "no score: only {n_with_data} index indicator has data, and a score rests on at least "
    "{min_indicators}; that indicator is shown as itself",
    "below_coverage": "no score: {n_with_data} of {n_mapped} index indicators have current data ({coverage:.0%}); "
    "a score needs {threshold:.0%}",
    "not_measured": "not measured by public data: {would_measure}",
}


def missing_sentence(item: dict[str, Any]) -> str:
    text = MISSING.get(item["reason"], item["reason"].replace("_", " "))
    text = text.format(
        year=item.get("year") or "-", since=item.get("since") or "-", label=item.get("category_label") or "-"
    )
    steward = f"; a national data steward can submit it ({STEWARD_URL})" if item.get("steward") else ""
    return f"{item['title']}: {text}{steward}"


def group_sentence(group: dict[str, Any], card: dict[str, Any]) -> str:
    """One line for a theme's or a principle's result, in words."""
    values = {
        "score": group.get("score") or 0.0, "n_with_data": group.get("n_with_data") or 0,
        "n_mapped": group.get("n_mapped") or 0, "coverage": group.get("coverage") or 0.0,
        "threshold": card["coverage_threshold"], "min_indicators": card["min_indicators"],
        "would_measure": group.get("would_measure") or "no public indicator reaches 80 % of UN member states",
    }  # fmt: skip
    return GROUP[group["status"]].format(**values)


def steward_sentence(group: dict[str, Any], titles: dict[str, str]) -> str | None:
    """What a national data steward could submit to fill the gap, or None."""
    ids = group.get("steward_could_submit") or []
    if not ids:
        return None
    names = "; ".join(titles.get(i, i) for i in ids)
    return f"A national data steward could submit: {names} ({STEWARD_URL})."


def with_words(card: dict[str, Any]) -> dict[str, Any]:
    """The scorecard with the words a reader sees: per indicator display_value, level_text, trend_text; per theme
    and principle `text`, `missing[].text` and `steward_text`."""
    titles = {e["indicator_id"]: e["title"] for t in card["themes"] for e in t["indicators"]}
    for theme in card["themes"]:
        for entry in theme["indicators"]:
            entry.update(display_value=value_text(entry), level_text=status_text(entry), trend_text=trend_text(entry))
    for group in [*card["themes"], *card["principles"]]:
        group["text"] = group_sentence(group, card)
        for item in group["missing"]:
            item["text"] = missing_sentence(item)
        group["steward_text"] = steward_sentence(group, titles)
    return card


def number_text(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    digits = 1 if abs(value) >= 10 else 2 if abs(value) >= 1 else 3
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def value_text(entry: dict[str, Any]) -> str:
    """The value as a reader sees it: a category's label, a number with its unit, a status in words."""
    status = entry["status"]
    if status == "not_known_since":
        since = next(
            (p.split("=", 1)[1] for p in (entry["flags"] or "").split(";") if p.startswith("not_known_since=")), ""
        )
        return f"Not known since {since}"
    if entry["type"] == "event" or entry["category_label"]:
        label = entry["category_label"] or str(entry["value_label"] or "-").replace("_", " ")
        return label.split(" (")[0] if status in ("not_known", "not_applicable") else label
    if entry["value_label"] is not None:
        return str(entry["value_label"])
    if entry["value"] is None:
        return "-"
    unit = str(entry["unit"])
    return number_text(float(entry["value"])) + ("%" if unit == "%" else f" {unit}")


STATUS_WORDS = {
    "not_known": ("?", "Not known"), "not_known_since": ("?", "Not known"), "not_applicable": ("–", "Not applicable"),
    "out_of_date": ("◷", "Out of date"), "suspect": ("⚠", "Suspect value, not scored"),
    "no_data": ("○", "No data"), "context": ("", "context, not scored"), "not_scored": ("○", "Not scored"),
}  # fmt: skip


def status_text(entry: dict[str, Any]) -> str:
    from indicators.levels import LEVELS

    if entry["status"] == "scored":
        style = LEVELS[entry["level"]]  # type: ignore[index]
        return f"{style.icon} {style.label}" + ("" if entry["index"] else " (supplementary)")
    icon, words = STATUS_WORDS[entry["status"]]
    return f"{icon} {words}".strip()


def trend_text(entry: dict[str, Any]) -> str:
    from indicators.trend import TREND_ICONS, TREND_LABELS

    if entry["changed_year"] is not None:
        return f"changed in {int(entry['changed_year'])}" + (" (derived †)" if entry.get("note") else "")
    if entry["type"] != "continuous" or entry["context"] or entry["value"] is None:
        return "-"
    return f"{TREND_ICONS[entry['trend']]} {TREND_LABELS[entry['trend']]}"
