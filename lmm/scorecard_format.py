"""A scorecard's rows as JSON-ready entries and the whole scorecard as text for a terminal: `lmm scorecard`.

lmm/cli_scores.py runs the queries; the entries here add the words a reader sees (value, status, trend), so that
the JSON and the text say the same.
"""

from __future__ import annotations

from typing import Any

NO_AGGREGATE = "no aggregate below {:.0%}"
PEER_KINDS = {"un_region": "UN region", "income_group": "income grp"}  # column headers of the medians


def aggregate_entry(row: dict[str, Any] | None, threshold: float) -> dict[str, Any]:
    """A theme's or a principle's aggregate row (None: nothing mapped) as JSON, with its line of text."""
    if row is None:
        return {"score": None, "level": None, "coverage": None, "n_with_data": 0, "n_mapped": 0,
                "text": "no scored indicator mapped"}  # fmt: skip
    out = {k: plain(row[k]) for k in ("score", "level", "coverage", "n_with_data", "n_mapped")}
    cover = f"coverage {out['coverage']:.0%} ({out['n_with_data']} of {out['n_mapped']})"
    if out["score"] is None:
        out["text"] = f"{cover}: {NO_AGGREGATE.format(threshold)}"
    else:
        out["text"] = f"{out['score']:5.1f}  {_level_text(out['level'])}  ({cover})"
    return out


def indicator_entry(row: dict[str, Any], medians: dict[tuple[str, str], Any], derived: bool) -> dict[str, Any]:
    """One indicator's score row as JSON, with the value, status and trend as a reader sees them, and peer medians."""
    from indicators.events import DERIVED_NOTE

    ind = row["indicator_id"]
    out = {k: plain(row[k]) for k in ("indicator_id", "title", "type", "direction", "unit", "value", "value_label",
                                      "year", "out_of_date", "score", "level", "trend", "changed_year", "source_id",
                                      "flags")}  # fmt: skip
    out["display_value"] = _value_text(row)
    out["level_text"] = _status_text(row)
    out["trend_text"] = _trend_text(row, derived)
    out["peer_medians"] = {kind: plain(medians.get((ind, kind))) for kind in PEER_KINDS}
    out["note"] = DERIVED_NOTE if derived else None
    return out


def plain(value: Any) -> Any:
    """JSON-ready: NA -> None, numpy scalars -> Python."""
    import pandas as pd

    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _number(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    digits = 1 if abs(value) >= 10 else 2 if abs(value) >= 1 else 3
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def _value_text(row: dict[str, Any]) -> str:
    if row["type"] == "event":
        label = plain(row["category_label"]) or str(plain(row["value_label"]) or "-").replace("_", " ")
        return label.split(" (")[0] if row["value_label"] == "not_known" else label
    if plain(row["value_label"]) is not None:
        return str(row["value_label"])
    if plain(row["value"]) is None:
        return "-"
    unit = str(row["unit"])
    return _number(float(row["value"])) + ("%" if unit == "%" else f" {unit}")


def _level_text(level: str | None) -> str:
    from indicators.levels import LEVELS

    if level is None:
        return "context, not scored"
    style = LEVELS[level]  # type: ignore[index]
    return f"{style.icon} {style.label}"


def _status_text(row: dict[str, Any]) -> str:
    from indicators.levels import STATUS_LABELS

    for key, applies in (("not_known", row["value_label"] == "not_known"), ("out_of_date", bool(row["out_of_date"]))):
        if applies and plain(row["level"]) is not None:
            return f"{STATUS_LABELS[key].icon} {STATUS_LABELS[key].label}"
    if plain(row["level"]) is None and row["out_of_date"]:
        return f"{STATUS_LABELS['out_of_date'].icon} context, out of date"
    return _level_text(plain(row["level"]))


def _trend_text(row: dict[str, Any], derived: bool) -> str:
    from indicators.trend import TREND_ICONS, TREND_LABELS

    if plain(row["changed_year"]) is not None:
        return f"changed in {int(row['changed_year'])}" + (" (derived †)" if derived else "")
    if row["type"] != "continuous" or row["direction"] == "context" or plain(row["value"]) is None:
        return "-"
    return f"{TREND_ICONS[row['trend']]} {TREND_LABELS[row['trend']]}"


def scorecard_text(card: dict[str, Any]) -> str:
    """The scorecard for a terminal: a header, one aligned table per theme, the principles, the sources."""
    c = card["country"]
    lines = [
        f"Scorecard {c['name']} ({c['iso3']}) - status year {card['status_year']} - release {card['release']} - "
        f"methodology {card['methodology_version']}",
        f"Peers: UN region {c['un_region'] or '-'} (sub-region {c['un_subregion'] or '-'}), "
        f"income group {c['income_group'] or '-'}: medians of current values (at least 3 peers, else -).",
    ]
    table = [[i["indicator_id"], _clip(i["display_value"], 30), _text(i["year"]), _text(i["score"], "{:.1f}"),
              i["level_text"], i["trend_text"], *(_text(i["peer_medians"][k], _number) for k in PEER_KINDS),
              i["source_id"] or "-"] for t in card["themes"] for i in t["indicators"]]  # fmt: skip
    widths = [max(len(r[n]) for r in [HEADER, *table]) for n in range(len(HEADER))]
    rows = iter(table)
    for theme in card["themes"]:
        lines += ["", f"{theme['title']} [{theme['theme']}]: {theme['text']}", _row(HEADER, widths)]
        lines += [_row(next(rows), widths) for _ in theme["indicators"]]
    lines += ["", "MFLM principles:"]
    lines += [f"  {p['principle']:>2}  {_clip(p['title'], 44):<44}  {p['text']}" for p in card["principles"]]
    if any(i["note"] for t in card["themes"] for i in t["indicators"]):
        lines += ["", "† derived: ILO final clause, in force 12 months after registration (the source listed the "
                  "ratification as not yet in force)."]  # fmt: skip
    lines += ["", "Sources:", *(f"  {sid:<16}{text}" for sid, text in card["sources"].items())]
    return "\n".join(lines)


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
