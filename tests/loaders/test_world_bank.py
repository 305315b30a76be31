"""WDI bulk CSV loader: values pinned from the original file, aggregates kept apart, bad layouts located."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lmm.config import raw_dir
from loaders import world_bank
from loaders.base import LoaderError
from loaders.reference import CountryIndex, load_countries

RAW = raw_dir()
FOLDER = RAW / "wb-wdi-flfp"
API_NAME = "API_SL.TLF.CACT.FE.ZS_DS2_en_csv_v2_13361.csv"

pytestmark = pytest.mark.skipif(not FOLDER.exists(), reason=f"raw WDI folder {FOLDER} is absent")


@pytest.fixture(scope="module")
def countries() -> CountryIndex:
    return load_countries(RAW)[0]


@pytest.fixture(scope="module")
def result(countries):
    return world_bank.load(RAW, countries)


@pytest.fixture(scope="module")
def original() -> pd.DataFrame:
    """The API file read independently (pandas, skipping the preamble), long format, numbers as floats."""
    wide = pd.read_csv(FOLDER / API_NAME, skiprows=4, encoding="utf-8-sig")
    years = [c for c in wide.columns if c.isdigit()]
    long = wide.melt(id_vars=["Country Code"], value_vars=years, var_name="year").dropna(subset=["value"])
    return long.astype({"year": int}).rename(columns={"Country Code": "country"})


def value_of(frame: pd.DataFrame, country: str, year: int) -> float | None:
    hit = frame[(frame.country == country) & (frame.year == year)]
    assert len(hit) <= 1
    return None if hit.empty else float(hit.value.iloc[0])


# Read from the file by hand (grep + awk on the original CSV).
@pytest.mark.parametrize(
    ("country", "year", "value"),
    [("AFG", 1990, 15.789), ("KEN", 2023, 62.434), ("DEU", 2000, 49.001), ("UKR", 2021, 47.739),
     ("NAM", 2022, 55.382), ("CHI", 1990, 46.039), ("SDN", 2022, 14.451)],
)  # fmt: skip
def test_country_values_pinned(result, country, year, value):
    assert value_of(result.observations, country, year) == pytest.approx(value, abs=1e-9)


def test_every_country_value_matches_independent_read(result, original, countries):
    ours = result.observations.set_index(["country", "year"]).value.sort_index()
    theirs = original[original.country.map(countries.is_country)].set_index(["country", "year"]).value.sort_index()
    pd.testing.assert_series_equal(ours, theirs.astype(float), check_names=False)
    assert len(result.observations) == 6354


@pytest.mark.parametrize(("country", "year"), [("UKR", 2022), ("UKR", 2023), ("SDN", 2023), ("PSE", 2023), ("ABW", 2000), ("XKX", 2010), ("AFG", 1985)])  # fmt: skip
def test_missing_stays_missing(result, country, year):
    assert value_of(result.observations, country, year) is None


def test_only_published_years_and_no_zero_fill(result):
    assert result.observations.year.between(1990, 2023).all()
    assert (result.observations.value > 0).all()
    assert not {"ABW", "XKX", "LIE", "MCO"} & set(result.observations.country)


@pytest.mark.parametrize(
    ("code", "year", "value"),
    [("WLD", 1990, 51.3460258318376), ("WLD", 2023, 48.9841218907685), ("ARB", 1990, 19.3629954580082),
     ("HIC", 2022, 54.0799032431415)],
)  # fmt: skip
def test_aggregates_kept_apart(result, code, year, value):
    assert value_of(result.aggregate_observations, code, year) == pytest.approx(value, abs=1e-12)
    assert code not in set(result.observations.country)


def test_aggregates_reported_and_inx_unmatched(result, countries):
    assert all(countries.is_country(c) for c in set(result.observations.country))
    assert not any(countries.is_country(c) for c in set(result.aggregate_observations.country))
    reported = dict(zip(result.unmatched.key, result.unmatched.reason, strict=True))
    assert reported["INX"] == "aggregate" and "INX" not in set(result.aggregate_observations.country)
    assert len(set(result.aggregate_observations.country)) == 48
    assert set(result.aggregate_observations.country) <= set(reported)


def test_metadata_and_provenance(result):
    assert result.release_date == "2025-03-24"
    assert f"wb-wdi-flfp/{API_NAME}" in result.files and len(result.files) == 3
    obs = result.observations
    assert set(obs.indicator_id) == {"female_lfpr"} and set(obs.sex) == {"female"} and set(obs.unit) == {"%"}
    assert set(obs["flags"]) == {"estimate=ILO modelled"}  # obs.flags is pandas' DataFrame.flags
    assert obs.value_label.isna().all()


# Bad layouts: a copy of the folder, broken one way each time.
def broken_copy(tmp_path: Path, edit) -> Path:
    target = tmp_path / "wb-wdi-flfp"
    target.mkdir()
    for path in FOLDER.glob("*.csv"):
        (target / path.name).write_bytes(path.read_bytes())
    api = target / API_NAME
    lines = api.read_bytes().decode("utf-8-sig").split("\r\n")
    api.write_bytes(("\ufeff" + "\r\n".join(edit(lines))).encode("utf-8"))
    return tmp_path


def test_renamed_country_code_column(tmp_path, countries):
    raw = broken_copy(
        tmp_path, lambda lines: lines[:4] + [lines[4].replace('"Country Code"', '"Country ISO"')] + lines[5:]
    )
    with pytest.raises(LoaderError, match=r"API_SL.*, row 5: expected the header .*Country Code") as err:
        world_bank.load(raw, countries)
    assert err.value.row == 5 and err.value.file.endswith(API_NAME)


def test_moved_header(tmp_path, countries):
    raw = broken_copy(tmp_path, lambda lines: lines[:4] + [""] + lines[4:])
    with pytest.raises(LoaderError, match=r"row 5: expected the header"):
        world_bank.load(raw, countries)


def test_missing_preamble(tmp_path, countries):
    raw = broken_copy(tmp_path, lambda lines: lines[4:])
    with pytest.raises(LoaderError, match=r"API_SL.*, row 1: expected the WDI preamble"):
        world_bank.load(raw, countries)


def test_unknown_wdi_code_names_the_row(tmp_path, countries):
    raw = broken_copy(
        tmp_path,
        lambda lines: [line.replace("SL.TLF.CACT.FE.ZS", "XX.UNKNOWN") if '"AFG"' in line else line for line in lines],
    )
    with pytest.raises(LoaderError, match=r"row 8: unknown WDI code 'XX.UNKNOWN'"):
        world_bank.load(raw, countries)


def test_text_in_a_value_cell(tmp_path, countries):
    raw = broken_copy(tmp_path, lambda lines: [line.replace('"15.789"', '"n/q"') for line in lines])
    with pytest.raises(LoaderError, match=r"row 8, column '1990': expected a number, found 'n/q'"):
        world_bank.load(raw, countries)


def test_missing_metadata_file(tmp_path, countries):
    raw = broken_copy(tmp_path, lambda lines: lines)
    (raw / "wb-wdi-flfp" / f"Metadata_Country_{API_NAME}").unlink()
    with pytest.raises(LoaderError, match="expected the Metadata_Country file"):
        world_bank.load(raw, countries)


def test_any_wdi_code_with_a_mapping(tmp_path, countries, monkeypatch):
    """The parser is generic: another API file parses once its code is mapped."""
    raw = broken_copy(
        tmp_path, lambda lines: [line.replace("SL.TLF.CACT.FE.ZS", "SL.TLF.CACT.MA.ZS") for line in lines]
    )
    folder = raw / "wb-wdi-flfp"
    for path in folder.glob("*.csv"):
        path.rename(folder / path.name.replace("SL.TLF.CACT.FE.ZS", "SL.TLF.CACT.MA.ZS"))
    monkeypatch.setitem(
        world_bank.WDI_INDICATORS, "SL.TLF.CACT.MA.ZS", world_bank.WdiIndicator("male_lfpr", "%", "male", "")
    )
    result = world_bank.load(raw, countries)
    assert set(result.observations.indicator_id) == {"male_lfpr"} and set(result.observations.sex) == {"male"}
    assert value_of(result.observations, "AFG", 1990) == pytest.approx(15.789)
