"""KNOMAD matrices (migrant stocks; the re-saved remittance copy): random cells read with openpyxl and mapped to ISO3
through the World Bank's own FY2026 name list match the loaders; blanks stay missing; aggregates and the added
formula stay out; a moved layout stops with file and row."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indicators.release import BREAK_FLAG
from lmm.config import raw_dir
from loaders import knomad, knomad_remittances
from loaders.base import LoaderError
from loaders.reference import CountryIndex, load_countries
from loaders.wb_class import FY2026

RAW = raw_dir()
MIGRATION = RAW / knomad.FILE
REMITTANCES = RAW / knomad_remittances.FILE
SAMPLE = 30

pytestmark = pytest.mark.skipif(
    not (MIGRATION.exists() and REMITTANCES.exists()), reason=f"raw KNOMAD files are absent from {RAW}"
)

# Names the FY2026 World Bank list spells otherwise (checked by hand against ISO 3166).
EXTRA_NAMES = {
    "Cote d'Ivoire": "CIV", "Curacao": "CUW", "Czech Republic": "CZE", "Faeroe Islands": "FRO", "GuineaBissau": "GNB",
    "Holy See": "VAT", "Korea, Dem. Rep.": "PRK", "Puerto Rico": "PRI", "Sao Tome and Principe": "STP",
    "Somalia": "SOM", "TimorLeste": "TLS", "Turkey": "TUR", "Western Sahara": "ESH",
}  # fmt: skip
AGGREGATE_NAMES = {"World", "WORLD", "Other North", "Other South"}


@pytest.fixture(scope="module")
def countries() -> CountryIndex:
    return load_countries(RAW)[0]


@pytest.fixture(scope="module")
def migration(countries):
    return knomad.load(RAW, countries)


@pytest.fixture(scope="module")
def remittances(countries):
    return knomad_remittances.load(RAW, countries)


@pytest.fixture(scope="module")
def wb_codes() -> dict[str, str]:
    """World Bank name -> code from the FY2026 CLASS.xlsx, read with openpyxl (independent of the loaders)."""
    book = openpyxl.load_workbook(RAW / FY2026.file, read_only=True)
    rows = book["List of economies"].iter_rows(min_row=2, values_only=True)
    return {str(r[0]): str(r[1]) for r in rows if r[0] and r[1] and r[2]} | EXTRA_NAMES  # r[2]: Region, so economies


def matrix(path: Path) -> tuple[list[str], list[list[object]]]:
    """(labels of row 2 from B on, rows 3.. as lists from column B) read with openpyxl, formulas as written."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [str(v) for v in rows[1][1:] if v is not None], rows


def cells(path: Path, wb_codes: dict[str, str]) -> list[tuple[str, str, object]]:
    """(row ISO3, column ISO3, cell) for every country x country cell off the diagonal."""
    labels, rows = matrix(path)
    out = []
    for i, name in enumerate(labels):
        assert rows[i + 2][0] == name  # the same labels down column A
        for j, other in enumerate(labels):
            if i != j and name not in AGGREGATE_NAMES and other not in AGGREGATE_NAMES:
                out.append((wb_codes[name], wb_codes[other], rows[i + 2][j + 1]))
    return out


@pytest.fixture(scope="module")
def migration_cells(wb_codes):
    return cells(MIGRATION, wb_codes)


@pytest.fixture(scope="module")
def remittance_cells(wb_codes):
    return cells(REMITTANCES, wb_codes)


def value(frame: pd.DataFrame, country: str, partner: str) -> float | None:
    hit = frame[(frame.country == country) & (frame.partner_country == partner)]
    assert len(hit) <= 1
    return None if hit.empty else float(hit.value.iloc[0])


def numeric(cell: object) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)


# --- migrant stocks: rows = origin, columns = destination -----------------------------------------------------------


def test_migration_random_cells_match_openpyxl(migration, migration_cells):
    rng = random.Random(16)
    measured = [c for c in migration_cells if numeric(c[2])]
    for origin, destination, cell in rng.sample(measured, SAMPLE):
        assert value(migration.observations, origin, destination) == float(cell), (origin, destination)  # type: ignore[arg-type]
    assert len(migration.observations) == len(measured)  # every measured country pair, nothing else


def test_migration_rows_are_origins_as_a2_says(migration):
    sheet = openpyxl.load_workbook(MIGRATION, read_only=True).worksheets[0]
    a2 = " ".join(str(next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))[0]).split())
    assert a2 == "Destination country (across) - Source country (down)"
    obs = migration.observations
    assert value(obs, "NPL", "QAT") == 253940  # SOURCE.txt: Nepal->Qatar 253,940
    assert value(obs, "NPL", "SAU") == 503404
    assert value(obs, "PHL", "SAU") == 644828
    assert value(obs, "IND", "ARE") == 3471300
    assert value(obs, "MEX", "USA") > value(obs, "USA", "MEX")  # type: ignore[operator]


def test_migration_shape_and_break_flag(migration, countries):
    obs = migration.observations
    assert set(obs.indicator_id) == {"migrant_stock_corridor"} and set(obs.year) == {2021} and set(obs.sex) == {"total"}
    assert set(obs.unit) == {"persons"} and set(obs.source_id) == {"knomad_migration"}
    assert obs.country.map(countries.is_country).all() and obs.partner_country.map(countries.is_country).all()
    assert not (obs.country == obs.partner_country).any()  # natives are not migrants
    assert obs["flags"].str.startswith("break=").all() and obs["flags"].str.contains(BREAK_FLAG, regex=False).all()
    assert obs["flags"].iloc[0] == f"{knomad.BREAK};{knomad.ESTIMATE}"  # the file calls them staff estimates


def test_migration_blanks_are_missing_and_zeros_stay_zero(migration, migration_cells):
    rng = random.Random(17)
    blanks = [c for c in migration_cells if c[2] is None]
    for origin, destination, _ in rng.sample(blanks, SAMPLE):
        assert value(migration.observations, origin, destination) is None, (origin, destination)
    zeros = [c for c in migration_cells if numeric(c[2]) and c[2] == 0]
    assert len(zeros) > 800  # published zeros (Israel, New Zealand ... count every origin)
    for origin, destination, _ in rng.sample(zeros, SAMPLE):
        assert value(migration.observations, origin, destination) == 0.0, (origin, destination)
    texts = [c for c in migration_cells if isinstance(c[2], str)]
    assert texts == [("GHA", "LVA", "…")]  # the publisher's "not available": missing, never zero
    assert value(migration.observations, "GHA", "LVA") is None


def test_migration_aggregates_kept_apart(migration):
    unmatched = dict(zip(migration.unmatched.key, migration.unmatched.reason, strict=True))
    assert unmatched == {"Other North": "aggregate", "Other South": "aggregate", "World": "aggregate"}
    assert migration.aggregate_observations.empty
    assert not migration.observations.country.isin(["WLD", "M001"]).any()
    assert not migration.observations.partner_country.isin(["WLD", "M001"]).any()


def test_migration_names_resolve_like_the_world_bank_list(countries, wb_codes):
    labels, _ = matrix(MIGRATION)
    for name in labels:
        code, reason = knomad.resolve(name, countries)
        assert (code, reason) == ((None, "aggregate") if name in AGGREGATE_NAMES else (wb_codes[name], "")), name


def test_migration_provenance(migration):
    assert list(migration.files) == [knomad.FILE] and len(migration.files[knomad.FILE]) == 64
    assert migration.release_date.startswith("2022-12 (December 2022")


# --- remittances: rows = sending (host), columns = receiving (origin) -----------------------------------------------


def test_remittance_random_cells_match_openpyxl(remittances, remittance_cells):
    rng = random.Random(18)
    measured = [c for c in remittance_cells if numeric(c[2])]
    for sending, receiving, cell in rng.sample(measured, SAMPLE):
        # country = the RECEIVING (origin) country, partner = the SENDING (host) country
        assert value(remittances.observations, receiving, sending) == pytest.approx(cell), (sending, receiving)
    assumed = len(knomad_remittances.ZERO_PAIRS)
    assert len(remittances.observations) == len(measured) + assumed


def test_remittance_orientation_as_a2_says(remittances):
    sheet = openpyxl.load_workbook(REMITTANCES, read_only=True).worksheets[0]
    a2 = " ".join(str(next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))[0]).split())
    assert a2 == "Remittance-receiving country (across) - Remittance-sending country (down)"
    obs = remittances.observations
    assert value(obs, "NPL", "QAT") == pytest.approx(1098.5887227764347)  # Qatar -> Nepal, US$ m
    assert value(obs, "PHL", "SAU") == pytest.approx(3670.151890800917)
    assert value(obs, "IND", "ARE") == pytest.approx(19821.051397340067)


def test_every_remittance_value_carries_the_third_party_flag(remittances):
    obs = remittances.observations
    assert len(obs) > 10_000
    assert obs["flags"].str.split(";").map(lambda f: knomad_remittances.THIRD_PARTY in f).all()
    assert knomad_remittances.THIRD_PARTY == "third_party_copy=not verified against the publisher's file"
    assert set(obs.unit) == {"US$ million"} and set(obs.year) == {2021} and set(obs.sex) == {"total"}
    assert set(obs.indicator_id) == {"remittance_flow_corridor"} and set(obs.source_id) == {"knomad_remittances"}


def test_the_added_formula_cell_is_not_loaded(remittances):
    sheet = openpyxl.load_workbook(REMITTANCES).worksheets[0]
    assert sheet["DF218"].value == "=SUM(DF3:DF216)"  # the third party's formula, below the WORLD row (217)
    assert sheet["DF2"].value == "Lebanon" and sheet["A217"].value == "WORLD"
    cached = openpyxl.load_workbook(REMITTANCES, data_only=True).worksheets[0]["DF218"].value
    assert cached == pytest.approx(6393.53)
    assert not (remittances.observations.value.sub(cached).abs() < 0.01).any()
    lebanon = remittances.observations[remittances.observations.country == "LBN"]
    assert 0 < len(lebanon) < 215  # its senders, no total among them
    assert lebanon.value.sum() == pytest.approx(cached)  # the formula summed what is loaded, without being loaded


ASSUMED_ZERO = {("IND", "PAK"), ("PAK", "IND"), ("LBN", "ISR"), ("ISR", "LBN"), ("AZE", "ARM"), ("ARM", "AZE")}


def test_remittance_blanks_missing_assumed_zeros_flagged(remittances, remittance_cells):
    rng = random.Random(19)
    assert len(knomad_remittances.ZERO_PAIRS) == 6
    blanks = [c for c in remittance_cells if c[2] is None and c[:2] not in ASSUMED_ZERO]
    for sending, receiving, _ in rng.sample(blanks, SAMPLE):
        assert value(remittances.observations, receiving, sending) is None, (sending, receiving)
    obs = remittances.observations
    zeros = obs[obs.value == 0]
    assumed = zeros[zeros["flags"].str.contains("assumed_zero=", regex=False)]
    assert set(zip(assumed.partner_country, assumed.country, strict=True)) == ASSUMED_ZERO
    assert sorted(zip(zeros.partner_country, zeros.country, strict=True)) == sorted(
        [*zip(assumed.partner_country, assumed.country, strict=True), ("LAO", "AZE"), ("MLI", "IND")]
    )  # plus the two published zeros (the other two are to WORLD)
    assert ASSUMED_ZERO <= {(s, r) for s, r, c in remittance_cells if c is None}  # blank in the file


def test_remittance_aggregates_kept_apart(remittances):
    assert dict(zip(remittances.unmatched.key, remittances.unmatched.reason, strict=True)) == {"WORLD": "aggregate"}
    assert remittances.release_date.startswith("2022-12") and "third party" in remittances.release_date


# --- layouts that moved ---------------------------------------------------------------------------------------------


def edited_copy(tmp_path: Path, relative: str, edit) -> Path:
    """The raw folder's file written to tmp_path after `edit(sheet)`: a modified copy, the original untouched."""
    target = tmp_path / relative
    target.parent.mkdir(parents=True)
    book = openpyxl.load_workbook(RAW / relative)
    edit(book.worksheets[0])
    book.save(target)
    return tmp_path


def test_shifted_header_is_located(tmp_path, countries):
    raw = edited_copy(tmp_path, knomad.FILE, lambda sheet: sheet.insert_rows(1))
    with pytest.raises(
        LoaderError, match=r"bilateral_migration_matrix_2021_latest\.xlsx, row 1, column 'A': the title"
    ):
        knomad.load(raw, countries)


def test_swapped_orientation_is_located(tmp_path, countries):
    def swap(sheet):
        sheet["A2"] = "Remittance-sending country (across) - Remittance-receiving country (down)"

    raw = edited_copy(tmp_path, knomad_remittances.FILE, swap)
    with pytest.raises(
        LoaderError, match=r"bilateral_remittance_matrix_2021\.xlsx, row 2, column 'A': the orientation header"
    ):
        knomad_remittances.load(raw, countries)


def test_moved_row_label_is_located(tmp_path, countries):
    def rename(sheet):
        sheet["A50"] = "Atlantis"

    raw = edited_copy(tmp_path, knomad.FILE, rename)
    with pytest.raises(LoaderError, match=r"row 50, column 'A': row label .* found 'Atlantis'"):
        knomad.load(raw, countries)


def test_another_number_below_the_matrix_is_located(tmp_path, countries):
    def add(sheet):
        sheet["C218"] = 123.0

    raw = edited_copy(tmp_path, knomad_remittances.FILE, add)
    with pytest.raises(LoaderError, match=r"bilateral_remittance_matrix_2021\.xlsx, row 218: only notes in column A"):
        knomad_remittances.load(raw, countries)


def test_text_in_a_cell_is_located(tmp_path, countries):
    def write(sheet):
        sheet["D10"] = "n/k"

    raw = edited_copy(tmp_path, knomad.FILE, write)
    with pytest.raises(LoaderError, match=r"row 10, column 'D': a number or a blank, found 'n/k'"):
        knomad.load(raw, countries)


def test_missing_zero_note_is_located(tmp_path, countries):
    def drop(sheet):
        sheet["A224"] = "Notes moved."

    raw = edited_copy(tmp_path, knomad_remittances.FILE, drop)
    with pytest.raises(LoaderError, match=r"row 218: the note 'Flows between India and Pakistan"):
        knomad_remittances.load(raw, countries)
