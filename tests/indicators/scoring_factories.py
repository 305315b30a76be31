"""Indicators, registries and tidy frames built in code for the scoring tests (independent of the YAML registry)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from indicators.model import Category, Indicator, Registry, Thresholds

LFPR_RATIO = Thresholds(optimum=100, green=70, red=50, lower_bound=21.5)  # SDSN, scoring.md
RECRUITMENT_COST = Thresholds(optimum=0, green=1, red=3, lower_bound=6)  # lower is better
FEMALE_LFPR = Thresholds(optimum=100, green=60, red=35, lower_bound=0)

ILO_TABLE = (
    Category("in_force", "Ratified, in force", 100, "green"),
    Category("not_in_force", "Ratified, not yet in force", 50, "yellow"),
    Category("denounced", "Denounced", 0, "red"),
    Category("not_ratified", "Not ratified", 0, "red"),
    Category("not_known", "Not known", None, "no_data"),
)
UN_TABLE = (
    Category("party", "State party", 100, "green"),
    Category("signatory", "Signatory", 33.3, "orange"),
    Category("no_action", "No action", 0, "red"),
    Category("not_known", "Not known", None, "no_data"),
)
FEE_TABLE = (
    Category("none", "No ban", 0, "red"),
    Category("partial", "Partial ban", 50, "yellow"),
    Category("full", "Full ban (employer pays)", 100, "green"),
)
ORDINAL_TABLE = (
    Category("1", "Requires further progress", 0, "red"),
    Category("2", "Partially meets", 33.3, "orange"),
    Category("3", "Meets", 66.7, "yellow"),
    Category("4", "Fully meets", 100, "green"),
)


def indicator(ind_id: str, **fields: object) -> Indicator:
    """An Indicator with test defaults; any field can be overridden."""
    base: dict[str, object] = {
        "id": ind_id, "theme": "women", "title": ind_id, "description": "test", "unit": "%", "type": "continuous",
        "direction": "higher", "threshold_basis": "project", "principles": (1,), "source_ids": ("test",),
    }  # fmt: skip
    base.update(fields)
    return Indicator(**base)  # type: ignore[arg-type]


def registry(*indicators: Indicator, coverage_threshold: float = 0.8, index_share: float = 0.0,
             min_index_indicators: int = 1, absence_tolerance: dict[str, int] | None = None) -> Registry:  # fmt: skip
    """A test registry; by default every scored indicator is an index indicator and one suffices for a score, so
    tests of the aggregation arithmetic are not also tests of the index rule (tested on their own)."""
    return Registry(
        indicators={ind.id: ind for ind in indicators}, principles={}, areas={}, sources={}, themes={},
        methodology_version="test-1.0", coverage_threshold=coverage_threshold, index_share=index_share,
        min_index_indicators=min_index_indicators, absence_tolerance=absence_tolerance or {},
    )  # fmt: skip


def lfpr_ratio(**fields: object) -> Indicator:
    return indicator("lfpr_ratio_fm", thresholds=LFPR_RATIO, principles=(1, 4), **fields)


def recruitment_cost(**fields: object) -> Indicator:
    defaults: dict[str, object] = {"direction": "lower", "thresholds": RECRUITMENT_COST, "principles": (13,)}
    defaults["theme"] = "recruitment"
    defaults.update(fields)
    return indicator("recruitment_cost_months", **defaults)


def observations(rows: list[tuple]) -> pd.DataFrame:
    """(indicator_id, country, year, value, value_label[, sex[, partner[, source[, flags]]]]) -> tidy observations."""
    records = []
    for row in rows:
        ind, country, year, value, label = row[:5]
        extra: list[Any] = list(row[5:]) + ["total", "", "src", ""][len(row) - 5 :]
        sex, partner, source, flags = extra
        records.append({
            "indicator_id": ind, "country": country, "year": year, "sex": sex, "partner_country": partner,
            "value": value, "value_label": label, "unit": "u", "source_id": source, "flags": flags,
        })  # fmt: skip
    columns = ["indicator_id", "country", "year", "sex", "partner_country", "value", "value_label", "unit",
               "source_id", "flags"]  # fmt: skip
    return pd.DataFrame(records, columns=columns).astype({"year": int, "value": float})


def events(rows: list[tuple]) -> pd.DataFrame:
    """(indicator_id, country, event_date, year, status[, source]) -> tidy events."""
    records = [
        {"indicator_id": r[0], "country": r[1], "partner_country": "", "event_date": r[2], "year": r[3],
         "status": r[4], "note": None, "source_id": r[5] if len(r) > 5 else "src"}
        for r in rows
    ]  # fmt: skip
    columns = ["indicator_id", "country", "partner_country", "event_date", "year", "status", "note", "source_id"]
    return pd.DataFrame(records, columns=columns).astype({"year": "Int64"})


def event_lists(rows: list[tuple]) -> pd.DataFrame:
    """(indicator_id, source_id, complete, as_of) -> event_lists."""
    records = [
        {"indicator_id": i, "source_id": s, "complete": c, "as_of": a, "stated_total": None, "rows": 0, "note": None}
        for i, s, c, a in rows
    ]
    columns = ["indicator_id", "source_id", "complete", "as_of", "stated_total", "rows", "note"]
    return pd.DataFrame(records, columns=columns)


def countries(rows: list[tuple]) -> pd.DataFrame:
    """(iso3, un_region, un_subregion, income_group, is_aggregate) -> the countries table."""
    records = [
        {"iso3": c, "name": c.title(), "un_region": r, "un_subregion": s, "wb_region": None, "income_group": g,
         "is_aggregate": a}
        for c, r, s, g, a in rows
    ]  # fmt: skip
    return pd.DataFrame(records)
