"""Partial ILO ratification list (CSV compiled from NORMLEX copies) in; ratification events and list coverage out.

Only C189 is complete (as of Oct 2020); for every other instrument the file holds fewer rows than the publisher's
stated total, so `event_lists` marks it partial and a country absent from it is NOT KNOWN, not "not ratified".
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pandas as pd

from loaders.base import NO_PARTNER, LoaderError, LoadResult, require_columns, sha256_of
from loaders.reference import CountryIndex

SOURCE_ID = "ilo_normlex"
DATA_FILE = "ilo-ratifications-partial/ilo_ratifications.csv"
RELEASE_DATE = None  # a compilation of pages with their own as-of dates (source_as_of column), no release date
COLUMNS = ["instrument", "country_name", "ratification_date", "status", "note", "source_url", "source_as_of"]

INSTRUMENTS = {
    "C097": "ilo_c097", "C143": "ilo_c143", "C181": "ilo_c181", "C189": "ilo_c189", "C102": "ilo_c102",
    "C118": "ilo_c118", "C157": "ilo_c157", "C190": "ilo_c190", "P029": "ilo_p029",
}  # fmt: skip
# Every status text the file uses, lower-cased. An empty status means the page listed the country as ratifying
# without saying whether the instrument is in force: "party" claims the ratification and nothing more.
STATUS = {
    "in force": "in_force",
    "not in force": "not_in_force",
    "not yet in force": "not_in_force",
    "not registered with ilo (per source)": "not_in_force",  # Namibia C189: ratified at home, ILO deposit missing
    "denounced": "denounced",
    "": "party",
}
# Spellings the crosswalk lacks. "Republic of Vietnam" (South Vietnam, bound by C118 in 1976) stays unmatched.
ALIASES = {"Turkey": "TUR", "United Kingdom": "GBR", "Zaire": "COD"}

# Coverage per instrument, from SOURCE.txt: (complete, as_of, stated_total, note).
LISTS = {
    "ilo_c097": (False, "2023/24", 54, "NORMLEX (FR) states 54 ratifications (snapshot 2023-10/2024-10); first rows only"),
    "ilo_c143": (False, "2013", 23, "Wikipedia 2015 copy: 23 ratifications as of 2013; table stored only up to Serbia"),
    "ilo_c181": (False, "2023-03", 37, "37 ratifications as of March 2023; names from category list, mostly undated"),
    "ilo_c189": (True, "2020-10", 35, "32 rows vs 35 ratifications stated in Nov 2021: complete as of Oct 2020 "
                 "(Swiss treaty text, parties on 5 Oct 2020) plus Norway (2021) and Namibia (not registered with ILO); "
                 "ratifications after Oct 2020 other than Norway's are missing"),
    "ilo_c102": (False, "2022-12", 65, "65 ratifications stated in Dec 2022; party lists stored only in part"),
    "ilo_c118": (False, "1976", None, "no total stated; Swedish ordinance list of States bound in 1976 plus Iraq "
                 "(1991 report); no ratification dates"),
    "ilo_c157": (False, "2008", 4, "4 ratifications stated (2008); no rows in the file"),
    "ilo_c190": (False, "2024", 39, "39 ratifications stated as of 2024; several rows without date or status"),
    "ilo_p029": (False, "2020", 47, "47 ratifications stated (2020); news items, mostly undated"),
}  # fmt: skip
DATE = re.compile(r"^(\d{4})(-\d{2}-\d{2})?$")


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The ratification CSV in; events, per-instrument coverage and unmatched names out."""
    path = raw_dir / DATA_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    require_columns(frame, COLUMNS, path, row=1)
    countries.add_names(ALIASES)
    rows = [_event(row, int(i) + 2, path, countries) for i, row in frame.iterrows()]
    result = LoadResult(source_id=SOURCE_ID, files={DATA_FILE: sha256_of(path)}, release_date=RELEASE_DATE)
    result.events = pd.DataFrame([r for r in rows if r["country"]])
    missing = sorted({str(r["name"]) for r in rows if not r["country"]})
    result.unmatched = pd.DataFrame({"source_id": SOURCE_ID, "file": DATA_FILE, "key": missing, "reason": "unmatched"})
    result.events = result.events.drop(columns="name").astype({"year": "Int64"})
    result.event_lists = _event_lists(result.events)
    return result.validated()


def _event(row: pd.Series, line: int, path: Path, countries: CountryIndex) -> dict[str, object]:
    """One CSV line as an event; the country is None when the name does not resolve."""
    instrument = row.instrument.strip()
    if instrument not in INSTRUMENTS:
        raise LoaderError(
            path, f"an instrument in {sorted(INSTRUMENTS)}, found {instrument!r}", row=line, column="instrument"
        )
    status = row.status.strip().lower()
    if status not in STATUS:
        raise LoaderError(path, f"a status in {sorted(STATUS)}, found {row.status!r}", row=line, column="status")
    date, year = _date(row.ratification_date.strip(), line, path)
    code = countries.from_name(row.country_name)
    stated = row.status.strip() or "status not stated by source"
    note = "; ".join(part for part in [stated, row.note.strip(), f"source: {row.source_url.strip()}"] if part)
    return {
        "indicator_id": INSTRUMENTS[instrument], "country": code if code and countries.is_country(code) else None,
        "partner_country": NO_PARTNER, "event_date": date, "year": year, "status": STATUS[status], "note": note,
        "source_id": SOURCE_ID, "name": row.country_name,
    }  # fmt: skip


def _date(text: str, line: int, path: Path) -> tuple[str | None, int | None]:
    """'YYYY-MM-DD' -> (date, year); 'YYYY' (year only on the page) -> (None, year); '' -> (None, None)."""
    if not text:
        return None, None
    match = DATE.match(text)
    if not match or (match.group(2) and not _valid_date(text)):
        raise LoaderError(path, f"ratification_date as YYYY-MM-DD, YYYY or empty, found {text!r}", row=line)
    return (text if match.group(2) else None), int(match.group(1))


def _valid_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _event_lists(events: pd.DataFrame) -> pd.DataFrame:
    counts = events.indicator_id.value_counts()
    return pd.DataFrame([
        {"indicator_id": ind, "source_id": SOURCE_ID, "complete": complete, "as_of": as_of,
         "stated_total": total, "rows": int(counts.get(ind, 0)), "note": note}
        for ind, (complete, as_of, total, note) in LISTS.items()
    ]).astype({"stated_total": "Int64"})  # fmt: skip
