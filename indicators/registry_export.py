"""A validated `Registry` in; what leaves the package out: warehouse-ready tables and the methodology export.

`registry_tables` gives the frames warehouse/build.py writes; `methodology_dict` the JSON a release records so that
anyone can recompute its scores, with the rules taken from the docstrings and constants of the code applying them.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import asdict
from typing import Any

import pandas as pd

from indicators import aggregate, events, index, levels, peers, quality, release, trend
from indicators.model import Indicator, Registry
from indicators.registry_checks import CATEGORY_KEYS, LEVELS, THRESHOLD_KEYS
from indicators.registry_types import Guideline


def registry_tables(registry: Registry) -> dict[str, pd.DataFrame]:
    """Warehouse-ready frames: indicators (+ indicator_principles, categories), principles, areas, themes, sources,
    guidelines. Lists become comma-separated text; missing thresholds and scores are NULL."""
    inds = list(registry.indicators.values())
    guidelines = _guidelines(registry)
    links = [{"indicator_id": i.id, "principle": p} for i in inds for p in i.principles]
    cats = [{"indicator_id": i.id, "position": n, **asdict(c)} for i in inds for n, c in enumerate(i.categories)]
    frames = {
        "indicators": pd.DataFrame([_indicator_row(i) for i in inds]),
        "indicator_principles": pd.DataFrame(links, columns=["indicator_id", "principle"]),
        "categories": pd.DataFrame(cats, columns=["indicator_id", "position", *CATEGORY_KEYS]),
        "principles": _frame(registry.principles.values(), {"number": "principle"}),
        "areas": _frame(registry.areas.values(), {"numeral": "area"}),
        "themes": _frame(registry.themes.values(), {"id": "theme_id"}),
        "sources": _frame(registry.sources.values(), {"id": "source_id"}),
        "guidelines": _frame(guidelines.values(), {"id": "guideline"}),
    }
    frames["areas"]["position"] = range(len(frames["areas"]))  # I..IX do not sort as text
    return {name: _nullable(frame) for name, frame in frames.items()}


def _guidelines(registry: Registry) -> dict[str, Guideline]:
    guidelines = registry.extra.get("guidelines", {})
    return guidelines if isinstance(guidelines, dict) else {}


def _frame(items: Any, rename: dict[str, str]) -> pd.DataFrame:
    """Dataclasses as rows; tuples become comma-separated text."""
    rows = [{k: ",".join(map(str, v)) if isinstance(v, tuple) else v for k, v in asdict(o).items()} for o in items]
    return pd.DataFrame(rows).rename(columns=rename)


def _indicator_row(ind: Indicator) -> dict[str, Any]:
    row = asdict(ind)
    thresholds, categories = row.pop("thresholds") or {}, row.pop("categories")
    row = {
        ("indicator_id" if k == "id" else k): ",".join(map(str, v)) if isinstance(v, tuple) else v
        for k, v in row.items()
    }
    row.update(
        {k: thresholds.get(k) for k in THRESHOLD_KEYS}, scored=ind.scored, categories_json=json.dumps(categories)
    )
    return row


def _nullable(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable dtypes, so that a missing threshold or score is NULL in DuckDB, never NaN."""
    for col in set(frame.columns) & {*THRESHOLD_KEYS, "score", "weight"}:
        frame[col] = frame[col].astype("Float64")
    for col in set(frame.columns) & {"principle", "position", "recency_window", "trend_window"}:
        frame[col] = frame[col].astype("Int64")
    return frame


# What the methodology export keeps per indicator (with `scored`, `scoreable`, `event_style`): with `rules`,
# enough to recompute a score.
METHOD_KEYS = frozenset(
    "theme title unit type direction threshold_basis thresholds categories recency_window trend_window weight "
    "headline_sex principles source_ids caveat disaggregations universe bounds suspect_rules built_from "
    "steward_uploadable".split()
)


def methodology_dict(registry: Registry) -> dict[str, Any]:
    """The methodology as JSON-ready data: with a release's values, anyone can recompute its scores."""
    indicators = {i.id: {k: v for k, v in asdict(i).items() if k in METHOD_KEYS} for i in registry.indicators.values()}
    for ind_id, entry in indicators.items():
        entry["scored"] = registry.indicators[ind_id].scored
        entry.update(_scoring_facts(registry.indicators[ind_id]))
    payload = {
        "methodology_version": registry.methodology_version,
        "coverage_threshold": registry.coverage_threshold,
        "framework": registry.extra.get("framework", {}),
        "notes": {**_mapping(registry.extra.get("methodology_notes")), "entry_into_force": _entry_note()},
        "levels": list(LEVELS),
        "indicators": indicators,
        "principles": {str(n): asdict(p) for n, p in registry.principles.items()},
        "themes": {t.id: asdict(t) for t in registry.themes.values()},
        "guidelines": {g.id: asdict(g) for g in _guidelines(registry).values()},
        "rules": _rules(registry),
        "index_rule": {"share_of_un_members": registry.index_share, "min_indicators": registry.min_index_indicators},
        "absence_tolerance_years": registry.absence_tolerance,
        "unverified_framework_entries": _unverified(registry),
    }
    return json.loads(json.dumps(payload))  # plain lists and str keys; fails here, not at export, if not JSON


def _unverified(registry: Registry) -> dict[str, list[str]]:
    """Framework entries whose wording is still to be checked against the ILO publication (not on the public page)."""
    return {
        "principles": [str(p.number) for p in registry.principles.values() if not p.verified],
        "guidelines": [g.id for g in _guidelines(registry).values() if not g.verified],
    }


def release_methodology(method: dict[str, Any], registry: Registry, index_rows: pd.DataFrame) -> dict[str, Any]:
    """A release's methodology: the registry's plus which indicators are index indicators in this release, and the
    principles no public data measure (fewer than the minimum of index indicators), with what would measure them."""
    rows = index_rows.to_dict("records")
    in_index = {r["indicator_id"] for r in rows if r["index"]}
    counts = {n: sum(1 for i in in_index if n in registry.indicators[i].principles) for n in registry.principles}
    not_measured = sorted(n for n, count in counts.items() if count < registry.min_index_indicators)
    reasons = {str(n): _not_measured(registry, n, in_index) for n in not_measured}
    index_entries = {r["indicator_id"]: {k: r[k] for k in ("index", "un_members_scored", "un_members", "share", "reason")}
                     for r in rows}  # fmt: skip
    extra = {"index": index_entries, "not_measured": not_measured, "not_measured_reasons": reasons}
    return json.loads(json.dumps({**method, **extra}))


def _not_measured(registry: Registry, number: int, in_index: set[str]) -> dict[str, Any]:
    mapped = [i for i in registry.indicators.values() if number in i.principles and levels.scoreable(i)]
    return {
        "index_indicators": sorted(i.id for i in mapped if i.id in in_index),
        "supplementary_indicators": sorted(i.id for i in mapped if i.id not in in_index),
        "steward_indicators": sorted(i.id for i in mapped if i.steward_uploadable),
        "would_measure": registry.principles[number].would_measure or "",
    }


def _scoring_facts(ind: Indicator) -> dict[str, Any]:
    """Per indicator: whether it gets a score and a colour; for events, the status vocabulary (ILO or UN)."""
    facts: dict[str, Any] = {"scoreable": levels.scoreable(ind)}
    if ind.type == "event":
        facts["event_style"] = "un" if events.is_un_style(ind) else "ilo"
    return facts


def _mapping(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _entry_note() -> str:
    return (
        f"ILO ratifications a list states 'not in force' are {events.DERIVED_NOTE}: the conventions' final clauses bring a "
        "ratification into force for the Member twelve months after its registration (changed_year is that year)."
    )


def _doc(obj: object) -> str:
    return inspect.getdoc(obj) or ""


def _rules(registry: Registry) -> dict[str, Any]:
    """The scoring rules as data and text, taken from the code that applies them (one place to change)."""
    coverage_threshold = registry.coverage_threshold

    def styles(table: Any) -> dict[str, dict[str, str]]:
        return {key: {"label": s.label, "icon": s.icon, "colour": s.colour} for key, s in table.items()}

    return {
        "levels": styles(levels.LEVELS),
        "statuses": styles(levels.STATUS_LABELS),
        "score": "score = 100 x (x - lower_bound) / (optimum - lower_bound), clipped to [0, 100] (SDSN)",
        "level": _doc(levels.continuous_level),
        "categories": _doc(levels.find_category) + " " + _doc(release._resolve_code),
        "scoreable": _doc(levels.scoreable),
        "status_value": _doc(release.score_release),
        "recency": {
            "out_of_date": "year < status_year - recency_window, or a later_change in force by status_year",
            "later_change_flag": quality.LATER_CHANGE,
            "rule": _doc(trend.latest_within_window),
        },
        "changed_year": "categorical and ordinal: the latest year whose category code differs from the previous "
        "value's (same country, headline sex, partner ''); events: the year of the event that set the status",
        "trend": {
            "target_year": trend.TARGET_YEAR,
            "min_points": trend.MIN_POINTS,
            "min_span": trend.MIN_SPAN,
            "tolerance": trend.TOLERANCE,
            "break_flag": release.BREAK_FLAG,
            "labels": trend.TREND_LABELS,
            "icons": trend.TREND_ICONS,
            "rule": _doc(trend),
        },
        "aggregation": {
            "coverage_threshold": coverage_threshold,
            "comparison_tolerance": aggregate._EPS,
            "colour_order": list(levels.COLOURED),
            "rule": _doc(aggregate.aggregate),
            "two_worst": _doc(aggregate.second_worst),
            "mapped": _doc(peers.aggregate_tables),
            "min_indicators": registry.min_index_indicators,
            "index": _doc(index),
        },
        "suspect": {
            "flag": quality.SUSPECT,
            "rule": _doc(quality),
            "swap_near": quality.SWAP_NEAR,
            "swap_far": quality.SWAP_FAR,
        },  # fmt: skip
        "scored_areas": _doc(release.scored_areas),
        "events": {
            "rule": _doc(events.event_status),
            "ilo_statuses": sorted(events.ILO_STATUSES),
            "un_statuses": sorted(events.UN_STATUSES),
            "precedence": events.PRECEDENCE,
            "first_steps": {"ilo": sorted(events.FIRST_STEPS[False]), "un": sorted(events.FIRST_STEPS[True])},
            "entry_into_force": {
                "months": events.ENTRY_INTO_FORCE_MONTHS,
                "note": events.DERIVED_NOTE,
                "rule": _doc(events.with_entry_into_force),
                "caveat": "Assumes the convention itself is in force (true of every dated 'not in force' row in "
                "the seed); the first two ratifications of a convention enter into force 12 months after the second.",
            },
            "style": _doc(events.is_un_style),
            "lists": _doc(events.list_info),
            "valid_year": _doc(events.event_rows),
            "absence_statuses": sorted(events.ABSENCE_STATUSES),
            "stale_flag": events.STALE_FLAG,
            "derived_flag": events.DERIVED_FLAG,
            "not_applicable": events.NOT_APPLICABLE,
            "universes": _doc(release.event_scopes),
            "as_of_year": _doc(events.as_of_year),
        },
        "peers": {
            "group_kinds": list(peers.GROUP_KINDS),
            "min_peers": aggregate.MIN_PEERS,
            "quantiles": "linear interpolation (numpy and pandas default)",
            "rule": _doc(peers.peer_table),
        },
    }
