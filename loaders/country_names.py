"""country-codes, the World Bank's economy list, Unicode CLDR (through Babel) and a short hand-kept alias list in;
one row per name a person may type for a country out (iso3, name, kind, source_id), for the country search.

Kinds, best first when two names match a query equally well: `name` (the release's own name), `common` (CLDR's
name in English, Spanish or French), `official` (the UN/ISO official and UNTERM short and formal names in those
languages), `local` (CLDR's name in the country's own official languages: Deutschland, Türkiye, Nederland),
`world_bank` (the World Bank's spelling: "Korea, Rep."), `alias` (the hand-kept list below: common English, Spanish
and French names and former names no source carries).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.reference import CODES_FILE, SOURCE_ID, _read_codes
from loaders.wb_class import FY2026, current_classes

KINDS = ("name", "common", "official", "local", "world_bank", "alias")
LANGUAGES = ("en", "es", "fr")  # the dashboard's languages
CLDR_SOURCE = "cldr"  # Unicode CLDR 47 as bundled by Babel 2.18.0 (pyproject.toml), Unicode licence
ALIAS_SOURCE = "lmm_aliases"
OFFICIAL_COLUMNS = [
    "official_name_en", "official_name_es", "official_name_fr",
    "UNTERM English Short", "UNTERM English Formal", "UNTERM Spanish Short", "UNTERM Spanish Formal",
    "UNTERM French Short", "UNTERM French Formal",
]  # fmt: skip

# Names people use that none of the sources above carries: CLDR keeps them only as "alt" variants, which Babel
# drops ("Turkey", "Czech Republic"), or they are colloquial ("Holland") or former ("Swaziland",
# "Burma"). This is metadata for finding a country, not data: it never names a figure. Keep it short and add a
# name only when a reader would type it and no source above has it.
ALIASES: dict[str, tuple[str, ...]] = {
    "CIV": ("Costa de Marfil",),
    "TUR": ("Turkey",),
    "NLD": ("Holland", "Holanda", "Hollande"),
    "MMR": ("Burma", "Birmania", "Birmanie"),
    "CZE": ("Czech Republic", "República Checa", "République tchèque"),
    "SWZ": ("Swaziland", "Suazilandia"),
    "MKD": ("Macedonia", "Macédoine"),
    "TLS": ("East Timor", "Timor Oriental"),
    "COD": ("DR Congo", "DRC", "Zaire"),
    "GBR": ("UK", "Britain", "Great Britain", "England"),
    "USA": ("USA", "US", "America"),
    "ARE": ("UAE", "Emirates", "EAU"),
    "IRN": ("Persia",),
    "VAT": ("Vatican",),
    "LKA": ("Ceylon",),
    "BFA": ("Upper Volta",),
    "BEN": ("Dahomey",),
    "KHM": ("Kampuchea",),
    "ZWE": ("Rhodesia",),
    "THA": ("Siam",),
}


def country_names(raw_dir: Path, countries: pd.DataFrame) -> pd.DataFrame:
    """Every name of every country (no aggregates) from the sources above, one row per (iso3, name)."""
    kept = countries[~countries["is_aggregate"].astype(bool)]
    codes = _read_codes(raw_dir)
    frames = [
        _rows(zip(kept["iso3"], kept["name"], strict=True), "name", SOURCE_ID),
        _cldr_rows(kept),
        _official_rows(codes),
        _world_bank_rows(raw_dir),
        _rows(((iso3, name) for iso3, names in ALIASES.items() for name in names), "alias", ALIAS_SOURCE),
    ]
    names = pd.concat(frames, ignore_index=True)
    names = names[names["iso3"].isin(set(kept["iso3"])) & names["name"].str.strip().ne("")]
    names = names.assign(order=names["kind"].map(KINDS.index)).sort_values(["iso3", "order"], kind="stable")
    return names.drop_duplicates(["iso3", "name"]).drop(columns="order").reset_index(drop=True)


def _rows(pairs, kind: str, source_id: str) -> pd.DataFrame:
    frame = pd.DataFrame(list(pairs), columns=["iso3", "name"])
    return frame.assign(kind=kind, source_id=source_id)


def _cldr_rows(countries: pd.DataFrame) -> pd.DataFrame:
    """CLDR's names in en/es/fr (`common`) and in each country's official languages (`local`)."""
    from babel import Locale, UnknownLocaleError
    from babel.languages import get_official_languages

    by_iso2 = {iso2: iso3 for iso3, iso2 in zip(countries["iso3"], countries["iso2"], strict=True) if iso2}
    common = [(by_iso2[c], n) for lang in LANGUAGES for c, n in Locale.parse(lang).territories.items() if c in by_iso2]
    local = []
    for iso2, iso3 in by_iso2.items():
        for lang in get_official_languages(iso2):
            try:
                name = Locale.parse(lang).territories.get(iso2)
            except (UnknownLocaleError, ValueError):
                continue
            if name:
                local.append((iso3, name))
    return pd.concat([_rows(common, "common", CLDR_SOURCE), _rows(local, "local", CLDR_SOURCE)], ignore_index=True)


def _official_rows(codes: pd.DataFrame) -> pd.DataFrame:
    pairs = [
        (iso3, name)
        for column in OFFICIAL_COLUMNS
        for iso3, name in zip(codes["ISO3166-1-Alpha-3"], codes[column], strict=True)
    ]
    return _rows(((iso3, str(name).strip()) for iso3, name in pairs if name), "official", SOURCE_ID)


def _world_bank_rows(raw_dir: Path) -> pd.DataFrame:
    classes = current_classes(raw_dir)
    pairs = zip(classes["iso3"], classes["wb_name"], strict=True)
    return _rows(((iso3, str(name).strip()) for iso3, name in pairs if isinstance(name, str)), "world_bank",
                 FY2026.source_id)  # fmt: skip


__all__ = ["ALIASES", "CODES_FILE", "KINDS", "country_names"]
