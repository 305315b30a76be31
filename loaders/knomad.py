"""KNOMAD/World Bank Bilateral Migration Matrix 2021 in; `migrant_stock_corridor` for 2021 (origin -> destination) out.

Both KNOMAD matrices (this one and the remittance matrix, loaders/knomad_remittances.py) are one square sheet of
World Bank economy names without codes, parsed by `parse_matrix` below:

- Orientation, as cell A2 of each file states it (a file whose A2 says anything else stops the loader):
  migrant stocks "Destination country (across) - Source country (down)": ROWS = ORIGIN (source country),
  COLUMNS = DESTINATION; the row and column labels are the same 220 names in the same order (217 economies +
  "Other North", "Other South", "World"). Emitted with country = ORIGIN (row), partner_country = DESTINATION
  (column), sex = total (both sexes: the matrix has no sex split), year 2021, unit persons.
- Missing vs zero: a blank cell is "no estimate" and stays missing; a 0 is a published zero (934 zero cells, 898
  of them between two different countries, mostly in destinations with full census counts such as Israel or New
  Zealand) and is loaded as 0. The one text cell "…" (origin Ghana, destination Latvia) is read as the publisher's
  "not available": missing. Any other text stops the loader.
  The diagonal (natives of the destination, published as 0 or blank) is not a corridor and is not loaded.
- Aggregates ("Other North", "Other South", "World": the totals row and column) are never loaded as countries:
  they are listed in `unmatched` with reason 'aggregate'; names that match no country are listed as 'unmatched'.
- Every row is flagged `break=...`: the corridor series changes source after 2010 (IAB: 20 OECD destinations, by
  sex) to 2021 (KNOMAD: every pair, both sexes), which indicators/release.py reads as the start of a new series.
- Rows below the totals row are the publisher's notes (printed twice); a number there stops the loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from loaders.base import LoaderError, LoadResult, ObservationModel, is_missing, normalise_name, sha256_of
from loaders.reference import CountryIndex

SOURCE_ID = "knomad_migration"
FILE = "knomad-migration-matrix-2021/bilateral_migration_matrix_2021_latest.xlsx"
YEAR = 2021
BREAK = "break=source changed from IAB (OECD destinations, by sex) to KNOMAD (all pairs, both sexes)"
# The file's own note: "KNOMAD/World Bank staff estimates based on UN Population Division (UNDESA), UNHCR, OECD, ..."
ESTIMATE = "nature=e;estimate=KNOMAD/World Bank staff estimates from UN DESA, UNHCR, OECD and national data"
RELEASE = re.compile(r"Bilateral Remittance Matrix 2021, (December 2022)")  # the citation printed under the matrix
# World Bank spellings the crosswalk lacks (both KNOMAD files use them).
ALIASES = {
    "Congo, Dem. Rep.": "COD", "Congo, Rep.": "COG", "Egypt, Arab Rep.": "EGY", "Faeroe Islands": "FRO",
    "GuineaBissau": "GNB", "Hong Kong SAR, China": "HKG", "Iran, Islamic Rep.": "IRN", "Korea, Dem. Rep.": "PRK",
    "Korea, Rep.": "KOR", "Lao PDR": "LAO", "Macao SAR, China": "MAC", "Micronesia, Fed. Sts.": "FSM",
    "St. Martin (French part)": "MAF", "TimorLeste": "TLS", "Turkey": "TUR", "Venezuela, RB": "VEN",
    "Virgin Islands (U.S.)": "VIR", "West Bank and Gaza": "PSE", "Yemen, Rep.": "YEM",
}  # fmt: skip
_ALIASES = {normalise_name(name): code for name, code in ALIASES.items()}  # the shared index stays as built
AGGREGATES = frozenset({"World", "WORLD", "Other North", "Other South"})
NOT_AVAILABLE = frozenset({"…"})  # the publisher's "not available" mark (one cell): missing, never zero


@dataclass(frozen=True)
class Matrix:
    """What one KNOMAD workbook holds and how its axes map to country / partner_country."""

    file: str
    source_id: str
    indicator_id: str
    unit: str
    title: str  # cell A1 starts with this
    header: str  # cell A2, whitespace collapsed: states which axis is which
    total: str  # label of the last row and column (the totals)
    rows_are: str  # "country" or "partner_country": what the row label is in the emitted observations
    flags: str
    added_cells: dict[str, str] = field(default_factory=dict)  # cells a third party added below the matrix: skipped
    zero_pairs: frozenset[tuple[str, str]] = frozenset()  # (row, column) blanks the notes say are zero
    zero_note: str = ""  # the note text that makes those blanks zeros; the loader stops if it is gone
    zero_flag: str = ""


MIGRATION = Matrix(
    file=FILE, source_id=SOURCE_ID, indicator_id="migrant_stock_corridor", unit="persons",
    title="Bilateral Estimates of Migrant Stocks in 2021",
    header="Destination country (across) - Source country (down)", total="World", rows_are="country",
    flags=f"{BREAK};{ESTIMATE}",
)  # fmt: skip


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The migration matrix in; 2021 corridor stocks (origin -> destination) and every name kept apart out."""
    return load_matrix(raw_dir, MIGRATION, countries)


def load_matrix(raw_dir: Path, spec: Matrix, countries: CountryIndex) -> LoadResult:
    path = raw_dir / spec.file
    grid = pd.read_excel(path, header=None, dtype=object, engine="calamine")
    records, unmatched, release = parse_matrix(grid, spec, path, countries)
    return LoadResult(
        source_id=spec.source_id,
        files={spec.file: sha256_of(path)},
        release_date=release,
        observations=pd.DataFrame(records, columns=list(ObservationModel.to_schema().columns)),
        unmatched=pd.DataFrame(
            [{"source_id": spec.source_id, "file": spec.file, "key": k, "reason": r} for k, r in unmatched.items()],
            columns=["source_id", "file", "key", "reason"],
        ),
    ).validated()


def parse_matrix(
    grid: pd.DataFrame, spec: Matrix, path: Path, countries: CountryIndex
) -> tuple[list[dict[str, object]], dict[str, str], str]:
    """The sheet as read (no header) in; (tidy records, names kept apart with their reason, release) out."""
    names = _check_layout(grid, spec, path)
    release = _check_notes(grid, spec, path, len(names) + 2)
    codes, unmatched = _resolve_all(names, countries, path)
    cells = grid.to_numpy()
    records = []
    for i, row_code in enumerate(codes):
        for j, col_code in enumerate(codes):
            if row_code is None or col_code is None or i == j:
                continue
            value, flags = _cell(cells, spec, path, i, j, names)
            if value is not None:
                country, partner = (row_code, col_code) if spec.rows_are == "country" else (col_code, row_code)
                records.append(_record(spec, country, partner, value, flags))
    return records, unmatched, release


def resolve(name: str, countries: CountryIndex) -> tuple[str | None, str]:
    """A World Bank name -> (ISO3, '') or (None, 'aggregate' / 'unmatched')."""
    if name in AGGREGATES:
        return None, "aggregate"
    code = _ALIASES.get(normalise_name(name)) or countries.from_name(name)
    if code is None:
        return None, "unmatched"
    if not countries.is_country(code):
        return None, "aggregate" if code in countries.iso3 else "unmatched"
    return code, ""


def _check_layout(grid: pd.DataFrame, spec: Matrix, path: Path) -> list[str]:
    """A1 title, A2 orientation, the same labels across row 2 and down column A, ending with the totals."""
    if grid.shape[0] < 3 or grid.shape[1] < 3 or not _text(grid.iat[0, 0]).startswith(spec.title):
        found = _text(grid.iat[0, 0]) if grid.size else ""
        raise LoaderError(path, f"the title {spec.title!r} in A1, found {found[:80]!r}", row=1, column="A")
    if " ".join(_text(grid.iat[1, 0]).split()) != spec.header:
        raise LoaderError(
            path, f"the orientation header {spec.header!r} in A2, found {_text(grid.iat[1, 0])[:80]!r}", 2, "A"
        )
    across = [_text(v) for v in grid.iloc[1, 1:]]
    if spec.total not in across:
        raise LoaderError(path, f"the column labels of row 2 to end with {spec.total!r}, found none", row=2)
    names = across[: across.index(spec.total) + 1]
    if any(not name for name in names) or any(across[len(names) :]):
        raise LoaderError(path, f"one label per column from B to the {spec.total!r} column, then nothing", row=2)
    for k, name in enumerate(names):
        down = _text(grid.iat[k + 2, 0]) if k + 2 < grid.shape[0] else ""
        if down != name:
            raise LoaderError(
                path, f"row label {name!r} (the same order as the column labels of row 2), found {down!r}", k + 3, "A"
            )
    return names


def _check_notes(grid: pd.DataFrame, spec: Matrix, path: Path, last_row: int) -> str:
    """Below the totals row only notes in column A (and the third party's known cells); returns the release."""
    for i in range(last_row, grid.shape[0]):
        for j in range(1, grid.shape[1]):
            cell = grid.iat[i, j]
            ref = f"{get_column_letter(j + 1)}{i + 1}"
            if not is_missing(cell) and ref not in spec.added_cells:
                raise LoaderError(path, f"only notes in column A below the {spec.total!r} row, found {cell!r}", i + 1)
    notes = " ".join(_text(v) for v in grid.iloc[last_row:, 0])
    if spec.zero_note and spec.zero_note not in " ".join(notes.split()):
        raise LoaderError(path, f"the note {spec.zero_note!r} below the matrix (it makes blanks zeros)", last_row + 1)
    found = RELEASE.search(notes)
    if found is None:
        raise LoaderError(path, f"the citation {RELEASE.pattern!r} below the matrix", row=last_row + 1, column="A")
    month = datetime.strptime(found.group(1), "%B %Y").strftime("%Y-%m")
    return f"{month} ({found.group(1)} release, as cited in the file)"


def _resolve_all(names: list[str], countries: CountryIndex, path: Path) -> tuple[list[str | None], dict[str, str]]:
    codes: list[str | None] = []
    unmatched: dict[str, str] = {}
    for k, name in enumerate(names):
        code, reason = resolve(name, countries)
        if code is not None and code in codes:
            raise LoaderError(path, f"one label per economy: {name!r} is the same ISO3 ({code}) as another", k + 3)
        if code is None:
            unmatched[name] = reason
        codes.append(code)
    return codes, unmatched


def _cell(cells: np.ndarray, spec: Matrix, path: Path, i: int, j: int, names: list[str]) -> tuple[float | None, str]:
    """(value, flags) of the cell at label row i, label column j (sheet row i + 3, column j + 2); None: missing."""
    cell = cells[i + 2, j + 1]
    if (names[i], names[j]) in spec.zero_pairs:
        if not is_missing(cell):
            raise LoaderError(path, f"a blank the notes call zero, found {cell!r}", i + 3, get_column_letter(j + 2))
        return 0.0, f"{spec.flags};{spec.zero_flag}"
    if is_missing(cell) or _text(cell) in NOT_AVAILABLE:
        return None, spec.flags
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        raise LoaderError(path, f"a number or a blank, found {cell!r}", row=i + 3, column=get_column_letter(j + 2))
    return float(cell), spec.flags


def _record(spec: Matrix, country: str, partner: str, value: float, flags: str) -> dict[str, object]:
    return {
        "indicator_id": spec.indicator_id, "country": country, "year": YEAR, "sex": "total",
        "partner_country": partner, "value": value, "value_label": None, "unit": spec.unit,
        "source_id": spec.source_id, "flags": flags,
    }  # fmt: skip


def _text(cell: object) -> str:
    return "" if is_missing(cell) else str(cell).strip()
