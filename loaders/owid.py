"""Our World in Data legacy dataset CSVs (Entity, Year, value; names, no ISO codes) in; tidy observations out.

Entities are matched by name through the country index plus `OWID_NAMES`; "OECD countries" is the OECD
aggregate and goes to aggregate_observations; every name that resolves to no country is reported in unmatched.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from loaders.base import NO_PARTNER, LoaderError, LoadResult, ObservationModel, is_missing, sha256_of
from loaders.reference import CountryIndex

SOURCE_ID = "owid"
FOLDER = "owid-datasets"


@dataclass(frozen=True)
class OwidDataset:
    folder: str  # OWID's dataset name: folder, CSV and datapackage all carry it
    value_column: str
    indicator_id: str
    sex: str
    unit: str


DATASETS = [
    OwidDataset(
        "Female labor force participation rate - OWID (2017)",
        "Female labor force participation rate (OWID based on OECD 2017 and others)",
        "female_lfpr_longrun", "female", "%",
    ),
    OwidDataset(
        "Share of population covered by social protection - ASPIRE World Bank (2019)",
        "Share of population covered by social protection (in %)",
        "social_protection_aspire", "total", "%",
    ),
]  # fmt: skip

# OWID spellings the ISO/UNTERM/CLDR crosswalk lacks ("Korea" is OECD usage for the Republic of Korea).
OWID_NAMES = {
    "Korea": "KOR",
    "Turkey": "TUR",
    "United Kingdom": "GBR",
    "United States": "USA",
    "Swaziland": "SWZ",
    "OECD countries": "OED",  # the World Bank aggregate code for OECD members
}
DATE_FORMATS = ["%d/%m/%Y", "%d %B %Y", "%Y-%m-%d", "%B %d, %Y"]


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The OWID folder in; observations, aggregate observations and unmatched entity names out."""
    countries.add_names(OWID_NAMES)
    files: dict[str, str] = {}
    rows: list[dict[str, object]] = []
    unmatched: list[dict[str, str]] = []
    dates: list[str] = []
    for dataset in DATASETS:
        folder = raw_dir / FOLDER / dataset.folder
        csv_path = folder / f"{dataset.folder}.csv"
        files[_relative(csv_path, raw_dir)] = sha256_of(csv_path)
        rows.extend(parse_dataset(csv_path, dataset, countries, unmatched, _relative(csv_path, raw_dir)))
        package = folder / "datapackage.json"
        if package.exists():
            files[_relative(package, raw_dir)] = sha256_of(package)
            dates.extend(_retrieved_dates(package))
    frame = pd.DataFrame(rows, columns=list(ObservationModel.to_schema().columns))
    is_country = frame.country.map(countries.is_country).astype(bool)
    release = max(dates) if dates else _commit_date(raw_dir / FOLDER / "SOURCE.txt")
    result = LoadResult(SOURCE_ID, files=files, release_date=release)
    result.observations = frame[is_country].reset_index(drop=True)
    result.aggregate_observations = frame[~is_country].reset_index(drop=True)
    result.unmatched = pd.DataFrame(unmatched, columns=["source_id", "file", "key", "reason"])
    return result.validated()


def parse_dataset(
    path: Path, dataset: OwidDataset, countries: CountryIndex, unmatched: list[dict[str, str]], name: str
) -> list[dict[str, object]]:
    """One OWID CSV in; one record per matched entity-year with a value (country or registered aggregate) out."""
    records: list[dict[str, object]] = []
    reported: set[str] = set()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if header != ["Entity", "Year", dataset.value_column]:
            raise LoaderError(
                path, f"expected the header ['Entity', 'Year', {dataset.value_column!r}]; found {header}", row=1
            )
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            entity, year, value = _parse_row(path, reader.line_num, row, dataset.value_column)
            code = countries.from_name(entity)
            if (code is None or not countries.is_country(code)) and entity not in reported:
                reason = "unmatched" if code is None else "aggregate"
                unmatched.append({"source_id": SOURCE_ID, "file": name, "key": entity, "reason": reason})
                reported.add(entity)
            # countries and registered aggregates (OED) only; unmatched names were reported above
            if code is not None and code in countries.iso3 and value is not None:
                records.append(_record(dataset, code, year, value))
    return records


def _parse_row(path: Path, line: int, row: list[str], column: str) -> tuple[str, int, float | None]:
    if len(row) != 3 or not row[0].strip():
        raise LoaderError(path, f"expected three cells: entity name, year, value; found {row}", row=line)
    if not re.fullmatch(r"\d{4}", row[1].strip()):
        raise LoaderError(path, f"expected a four-digit year, found {row[1]!r}", row=line, column="Year")
    if is_missing(row[2]):
        return row[0].strip(), int(row[1]), None
    try:
        return row[0].strip(), int(row[1]), float(row[2])
    except ValueError:
        raise LoaderError(path, f"expected a number, found {row[2]!r}", row=line, column=column) from None


def _record(dataset: OwidDataset, code: str, year: int, value: float) -> dict[str, object]:
    return {
        "indicator_id": dataset.indicator_id, "country": code, "year": year, "sex": dataset.sex,
        "partner_country": NO_PARTNER, "value": value, "value_label": None, "unit": dataset.unit,
        "source_id": SOURCE_ID, "flags": "",
    }  # fmt: skip


def _retrieved_dates(package: Path) -> list[str]:
    """The sources' "retrievedDate" ("31/07/2017", "26 June 2019") as ISO dates; unreadable ones are skipped."""
    meta = json.loads(package.read_text(encoding="utf-8"))
    stated = [s.get("retrievedDate") for s in meta.get("sources", []) if isinstance(s, dict)]
    return [d.isoformat() for d in (_parse_date(text) for text in stated if text) if d is not None]


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _commit_date(source_txt: Path) -> str | None:
    """Fallback: the "Commit: <sha> (YYYY-MM-DD)" line of the folder's SOURCE.txt."""
    if not source_txt.exists():
        return None
    found = re.search(r"Commit:\s+[0-9a-f]+\s+\((\d{4}-\d{2}-\d{2})\)", source_txt.read_text(encoding="utf-8"))
    return found.group(1) if found else None


def _relative(path: Path, raw_dir: Path) -> str:
    return path.resolve().relative_to(raw_dir.resolve()).as_posix()
