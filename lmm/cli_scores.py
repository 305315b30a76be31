"""`lmm methodology` and `lmm scorecard`: a release's methodology export and one country's scorecard, as JSON or text.

Both read the published release (never the registry files, unless `lmm methodology --registry`): the scores and the
methodology recorded with them, so what is printed is what the release holds.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

NO_AGGREGATE = "no aggregate below {:.0%}"
PEER_KINDS = {"un_region": "UN region", "income_group": "income grp"}  # column headers of the medians

_SCORES_SQL = """
SELECT s.indicator_id, i.title, i.theme, i.type, i.direction, i.unit, s.value, s.value_label, s.year, s.out_of_date,
       s.score, s.level, s.trend, s.changed_year, s.source_id, s.flags, c.label AS category_label
FROM indicator_scores s JOIN indicators i ON i.indicator_id = s.indicator_id
LEFT JOIN categories c ON c.indicator_id = s.indicator_id AND c.code = s.value_label AND i.type = 'event'
WHERE s.country = $iso3 ORDER BY i.theme, s.indicator_id
"""
_PEERS_SQL = """
SELECT indicator_id, group_kind, median, n FROM peer_stats
WHERE (group_kind = 'un_region' AND "group" = $un_region) OR (group_kind = 'income_group' AND "group" = $income)
"""
_AGGREGATES_SQL = """
SELECT {key} AS key, score, level, coverage, n_with_data, n_mapped FROM {table} WHERE country = $iso3
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("methodology", help="the methodology recorded with a release (thresholds, rules)")
    p.add_argument("--format", default="text", choices=["json", "text"])
    p.add_argument("--release", default=None, help="an earlier release id (default: current)")
    p.add_argument("--registry", action="store_true", help="the registry's methodology (what the next build uses)")
    p.set_defaults(func=cmd_methodology)
    p = subparsers.add_parser("scorecard", help="one country's scorecard: indicators, principles, themes, peers")
    p.add_argument("country", help="ISO3 code (or the country's name)")
    p.add_argument("--format", default="text", choices=["json", "text"])
    p.add_argument("--release", default=None, help="an earlier release id (default: current)")
    p.set_defaults(func=cmd_scorecard)


def emit(text: str) -> None:
    """Print; a reader that stops early (`| head`) is not an error."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


# --- methodology ----------------------------------------------------------------------------------------------------


def cmd_methodology(args: argparse.Namespace) -> int:
    release_id, status_year, method = _methodology(args.release, args.registry)
    if args.format == "json":
        payload = {"release": release_id, "status_year": status_year, **method}
        emit(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        emit(methodology_text(method, release_id, status_year))
    return 0


def _methodology(release: str | None, from_registry: bool) -> tuple[str | None, int | None, dict[str, Any]]:
    from indicators.registry import load_registry, methodology_dict
    from warehouse.connection import NoReleaseError, cursor
    from warehouse.read import release_info

    if not from_registry:
        try:
            release_id, cur = cursor(release)
            info = release_info(cur)
            return release_id, int(info["status_year"]), dict(info["methodology"])  # type: ignore[call-overload]
        except NoReleaseError:
            if release:
                raise
            print("note: no published release; showing the registry's methodology", file=sys.stderr)
    return None, None, methodology_dict(load_registry())


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


# --- scorecard ------------------------------------------------------------------------------------------------------


def cmd_scorecard(args: argparse.Namespace) -> int:
    from warehouse.connection import cursor
    from warehouse.read import release_info

    release_id, cur = cursor(args.release)
    countries = cur.execute("SELECT * FROM countries").df()
    country, problem = resolve_country(countries, args.country)
    if country is None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    info = release_info(cur)
    card = scorecard(cur, country, release_id, info)
    emit(json.dumps(card, ensure_ascii=False, indent=1) if args.format == "json" else scorecard_text(card))
    return 0


def resolve_country(countries: pd.DataFrame, text: str) -> tuple[dict[str, Any] | None, str]:
    """The country row for an ISO3 (or ISO2, or exact name); else None and a message with the closest matches."""
    own = countries[~countries["is_aggregate"].fillna(False).astype(bool)]
    wanted = text.strip()
    for column, key in (("iso3", wanted.upper()), ("iso2", wanted.upper()), ("name", wanted.casefold())):
        values = own[column].astype(str).str.casefold() if column == "name" else own[column].astype(str)
        hit = own[values == key]
        if len(hit):
            return hit.iloc[0].to_dict(), ""
    aggregate = countries[countries["iso3"] == wanted.upper()]
    if len(aggregate):
        return None, f"{wanted.upper()} ({aggregate.iloc[0]['name']}) is an aggregate: scorecards are per country"
    names = dict(zip(own["iso3"].astype(str), own["name"].astype(str), strict=True))
    closest = ", ".join(f"{code} ({names[code]})" for code in closest_countries(wanted, names))
    return None, f"unknown country {text!r}; closest: {closest or 'none (give an ISO3 code)'}"


def closest_countries(text: str, names: dict[str, str], n: int = 6) -> list[str]:
    """ISO3 codes nearest to `text`: codes sharing its first letters (for 2-3 letter input), then names."""
    up, folded = text.upper(), text.casefold()

    def code_rank(code: str) -> tuple[int, int, float]:  # letters in place (a swap counts as 2), prefix, ratio
        same = sum(a == b for a, b in zip(code, up, strict=False)) + (2 if sorted(code) == sorted(up) else 0)
        return same, len(os.path.commonprefix([code, up])), difflib.SequenceMatcher(None, code, up).ratio()

    codes = [c for c in sorted(names, key=code_rank, reverse=True)[:3] if code_rank(c)[0] >= 2] if len(up) <= 3 else []
    by_name = {name.casefold(): code for code, name in names.items()}
    codes += [code for name, code in by_name.items() if len(folded) >= 3 and folded in name]
    codes += [by_name[m] for m in difflib.get_close_matches(folded, list(by_name), n=n, cutoff=0.6)]
    return list(dict.fromkeys(codes))[:n]


def scorecard(cur: Any, country: dict[str, Any], release_id: str, info: dict[str, Any]) -> dict[str, Any]:
    """One country's scorecard as JSON-ready data: themes (with their indicators) and principles."""
    iso3, status_year = country["iso3"], int(info["status_year"])
    scores = cur.execute(_SCORES_SQL, {"iso3": iso3}).df()
    scores["context"] = scores["direction"] == "context"
    groups = {"un_region": country.get("un_region"), "income": country.get("income_group")}
    medians = {(i, k): m for i, k, m, _n in cur.execute(_PEERS_SQL, groups).fetchall()}
    derived = _derived_entry_into_force(cur, iso3, status_year, scores)
    themes = cur.execute("SELECT theme_id, title FROM themes").fetchall()
    theme_aggs = _aggregates(cur, "theme_scores", "theme", iso3)
    principle_aggs = _aggregates(cur, "principle_scores", "principle", iso3)
    threshold = float(info["methodology"]["coverage_threshold"])  # type: ignore[index]
    cards = []
    for theme_id, title in themes:
        rows = scores[scores["theme"] == theme_id].sort_values(["context", "indicator_id"])
        indicators = [_indicator(r, medians, r["indicator_id"] in derived) for r in rows.to_dict("records")]
        cards.append({"theme": theme_id, "title": title, **_aggregate(theme_aggs.get(theme_id), threshold),
                      "indicators": indicators})  # fmt: skip
    principles = cur.execute("SELECT principle, title FROM principles ORDER BY principle").fetchall()
    return {
        "release": release_id, "status_year": status_year, "methodology_version": info["methodology_version"],
        "country": {k: _plain(country.get(k)) for k in ("iso3", "name", "un_region", "un_subregion", "income_group")},
        "coverage_threshold": threshold, "themes": cards,
        "principles": [{"principle": int(n), "title": t, **_aggregate(principle_aggs.get(int(n)), threshold)}
                       for n, t in principles],
        "sources": _sources(cur, scores),
    }  # fmt: skip


def _derived_entry_into_force(cur: Any, iso3: str, status_year: int, scores: pd.DataFrame) -> set[str]:
    """Event indicators whose 'in force' comes from the ILO 12-month rule, not from the source's own statement."""
    from indicators.events import derive, list_info, to_records

    ids = list(scores.loc[(scores["type"] == "event") & (scores["value_label"] == "in_force"), "indicator_id"])
    if not ids:
        return set()
    events = cur.execute("SELECT * FROM events WHERE country = ? AND coalesce(partner_country, '') = ''", [iso3]).df()
    lists = cur.execute("SELECT * FROM event_lists").df()
    derived = set()
    for ind_id in ids:
        info = list_info(lists[lists["indicator_id"] == ind_id])
        _, record = derive(to_records(events[events["indicator_id"] == ind_id]), status_year, info.complete, False,
                           info.as_of)  # fmt: skip
        if record is not None and record.derived:
            derived.add(ind_id)
    return derived


def _aggregates(cur: Any, table: str, key: str, iso3: str) -> dict[Any, dict[str, Any]]:
    frame = cur.execute(_AGGREGATES_SQL.format(key=key, table=table), {"iso3": iso3}).df()  # noqa: S608 (ours)
    return {row["key"]: row for row in frame.to_dict("records")}


def _aggregate(row: dict[str, Any] | None, threshold: float) -> dict[str, Any]:
    if row is None:
        return {"score": None, "level": None, "coverage": None, "n_with_data": 0, "n_mapped": 0,
                "text": "no scored indicator mapped"}  # fmt: skip
    out = {k: _plain(row[k]) for k in ("score", "level", "coverage", "n_with_data", "n_mapped")}
    cover = f"coverage {out['coverage']:.0%} ({out['n_with_data']} of {out['n_mapped']})"
    if out["score"] is None:
        out["text"] = f"{cover}: {NO_AGGREGATE.format(threshold)}"
    else:
        out["text"] = f"{out['score']:5.1f}  {_level_text(out['level'])}  ({cover})"
    return out


def _indicator(row: dict[str, Any], medians: dict[tuple[str, str], Any], derived: bool) -> dict[str, Any]:
    from indicators.events import DERIVED_NOTE

    ind = row["indicator_id"]
    out = {k: _plain(row[k]) for k in ("indicator_id", "title", "type", "direction", "unit", "value", "value_label",
                                       "year", "out_of_date", "score", "level", "trend", "changed_year", "source_id",
                                       "flags")}  # fmt: skip
    out["display_value"] = _value_text(row)
    out["level_text"] = _status_text(row)
    out["trend_text"] = _trend_text(row, derived)
    out["peer_medians"] = {kind: _plain(medians.get((ind, kind))) for kind in PEER_KINDS}
    out["note"] = DERIVED_NOTE if derived else None
    return out


def _plain(value: Any) -> Any:
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
        label = _plain(row["category_label"]) or str(_plain(row["value_label"]) or "-").replace("_", " ")
        return label.split(" (")[0] if row["value_label"] == "not_known" else label
    if _plain(row["value_label"]) is not None:
        return str(row["value_label"])
    if _plain(row["value"]) is None:
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
        if applies and _plain(row["level"]) is not None:
            return f"{STATUS_LABELS[key].icon} {STATUS_LABELS[key].label}"
    if _plain(row["level"]) is None and row["out_of_date"]:
        return f"{STATUS_LABELS['out_of_date'].icon} context, out of date"
    return _level_text(_plain(row["level"]))


def _trend_text(row: dict[str, Any], derived: bool) -> str:
    from indicators.trend import TREND_ICONS, TREND_LABELS

    if _plain(row["changed_year"]) is not None:
        return f"changed in {int(row['changed_year'])}" + (" (derived †)" if derived else "")
    if row["type"] != "continuous" or row["direction"] == "context" or _plain(row["value"]) is None:
        return "-"
    return f"{TREND_ICONS[row['trend']]} {TREND_LABELS[row['trend']]}"


def _sources(cur: Any, scores: pd.DataFrame) -> dict[str, str]:
    ids = sorted({s for cell in scores["source_id"].dropna() for s in str(cell).split(";") if s})
    rows = cur.execute("SELECT source_id, title, publisher FROM sources").fetchall()
    return {sid: f"{title} ({publisher})" for sid, title, publisher in rows if sid in ids}


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
