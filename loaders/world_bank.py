"""World Bank WDI bulk CSVs (API_<code>_DS2_*.csv + Metadata files) in; tidy observations per WDI code out.

The parser is generic: any WDI bulk download has the same four preamble lines ("Data Source", "Last Updated
Date"), one header row, one row per economy or aggregate and one column per year (plus a trailing empty column
left by the trailing comma). Only the mapping `WDI_INDICATORS` is specific to the codes the monitor uses.
Aggregates (blank Region in Metadata_Country; registered in the country table) go to aggregate_observations.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.base import NO_PARTNER, LoaderError, LoadResult, ObservationModel, is_missing, sha256_of
from loaders.reference import CountryIndex

SOURCE_ID = "wb_wdi"
FOLDER = "wb-wdi-flfp"
API_GLOB = "API_*_DS2_*.csv"
HEADER = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
HEADER_LINE = 5  # 1-based line of the header, after the 4 preamble lines
YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class WdiIndicator:
    indicator_id: str
    unit: str
    sex: str
    flags: str


# WDI code -> the monitor's indicator. SL.TLF.CACT.FE.ZS is itself the female rate, hence sex "female".
WDI_INDICATORS = {
    "SL.TLF.CACT.FE.ZS": WdiIndicator("female_lfpr", "%", "female", "estimate=ILO modelled"),
}


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The WDI folder in; one LoadResult for every API_*.csv in it (countries, aggregates, unmatched codes)."""
    folder = raw_dir / FOLDER
    api_files = sorted(folder.glob(API_GLOB))
    if not api_files:
        raise LoaderError(folder, f"expected at least one {API_GLOB} file in the folder")
    parts = [parse_api_file(path, raw_dir, countries) for path in api_files]
    dates = sorted({p.release_date for p in parts if p.release_date})
    result = LoadResult(SOURCE_ID, files={k: v for p in parts for k, v in p.files.items()}, release_date=dates[-1])
    for attr in ["observations", "aggregate_observations", "unmatched"]:
        setattr(result, attr, pd.concat([getattr(p, attr) for p in parts], ignore_index=True))
    return result.validated()


def parse_api_file(path: Path, raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """One API_<code>_DS2_*.csv (and its Metadata_Country file) in; a validated LoadResult out."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        rows = [(reader.line_num, row) for row in reader]
    release_date = _release_date(path, rows)
    header = _check_header(path, rows)
    regions, meta_path = _metadata_regions(path)
    name = _relative(path, raw_dir)
    observations: list[dict[str, object]] = []
    aggregates: list[dict[str, object]] = []
    unmatched: list[dict[str, str]] = []
    for line, row in rows[HEADER_LINE:]:
        if not any(cell.strip() for cell in row):
            continue
        code, values = _row_values(path, line, row, header)
        target = _classify(code, regions, countries, name, unmatched)
        if target is not None:
            (observations if target == "country" else aggregates).extend(values)
    result = LoadResult(SOURCE_ID, files=_provenance(path, meta_path, raw_dir), release_date=release_date)
    result.observations = _frame(observations)
    result.aggregate_observations = _frame(aggregates)
    result.unmatched = pd.DataFrame(unmatched, columns=["source_id", "file", "key", "reason"])
    return result.validated()


def _provenance(path: Path, meta_path: Path, raw_dir: Path) -> dict[str, str]:
    """The API file, its Metadata_Country file and (when present) its Metadata_Indicator file, with digests."""
    paths = [path, meta_path, path.with_name(f"Metadata_Indicator_{path.name}")]
    return {_relative(p, raw_dir): sha256_of(p) for p in paths if p.exists()}


def _release_date(path: Path, rows: list[tuple[int, list[str]]]) -> str:
    """The preamble: line 1 "Data Source", line 3 "Last Updated Date","YYYY-MM-DD"."""
    preamble = {line: row for line, row in rows[:HEADER_LINE]}
    if not preamble.get(1) or preamble[1][0] != "Data Source":
        raise LoaderError(path, 'expected the WDI preamble line "Data Source","World Development Indicators"', row=1)
    updated = preamble.get(3) or []
    if len(updated) < 2 or updated[0] != "Last Updated Date" or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", updated[1]):
        raise LoaderError(path, 'expected "Last Updated Date","YYYY-MM-DD" in the preamble', row=3)
    return updated[1]


def _check_header(path: Path, rows: list[tuple[int, list[str]]]) -> list[str]:
    """Header on line 5: the four id columns, then only years, then the empty column of the trailing comma."""
    line, header = rows[HEADER_LINE - 1] if len(rows) >= HEADER_LINE else (HEADER_LINE, [])
    if line != HEADER_LINE or header[: len(HEADER)] != HEADER:
        raise LoaderError(path, f"expected the header {HEADER} + years; found {header[:5]}", row=HEADER_LINE)
    years = header[len(HEADER) :]
    if years and years[-1] == "":
        years = years[:-1]
    for year in years:
        if not YEAR.match(year):
            raise LoaderError(path, "expected a four-digit year column header", row=HEADER_LINE, column=year)
    if not years:
        raise LoaderError(path, "expected year columns after 'Indicator Code'", row=HEADER_LINE)
    return header


def _metadata_regions(path: Path) -> tuple[dict[str, str], Path]:
    """Metadata_Country_<same name>: Country Code -> Region (blank for aggregates)."""
    meta_path = path.with_name(f"Metadata_Country_{path.name}")
    if not meta_path.exists():
        raise LoaderError(meta_path, f"expected the Metadata_Country file next to {path.name}")
    meta = pd.read_csv(meta_path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    if "Country Code" not in meta.columns or "Region" not in meta.columns:
        found = list(meta.columns)[:6]
        raise LoaderError(meta_path, f"expected columns 'Country Code' and 'Region'; found {found}", row=1)
    return dict(zip(meta["Country Code"], meta["Region"].str.strip(), strict=True)), meta_path


def _row_values(path: Path, line: int, row: list[str], header: list[str]) -> tuple[str, list[dict[str, object]]]:
    """One economy's row in; its code and one tidy record per non-missing year out."""
    if len(row) != len(header):
        raise LoaderError(path, f"expected {len(header)} cells as in the header, found {len(row)}", row=line)
    code, wdi_code = row[1].strip(), row[3].strip()
    if not re.fullmatch(r"[A-Z0-9]{3}", code):
        raise LoaderError(
            path, f"expected a three-character country code, found {code!r}", row=line, column="Country Code"
        )
    spec = WDI_INDICATORS.get(wdi_code)
    if spec is None:
        raise LoaderError(path, f"unknown WDI code {wdi_code!r}; known: {sorted(WDI_INDICATORS)}", row=line)
    records: list[dict[str, object]] = []
    for year, cell in zip(header[len(HEADER) :], row[len(HEADER) :], strict=True):
        if is_missing(cell):
            continue
        if not year:  # the trailing empty column must stay empty, else the row is shifted
            raise LoaderError(path, "expected the trailing column to be empty", row=line)
        try:
            value = float(cell)
        except ValueError:
            raise LoaderError(path, f"expected a number, found {cell!r}", row=line, column=year) from None
        records.append(_record(spec, code, int(year), value))
    return code, records


def _classify(code: str, regions: dict[str, str], countries: CountryIndex, file: str, unmatched: list) -> str | None:
    """'country', 'aggregate' (registered aggregate) or None (reported in unmatched, values not kept)."""
    if countries.is_country(code):
        return "country"
    is_aggregate = code in countries.iso3 or not regions.get(code)  # blank Region = WB aggregate
    unmatched.append(
        {"source_id": SOURCE_ID, "file": file, "key": code, "reason": "aggregate" if is_aggregate else "unmatched"}
    )
    return "aggregate" if code in countries.iso3 else None


def _record(spec: WdiIndicator, code: str, year: int, value: float) -> dict[str, object]:
    return {
        "indicator_id": spec.indicator_id, "country": code, "year": year, "sex": spec.sex,
        "partner_country": NO_PARTNER, "value": value, "value_label": None, "unit": spec.unit,
        "source_id": SOURCE_ID, "flags": spec.flags,
    }  # fmt: skip


def _frame(records: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=list(ObservationModel.to_schema().columns))


def _relative(path: Path, raw_dir: Path) -> str:
    return path.resolve().relative_to(raw_dir.resolve()).as_posix()
