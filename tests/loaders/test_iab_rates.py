"""IAB emigration rates: random cells read with pandas' Stata reader match the loader (fraction x 100); origins by
name (the file's codes swap Guinea and Guinea-Bissau); former states never merged; a changed file is located."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from lmm.config import raw_dir
from loaders import iab_rates
from loaders.base import LoaderError
from loaders.reference import CountryIndex, load_countries

RAW = raw_dir()
PATH = RAW / iab_rates.FILE
SAMPLE = 30
SEX = {"Male and Female": "total", "Male": "male", "Female": "female"}

pytestmark = pytest.mark.skipif(not PATH.exists(), reason=f"raw IAB emigration-rate file {PATH} is absent")


@pytest.fixture(scope="module")
def countries() -> CountryIndex:
    return load_countries(RAW)[0]


@pytest.fixture(scope="module")
def result(countries):
    return iab_rates.load(RAW, countries)


@pytest.fixture(scope="module")
def original() -> pd.DataFrame:
    return pd.read_stata(PATH)


def rate(frame: pd.DataFrame, indicator: str, country: str, year: int, sex: str) -> float | None:
    hit = frame[
        (frame.indicator_id == indicator) & (frame.country == country) & (frame.year == year) & (frame.sex == sex)
    ]
    assert len(hit) <= 1
    return None if hit.empty else float(hit.value.iloc[0])


def test_random_cells_match_the_stata_file(result, original, countries):
    rng = random.Random(1616)
    names = {n: iab_rates.resolve(n, countries)[0] for n in original.origin.unique()}
    rows = original[original.origin.map(names).notna() & (original.origin != "World")]
    for i in rng.sample(range(len(rows)), SAMPLE):
        row = rows.iloc[i]
        column = rng.choice(list(iab_rates.RATES))
        indicator = iab_rates.RATES[column][0]
        got = rate(result.observations, indicator, names[row.origin], int(row.year), SEX[row.gender])
        assert got == pytest.approx(float(row[column]) * 100, rel=1e-6, abs=1e-9), (row.origin, row.year, column)


@pytest.mark.parametrize(
    ("country", "sex", "fraction"),
    [("NPL", "female", 0.1168), ("NPL", "male", 0.0604), ("PHL", "female", 0.1317), ("PHL", "male", 0.0906),
     ("IND", "female", 0.0564), ("IND", "male", 0.0452)],
)  # fmt: skip
def test_tertiary_2010_as_source_txt_measured(result, country, sex, fraction):
    assert rate(result.observations, "emigration_rate_tertiary", country, 2010, sex) == pytest.approx(
        fraction * 100, abs=0.005
    )


def test_shape_units_and_sexes(result, original, countries):
    obs = result.observations
    assert original.origin.nunique() == 196  # 195 origins and World
    origins = sum(iab_rates.resolve(n, countries)[1] == "" for n in original.origin.unique())
    assert origins == 195 - (not countries.is_country("SCG"))  # Serbia and Montenegro once its area exists
    assert obs.groupby("indicator_id").size().to_dict() == {
        ind: origins * 7 * 3 for ind, _ in iab_rates.RATES.values()
    }  # every origin, year and sex, for each of the four rates
    assert set(obs.year) == set(range(1980, 2011, 5)) and set(obs.sex) == {"total", "female", "male"}
    assert set(obs.unit) == {"%"} and set(obs.source_id) == {"iab_emigration_rates"}
    assert obs.value.between(0, 100).all()
    assert obs.value.max() == pytest.approx(100.0)  # a high_rate of 1.000 in the file


def test_published_zeros_stay_zero(result, original, countries):
    zeros = original[(original.high_rate == 0) & (original.origin != "World")]
    assert len(zeros) == 11  # SOURCE.txt: exact 0 in 11 high_rate rows
    for row in zeros.itertuples():
        code = iab_rates.resolve(row.origin, countries)[0]
        if code:
            assert rate(result.observations, "emigration_rate_tertiary", code, row.year, SEX[row.gender]) == 0.0


def test_origins_mapped_by_name_not_by_the_swapped_codes(result, original):
    guinea = original[(original.origin == "Guinea")].ccode_origin.unique()
    assert list(guinea) == ["GNB"]  # the file's code is Guinea-Bissau's
    obs = result.observations
    gin = obs[(obs.country == "GIN") & (obs.indicator_id == "emigration_rate_total")]
    assert set(gin["flags"]) == {"file_code=GNB"}
    row = original[(original.origin == "Guinea-Bissau") & (original.year == 2010) & (original.gender == "Female")]
    assert rate(obs, "emigration_rate_total", "GNB", 2010, "female") == pytest.approx(row.tot_rate.iloc[0] * 100)
    assert set(obs[obs.country == "NPL"]["flags"]) == {""}
    assert set(obs[obs.country == "ROU"]["flags"]) == {"file_code=ROM"}


def test_former_states_never_merged(result, countries):
    obs = result.observations
    if countries.is_country("SCG"):  # the historical area exists in the country table (loaders/areas.py)
        assert rate(obs, "emigration_rate_total", "SCG", 2000, "total") is not None
        assert "Serbia and Montenegro" not in set(result.unmatched.key)
    else:
        unmatched = dict(zip(result.unmatched.key, result.unmatched.reason, strict=True))
        assert unmatched["Serbia and Montenegro"] == "not_a_country"
        assert not obs.country.eq("SCG").any()
    assert not obs.country.isin(["SRB", "MNE"]).any()  # the file has no successor-state rows
    for name, code in [("Yugoslavia", "YUG"), ("USSR", "SUN"), ("Czechoslovakia", "CSK"), ("GDR", "DDR")]:
        assert iab_rates.resolve(name, countries) in {(code, ""), (None, "not_a_country")}, name


def test_world_kept_apart(result, original):
    assert dict(zip(result.unmatched.key, result.unmatched.reason, strict=True)).get("World") == "aggregate"
    assert not result.observations.country.isin(["WLD", "M001"]).any()
    world = result.aggregate_observations
    assert set(world.country) == {"WLD"} and len(world) == 4 * 7 * 3
    row = original[(original.origin == "World") & (original.year == 2010) & (original.gender == "Male and Female")]
    assert rate(world, "emigration_rate_tertiary", "WLD", 2010, "total") == pytest.approx(row.high_rate.iloc[0] * 100)


def test_provenance(result):
    assert result.release_date == "2013-11-07" and list(result.files) == [iab_rates.FILE]


def test_percent_keeps_the_published_digits():
    assert iab_rates.percent(0.1168) == 11.68
    assert iab_rates.percent(0.0) == 0.0 and iab_rates.percent(1.0) == 100.0


# --- a changed file: a modified copy written with pandas, the original untouched ------------------------------------


def write_copy(tmp_path: Path, frame: pd.DataFrame, labels: dict[str, str]) -> Path:
    target = tmp_path / iab_rates.FILE
    target.parent.mkdir(parents=True)
    frame.to_stata(target, write_index=False, variable_labels=labels, version=114)
    return tmp_path


@pytest.fixture(scope="module")
def labels() -> dict[str, str]:
    with pd.io.stata.StataReader(PATH) as reader:
        return {k: v for k, v in reader.variable_labels().items() if v}


def test_renamed_variable_is_located(tmp_path, original, labels, countries):
    frame = original.rename(columns={"high_rate": "hi_rate"})
    labels = {("hi_rate" if k == "high_rate" else k): v for k, v in labels.items()}
    with pytest.raises(
        LoaderError, match=r"iabbd_8010_v1_emigration\.dta, row 1: the variables .*missing \['high_rate'\]"
    ):
        iab_rates.load(write_copy(tmp_path, frame, labels), countries)


def test_rates_in_percent_are_located(tmp_path, original, labels, countries):
    frame = original.copy()
    frame.loc[100, "med_rate"] = 12.5  # a percent where a fraction belongs
    with pytest.raises(LoaderError, match=r"row 101, column 'med_rate': a rate as a fraction 0-1, found 12\.5"):
        iab_rates.load(write_copy(tmp_path, frame, labels), countries)


def test_unknown_gender_is_located(tmp_path, original, labels, countries):
    frame = original.copy()
    frame.loc[7, "gender"] = "Both"
    with pytest.raises(LoaderError, match=r"row 8, column 'gender': one of \['Male and Female', 'Male', 'Female'\]"):
        iab_rates.load(write_copy(tmp_path, frame, labels), countries)


def test_a_missing_rate_stays_missing(tmp_path, original, labels, countries):
    frame = original.copy()
    nepal = frame.index[(frame.origin == "Nepal") & (frame.year == 2010) & (frame.gender == "Female")][0]
    frame.loc[nepal, "high_rate"] = float("nan")
    result = iab_rates.load(write_copy(tmp_path, frame, labels), countries)
    assert rate(result.observations, "emigration_rate_tertiary", "NPL", 2010, "female") is None
    assert rate(result.observations, "emigration_rate_tertiary", "NPL", 2010, "male") is not None
