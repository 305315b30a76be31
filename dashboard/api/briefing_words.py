"""The briefing's words in English, Spanish and French.

What the scorecard says (a theme's or principle's result, why an index indicator is missing, what a data steward
could submit, each indicator's value, year, level and trend) comes from where the other interfaces take it: in
English the sentences of warehouse/scorecard_words.py that the CLI and the API print; in Spanish and French the
profile page's own catalogue keys and formatting (dashboard/i18n, dashboard/components/tile.py), so an es/fr
briefing says what the es/fr page says. The briefing's own frame (headings, table heads, chart titles, the
footer) is in the catalogues like every other text (dashboard/i18n/*.yaml, keys `briefing.*`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard.i18n import missing_text, percent, t
from warehouse.scorecard_words import with_words


def card_words(card: dict[str, Any], lang: str) -> dict[str, Any]:
    """The scorecard with its words: English as the CLI and API say it (warehouse.scorecard_words), Spanish and
    French as the profile page says it. Fields: per group `text`, `missing[].text`, `steward_text`; per indicator
    `display_value`, `year_text`, `level_text`, `trend_text`. Call inside `use_lang(lang)`."""
    card = _word_copy(card)  # the scorecard read model's results are shared: never changed
    if lang == "en":
        with_words(card)
        for theme in card["themes"]:
            for entry in theme["indicators"]:
                entry["year_text"] = "" if entry["year"] is None else str(int(entry["year"]))
        return card
    for theme in card["themes"]:
        for entry in theme["indicators"]:
            entry.update(_page_entry_words(entry))
    titles = {e["indicator_id"]: _title(e) for theme in card["themes"] for e in theme["indicators"]}
    for group in [*card["themes"], *card["principles"]]:
        group["text"] = _page_group_text(group, card)
        for item in group["missing"]:
            item["text"] = f"{titles.get(item['indicator_id'], item['title'])}: {missing_text(item)}"
        submit = [titles.get(i, i) for i in group.get("steward_could_submit") or []]
        group["steward_text"] = t("scorecard.steward", items="; ".join(submit)) if submit else None
    return card


def _word_copy(card: dict[str, Any]) -> dict[str, Any]:
    """A copy of the card in which words may be written: the groups, their indicators' entries and missing items
    are new dicts, everything else is shared (a deep copy of every value took two thirds of render()'s time)."""

    def group(g: dict[str, Any]) -> dict[str, Any]:
        indicators = [dict(e) if isinstance(e, dict) else e for e in g.get("indicators") or []]
        return {**g, "indicators": indicators, "missing": [dict(m) for m in g["missing"]]}

    return {**card, "themes": [group(g) for g in card["themes"]], "principles": [group(g) for g in card["principles"]]}


def _title(entry: Mapping[str, Any]) -> str:
    from dashboard.i18n import ind_text

    return ind_text(entry["indicator_id"], "title", entry["title"])


def _page_entry_words(entry: Mapping[str, Any]) -> dict[str, str]:
    """An indicator's value, year, level and trend as the profile's tile writes them."""
    from dashboard.components.tile import level_words, trend_text, value_text, year_text

    return {"display_value": value_text(entry), "year_text": year_text(entry), "level_text": level_words(entry),
            "trend_text": trend_text(entry)}  # fmt: skip


def _page_group_text(group: Mapping[str, Any], card: Mapping[str, Any]) -> str:
    """A theme's or principle's result as the profile says it (aggregate words, or why there is no score)."""
    from dashboard.components.tile import aggregate_words

    if group["status"] == "scored":
        return aggregate_words(group, card["coverage_threshold"])
    words = t(f"scorecard.status.{group['status']}", n=group.get("n_with_data") or 0, of=group.get("n_mapped") or 0,
              needed=percent(card["coverage_threshold"]), minimum=card["min_indicators"])  # fmt: skip
    if group["status"] == "not_measured" and group.get("would_measure"):
        words += f" {t('scorecard.would_measure')} {group['would_measure']}"
    return words
