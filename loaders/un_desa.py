"""UN DESA International Migrant Stock 2020 workbooks (destination, origin) in; migrant stocks and women's shares out.

Destination workbook: Table 1 -> migrant_stock (persons by sex), Table 3 -> migrant_stock_share_pop (% of the
population by sex), Table 4 -> women_share_immigrants (female % of the migrant stock). Origin workbook: Table 1 ->
emigrant_stock (persons by sex), Table 2 -> women_share_emigrants. Each table has 10 title rows, the header on row
11 and one block of years 1990..2020 per sex. Rows are areas by M49 "Location code"; DESA's aggregates use codes
>= 900 (SDG regions, development and income groups) and go to `aggregate_observations`. The 2019 edition
(UN_MigrantStockTotal_2019.xlsx) is superseded by the 2020 figures for the same years and is not parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from loaders.base import LoaderError, LoadResult, is_missing, sha256_of
from loaders.reference import CountryIndex

SOURCE_ID = "undesa_ims"
FOLDER = "undesa-ims"
DESTINATION_FILE = f"{FOLDER}/undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"
ORIGIN_FILE = f"{FOLDER}/undesa_pd_2020_ims_stock_by_sex_and_origin.xlsx"
YEARS = [1990, 1995, 2000, 2005, 2010, 2015, 2020]
TITLE_ROW, HEADER_ROW = 8, 11  # 1-based: the block titles (merged cells) and the column header
LABELS = ["Region, development group, country or area", "Notes", "Location code", "Type of data"]  # columns B..E
FIRST_VALUE_COLUMN = 5  # 0-based: column F
EM_DASH = "\u2014"  # Notes sheet: "the magnitude is not zero, but less than half of the unit employed"
# DESA's own aggregate codes: the world, income groups and development groups; the others (>= 900) are regions.
AGGREGATE_KINDS = {900: "world", 1500: "income", 1501: "income", 1502: "income", 1503: "income", 1517: "income"}
AGGREGATE_KINDS |= dict.fromkeys([901, 902, 934, 941, 948, 1636, 1637, 2003], "other")  # 2003: "OTHER" origins
FIRST_AGGREGATE_CODE = 900  # ISO 3166 numeric codes of countries stop at 894


@dataclass(frozen=True)
class Table:
    """One sheet and the indicator it yields; `blocks` are (sex, fragment expected in that block's title)."""

    file: str
    sheet: str
    indicator_id: str
    unit: str
    blocks: tuple[tuple[str, str], ...]


BY_SEX = (("total", ", both sexes"), ("male", ", males"), ("female", ", females"))
FEMALE_SHARE = (("female", "female migrants as a percentage"),)
TABLES = [
    Table(DESTINATION_FILE, "Table 1", "migrant_stock", "persons", BY_SEX),
    Table(DESTINATION_FILE, "Table 3", "migrant_stock_share_pop", "%", BY_SEX),
    Table(DESTINATION_FILE, "Table 4", "women_share_immigrants", "%", FEMALE_SHARE),
    Table(ORIGIN_FILE, "Table 1", "emigrant_stock", "persons", BY_SEX),
    Table(ORIGIN_FILE, "Table 2", "women_share_emigrants", "%", FEMALE_SHARE),
]


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The two 2020 workbooks in; observations by country, aggregates apart, unmatched codes listed."""
    rows: list[dict[str, object]] = []
    unmatched: list[dict[str, str]] = []
    files: dict[str, str] = {}
    release: str | None = None
    for file in (DESTINATION_FILE, ORIGIN_FILE):
        path = raw_dir / file
        tables = [t for t in TABLES if t.file == file]
        sheets = _read_sheets(path, [t.sheet for t in tables])
        release = release or _release(sheets[tables[0].sheet])
        for table in tables:
            rows += _parse_table(sheets[table.sheet], table, path, countries, unmatched)
        files[file] = sha256_of(path)
    frame = pd.DataFrame(rows)
    aggregate = frame.pop("aggregate").astype(bool)
    return LoadResult(
        source_id=SOURCE_ID,
        files=files,
        release_date=release,
        observations=frame[~aggregate].reset_index(drop=True),
        aggregate_observations=frame[aggregate].reset_index(drop=True),
        unmatched=pd.DataFrame(unmatched, columns=["source_id", "file", "key", "reason"]),
    ).validated()


def _read_sheets(path: Path, names: list[str]) -> dict[str, pd.DataFrame]:
    """Each sheet as a raw grid (no header); a missing sheet is a layout error."""
    with pd.ExcelFile(path, engine="calamine") as book:
        absent = [n for n in names if n not in book.sheet_names]
        if absent:
            raise LoaderError(path, f"sheets {absent} (found {book.sheet_names})")
        return pd.read_excel(book, sheet_name=names, header=None, dtype=object)


def _release(grid: pd.DataFrame) -> str | None:
    """The edition the title rows state ("POP/DB/MIG/Stock/Rev.2020"); the workbooks give no month."""
    titles = " ".join(str(v) for v in grid.iloc[: TITLE_ROW - 1].to_numpy().ravel() if isinstance(v, str))
    match = re.search(r"Rev\.\s*(\d{4})", titles)
    return f"{match.group(1)} revision" if match else None


def _check_header_row(grid: pd.DataFrame, table: Table, path: Path) -> None:
    """The header is found by its "Location code" cell and must be on row 11, once."""
    found = [i + 1 for i in range(min(len(grid), 40)) if any(_text(v) == "Location code" for v in grid.iloc[i])]
    if found != [HEADER_ROW]:
        expected = (
            f"sheet {table.sheet!r}: the header row (with 'Location code') on row {HEADER_ROW}; found rows {found}"
        )
        raise LoaderError(path, expected, row=found[0] if found else HEADER_ROW)


def _check_layout(grid: pd.DataFrame, table: Table, path: Path) -> None:
    """Header row, its labels (B..E), the years of each block and the sex in each block's title."""
    _check_header_row(grid, table, path)
    where = f"sheet {table.sheet!r}: "
    header = [_text(v) for v in grid.iloc[HEADER_ROW - 1]]
    for offset, label in enumerate(LABELS, start=1):
        if header[offset] != label:
            raise LoaderError(
                path,
                where + f"header {label!r}, found {header[offset]!r}",
                row=HEADER_ROW,
                column=get_column_letter(offset + 1),
            )
    years = [_year(v) for v in grid.iloc[HEADER_ROW - 1, FIRST_VALUE_COLUMN:] if not is_missing(v)]
    if years != YEARS * len(table.blocks):
        raise LoaderError(
            path,
            where + f"years {YEARS[0]}..{YEARS[-1]} in {len(table.blocks)} block(s), found {years}",
            row=HEADER_ROW,
        )
    for index, (_sex, fragment) in enumerate(table.blocks):
        column = FIRST_VALUE_COLUMN + index * len(YEARS)
        if fragment not in _text(grid.iat[TITLE_ROW - 1, column]).lower():
            raise LoaderError(
                path,
                where + f"block title containing {fragment!r}",
                row=TITLE_ROW,
                column=get_column_letter(column + 1),
            )


def _parse_table(
    grid: pd.DataFrame, table: Table, path: Path, countries: CountryIndex, unmatched: list[dict[str, str]]
) -> list[dict[str, object]]:
    """One sheet's data rows into tidy records (with an `aggregate` marker); unresolved codes into `unmatched`."""
    _check_layout(grid, table, path)
    records: list[dict[str, object]] = []
    seen: set[str] = set()
    for i in range(HEADER_ROW, len(grid)):
        cells = list(grid.iloc[i])
        name, code = _text(cells[1]).rstrip("*").strip(), cells[3]  # '*': the row has a country note
        if not name and is_missing(code):
            continue  # blank spacer rows
        area, aggregate = _area(code, name, countries, path, i + 1)
        if area is None or aggregate:
            reason = "unmatched" if area is None else "aggregate"
            unmatched.append({"source_id": SOURCE_ID, "file": table.file, "key": f"{code} {name}", "reason": reason})
        if area is None or area in seen:  # "Australia and New Zealand" (927): an SDG region and again in Oceania
            continue
        seen.add(area)
        type_of_data = " ".join(_text(cells[4]).split())  # "B R " -> "B R"; blank for aggregates
        records += _values(cells, table, area, aggregate, type_of_data, path, i + 1)
    return records


def _values(
    cells: list[object], table: Table, area: str, aggregate: bool, type_of_data: str, path: Path, row: int
) -> list[dict[str, object]]:
    records = []
    for b, (sex, _fragment) in enumerate(table.blocks):
        for j, year in enumerate(YEARS):
            column = FIRST_VALUE_COLUMN + b * len(YEARS) + j
            value, flag = _cell(cells[column], path, table.sheet, row, column)
            if value is None:
                continue
            flags = ";".join(f for f in (f"type_of_data={type_of_data}" if type_of_data else "", flag) if f)
            records.append({
                "indicator_id": table.indicator_id, "country": area, "year": year, "sex": sex, "partner_country": "",
                "value": value, "value_label": None, "unit": table.unit, "source_id": SOURCE_ID, "flags": flags,
                "aggregate": aggregate,
            })  # fmt: skip
    return records


def _cell(cell: object, path: Path, sheet: str, row: int, column: int) -> tuple[float | None, str]:
    """A published cell: a number, missing, or the em dash that means "rounds to zero" (a published value)."""
    if is_missing(cell):  # '..' not available; '~' suppressed for privacy (fewer than five persons)
        return None, ""
    if _text(cell) == EM_DASH:
        return 0.0, "rounded_to_zero=1"
    try:
        return float(cell), ""  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise LoaderError(
            path,
            f"sheet {sheet!r}: a number, '..', '~' or an em dash, found {cell!r}",
            row=row,
            column=get_column_letter(column + 1),
        ) from None


def _area(code: object, name: str, countries: CountryIndex, path: Path, row: int) -> tuple[str | None, bool]:
    """M49 code -> (ISO3, False) for a country, ("M" + code, True) for an aggregate, (None, False) when unknown."""
    try:
        m49 = int(float(code))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise LoaderError(
            path, f"a numeric M49 location code for {name!r}, found {code!r}", row=row, column="D"
        ) from None
    if m49 >= FIRST_AGGREGATE_CODE:
        return countries.add_aggregate(m49, name, AGGREGATE_KINDS.get(m49, "region")), True
    resolved = countries.from_m49(m49)
    if resolved is None:
        return None, False
    return resolved, not countries.is_country(resolved)


def _text(cell: object) -> str:
    return "" if is_missing(cell) else str(cell).strip()


def _year(cell: object) -> int | str:
    try:
        return int(float(cell))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(cell)
