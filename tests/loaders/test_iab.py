"""IAB brain-drain gender loader: corridors pinned from xlrd cell reads, unmatched names listed, layouts located."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
import xlrd

from lmm.config import raw_dir
from loaders import iab
from loaders.base import LoaderError
from loaders.reference import CountryIndex, load_countries

RAW = raw_dir()
PATH = RAW / iab.FILE

pytestmark = pytest.mark.skipif(not PATH.exists(), reason=f"raw IAB file {PATH} is absent")

# (sheet, origin name as published, year, column label) -> (origin ISO3, sex, value); read with xlrd, cell by cell.
PINS = [
    ("USA", "Mexico", 2010, "Total", "MEX", "total", 11468807),  # USA!T118
    ("USA", "Mexico", 2010, "F-Total", "MEX", "female", 5182146),  # USA!V118
    ("USA", "Philippines", 2010, "Total", "PHL", "total", 1711327),  # USA!T143
    ("USA", "Philippines", 2010, "F-Total", "PHL", "female", 1012854),  # USA!V143
    ("GBR", "Ghana", 2010, "Total", "GHA", "total", 75557),  # GBR!T71
    ("GBR", "Ghana", 2010, "F-Total", "GHA", "female", 39689),  # GBR!V71
    ("AUS", "Philippines", 1980, "M-Total", "PHL", "male", 5102),  # AUS!C143
    ("DEU", "Turkey", 2010, "Total", "TUR", "total", 1658083),  # DEU!T184 (by citizenship); alias
    ("CAN", "Korea", 2000, "Total", "KOR", "total", 82995),  # CAN!N96; alias
    ("USA", "United Kingdom", 1990, "F-Total", "GBR", "female", 383713),  # USA!J190; alias
    ("FRA", "Congo, Dem. Rep. of the", 2005, "Total", "COD", "total", 24557),  # FRA!Q45; alias
    ("AUT", "Ghana", 2010, "Total", "GHA", "total", 0),  # AUT!T71: a published 0 stays a 0
    ("DEU", "Serbia and Montenegro", 2010, "Total", "SCG", "total", 415908),  # DEU!T158: historical area
    ("USA", "Serbia and Montenegro", 1980, "F-Total", "SCG", "female", 8901),  # USA!D158
]


@pytest.fixture(scope="module")
def countries() -> CountryIndex:
    return load_countries(RAW)[0]


@pytest.fixture(scope="module")
def result(countries):
    return iab.load(RAW, countries)


@pytest.fixture(scope="module")
def book() -> xlrd.book.Book:
    return xlrd.open_workbook(PATH)


def xlrd_cell(book: xlrd.book.Book, sheet: str, origin: str, year: int, label: str) -> float:
    """The cell in the origin's row under `label` of the year block, located by the headers in rows 1 and 2."""
    grid = book.sheet_by_name(sheet)
    row = grid.col_values(0).index(origin)
    column = grid.row_values(0).index(float(year)) + ["Total", "M-Total", "F-Total"].index(label)
    assert grid.cell_value(1, column) == label
    return grid.cell_value(row, column)


def corridor(frame: pd.DataFrame, origin: str, destination: str, year: int, sex: str) -> pd.DataFrame:
    return frame[
        (frame.country == origin) & (frame.partner_country == destination) & (frame.year == year) & (frame.sex == sex)
    ]


@pytest.mark.parametrize(
    ("sheet", "name", "year", "label", "origin", "sex", "value"),
    PINS,
    ids=[f"{p[4]}-{p[0]}-{p[2]}-{p[5]}" for p in PINS],
)
def test_corridor_values_pinned(book, result, sheet, name, year, label, origin, sex, value):
    assert xlrd_cell(book, sheet, name, year, label) == value
    hit = corridor(result.observations, origin, sheet, year, sex)
    assert len(hit) == 1
    assert hit.value.iloc[0] == value
    assert (hit.indicator_id.iloc[0], hit.unit.iloc[0]) == ("migrant_stock_corridor", "persons")


def test_shape(result):
    obs = result.observations
    assert set(obs.partner_country) == {
        "AUS", "AUT", "CAN", "CHE", "CHL", "DEU", "DNK", "ESP", "FIN", "FRA",
        "GBR", "GRC", "IRL", "LUX", "NLD", "NOR", "NZL", "PRT", "SWE", "USA",
    }  # fmt: skip
    assert set(obs.year) == set(iab.YEARS)
    assert obs.groupby("sex").size().nunique() == 1  # every corridor-year has total, male and female
    assert not (obs.country == obs.partner_country).any()  # natives are not immigrants


def test_origin_basis_flag(result):
    flags = result.observations.groupby("partner_country")["flags"].unique()
    assert list(flags["DEU"]) == ["origin_by=citizenship"]  # DEU's row 2 says "Citizenship"
    assert list(flags["USA"]) == ["origin_by=country_of_birth"]


def test_unmatched_names_listed_not_merged(result):
    unmatched = dict(zip(result.unmatched.key, result.unmatched.reason, strict=True))
    assert unmatched == {"Unknown": "not_a_country"}
    assert not result.observations.country.isin(["SRB", "MNE", "YUG"]).any()  # never merged into a successor
    assert result.observations.country.eq("SCG").sum() == 20 * 7 * 3  # the historical area, every destination
    assert result.aggregate_observations.empty


def test_former_state_is_reported_while_the_country_table_lacks_it(countries):
    without = copy.copy(countries)
    without.country_iso3 = countries.country_iso3 - {"SCG"}
    assert iab.resolve("Serbia and Montenegro", without) == (None, "not_a_country")
    assert iab.resolve("Serbia and Montenegro", countries) == ("SCG", "")


def test_provenance(result):
    assert result.release_date == "2013"
    assert list(result.files) == [iab.FILE]


def patched_copy(tmp_path: Path, old: bytes, new: bytes) -> Path:
    """The workbook with one byte string replaced by another of the same length (BIFF records keep their sizes)."""
    data = PATH.read_bytes()
    assert data.count(old) == 1 and len(old) == len(new)
    (tmp_path / iab.FILE).parent.mkdir(parents=True)
    (tmp_path / iab.FILE).write_bytes(data.replace(old, new))
    return tmp_path


def test_missing_country_of_birth_header_is_located(tmp_path, countries):
    path = patched_copy(tmp_path, b"Country of birth", b"Country of berth")  # the shared string, every sheet but DEU
    with pytest.raises(
        LoaderError,
        match=r"iabbd_8010_v1_gender\.xls, row 2, column 'A': sheet 'AUS': the header row 'Country of birth'",
    ):
        iab.load(path, countries)


def test_renamed_sheet_is_located(tmp_path, countries):
    path = patched_copy(tmp_path, b"\x03\x00GBR", b"\x03\x00GBX")  # the BOUNDSHEET record: length, flags, name
    with pytest.raises(
        LoaderError, match=r"iabbd_8010_v1_gender\.xls, row 1, column 'A': sheet 'GBX': a sheet named by the ISO3"
    ):
        iab.load(path, countries)


def test_unexpected_years_are_located(book, countries):
    """Numbers cannot be patched safely in BIFF, so the real sheet's grid (xlrd) gets a wrong year instead."""
    sheet = book.sheet_by_name("USA")
    grid = pd.DataFrame([sheet.row_values(r) for r in range(sheet.nrows)], dtype=object)
    grid.iat[0, 19] = 2011.0
    with pytest.raises(LoaderError, match=r"row 1: sheet 'USA': the years \[1980, .*2010\] in every third column"):
        iab._parse_sheet(grid, "USA", PATH, countries, {})
