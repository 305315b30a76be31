"""`lmm methodology` and `lmm scorecard`: a release's methodology export and one country's scorecard, as JSON or text.

Both read the published release (never the registry files, unless `lmm methodology --registry`): the scores and the
methodology recorded with them, so what is printed is what the release holds. This module registers the commands
and runs the queries; the words and layout are lmm/scorecard_format.py's and lmm/methodology_text.py's.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from lmm.methodology_text import methodology_text
from lmm.scorecard_format import aggregate_entry, indicator_entry, plain, scorecard_text

if TYPE_CHECKING:
    import pandas as pd


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
    from indicators.registry import load_registry
    from indicators.registry_export import methodology_dict
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
        indicators = [indicator_entry(r, medians, r["indicator_id"] in derived) for r in rows.to_dict("records")]
        cards.append({"theme": theme_id, "title": title, **aggregate_entry(theme_aggs.get(theme_id), threshold),
                      "indicators": indicators})  # fmt: skip
    principles = cur.execute("SELECT principle, title FROM principles ORDER BY principle").fetchall()
    return {
        "release": release_id, "status_year": status_year, "methodology_version": info["methodology_version"],
        "country": {k: plain(country.get(k)) for k in ("iso3", "name", "un_region", "un_subregion", "income_group")},
        "coverage_threshold": threshold, "themes": cards,
        "principles": [{"principle": int(n), "title": t, **aggregate_entry(principle_aggs.get(int(n)), threshold)}
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


def _sources(cur: Any, scores: pd.DataFrame) -> dict[str, str]:
    ids = sorted({s for cell in scores["source_id"].dropna() for s in str(cell).split(";") if s})
    rows = cur.execute("SELECT source_id, title, publisher FROM sources").fetchall()
    return {sid: f"{title} ({publisher})" for sid, title, publisher in rows if sid in ids}
