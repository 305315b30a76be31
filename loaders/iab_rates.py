"""IAB brain-drain emigration rates (iabbd_8010_v1_emigration.dta) in; emigration rates by education and sex out.

A Stata file (format 113, stamped 7 Nov 2013) of 4,116 observations: origin (name), ccode_origin, gender
("Male and Female" / "Male" / "Female"), year (1980-2010, five-year steps) and four rates stored as FRACTIONS:
tot_rate, low_rate, med_rate, high_rate (tertiary). Emits `emigration_rate_total`, `_low`, `_medium` and
`_tertiary` in percent (the fraction x 100, from the float32's shortest decimal so 0.1168 becomes 11.68), with
country = ORIGIN and sex = total / male / female. The rate counts emigrants aged 25+ in the 20 IAB OECD
destinations only (no Gulf destinations); the file itself does not define the denominator.

- Origins are mapped by NAME: ccode_origin is not reliable (Guinea is coded GNB and Guinea-Bissau GIN, and some
  codes are not ISO: ZAR, ROM, SIN, TMP, UAE, WBG, ADO, NAU). Where the file's code differs from the name's ISO3,
  the value carries the flag `file_code=<code as published>`.
- Former states (Serbia and Montenegro, Yugoslavia, the USSR, Czechoslovakia, the GDR) are never merged into a
  successor: they map to their former ISO alpha-3 codes (SCG, YUG, SUN, CSK, DDR), which resolve once the country
  table holds those historical areas; until then they are reported (reason not_a_country) and not loaded.
- "World" (WLD) goes to aggregate_observations and is reported as an aggregate; no value is missing in the file
  (a missing rate would be skipped, never zero); a rate outside 0-1 stops the loader (a file already in percent).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from loaders.base import NO_PARTNER, LoaderError, LoadResult, ObservationModel, is_missing, normalise_name, sha256_of
from loaders.iab import ALIASES as IAB_ALIASES
from loaders.reference import CountryIndex

SOURCE_ID = "iab_emigration_rates"
FILE = "iab-emigration-rates/iabbd_8010_v1_emigration.dta"
RELEASE = "2013-11-07"  # the Stata file's own time stamp ("7 Nov 2013 17:50"); Bruecker, Capuano & Marfouk (2013)
YEARS = frozenset(range(1980, 2011, 5))
GENDERS = {"Male and Female": "total", "Male": "male", "Female": "female"}
# column -> (indicator, the variable label the file stores for it)
RATES = {
    "tot_rate": ("emigration_rate_total", "Total emigration rates from origin, all educational levels"),
    "low_rate": ("emigration_rate_low", "Low-skill emigration rates from origin"),
    "med_rate": ("emigration_rate_medium", "Medium-skill emigration rates from origin"),
    "high_rate": ("emigration_rate_tertiary", "High-skill emigration rates from origin"),
}
COLUMNS = ["origin", "ccode_origin", "gender", "year", *RATES]
# Spellings the crosswalk lacks, beyond those of the IAB gender file (loaders/iab.py).
ALIASES = {
    **IAB_ALIASES, "Micronesia, Federated States of": "FSM", "Laos": "LAO", "Timor Leste": "TLS", "Taiwan": "TWN",
    "Serbia and Montenegro": "SCG", "Yugoslavia": "YUG", "USSR": "SUN", "Soviet Union": "SUN",
    "Czechoslovakia": "CSK", "German Democratic Republic": "DDR", "GDR": "DDR", "East Germany": "DDR",
}  # fmt: skip
HISTORICAL = frozenset({"SCG", "YUG", "SUN", "CSK", "DDR"})
_ALIASES = {normalise_name(name): code for name, code in ALIASES.items()}  # the shared index stays as built
AGGREGATES = {"World": "WLD"}


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The Stata file in; emigration rates (percent) per origin, sex and year, and every origin kept apart, out."""
    path = raw_dir / FILE
    frame = read(path)
    places = {name: resolve(name, countries) for name in frame["origin"].unique()}
    rows = parse(frame, path, {name: code for name, (code, _) in places.items() if code})
    apart = rows["country"].isin([code for code, reason in places.values() if reason == "aggregate"])
    unmatched = [{"source_id": SOURCE_ID, "file": FILE, "key": k, "reason": r} for k, (c, r) in places.items() if r]
    return LoadResult(
        source_id=SOURCE_ID,
        files={FILE: sha256_of(path)},
        release_date=RELEASE,
        observations=rows[~apart].reset_index(drop=True),
        aggregate_observations=rows[apart].reset_index(drop=True),
        unmatched=pd.DataFrame(unmatched, columns=["source_id", "file", "key", "reason"]),
    ).validated()


def read(path: Path) -> pd.DataFrame:
    """The Stata file with its columns and variable labels checked; `obs` is the 1-based observation number."""
    with pd.io.stata.StataReader(path) as reader:
        frame = reader.read(convert_categoricals=False)
        labels = reader.variable_labels()
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise LoaderError(path, f"the variables {COLUMNS}, found {list(frame.columns)} (missing {missing})", row=1)
    for column, (_, label) in RATES.items():
        if labels.get(column) != label:
            raise LoaderError(path, f"variable label {label!r}, found {labels.get(column)!r}", row=1, column=column)
    frame = frame[COLUMNS].copy()
    frame.insert(0, "obs", range(1, len(frame) + 1))
    return frame


def resolve(name: str, countries: CountryIndex) -> tuple[str | None, str]:
    """An origin name -> (code, '') or (None/code, reason): aggregate, not_a_country (former state) or unmatched."""
    if name in AGGREGATES:
        return (AGGREGATES[name] if AGGREGATES[name] in countries.iso3 else None), "aggregate"
    code = _ALIASES.get(normalise_name(name)) or countries.from_name(name)
    if code is not None and countries.is_country(code):
        return code, ""
    return None, "not_a_country" if code in HISTORICAL else "unmatched"


def parse(frame: pd.DataFrame, path: Path, codes: dict[str, str]) -> pd.DataFrame:
    """Rows whose origin resolved (incl. the World aggregate) into tidy records; bad cells stop with their row."""
    _check_cells(frame, path)
    known = frame[frame["origin"].isin(list(codes))]
    records = [
        _record(indicator, codes[row.origin], row, getattr(row, column))
        for row in known.itertuples(index=False)
        for column, (indicator, _) in RATES.items()
        if not is_missing(getattr(row, column))
    ]
    return pd.DataFrame(records, columns=list(ObservationModel.to_schema().columns))


def _check_cells(frame: pd.DataFrame, path: Path) -> None:
    checks = [
        ("gender", ~frame["gender"].isin(list(GENDERS)), f"one of {list(GENDERS)}"),
        ("year", ~frame["year"].isin(list(YEARS)), f"a year in {sorted(YEARS)}"),
        ("origin", frame["origin"].map(is_missing), "an origin name"),
        *((c, ~frame[c].between(0, 1) & frame[c].notna(), "a rate as a fraction 0-1") for c in RATES),
    ]
    for column, bad, expected in checks:
        if bad.any():
            first = frame[bad].iloc[0]
            found = first[column].item() if hasattr(first[column], "item") else first[column]  # numpy -> Python
            raise LoaderError(path, f"{expected}, found {found!r}", row=int(first["obs"]), column=column)


def _record(indicator: str, code: str, row: Any, rate: float) -> dict[str, object]:
    published = str(row.ccode_origin).strip()
    return {
        "indicator_id": indicator, "country": code, "year": int(row.year),
        "sex": GENDERS[row.gender], "partner_country": NO_PARTNER, "value": percent(rate),
        "value_label": None, "unit": "%", "source_id": SOURCE_ID,
        "flags": "" if published == code else f"file_code={published}",
    }  # fmt: skip


def percent(fraction: float) -> float:
    """A float32 fraction as the percent it stands for: its shortest decimal x 100 (0.1168 -> 11.68)."""
    return float(Decimal(str(np.float32(fraction))) * 100)
