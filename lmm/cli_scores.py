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
from lmm.scorecard_format import scorecard_text

if TYPE_CHECKING:
    import pandas as pd


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
    from warehouse.scorecard import NoScorecard, read_scorecard
    from warehouse.scorecard_words import with_words

    release_id, cur = cursor(args.release)
    countries = cur.execute("SELECT * FROM countries").df()
    country, problem = resolve_country(countries, args.country)
    if country is None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        card = with_words(read_scorecard(cur, country["iso3"], release_id))
    except NoScorecard as error:
        print(f"error: {error.reason}", file=sys.stderr)
        return 2
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
