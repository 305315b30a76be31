"""`/indicator/<id>`: when its sources were last updated and when the next update is expected, in the reader's
words (data: dashboard/queries/updates.py). A next date is given only where the publisher states a release pattern
or an open reporting round expects stewards' values; otherwise "not announced".

(A leading underscore keeps Dash Pages from taking this module for a page.)
"""

from __future__ import annotations

from dashboard.i18n import date, t
from indicators.registry import load_registry
from indicators.updates import ROUND, SourceUpdate, next_expected


def source_name(source_id: str) -> str:
    if source_id == "steward":
        return t("indicator.update.stewards")
    src = load_registry().sources.get(source_id)
    return src.publisher.split(" (")[0] if src else source_id


def last_updated(updates: list[SourceUpdate]) -> str:
    """'World Bank: 2025-03-24; ...': each source's date as the publisher states it (stewards: per value)."""
    parts = [
        t("indicator.update.one", source=source_name(u.source_id),
          when=u.last_updated or t("indicator.update.per_value" if u.source_id == "steward" else "indicator.update.not_stated"))
        for u in updates
        if u.basis != ROUND
    ]  # fmt: skip
    return "; ".join(dict.fromkeys(parts)) or t("indicator.update.not_stated")


def next_update(updates: list[SourceUpdate]) -> str:
    """The soonest stated next update and why it is expected, or 'not announced'."""
    soonest = next_expected(updates)
    if soonest is None:
        return t("indicator.update.not_announced")
    when = date(soonest.next_expected)
    if soonest.basis == ROUND:
        return t("indicator.update.round", when=when, name=soonest.detail or "")
    return t("indicator.update.schedule", when=when, source=source_name(soonest.source_id))
