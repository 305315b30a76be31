"""The citation rules of a practice record (every [ref] resolves, every stated fact has a source, every source has a
URL) and the reference check against the registry and the country list."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from loaders.practice_models import EDITORIAL

TEXT_FIELDS = ("summary", "evidence", "success_factors", "transfer_limits", "notes")
FACT_FIELDS = ("name", "institution", "start_year", "end_year", "activity", "status_as_of", *TEXT_FIELDS)
MARKER = re.compile(r"\[([a-z0-9][a-z0-9\-]*(?:,\s*[a-z0-9][a-z0-9\-]*)*)\]")


def citation_problems(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, problem) for every unresolved [ref], unsupported fact or citation without a usable URL."""
    refs = {c["ref"] for c in record["citations"]}
    problems: list[tuple[str, str]] = []
    for c in record["citations"]:
        if not (c.get("url") or "").startswith(("http://", "https://")):
            problems.append(("citations", f"citation {c.get('ref')!r} has no http(s) URL"))
        bad = sorted(set(c["supports"]) - set(FACT_FIELDS))
        if bad:
            problems.append(("citations", f"citation {c.get('ref')!r} supports unknown fields {bad}"))
    for field in TEXT_FIELDS:
        for ref in sorted(set(markers(record.get(field) or "")) - refs - {EDITORIAL}):
            problems.append((field, f"[{ref}] is not one of the practice's citations"))
    supported = {f for c in record["citations"] for f in c["supports"]}
    for field in FACT_FIELDS:
        if record.get(field) not in (None, "", "unknown") and field not in supported:  # 'unknown' is no claim
            problems.append((field, "no citation supports this field"))
    for link in record["indicators"]:
        if link["ref"] and link["ref"] not in refs:
            problems.append(("indicators", f"indicator link cites unknown ref {link['ref']!r}"))
    return problems


def markers(text: str) -> list[str]:
    """The citation refs a text cites, in order ([a] and [a, b] forms)."""
    return [ref.strip() for group in MARKER.findall(text) for ref in group.split(",")]


def reference_problems(tables: dict[str, pd.DataFrame], registry: Any, countries: set[str]) -> list[str]:
    """Every principle, theme, indicator or country a practice names that the registry or country list lacks."""
    checks = [
        ("practice_principles", "principle", set(registry.principles)),
        ("practice_themes", "theme", set(registry.themes)),
        ("practice_indicators", "indicator_id", set(registry.indicators)),
        ("practice_countries", "country", countries),
    ]
    return [
        f"practice {row.practice_id!r}: unknown {column} {getattr(row, column)!r}"
        for table, column, known in checks
        for row in tables[table].itertuples()
        if getattr(row, column) not in known
    ]
