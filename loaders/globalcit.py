"""GLOBALCIT v3.1 country-year CSV in; dual-citizenship observations (3 indicators) and derived reform events out.

Codes come from the publisher's replication material: `dualcit_comb` as described in SOURCE.txt, `L05_cat` from
readme_original.txt (category collapse 0 / 1+2 / 3+6 / 4+5). The readme does not list the `A06b_cat` codes; they
are taken from the GLOBALCIT authors' own recoding scripts (Vink, van der Baaren, Reichel, dual-citizenship panel):
0 no (generalised) requirement, 1 requirement that is not effective (major exceptions), 2 requirement with
exceptions, 3 requirement, 9 no residence-based naturalisation.

GLOBALCIT codes the law of 1 January, so a reform later in the year or after the last coded year is not in the file.
The dataset's author records two in his 2026 replication package (readme_original.txt: "manual overrides ...
reflecting reforms in force on the snapshot date", and the table L05_categories_council_of_europe_2026.csv): Germany
(in force 27 June 2024) and Ukraine (16 January 2026). The table is not GLOBALCIT data and gives no combined code, so
no value is taken from it: the last GLOBALCIT values coded before such a reform carry `later_change=<date>` and the
reform is an event with its date. From the reform's year on, those values are out of date (indicators/release.py),
never a current statement. Each reform named in the readme must show in the table as an L05 category different from
GLOBALCIT's last coded year, and every such difference must be named in the readme: otherwise the loader stops.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from loaders.base import NO_PARTNER, LoaderError, LoadResult, is_missing, require_columns, sha256_of
from loaders.reference import CountryIndex

SOURCE_ID = "globalcit"
DATA_FILE = "globalcit/data_v3.1_country-year.csv"
AUTHOR_TABLE = "globalcit/L05_categories_council_of_europe_2026.csv"
AUTHOR_README = "globalcit/readme_original.txt"
LATER_CHANGE = "later_change"  # indicators.quality reads it
# "- Germany: <law>, in force 27 June 2024 — L05 moves from category 1 (...) to category 0 (...)." (whitespace folded)
OVERRIDE = re.compile(r"- (?P<country>[A-Z][A-Za-z ]+): (?P<law>[^—]+?),? in force (?P<date>\d{1,2} [A-Z][a-z]+ \d{4})")
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
    files = {name: sha256_of(raw_dir / name) for name in (DATA_FILE, AUTHOR_TABLE, AUTHOR_README)}
    result = LoadResult(source_id=SOURCE_ID, files=files, release_date=RELEASE_DATE)
    result.unmatched = _unmatched(frame[~known].iso3, countries)
    countries_only = frame[known]
    later = later_reforms(raw_dir, countries_only)
    observations = pd.concat([_observations(countries_only, ind, path) for ind in INDICATORS], ignore_index=True)
    result.observations = _mark_later_changes(observations, later)
    result.events = pd.concat([_reform_events(countries_only), _later_reform_events(later)], ignore_index=True)
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
    notes = [reform_note(b, a) for b, a in zip(previous[changes.index], changes.dualcit_comb, strict=True)]
    return pd.DataFrame({
        "indicator_id": "dual_citizenship_acceptance", "country": changes.iso3, "partner_country": NO_PARTNER,
        "event_date": None, "year": changes.year.astype("Int64"), "status": "reform", "note": notes,
        "source_id": SOURCE_ID,
    }).reset_index(drop=True)  # fmt: skip


def reform_note(before: str, after: str) -> str:
    """A change of dualcit_comb in words: reform_note("2", "3") -> "from immigrants only to full acceptance"."""
    return f"from {DUALCIT[before]} to {DUALCIT[after]}"


def later_reform_note(law: str, date: str, before: str, after: str) -> str:
    """A reform the author records after the last coded year, its L05 categories (codes) before and after."""
    return (f"{law}, in force {date}: loss on acquiring another citizenship (L05) from {L05.get(before, before)} "
            f"to {L05.get(after, after)} "
            f"(recorded by the dataset's author, {AUTHOR_TABLE.split('/')[-1]}; not yet coded by GLOBALCIT)")  # fmt: skip


_LATER_NOTE = re.compile(r"(?P<law>.+), in force (?P<date>\d{4}-\d{2}-\d{2}): loss on acquiring another citizenship")


def read_reform_note(note: str) -> dict[str, str] | None:
    """The parts of a note this loader wrote (the notes are data in English; a page in another language says the
    same from these parts): {"before", "after"} codes, with "law" and "date" for a later reform; None for any other
    note (a steward's, say)."""
    for before, after in itertools.permutations(DUALCIT, 2):
        if note == reform_note(before, after):
            return {"before": before, "after": after}
    found = _LATER_NOTE.match(note)
    if found is None:
        return None
    law, date = found["law"], found["date"]
    for before, after in itertools.permutations(L05, 2):
        if note == later_reform_note(law, date, before, after):
            return {"before": before, "after": after, "law": law, "date": date}
    return None


def later_reforms(raw_dir: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """The reforms the author's 2026 package records after GLOBALCIT's last coded year: iso3, date, law, year (the
    last coded year it supersedes), before and after (L05 codes)."""
    readme = " ".join((raw_dir / AUTHOR_README).read_text(encoding="utf-8").split())
    table = pd.read_csv(raw_dir / AUTHOR_TABLE, dtype=str, keep_default_na=False)
    require_columns(table, ["iso3", "country", "l05_cat"], raw_dir / AUTHOR_TABLE, row=1)
    last = frame[~frame.L05_cat.map(is_missing)].sort_values("year").drop_duplicates("iso3", keep="last")
    coded = table.merge(last[["iso3", "year", "L05_cat"]], on="iso3", how="left")
    differ = coded[coded.L05_cat.notna() & (coded.l05_cat != coded.L05_cat)]
    named = {m["country"].strip(): m for m in OVERRIDE.finditer(readme)}
    by_name = dict(zip(differ.country, differ.index, strict=True))
    if set(named) != set(by_name):
        raise LoaderError(raw_dir / AUTHOR_README, f"a dated override for each country whose L05 category differs from "
                          f"GLOBALCIT's last coded year ({sorted(by_name)}), found {sorted(named)}")  # fmt: skip
    rows = []
    for name, match in named.items():
        row = differ.loc[by_name[name]]
        when = datetime.strptime(match["date"], "%d %B %Y").date()
        if when.year < int(row.year):
            raise LoaderError(raw_dir / AUTHOR_README, f"{name}: a reform after GLOBALCIT's last coded year {row.year}")
        rows.append({"iso3": row.iso3, "date": when.isoformat(), "law": match["law"].strip(), "year": int(row.year),
                     "before": row.L05_cat, "after": row.l05_cat})  # fmt: skip
    return pd.DataFrame(rows, columns=["iso3", "date", "law", "year", "before", "after"])


def _mark_later_changes(observations: pd.DataFrame, later: pd.DataFrame) -> pd.DataFrame:
    """The last coded values before a recorded reform carry later_change=<date> (all three indicators: the combined
    code is built from L05, and the reform's effect on the other parts is not coded)."""
    out = observations.copy()
    for reform in later.itertuples():
        rows = (out.country == reform.iso3) & (out.year == reform.year)
        out.loc[rows, "flags"] = out.loc[rows, "flags"] + f";{LATER_CHANGE}={reform.date}"
    return out


def _later_reform_events(later: pd.DataFrame) -> pd.DataFrame:
    notes = [later_reform_note(r.law, r.date, r.before, r.after) for r in later.itertuples()]
    return pd.DataFrame({
        "indicator_id": "dual_citizenship_emigrants", "country": later.iso3, "partner_country": NO_PARTNER,
        "event_date": later.date, "year": pd.to_datetime(later.date).dt.year.astype("Int64"), "status": "reform",
        "note": notes, "source_id": SOURCE_ID,
    })  # fmt: skip
