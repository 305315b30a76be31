"""UNSD gender minimum set loader: ratifications and LFPR pinned from the workbooks (openpyxl), bad layouts located."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from loaders import unsd_gender
from loaders.base import LoaderError
from loaders.reference import load_countries

QI_1, QI_2 = list(unsd_gender.RATIFICATION_FILES)


@pytest.fixture(scope="module")
def countries(raw_dir: Path):
    return load_countries(raw_dir)[0]


@pytest.fixture(scope="module")
def result(raw_dir: Path, countries):
    return unsd_gender.load(raw_dir, countries)


def read_sheet(path: Path) -> list[dict[str, object]]:
    """Every row of the one sheet as a dict, read cell by cell with openpyxl (independent of calamine)."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture(scope="module")
def originals(raw_dir: Path) -> dict[str, list[dict[str, object]]]:
    folder = raw_dir / unsd_gender.FOLDER
    return {name: read_sheet(folder / name) for name in [QI_1, QI_2, unsd_gender.LFPR_FILE]}


@pytest.fixture(scope="module")
def lfpr(originals) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(ISO3, year, SEX) -> (OBS_VALUE, SOURCE_DETAIL) for ages 15+."""
    rows = originals[unsd_gender.LFPR_FILE]
    return {
        (r["ISO3"], r["TIME_PERIOD"], r["SEX"]): (r["OBS_VALUE"], r["SOURCE_DETAIL"])
        for r in rows
        if r["AGE"] == "Y_GE15"
    }


def event(result, indicator: str, country: str) -> pd.Series:
    hit = result.events[(result.events.indicator_id == indicator) & (result.events.country == country)]
    assert len(hit) == 1, (indicator, country, len(hit))
    return hit.iloc[0]


def value(result, indicator: str, country: str, year: int, sex: str) -> pd.Series | None:
    obs = result.observations
    hit = obs[(obs.indicator_id == indicator) & (obs.country == country) & (obs.year == year) & (obs.sex == sex)]
    assert len(hit) <= 1
    return hit.iloc[0] if len(hit) else None


# (convention, ISO3, TIME_DETAIL) read by hand from the QI_1 / QI_2 workbooks.
@pytest.mark.parametrize(
    ("indicator", "iso3", "date", "status"),
    [("ilo_c100", "MEX", "1952-08-23", "in_force"), ("ilo_c100", "PHL", "1953-12-29", "in_force"),
     ("ilo_c100", "AFG", "1969-08-22", "in_force"), ("ilo_c111", "MEX", "1961-09-11", "in_force"),
     ("ilo_c111", "PHL", "1960-11-17", "in_force"), ("ilo_c183", "DJI", "2020-09-25", "not_in_force"),
     ("ilo_c177", "SVN", "2021-04-14", "not_in_force"), ("ilo_c156", "ALB", "2007-10-11", "in_force")],
)  # fmt: skip
def test_ratifications_pinned(result, originals, indicator, iso3, date, status):
    number = int(indicator[-3:])
    file = QI_1 if number in unsd_gender.RATIFICATION_FILES[QI_1] else QI_2
    raw = [r for r in originals[file] if r["ISO3"] == iso3 and f"convention {number} " in r["MINSET_SERIES_DESC"]]
    assert len(raw) == 1 and str(raw[0]["TIME_DETAIL"]).startswith(date)
    found = event(result, indicator, iso3)
    assert (found.event_date, found.year, found.status) == (date, int(date[:4]), status)


def test_not_in_force_keeps_the_entry_into_force_comment(result):
    assert "enter into force for Djibouti on 25 Sep 2021" in event(result, "ilo_c183", "DJI").note


def test_complete_lists_with_independent_counts(result, originals):
    counts = Counter()
    for file in (QI_1, QI_2):
        counts.update(int(r["MINSET_SERIES_DESC"].split("convention ")[1].split()[0]) for r in originals[file])
    lists = result.event_lists.set_index("indicator_id")
    assert {int(i[-3:]): n for i, n in lists.rows.items()} == dict(counts)
    assert dict(counts) == {100: 173, 111: 175, 156: 45, 175: 18, 177: 11, 183: 39}
    assert lists.complete.all() and set(lists.as_of) == {"2021"}
    assert result.events.groupby("indicator_id").size().to_dict() == lists.rows.to_dict()


# (ISO3, year, SEX, value) read by hand from I_3 (ages 15+).
LFPR = [("MEX", 2019, "F", 44.71), ("MEX", 2019, "M", 77.15), ("PHL", 2019, "F", 46.42), ("PHL", 2019, "M", 72.36),
        ("DEU", 2019, "_T", 61.92), ("BGR", 1992, "_T", 57.17), ("GHA", 2015, "F", 65.52), ("GHA", 2015, "M", 74.06)]  # fmt: skip


@pytest.mark.parametrize(("iso3", "year", "sex", "expected"), LFPR)
def test_lfpr_national_pinned(result, lfpr, iso3, year, sex, expected):
    raw_value, survey = lfpr[(iso3, str(year), sex)]
    assert float(raw_value) == expected
    found = value(result, "lfpr_national", iso3, year, unsd_gender.SEXES[sex])
    assert found.value == expected and found.unit == "%"
    assert found["flags"] == f"nature=C;survey={survey}"


@pytest.mark.parametrize(("iso3", "year"), [("MEX", 2019), ("PHL", 2019), ("GHA", 2015), ("BGR", 1992), ("DEU", 2019)])
def test_lfpr_ratio_is_female_over_male(result, lfpr, iso3, year):
    female, survey = lfpr[(iso3, str(year), "F")]
    male, _ = lfpr[(iso3, str(year), "M")]
    found = value(result, "lfpr_ratio_fm", iso3, year, "total")
    assert found.value == pytest.approx(100 * float(female) / float(male))
    assert found["flags"] == f"derived=female/male;survey={survey}"


def test_missing_stays_missing(result, lfpr):
    assert ("DZA", "2001", "_T") in lfpr and ("DZA", "2001", "F") not in lfpr
    assert value(result, "lfpr_national", "DZA", 2001, "total").value == 27.79
    assert value(result, "lfpr_national", "DZA", 2001, "female") is None
    assert value(result, "lfpr_ratio_fm", "DZA", 2001, "total") is None


def test_only_ages_15_plus_and_three_sexes(result, lfpr):
    expected = sum(1 for (_, _, sex) in lfpr if sex in unsd_gender.SEXES)
    assert (result.observations.indicator_id == "lfpr_national").sum() == expected
    assert ("IND", "2018", "_O") in lfpr and set(result.observations.sex) == {"total", "female", "male"}


def test_no_aggregates_or_unmatched_areas_in_the_real_files(result):
    assert len(result.aggregate_observations) == 0 and len(result.unmatched) == 0
    assert result.release_date == "2021" and len(result.files) == 3


def small_lfpr(path: Path, originals) -> None:
    """An I_3 workbook with the World aggregate and a country-year published from two surveys."""
    template = next(r for r in originals[unsd_gender.LFPR_FILE] if r["ISO3"] == "MEX" and r["AGE"] == "Y_GE15")
    cases = [("1", None, "World", "_T", "60", "World - OE - estimate"),
             ("484", "MEX", "Mexico", "F", "40", "MEX - PC - Censo"), ("484", "MEX", "Mexico", "M", "80", "MEX - PC - Censo"),
             ("484", "MEX", "Mexico", "F", "45", "MEX - LFS - ENOE"), ("484", "MEX", "Mexico", "M", "75", "MEX - LFS - ENOE")]  # fmt: skip
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(template))
    for m49, iso3, name, sex, obs, survey in cases:
        row = dict(template, REF_AREA=m49, ISO3=iso3, REF_AREA_DESC=name, SEX=sex, OBS_VALUE=obs, SOURCE_DETAIL=survey)
        sheet.append(list(dict(row, TIME_PERIOD="2010").values()))
    book.save(path)


def raw_copy(raw_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / unsd_gender.FOLDER
    shutil.copytree(raw_dir / unsd_gender.FOLDER, folder, ignore=shutil.ignore_patterns("IV_*", "QI_3*", "QI_4*"))
    return folder


def test_aggregates_apart_and_one_survey_per_year(raw_dir, countries, originals, tmp_path):
    folder = raw_copy(raw_dir, tmp_path)
    small_lfpr(folder / unsd_gender.LFPR_FILE, originals)
    loaded = unsd_gender.load(tmp_path, countries)
    assert list(loaded.aggregate_observations.country) == ["M001"]
    assert ("M001", "aggregate") in set(zip(loaded.unmatched.key, loaded.unmatched.reason, strict=True))
    mex = loaded.observations[loaded.observations.country == "MEX"].set_index(["indicator_id", "sex"]).value
    assert mex.to_dict() == {("lfpr_national", "female"): 45.0, ("lfpr_national", "male"): 75.0,
                             ("lfpr_ratio_fm", "total"): 60.0}  # fmt: skip


def edit_cell(path: Path, column: str, row: int, new: object) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    sheet.cell(row=row, column=header.index(column) + 1, value=new)
    book.save(path)


def test_unknown_status_names_the_row(raw_dir, countries, tmp_path):
    folder = raw_copy(raw_dir, tmp_path)
    edit_cell(folder / QI_1, "VALUE_CATEGORY_DESC", 7, "Denounced")
    with pytest.raises(LoaderError) as error:
        unsd_gender.load(tmp_path, countries)
    assert (error.value.row, error.value.column) == (7, "VALUE_CATEGORY_DESC")
    assert f"{QI_1}, row 7" in str(error.value) and "'Denounced'" in str(error.value)


def test_renamed_column_is_located(raw_dir, countries, tmp_path):
    folder = raw_copy(raw_dir, tmp_path)
    edit_cell(folder / QI_2, "TIME_DETAIL", 1, "DATE")
    with pytest.raises(LoaderError, match=rf"{QI_2}, row 1: expected columns \['TIME_DETAIL'\]"):
        unsd_gender.load(tmp_path, countries)
