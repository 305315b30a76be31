"""Find countries by the names people use: every name of the release's `country_names` table (common, official,
local, World Bank and a few hand-kept aliases: loaders/country_names.py) and the ISO2/ISO3 codes, accents, case and
punctuation ignored, best match first. One rule for the API (`GET /api/v1/countries?q=`), the pages' country
searches and the compare picker's pasted lists.

Ranking: a code typed whole ("IN", "IND"), then a whole name ("India"), then a name that starts with the text
("Cote" -> Côte d'Ivoire), then a name with a word that starts with it ("Korea" -> South Korea), then a name that
holds it anywhere. Within a rank the release's own name beats a common name, which beats an official, local, World
Bank name or alias; then the shorter name. So "India" is India, never the British Indian Ocean Territory.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import duckdb

from warehouse.memo import memo

MATCHES = ("code", "exact", "prefix", "word", "contains")
KINDS = ("name", "common", "official", "local", "world_bank", "alias")
LIST_SEPARATORS = re.compile(r"[,;\n\t|]+")


@dataclass(frozen=True)
class Hit:
    iso3: str
    name: str  # the release's name of the country
    matched: str  # the name (or code) the text matched
    kind: str  # which kind of name: KINDS, or "iso2"/"iso3"
    match: str  # how well: MATCHES
    source_id: str | None


@dataclass(frozen=True)
class Names:
    """A release's searchable names: (normalised, original, iso3, kind, source_id) rows and the release names."""

    rows: tuple[tuple[str, str, str, str, str | None], ...]
    names: dict[str, str]  # iso3 -> the release's name
    codes: dict[str, str]  # "IN"/"IND" -> iso3


def normalise(text: object) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces: "Côte d’Ivoire" -> "cote d ivoire"."""
    folded = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


@memo(8)
def release_names(release_id: str) -> Names:
    """The release's names, read once per release and process."""
    from warehouse.connection import cursor

    return read_names(cursor(release_id)[1])


def read_names(cur: duckdb.DuckDBPyConnection) -> Names:
    """The names of the release `cur` reads (a release built before `country_names` existed: its own names)."""
    countries = cur.execute("SELECT iso3, iso2, name FROM countries WHERE NOT is_aggregate ORDER BY iso3").fetchall()
    tables = {r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    extra = []
    if "country_names" in tables:
        extra = cur.execute("SELECT iso3, name, kind, source_id FROM country_names ORDER BY iso3, name").fetchall()
    rows = [(iso3, name, "name", None) for iso3, _, name in countries] + [tuple(r) for r in extra]
    known = {iso3 for iso3, _, _ in countries}
    kept = tuple((normalise(name), str(name), iso3, kind, source) for iso3, name, kind, source in rows if iso3 in known)
    codes = {code: iso3 for iso3, iso2, _ in countries for code in (iso3, iso2) if code}
    return Names(kept, {iso3: name for iso3, _, name in countries}, codes)


def search(names: Names, text: str, limit: int | None = 10) -> list[Hit]:
    """The countries `text` names, best first (one hit per country, its best-matching name)."""
    query = normalise(text)
    if not query:
        return []
    best: dict[str, tuple[tuple[int, int, int, str], Hit]] = {}
    code = str(text).strip().upper()
    if code in names.codes:
        iso3 = names.codes[code]
        hit = Hit(iso3, names.names[iso3], code, "iso3" if len(code) == 3 else "iso2", "code", None)
        best[iso3] = ((0, 0, 0, ""), hit)
    for normal, original, iso3, kind, source in names.rows:
        match = _match(normal, query)
        if match is None:
            continue
        rank = (MATCHES.index(match), KINDS.index(kind) if kind in KINDS else len(KINDS), len(normal), normal)
        if iso3 not in best or rank < best[iso3][0]:
            best[iso3] = (rank, Hit(iso3, names.names[iso3], original, kind, match, source))
    ordered = [hit for _, hit in sorted(best.values(), key=lambda pair: pair[0])]
    return ordered if limit is None else ordered[:limit]


def _match(name: str, query: str) -> str | None:
    if name == query:
        return "exact"
    if name.startswith(query):
        return "prefix"
    if f" {query}" in f" {name}":
        return "word"
    if query in name:
        return "contains"
    return None


def resolve_list(names: Names, text: str) -> tuple[list[str], list[str]]:
    """A pasted list of codes or names ("IND, Nepal; Cote d'Ivoire", one per line...) -> (the countries found, in
    the order given and without repeats; the pieces that name none). A piece counts only when it is a code, a whole
    name, or the start of exactly one country's names."""
    found: list[str] = []
    unknown: list[str] = []
    for piece in (p.strip() for p in LIST_SEPARATORS.split(text or "")):
        if not piece:
            continue
        hits = search(names, piece, limit=2)
        sure = hits and (hits[0].match in ("code", "exact") or (hits[0].match == "prefix" and len(hits) == 1))
        if sure and hits[0].iso3 not in found:
            found.append(hits[0].iso3)
        elif not sure:
            unknown.append(piece)
    return found, unknown
