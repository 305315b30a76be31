"""A scorecard (warehouse/scorecard.py, with the words of warehouse/scorecard_words.py) in; the scorecard as text
for a terminal out: `lmm scorecard`. The JSON and the text say the same, and so do the API, page and briefing."""

from __future__ import annotations

from typing import Any

from warehouse.scorecard_words import number_text

PEER_KINDS = {"un_region": "UN region", "income_group": "income grp"}  # column headers of the medians


def scorecard_text(card: dict[str, Any]) -> str:
    """The scorecard for a terminal: a header, one aligned table per theme (with what is missing and why), the
    principles, the sources."""
    c = card["country"]
    lines = [
        f"Scorecard {c['name']} ({c['iso3']}) - status year {card['status_year']} - release {card['release']} - "
        f"methodology {card['methodology_version']}",
        f"Peers: UN region {c['un_region'] or '-'} (sub-region {c['un_subregion'] or '-'}), "
        f"income group {c['income_group'] or '-'}: medians of current values (at least 3 peers, else -).",
    ]
    table = [[i["indicator_id"], _clip(i["display_value"], 30), _text(i["year"]), _text(i["score"], "{:.1f}"),
              i["level_text"], i["trend_text"], *(_text((i["peer_medians"][k] or {}).get("median"), number_text)
                                                  for k in PEER_KINDS),
              i["source_id"] or "-"] for t in card["themes"] for i in t["indicators"]]  # fmt: skip
    widths = [max(len(r[n]) for r in [HEADER, *table]) for n in range(len(HEADER))]
    rows = iter(table)
    for theme in card["themes"]:
        lines += ["", f"{theme['title']} [{theme['theme']}]: {theme['text']}", _row(HEADER, widths)]
        lines += [_row(next(rows), widths) for _ in theme["indicators"]]
        lines += _explained(theme)
    lines += ["", "MFLM principles:"]
    for p in card["principles"]:
        lines.append(f"  {p['principle']:>2}  {_clip(p['title'], 44):<44}  {p['text']}")
        lines += ["  " + line for line in _explained(p)]
    if any(i["note"] for t in card["themes"] for i in t["indicators"]):
        lines += ["", "† derived: ILO final clause, in force 12 months after registration (the source listed the "
                  "ratification as not yet in force)."]  # fmt: skip
    lines += ["", "Sources:", *(f"  {sid:<16}{text}" for sid, text in card["sources"].items())]
    return "\n".join(lines)


def _explained(group: dict[str, Any]) -> list[str]:
    """Why a theme or principle has no score: each missing index indicator, and what a steward could submit."""
    if group["status"] == "scored":
        return []
    lines = [f"    missing: {item['text']}" for item in group["missing"]]
    return lines + ([f"    {group['steward_text']}"] if group.get("steward_text") else [])


HEADER = ["indicator", "value", "year", "score", "level", "trend / change", *PEER_KINDS.values(), "source"]
RIGHT = {2, 3, 6, 7}  # numeric columns, right-aligned


def _row(cells: list[str], widths: list[int]) -> str:
    padded = (c.rjust(w) if n in RIGHT else c.ljust(w) for n, (c, w) in enumerate(zip(cells, widths, strict=True)))
    return ("  " + "  ".join(padded)).rstrip()


def _text(value: Any, style: Any = "{}") -> str:
    if value is None:
        return "-"
    return style(value) if callable(style) else style.format(value)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
