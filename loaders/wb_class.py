"""World Bank CLASS.xlsx, FY2026 edition (current) and FY2023 edition (history), in; income groups per economy out.

Each edition's sheet "List of economies" has Economy | Code | Region | Income group | Lending category: economies
(with a Region) first, then a blank row, then aggregates (no Region). Its notes sheet states the date the groups
were set ("Income classifications set on 1 July 2022 ...") and the GNI thresholds; both are checked, so an edition
put in the other's folder stops the loader.

- `current_classes` gives the country table (loaders/reference.py) its region and income group: the FY2026 row of
  each economy as published; only economies FY2026 does not list at all fall back to the WDI metadata, then
  FY2023. An economy FY2026 lists without a group (Ethiopia, temporarily unclassified for FY26; Venezuela, RB,
  unclassified since FY21) keeps a null income group: never one from another edition.
- `wb_income_group` (categorical, context): one observation per economy and edition, year = the year the groups
  were set on 1 July (FY2023 -> 2022, FY2026 -> 2025), value_label = the group as published, source `wb_class`
  (FY2023) or `wb_class_fy2026`. Unclassified economies have no observation; aggregates are not observations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from loaders.base import NO_PARTNER, LoaderError, LoadResult, ObservationModel, is_missing, sha256_of

if TYPE_CHECKING:
    from loaders.country_index import CountryIndex

SOURCE_ID = "wb_class_fy2026"
SHEET = "List of economies"
COLUMNS = {"Economy": "wb_name", "Code": "iso3", "Region": "wb_region", "Income group": "income_group"}
INCOME_GROUPS = ("Low income", "Lower middle income", "Upper middle income", "High income")
WDI_META_GLOB = "wb-wdi-flfp/Metadata_Country_*.csv"
SET_ON = re.compile(r"classifications set on (?:1 July|July 1,) (\d{4})")


@dataclass(frozen=True)
class Edition:
    source_id: str
    file: str
    fiscal_year: str
    year: int  # groups set on 1 July of this year
    low_threshold: str  # the notes' "low income, $... or less" figure
    release_date: str


FY2026 = Edition(
    "wb_class_fy2026", "wb-income-class-fy2026/CLASS_2025_10_07.xlsx", "FY2026", 2025, "$1,135",
    "2025-10-07 (file version; FY2026 groups set on 2025-07-01 from 2024 GNI per capita)",
)  # fmt: skip
# The FY2023 workbook states no date; its notes say the groups were set on 1 July 2022.
FY2023 = Edition(
    "wb_class", "wb-income-class/CLASS.xlsx", "FY2023", 2022, "$1,085", "2022-07-01 (FY2023 classification)"
)


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The FY2026 workbook in; its income groups as `wb_income_group` observations (year 2025) out."""
    return edition_result(raw_dir, FY2026, countries)


def history(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The FY2023 workbook in; its income groups as `wb_income_group` observations (year 2022) out."""
    return edition_result(raw_dir, FY2023, countries)


def edition_result(raw_dir: Path, edition: Edition, countries: CountryIndex) -> LoadResult:
    classes = read_edition(raw_dir, edition)
    grouped = classes[classes["iso3"].map(countries.is_country) & classes["income_group"].notna()]
    observations = pd.DataFrame({
        "indicator_id": "wb_income_group", "country": grouped["iso3"], "year": edition.year, "sex": "total",
        "partner_country": NO_PARTNER, "value": None, "value_label": grouped["income_group"], "unit": "category",
        "source_id": edition.source_id, "flags": f"fiscal_year={edition.fiscal_year}",
    }, columns=list(ObservationModel.to_schema().columns))  # fmt: skip
    unknown = classes[classes["wb_region"].notna() & ~classes["iso3"].map(countries.is_country)]
    unmatched = pd.DataFrame(
        {"source_id": edition.source_id, "file": edition.file, "key": unknown["iso3"], "reason": "unmatched"},
        columns=["source_id", "file", "key", "reason"],
    )
    files = {edition.file: sha256_of(raw_dir / edition.file)}
    result = LoadResult(edition.source_id, files, edition.release_date, observations=observations, unmatched=unmatched)
    return result.validated()


def read_edition(raw_dir: Path, edition: Edition) -> pd.DataFrame:
    """One edition's economies and aggregates: iso3, wb_name, wb_region, income_group (null where none)."""
    path = raw_dir / edition.file
    with pd.ExcelFile(path, engine="calamine") as book:
        frame = pd.read_excel(book, sheet_name=SHEET, dtype=object)
        notes_sheet = next((s for s in book.sheet_names if s.lower() == "notes"), None)
        if notes_sheet is None:
            raise LoaderError(path, f"a 'notes' sheet beside {SHEET!r}, found {book.sheet_names}")
        notes = " ".join(str(v) for v in pd.read_excel(book, sheet_name=notes_sheet, header=None).iloc[:, 0].dropna())
    _check_notes(path, edition, notes)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise LoaderError(path, f"sheet {SHEET!r}: columns {list(COLUMNS)}, found {list(frame.columns)[:6]}", row=1)
    frame = frame.rename(columns=COLUMNS)[list(COLUMNS.values())]
    frame = frame[~frame["iso3"].map(is_missing)].map(lambda v: None if is_missing(v) else str(v).strip())
    bad = frame[frame["income_group"].notna() & ~frame["income_group"].isin(INCOME_GROUPS)]
    if len(bad):
        found = bad["income_group"].iloc[0]
        raise LoaderError(path, f"an income group in {INCOME_GROUPS} or blank, found {found!r}", int(bad.index[0]) + 2)
    return frame.reset_index(drop=True)


def _check_notes(path: Path, edition: Edition, notes: str) -> None:
    set_on = SET_ON.search(notes)
    if set_on is None or int(set_on.group(1)) != edition.year or f"{edition.low_threshold} or less" not in notes:
        found = set_on.group(0) if set_on else "no such sentence"
        raise LoaderError(
            path,
            f"the {edition.fiscal_year} notes: groups set on 1 July {edition.year}, low income "
            f"{edition.low_threshold} or less; found {found!r}",
        )


def current_classes(raw_dir: Path) -> pd.DataFrame:
    """Per economy and aggregate: iso3, wb_name, wb_region, income_group from FY2026; older files only for codes it
    does not list (never to fill a group FY2026 leaves blank)."""
    frames = [read_edition(raw_dir, FY2026), *_wdi_metadata(raw_dir), read_edition(raw_dir, FY2023)]
    merged = pd.concat(frames, ignore_index=True)
    return merged.drop_duplicates(subset="iso3", keep="first").reset_index(drop=True)


def _wdi_metadata(raw_dir: Path) -> list[pd.DataFrame]:
    paths = sorted(raw_dir.glob(WDI_META_GLOB))
    if not paths:
        return []
    meta = pd.read_csv(paths[0], encoding="utf-8-sig", dtype=str, keep_default_na=False)
    columns = {"Country Code": "iso3", "TableName": "wb_name", "Region": "wb_region", "IncomeGroup": "income_group"}
    missing = [c for c in columns if c not in meta.columns]
    if missing:
        raise LoaderError(paths[0], f"columns {list(columns)}, found {list(meta.columns)[:6]}", row=1)
    return [meta.rename(columns=columns)[list(columns.values())].replace("", None)]
