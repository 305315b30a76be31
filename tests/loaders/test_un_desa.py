"""UN DESA IMS 2020 loader: values pinned from openpyxl reads of the workbooks, aggregates apart, layouts located."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lmm.config import raw_dir
from loaders import un_desa
from loaders.base import LoaderError
from loaders.reference import CountryIndex, load_countries

RAW = raw_dir()
FOLDER = RAW / un_desa.FOLDER
DEST, ORIG = un_desa.DESTINATION_FILE, un_desa.ORIGIN_FILE

pytestmark = pytest.mark.skipif(not FOLDER.exists(), reason=f"raw UN DESA folder {FOLDER} is absent")

# (file, sheet, cell) -> (indicator, area, year, sex, value): read cell by cell with openpyxl (data_only) from the
# original workbooks; rows 12 WORLD, 85 Ghana, 120 Philippines, 201 Germany, 243 Mexico, 266 USA in both files.
PINS = [
    (DEST, "Table 4", "L243", "women_share_immigrants", "MEX", 2020, "female", 49.77480411214204),
    (DEST, "Table 4", "L120", "women_share_immigrants", "PHL", 2020, "female", 48.074492850016625),
    (DEST, "Table 4", "L85", "women_share_immigrants", "GHA", 2020, "female", 46.60021158157225),
    (DEST, "Table 4", "L201", "women_share_immigrants", "DEU", 2020, "female", 49.93397920133898),
    (DEST, "Table 4", "L266", "women_share_immigrants", "USA", 2020, "female", 51.65391091267335),
    (DEST, "Table 1", "L243", "migrant_stock", "MEX", 2020, "total", 1197624),
    (DEST, "Table 1", "L120", "migrant_stock", "PHL", 2020, "total", 225525),
    (DEST, "Table 1", "L85", "migrant_stock", "GHA", 2020, "total", 476412),
    (DEST, "Table 1", "L201", "migrant_stock", "DEU", 2020, "total", 15762457),
    (DEST, "Table 1", "L266", "migrant_stock", "USA", 2020, "total", 50632836),
    (DEST, "Table 1", "S266", "migrant_stock", "USA", 2020, "male", 24478996),
    (DEST, "Table 1", "Z85", "migrant_stock", "GHA", 2020, "female", 222009),
    (DEST, "Table 3", "L201", "migrant_stock_share_pop", "DEU", 2020, "total", 18.81321892875777),
    (DEST, "Table 3", "S243", "migrant_stock_share_pop", "MEX", 2020, "male", 0.9536940353680584),
    (DEST, "Table 3", "Z120", "migrant_stock_share_pop", "PHL", 2020, "female", 0.1987452032234778),
    (DEST, "Table 3", "L266", "migrant_stock_share_pop", "USA", 2020, "total", 15.296806976894056),
    (DEST, "Table 3", "L85", "migrant_stock_share_pop", "GHA", 2020, "total", 1.533205172538361),
    (ORIG, "Table 1", "L243", "emigrant_stock", "MEX", 2020, "total", 11185737),
    (ORIG, "Table 1", "Z120", "emigrant_stock", "PHL", 2020, "female", 3289340),
    (ORIG, "Table 1", "S85", "emigrant_stock", "GHA", 2020, "male", 529432),
    (ORIG, "Table 1", "L201", "emigrant_stock", "DEU", 2020, "total", 3855268),
    (ORIG, "Table 1", "L266", "emigrant_stock", "USA", 2020, "total", 2996223),
    (ORIG, "Table 2", "L243", "women_share_emigrants", "MEX", 2020, "female", 46.826275282531675),
    (ORIG, "Table 2", "L120", "women_share_emigrants", "PHL", 2020, "female", 53.97397932201316),
    (ORIG, "Table 2", "L85", "women_share_emigrants", "GHA", 2020, "female", 47.284740780863544),
    (ORIG, "Table 2", "L201", "women_share_emigrants", "DEU", 2020, "female", 53.713023322892205),
    (ORIG, "Table 2", "L266", "women_share_emigrants", "USA", 2020, "female", 49.79555927579489),
]
WORLD_PINS = [  # row 12, code 900: an aggregate, never a country
    (DEST, "Table 1", "L12", "migrant_stock", "M900", 2020, "total", 280598105),
    (DEST, "Table 4", "L12", "women_share_immigrants", "M900", 2020, "female", 48.09093810523061),
    (ORIG, "Table 1", "Z12", "emigrant_stock", "M900", 2020, "female", 134942261),
]
MISSING = [  # '..' in the original: South Sudan F50 (1990), Taiwan F108 (1990) and origin L108 (2020)
    (DEST, "Table 1", "F50", "migrant_stock", "SSD", 1990, "total"),
    (DEST, "Table 4", "F108", "women_share_immigrants", "TWN", 1990, "female"),
    (ORIG, "Table 2", "L108", "women_share_emigrants", "TWN", 2020, "female"),
]


def ids(pins: list[tuple]) -> list[str]:
    return [f"{p[3]}-{p[4]}-{p[5]}-{p[6]}" for p in pins]


@pytest.fixture(scope="module")
def countries() -> CountryIndex:
    return load_countries(RAW)[0]


@pytest.fixture(scope="module")
def result(countries):
    return un_desa.load(RAW, countries)


@pytest.fixture(scope="module")
def books() -> dict[str, openpyxl.Workbook]:
    return {name: openpyxl.load_workbook(RAW / name, data_only=True) for name in (DEST, ORIG)}


def value_of(frame: pd.DataFrame, indicator: str, area: str, year: int, sex: str) -> pd.DataFrame:
    return frame[
        (frame.indicator_id == indicator) & (frame.country == area) & (frame.year == year) & (frame.sex == sex)
    ]


@pytest.mark.parametrize(
    ("file", "sheet", "cell", "indicator", "area", "year", "sex", "value"),
    PINS + WORLD_PINS,
    ids=ids(PINS + WORLD_PINS),
)
def test_pins_are_the_original_cells(books, file, sheet, cell, indicator, area, year, sex, value):
    assert books[file][sheet][cell].value == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(("file", "sheet", "cell", "indicator", "area", "year", "sex", "value"), PINS, ids=ids(PINS))
def test_country_values_pinned(result, file, sheet, cell, indicator, area, year, sex, value):
    hit = value_of(result.observations, indicator, area, year, sex)
    assert len(hit) == 1
    assert hit.value.iloc[0] == pytest.approx(value, rel=1e-12)
    assert hit.unit.iloc[0] == ("persons" if indicator.endswith("stock") else "%")


@pytest.mark.parametrize(
    ("file", "sheet", "cell", "indicator", "area", "year", "sex", "value"), WORLD_PINS, ids=ids(WORLD_PINS)
)
def test_world_kept_in_aggregates(result, file, sheet, cell, indicator, area, year, sex, value):
    assert value_of(result.observations, indicator, area, year, sex).empty
    hit = value_of(result.aggregate_observations, indicator, area, year, sex)
    assert hit.value.iloc[0] == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(("file", "sheet", "cell", "indicator", "area", "year", "sex"), MISSING, ids=ids(MISSING))
def test_two_dots_stay_missing(books, result, file, sheet, cell, indicator, area, year, sex):
    assert books[file][sheet][cell].value == ".."
    assert value_of(result.observations, indicator, area, year, sex).empty


def test_every_indicator_and_sex(result):
    obs = result.observations
    assert set(obs.indicator_id) == {t.indicator_id for t in un_desa.TABLES}
    assert set(obs[obs.indicator_id == "migrant_stock"].sex) == {"total", "male", "female"}
    assert set(obs[obs.indicator_id.str.startswith("women_share")].sex) == {"female"}
    assert obs.partner_country.eq("").all()


def test_aggregates_never_among_countries(result, countries):
    assert result.observations.country.map(countries.is_country).all()
    aggregates = result.aggregate_observations
    assert not aggregates.country.map(countries.is_country).any()
    assert {"M900", "M1503", "M903", "M927"} <= set(aggregates.country)  # world, high income, Africa, ANZ (twice)
    assert set(result.unmatched.reason) == {"aggregate"}
    assert (result.unmatched.key == "900 WORLD").any()


def test_type_of_data_kept_as_flag(result):
    obs = result.observations.set_index(["indicator_id", "country", "year", "sex"])["flags"]
    assert obs[("migrant_stock", "MEX", 2020, "total")] == "type_of_data=B R"
    assert obs[("women_share_immigrants", "PHL", 2020, "female")] == "type_of_data=C R"
    assert obs[("migrant_stock", "DEU", 2020, "male")] == "type_of_data=B"
    assert obs[("emigrant_stock", "DEU", 2020, "total")] == ""  # the origin workbook has no Type of data


def test_provenance(result):
    assert result.release_date == "2020 revision"
    assert set(result.files) == {DEST, ORIG}
    assert all(len(digest) == 64 for digest in result.files.values())


def broken_copy(tmp_path: Path, file: str, edit) -> Path:
    """Both workbooks copied to tmp_path; `file` saved again after `edit(workbook)`."""
    (tmp_path / un_desa.FOLDER).mkdir()
    for name in (DEST, ORIG):
        shutil.copy(RAW / name, tmp_path / name)
    book = openpyxl.load_workbook(tmp_path / file)
    edit(book)
    book.save(tmp_path / file)
    return tmp_path


def set_cells(sheet: str, **cells: object):
    def edit(book):
        for cell, value in cells.items():
            book[sheet][cell] = value

    return edit


def test_em_dash_is_a_published_zero_and_tilde_missing(tmp_path, countries):
    edit = set_cells("Table 2", L85="\u2014", L120="~")  # Ghana 2020, Philippines 2020
    result = un_desa.load(broken_copy(tmp_path, ORIG, edit), countries)
    ghana = value_of(result.observations, "women_share_emigrants", "GHA", 2020, "female")
    assert ghana.value.iloc[0] == 0.0
    assert ghana["flags"].iloc[0] == "rounded_to_zero=1"
    assert value_of(result.observations, "women_share_emigrants", "PHL", 2020, "female").empty


def test_unknown_code_reported(tmp_path, countries):
    result = un_desa.load(broken_copy(tmp_path, ORIG, set_cells("Table 2", D85=899)), countries)
    assert value_of(result.observations, "women_share_emigrants", "GHA", 2020, "female").empty
    assert not value_of(result.observations, "emigrant_stock", "GHA", 2020, "total").empty  # Table 1 untouched
    assert list(result.unmatched.loc[result.unmatched.reason == "unmatched", "key"]) == ["899 Ghana"]


def test_header_moved_is_located(tmp_path, countries):
    path = broken_copy(tmp_path, DEST, lambda b: b["Table 3"].insert_rows(1))
    with pytest.raises(LoaderError) as caught:
        un_desa.load(path, countries)
    message = str(caught.value)
    assert "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx, row 12" in message
    assert "'Table 3'" in message and "row 11" in message


def test_sheet_renamed_is_located(tmp_path, countries):
    path = broken_copy(tmp_path, ORIG, lambda b: setattr(b["Table 2"], "title", "Table 2 (women)"))
    with pytest.raises(LoaderError, match=r"undesa_pd_2020_ims_stock_by_sex_and_origin\.xlsx: sheets \['Table 2'\]"):
        un_desa.load(path, countries)


def test_unexpected_years_are_located(tmp_path, countries):
    path = broken_copy(tmp_path, ORIG, set_cells("Table 1", L11=2019))
    with pytest.raises(LoaderError, match=r"origin\.xlsx, row 11: sheet 'Table 1': years 1990\.\.2020 in 3 block"):
        un_desa.load(path, countries)


def test_unexpected_cell_is_located(tmp_path, countries):
    path = broken_copy(tmp_path, ORIG, set_cells("Table 2", K85="n/a*"))
    with pytest.raises(LoaderError, match=r"origin\.xlsx, row 85, column 'K': sheet 'Table 2': a number"):
        un_desa.load(path, countries)
