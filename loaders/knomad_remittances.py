"""KNOMAD/World Bank Bilateral Remittance Matrix 2021 (a third party's re-saved copy) in; `remittance_flow_corridor` out.

Parsed like the migration matrix (loaders/knomad.py: layout checks, names, aggregates, missing vs zero); what
differs:

- Orientation, as cell A2 states it: "Remittance-receiving country (across) - Remittance-sending country (down)":
  ROWS = SENDING (the migrants' host country), COLUMNS = RECEIVING (the migrants' origin). Emitted with
  country = the RECEIVING (origin) country (column) and partner_country = the SENDING (host) country (row), so a
  corridor reads as in `migrant_stock_corridor`: country = origin, partner = destination. US$ million (current),
  2021; a model estimate (Ratha and Shaw 2007: IMF balance-of-payments totals allocated with migrant stocks and
  incomes), not measured flows. 215 labels per axis: 214 economies + the totals "WORLD" (kept apart).
- The copy was re-saved by a third party (2024-05-15) and cannot be compared with the publisher's file: every value
  carries the flag `third_party_copy=not verified against the publisher's file`. The one cell the third party
  added, DF218 `=SUM(DF3:DF216)` (the Lebanon column's total, below the WORLD row), is never read; any other number
  below the matrix stops the loader.
- Missing vs zero: blank = no estimate (missing); the 4 published zeros stay 0. The notes say flows between India
  and Pakistan, Lebanon and Israel, Azerbaijan and Armenia (both ways) "are assumed to be zero": those six cells are
  blank in the file and are loaded as 0 with the flag `assumed_zero=...`, the publisher's stated value; the loader
  stops if that note is gone or one of those cells holds a number.
"""

from __future__ import annotations

from pathlib import Path

from loaders.base import LoadResult
from loaders.knomad import Matrix, load_matrix
from loaders.reference import CountryIndex

SOURCE_ID = "knomad_remittances"
FILE = "knomad-remittance-matrix-2021-resaved/bilateral_remittance_matrix_2021.xlsx"
THIRD_PARTY = "third_party_copy=not verified against the publisher's file"
ESTIMATE = "estimate=KNOMAD model (Ratha and Shaw 2007)"
ADDED_CELLS = {"DF218": "=SUM(DF3:DF216), added by the third party that re-saved the file"}
ZERO_NOTE = (
    "Flows between India and Pakistan, Pakistan and India, Lebanon and Israel and vice versa, and Azerbaijan and"
    " Armenia and vice versa are assumed to be zero"
)
ZERO_PAIRS = frozenset(
    pair
    for a, b in [("India", "Pakistan"), ("Lebanon", "Israel"), ("Azerbaijan", "Armenia")]
    for pair in [(a, b), (b, a)]
)
ASSUMED_ZERO = "assumed_zero=blank in the file, the publisher's notes say this flow is assumed to be zero"

REMITTANCES = Matrix(
    file=FILE, source_id=SOURCE_ID, indicator_id="remittance_flow_corridor", unit="US$ million",
    title="Bilateral Remittance Estimates for 2021",
    header="Remittance-receiving country (across) - Remittance-sending country (down)", total="WORLD",
    rows_are="partner_country", flags=f"{ESTIMATE};{THIRD_PARTY}", added_cells=ADDED_CELLS,
    zero_pairs=ZERO_PAIRS, zero_note=ZERO_NOTE, zero_flag=ASSUMED_ZERO,
)  # fmt: skip


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The remittance matrix in; 2021 flows (country = receiving, partner = sending) and names kept apart out."""
    result = load_matrix(raw_dir, REMITTANCES, countries)
    result.release_date = f"{result.release_date}; this copy re-saved by a third party on 2024-05-15"
    return result
