"""GLOBALCIT v3.1 country-year CSV in; dual-citizenship observations (3 indicators) and derived reform events out.

Codes come from the publisher's replication material: `dualcit_comb` as described in SOURCE.txt, `L05_cat` from
readme_original.txt (category collapse 0 / 1+2 / 3+6 / 4+5). The readme does not list the `A06b_cat` codes; they
are taken from the GLOBALCIT authors' own recoding scripts (Vink, van der Baaren, Reichel, dual-citizenship panel):
0 no (generalised) requirement, 1 requirement that is not effective (major exceptions), 2 requirement with
exceptions, 3 requirement, 9 no residence-based naturalisation.

The author's derived table L05_categories_council_of_europe_2026.csv is not loaded: it covers 46 Council of Europe
states for 2024 with two manual post-2024 overrides (DEU, UKR), i.e. it is not GLOBALCIT data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.base import NO_PARTNER, LoaderError, LoadResult, is_missing, require_columns, sha256_of
from loaders.reference import CountryIndex

SOURCE_ID = "globalcit"
DATA_FILE = "globalcit/data_v3.1_country-year.csv"
RELEASE_DATE = "v3.1 (2025)"
FLAGS = "dataset=v3.1"

DUALCIT = {
    "0": "no dual citizenship acceptance",
    "1": "emigrants only",
    "2": "immigrants only",
    "3": "full acceptance",
}
# Loss of citizenship on voluntary acquisition of a foreign one (mode L05), in GLOBALCIT's categories: 3/6 only hit
# naturalised citizens, so citizens by birth keep theirs (dualcit_comb counts them as accepting for emigrants).
L05 = {
    "0": "kept (0: no provision)",
    "1": "lost (1: generally applicable provision, lapse)",
    "2": "lost except where the law names exceptions (2: generally applicable provision with exceptions, lapse)",
    "3": "kept by citizens by birth, lost by naturalised citizens (3: provision only applies to naturalised "
    "citizens, lapse)",
    "4": "lost (4: generally applicable provision, withdrawal)",
    "5": "lost except where the law names exceptions (5: generally applicable provision with exceptions, withdrawal)",
    "6": "kept by citizens by birth, may be withdrawn from naturalised citizens (6: provision only applies to "
    "naturalised citizens, withdrawal)",
}
A06B = {
    "0": "not required (0: no renunciation requirement)",
    "1": "required in law but not effective (1: major exceptions)",
    "2": "required with exceptions (2: renunciation requirement with exceptions)",
    "3": "required (3: renunciation requirement)",
    "9": "Not applicable: no residence-based naturalisation",  # the registry label: scored as no_data
}
NOT_A_VALUE = {"9"}  # a category without a place on the 0-3 scale: value stays null, the label says why

# indicator_id -> (category column, binary column published next to it or None, code labels)
INDICATORS = {
    "dual_citizenship_acceptance": ("dualcit_comb", None, DUALCIT),
    "dual_citizenship_emigrants": ("L05_cat", "L05_bin", L05),
    "naturalisation_renunciation": ("A06b_cat", "A06b_bin", A06B),
}
UNITS = {
    "dual_citizenship_acceptance": "category 0-3",
    "dual_citizenship_emigrants": "category 0-6",
    "naturalisation_renunciation": "category 0-3",
}


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The country-year file in; observations, reform events and unmatched codes out."""
    path = raw_dir / DATA_FILE
    frame = _read(path)
    known = frame.iso3.map(countries.is_country)
    result = LoadResult(source_id=SOURCE_ID, files={DATA_FILE: sha256_of(path)}, release_date=RELEASE_DATE)
    result.unmatched = _unmatched(frame[~known].iso3, countries)
    countries_only = frame[known]
    result.observations = pd.concat([_observations(countries_only, ind, path) for ind in INDICATORS], ignore_index=True)
    result.events = _reform_events(countries_only)
    return result.validated()


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    columns = ["iso3", "year"] + [c for col, binary, _ in INDICATORS.values() for c in (col, binary) if c]
    require_columns(frame, columns, path, row=1)
    years = pd.to_numeric(frame.year, errors="coerce")
    if years.isna().any():
        bad = int(years.isna().idxmax())
        raise LoaderError(path, f"a four-digit year, found {frame.year[bad]!r}", row=bad + 2, column="year")
    frame["year"] = years.astype(int)
    frame["line"] = frame.index + 2  # 1-based CSV line, header is line 1
    return frame


def _unmatched(codes: pd.Series, countries: CountryIndex) -> pd.DataFrame:
    """Former states (CSK, DDR, SCG, SUN, YUG) and any other code the country table lacks."""
    keys = sorted(set(codes))
    reasons = ["aggregate" if k in countries.iso3 else "unmatched" for k in keys]
    return pd.DataFrame({"source_id": SOURCE_ID, "file": DATA_FILE, "key": keys, "reason": reasons})


def _observations(frame: pd.DataFrame, indicator: str, path: Path) -> pd.DataFrame:
    column, binary, labels = INDICATORS[indicator]
    rows = frame[~frame[column].map(is_missing)]
    unknown = rows[~rows[column].isin(labels)]
    if len(unknown):
        first = unknown.iloc[0]
        raise LoaderError(path, f"a code in {sorted(labels)}, found {first[column]!r}", row=first.line, column=column)
    codes = rows[column]
    values = codes.where(~codes.isin(NOT_A_VALUE)).astype(float)
    flags = FLAGS if binary is None else rows[binary].map(lambda b: FLAGS if is_missing(b) else f"{FLAGS};{binary}={b}")
    return pd.DataFrame({
        "indicator_id": indicator, "country": rows.iso3, "year": rows.year, "sex": "total",
        "partner_country": NO_PARTNER, "value": values, "value_label": codes.map(labels),
        "unit": UNITS[indicator], "source_id": SOURCE_ID, "flags": flags,
    })  # fmt: skip


def _reform_events(frame: pd.DataFrame) -> pd.DataFrame:
    """A change of dualcit_comb from the previous coded year is a reform (GLOBALCIT codes the law of 1 January)."""
    coded = frame[~frame.dualcit_comb.map(is_missing)].sort_values(["iso3", "year"])
    previous = coded.groupby("iso3").dualcit_comb.shift()
    changes = coded[previous.notna() & (previous != coded.dualcit_comb)]
    before = previous[changes.index].map(DUALCIT)
    notes = "from " + before + " to " + changes.dualcit_comb.map(DUALCIT)
    return pd.DataFrame({
        "indicator_id": "dual_citizenship_acceptance", "country": changes.iso3, "partner_country": NO_PARTNER,
        "event_date": None, "year": changes.year.astype("Int64"), "status": "reform", "note": notes,
        "source_id": SOURCE_ID,
    }).reset_index(drop=True)  # fmt: skip
