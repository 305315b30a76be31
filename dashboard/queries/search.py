"""The country search's data for the pages (warehouse/country_search.py): ranked hits for a typed text, the names
each country can be found by, and the countries a pasted list names. Codes and names only, no words."""

from __future__ import annotations

from collections import defaultdict

from dashboard.queries.kept import per_release
from warehouse.connection import cursor
from warehouse.country_search import Hit, release_names, resolve_list, search

MAX_OPTIONS = 12  # options shown for a typed text


def country_hits(text: str, release: str | None = None, limit: int = MAX_OPTIONS) -> list[Hit]:
    """The countries `text` names, best first."""
    release_id, _ = cursor(release)
    return search(release_names(release_id), text, limit)


def pasted_countries(text: str, release: str | None = None) -> tuple[list[str], list[str]]:
    """(ISO3 codes of the countries a pasted list names, in its order; the pieces that name none)."""
    release_id, _ = cursor(release)
    return resolve_list(release_names(release_id), text)


@per_release
def search_texts(release: str | None = None) -> dict[str, str]:
    """iso3 -> every name and code the country is found by, normalised and joined (what a dropdown filters on)."""
    names = release_names(str(release))
    texts: dict[str, set[str]] = defaultdict(set)
    for normal, _, iso3, _, _ in names.rows:
        texts[iso3].add(normal)
    for code, iso3 in names.codes.items():
        texts[iso3].add(code.lower())
    return {iso3: " ".join(sorted(words)) for iso3, words in texts.items()}
