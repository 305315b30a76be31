"""IAB Brain-Drain gender file (iabbd_8010_v1_gender.xls) in; bilateral migrant stocks by sex, origin x destination.

One sheet per OECD destination (named by its ISO3): row 1 destination name and the years 1980..2010, row 2
"Country of birth" (Germany: "Citizenship") and per year Total / M-Total / F-Total, row 3 the total stock, row 4
male/female shares, then one row per origin country by name. Emits `migrant_stock_corridor` with country = ORIGIN
and partner_country = DESTINATION. Former states ("Serbia and Montenegro") are the historical areas of the country
table (SCG...), never merged into their successors; "Unknown" is reported as not_a_country.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from loaders.base import LoaderError, LoadResult, is_missing, normalise_name, sha256_of
from loaders.reference import CountryIndex

SOURCE_ID = "iab_brain_drain"
FILE = "iab-brain-drain/iabbd_8010_v1_gender.xls"
RELEASE = "2013"  # Bruecker, Capuano & Marfouk (2013), v1; the workbook itself states no date
NOTE_SHEET = "Explanatory note"
YEARS = [1980, 1985, 1990, 1995, 2000, 2005, 2010]
SEXES = {"Total": "total", "M-Total": "male", "F-Total": "female"}  # the three columns under each year
ORIGIN_BASIS = {"Country of birth": "country_of_birth", "Citizenship": "citizenship"}  # cell A2
TOTAL_LABEL = "Total immigration stock"  # cell A3
FIRST_DATA_ROW = 5  # 1-based; row 4 holds the male/female shares of the total
# IAB spellings the crosswalk lacks. The origin list has no North Korea: "Korea" is the Republic of Korea.
ALIASES = {
    "China, Hong Kong SAR": "HKG", "China, Macao SAR": "MAC", "Congo, Dem. Rep. of the": "COD",
    "Congo, Rep. of the": "COG", "Holy See (Vatican City)": "VAT", "Korea": "KOR", "Macedonia": "MKD",
    "Occupied Palestinian Territory": "PSE", "Swaziland": "SWZ", "Turkey": "TUR", "United Kingdom": "GBR",
    "United States": "USA",
}  # fmt: skip
# Resolved here rather than via countries.add_names: the shared index stays as the reference built it.
_ALIASES = {normalise_name(name): code for name, code in ALIASES.items()}
# Former states: their historical areas (loaders/areas.py), never a successor state; reported while the country
# table lacks them. "Unknown" (origin not stated) is not a country.
HISTORICAL = {"Serbia and Montenegro": "SCG", "Yugoslavia": "YUG", "Czechoslovakia": "CSK", "USSR": "SUN",
              "Soviet Union": "SUN"}  # fmt: skip
NOT_COUNTRIES = {"Unknown"}


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The IAB workbook in; corridor observations (origin -> destination) and every unmatched origin name out."""
    path = raw_dir / FILE
    # calamine reads the legacy BIFF file too; pandas 3 deprecates its xlrd engine (tests read it with xlrd)
    with pd.ExcelFile(path, engine="calamine") as book:
        sheets = [name for name in book.sheet_names if name != NOTE_SHEET]
        grids = pd.read_excel(book, sheet_name=sheets, header=None, dtype=object)
    rows: list[dict[str, object]] = []
    unmatched: dict[str, str] = {}
    for sheet, grid in grids.items():
        rows += _parse_sheet(grid, sheet, path, countries, unmatched)
    return LoadResult(
        source_id=SOURCE_ID,
        files={FILE: sha256_of(path)},
        release_date=RELEASE,
        observations=pd.DataFrame(rows),
        unmatched=pd.DataFrame(
            [{"source_id": SOURCE_ID, "file": FILE, "key": key, "reason": reason} for key, reason in unmatched.items()],
            columns=["source_id", "file", "key", "reason"],
        ),
    ).validated()


def resolve(name: str, countries: CountryIndex) -> tuple[str | None, str]:
    """An origin name -> (ISO3, '') or (None, reason)."""
    if name in NOT_COUNTRIES:
        return None, "not_a_country"
    if name in HISTORICAL:
        former = HISTORICAL[name]
        return (former, "") if countries.is_country(former) else (None, "not_a_country")
    code = _ALIASES.get(normalise_name(name)) or countries.from_name(name)
    if code is None or not countries.is_country(code):
        return None, "unmatched"
    return code, ""


def _check_layout(grid: pd.DataFrame, sheet: str, path: Path, countries: CountryIndex) -> str:
    """Rows 1-3 hold what the loader reads; returns the origin basis (country of birth or citizenship)."""
    where = f"sheet {sheet!r}: "
    if not countries.is_country(sheet) or resolve(_text(grid.iat[0, 0]), countries)[0] != sheet:
        raise LoaderError(
            path,
            where + f"a sheet named by the ISO3 code of the destination in A1, found A1 {_text(grid.iat[0, 0])!r}",
            row=1,
            column="A",
        )
    years = [_year(grid.iat[0, 1 + 3 * k]) if 1 + 3 * k < grid.shape[1] else None for k in range(len(YEARS))]
    if years != YEARS:
        raise LoaderError(path, where + f"the years {YEARS} in every third column from B, found {years}", row=1)
    basis = ORIGIN_BASIS.get(_text(grid.iat[1, 0]))
    if basis is None:
        raise LoaderError(
            path,
            where + f"the header row 'Country of birth' (or 'Citizenship'), found {_text(grid.iat[1, 0])!r}",
            row=2,
            column="A",
        )
    labels = [_text(v) for v in grid.iloc[1, 1 : 1 + 3 * len(YEARS)]]
    if labels != list(SEXES) * len(YEARS):
        raise LoaderError(path, where + f"Total, M-Total, F-Total under each year, found {labels[:6]}", row=2)
    if _text(grid.iat[2, 0]) != TOTAL_LABEL:
        raise LoaderError(path, where + f"{TOTAL_LABEL!r}, found {_text(grid.iat[2, 0])!r}", row=3, column="A")
    return basis


def _parse_sheet(
    grid: pd.DataFrame, sheet: str, path: Path, countries: CountryIndex, unmatched: dict[str, str]
) -> list[dict[str, object]]:
    """One destination sheet into tidy corridor records; origin names that do not resolve go to `unmatched`."""
    flags = f"origin_by={_check_layout(grid, sheet, path, countries)}"
    records: list[dict[str, object]] = []
    for i in range(FIRST_DATA_ROW - 1, len(grid)):
        cells = list(grid.iloc[i])
        name = _text(cells[0])
        if not name:
            if any(not is_missing(v) and v != 0 for v in cells[1:]):
                raise LoaderError(
                    path, f"sheet {sheet!r}: an origin country name for the values in this row", row=i + 1, column="A"
                )
            continue  # a trailing unnamed row (SWE row 201 holds a stray 0)
        origin, reason = resolve(name, countries)
        if origin is None:
            unmatched[name] = reason
            continue
        if origin == sheet:
            continue  # natives are not immigrants: the self-corridor is a structural 0
        records += _values(cells, origin, sheet, flags, path, i + 1)
    return records


def _values(
    cells: list[object], origin: str, destination: str, flags: str, path: Path, row: int
) -> list[dict[str, object]]:
    records = []
    for k, year in enumerate(YEARS):
        for j, sex in enumerate(SEXES.values()):
            cell = cells[1 + 3 * k + j]
            if is_missing(cell):
                continue
            try:
                value = float(cell)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise LoaderError(
                    path,
                    f"sheet {destination!r}: a number, found {cell!r}",
                    row=row,
                    column=get_column_letter(2 + 3 * k + j),
                ) from None
            records.append({
                "indicator_id": "migrant_stock_corridor", "country": origin, "year": year, "sex": sex,
                "partner_country": destination, "value": value, "value_label": None, "unit": "persons",
                "source_id": SOURCE_ID, "flags": flags,
            })  # fmt: skip
    return records


def _text(cell: object) -> str:
    return "" if is_missing(cell) else str(cell).strip()


def _year(cell: object) -> int | None:
    try:
        return int(float(cell))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
