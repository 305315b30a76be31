"""A methodology export (as a release records it, or as indicators/registry_export.py builds it) as text for a
terminal: `lmm methodology --format text`."""

from __future__ import annotations

import json
from typing import Any

RULE_SECTIONS = [
    ("Score", "score"), ("Colour", "level"), ("Status value and recency", "status_value"), ("Categories", "categories"),
    ("Changed in YEAR", "changed_year"), ("Trend", "trend.rule"), ("Aggregation", "aggregation.rule"),
    ("Two worst", "aggregation.two_worst"), ("Mapped indicators", "aggregation.mapped"), ("Events", "events.rule"),
    ("Event statuses and same-date precedence", "events.precedence"), ("Event lists", "events.lists"),
    ("Event status year", "events.valid_year"), ("ILO entry into force", "events.entry_into_force.rule"),
    ("ILO entry into force: caveat", "events.entry_into_force.caveat"), ("Peers", "peers.rule"),
]  # fmt: skip


def methodology_text(method: dict[str, Any], release_id: str | None, status_year: int | None) -> str:
    """The export as text for a terminal: version, levels, rules, then every indicator's thresholds or table."""
    rules = method.get("rules", {})
    where = f"release {release_id}, status year {status_year}" if release_id else "registry, not yet released"
    lines = [f"Methodology {method['methodology_version']} ({where})",
             f"Coverage threshold: {method['coverage_threshold']:.0%} of the scored indicators mapped", "", "Levels:"]  # fmt: skip
    for code, style in {**rules.get("levels", {}), **rules.get("statuses", {})}.items():
        lines.append(f"  {style['icon']:<3}{code:<12}{style['label']}")
    for title, path in RULE_SECTIONS:
        text: Any = rules
        for key in path.split("."):
            text = text.get(key) if isinstance(text, dict) else None
        text = json.dumps(text) if isinstance(text, dict) else text
        if text:
            lines += ["", f"{title}:", *("  " + line for line in str(text).splitlines())]
    for name, note in method.get("notes", {}).items():
        lines += ["", f"Note ({name}):", "  " + " ".join(str(note).split())]
    lines += ["", "Indicators (window = recency window in years; trend = trend window):"]
    for ind_id, ind in sorted(method["indicators"].items(), key=lambda kv: (kv[1]["theme"], kv[0])):
        lines += _indicator_lines(ind_id, ind, rules.get("levels", {}))
    return "\n".join(lines)


def _indicator_lines(ind_id: str, ind: dict[str, Any], styles: dict[str, Any]) -> list[str]:
    direction = {"higher": "higher is better", "lower": "lower is better"}.get(ind["direction"], "context, not scored")
    head = (f"  {ind_id:<32}{ind['theme']:<17}{ind['type']:<12}{direction:<20}window {ind['recency_window']}, "
            f"trend {ind['trend_window']}, weight {ind['weight']:g}, sex {ind['headline_sex']}, "
            f"principles {','.join(map(str, ind['principles'])) or '-'}")  # fmt: skip
    th = ind.get("thresholds")
    lines = [head]
    if th:
        lines.append(f"      optimum {th['optimum']:g} | green {th['green']:g} | red {th['red']:g} | "
                     f"lower bound {th['lower_bound']:g}")  # fmt: skip
    for cat in ind.get("categories") or []:
        score = "-" if cat["score"] is None else f"{cat['score']:g}"
        icon = styles.get(cat["level"], {}).get("icon", "")
        lines.append(f"      {cat['code']:<14}{score:>6}  {icon:<3}{cat['level']:<8}{cat['label']}")
    return lines
