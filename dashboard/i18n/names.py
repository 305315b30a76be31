"""Country names in the reader's language: CLDR's names (Babel) by the release's ISO2 codes, and the registry's
translations (indicators/i18n) of the areas it cannot name (no ISO2 code); English (the release's own names) for
English readers and for aggregates."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from dashboard.i18n import DEFAULT, current_lang


@lru_cache(maxsize=8)
def _iso2(release_id: str) -> dict[str, str]:
    from warehouse.connection import cursor

    _, cur = cursor(release_id)
    rows = cur.execute("SELECT iso3, iso2 FROM countries WHERE NOT is_aggregate AND iso2 IS NOT NULL").fetchall()
    return {iso3: iso2 for iso3, iso2 in rows if iso2}


@lru_cache(maxsize=4)
def _territories(lang: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(lang).territories)


def names(release: str | None = None) -> dict[str, str]:
    """iso3 -> name in the reader's language for every country of the release CLDR names ({} for English)."""
    lang = current_lang()
    if lang == DEFAULT:
        return {}
    from warehouse.connection import NoReleaseError, cursor

    try:
        release_id, _ = cursor(release)
    except NoReleaseError:
        return {}
    territories = _territories(lang)
    found = {iso3: territories[iso2] for iso3, iso2 in _iso2(release_id).items() if iso2 in territories}
    return _uncovered(lang) | found


@lru_cache(maxsize=4)
def _uncovered(lang: str) -> dict[str, str]:
    """The areas CLDR cannot name (no ISO2 code: historical areas, the Channel Islands, Kosovo), named in the
    registry's translations (indicators/i18n)."""
    from indicators import i18n

    return {str(k): str(v) for k, v in i18n.texts(lang).get("areas_without_cldr_name", {}).items()}


def country_name(iso3: str, english: str, release: str | None = None) -> str:
    return names(release).get(iso3, english) if current_lang() != DEFAULT else english


def localise(frame: pd.DataFrame, code: str = "iso3", name: str = "name", release: str | None = None) -> pd.DataFrame:
    """The frame with its country names in the reader's language (unchanged in English)."""
    local = names(release)
    if not local or frame.empty or code not in frame.columns or name not in frame.columns:
        return frame
    return frame.assign(**{name: [local.get(c, n) for c, n in zip(frame[code], frame[name], strict=True)]})


def sort_key(name: object) -> str:
    """Alphabetical order for people: accents and case do not move a name (Émirats next to Egypte)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(name))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def localise_sorted(frame: pd.DataFrame, code: str = "iso3", name: str = "name") -> pd.DataFrame:
    """`localise`, then rows in the alphabetical order of the names shown (unchanged in English)."""
    local = localise(frame, code, name)
    if local is frame:
        return frame
    return local.iloc[sorted(range(len(local)), key=lambda i: sort_key(local[name].iloc[i]))]
