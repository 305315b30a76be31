"""OWID loader: values pinned from the original CSVs, names mapped or reported, aggregates kept apart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lmm.config import raw_dir
from loaders import owid
from loaders.base import LoaderError
from loaders.reference import CountryIndex, load_countries

RAW = raw_dir()
FOLDER = RAW / "owid-datasets"
FLFP, ASPIRE = (d.folder for d in owid.DATASETS)

pytestmark = pytest.mark.skipif(not FOLDER.exists(), reason=f"raw OWID folder {FOLDER} is absent")


@pytest.fixture(scope="module")
def countries() -> CountryIndex:
    return load_countries(RAW)[0]


@pytest.fixture(scope="module")
def result(countries):
    return owid.load(RAW, countries)


def original(folder: str) -> pd.DataFrame:
    return pd.read_csv(FOLDER / folder / f"{folder}.csv")


def value_of(frame: pd.DataFrame, indicator: str, country: str, year: int) -> float | None:
    hit = frame[(frame.indicator_id == indicator) & (frame.country == country) & (frame.year == year)]
    assert len(hit) <= 1
    return None if hit.empty else float(hit.value.iloc[0])


# Read from the CSVs by hand (grep on the original files).
@pytest.mark.parametrize(
    ("indicator", "country", "year", "value"),
    [("female_lfpr_longrun", "USA", 1890, 18.6), ("female_lfpr_longrun", "USA", 2016, 56.80250305),
     ("female_lfpr_longrun", "KOR", 1980, 42.76009163), ("female_lfpr_longrun", "TUR", 2016, 32.45091105),
     ("female_lfpr_longrun", "FRA", 1968, 39.41913454), ("social_protection_aspire", "BEN", 2015, 7.0),
     ("social_protection_aspire", "SWZ", 2015, 52.0), ("social_protection_aspire", "CPV", 2015, 30.0),
     ("social_protection_aspire", "CIV", 2015, 33.0), ("social_protection_aspire", "COD", 2015, 11.0)],
)  # fmt: skip
def test_values_pinned(result, indicator, country, year, value):
    assert value_of(result.observations, indicator, country, year) == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize("dataset", owid.DATASETS, ids=lambda d: d.indicator_id)
def test_every_row_accounted_for(result, dataset):
    frame = original(dataset.folder)
    emitted = pd.concat([result.observations, result.aggregate_observations])
    ours = emitted[emitted.indicator_id == dataset.indicator_id]
    assert len(ours) == len(frame) and ours.value.sum() == pytest.approx(frame[dataset.value_column].sum())
    assert set(ours.sex) == {dataset.sex} and set(ours.unit) == {"%"}


def test_missing_stays_missing(result):
    # OWID blanked France 1962-1966 (OECD.stat reported zeros there): no rows, certainly no zeros.
    assert all(value_of(result.observations, "female_lfpr_longrun", "FRA", y) is None for y in range(1962, 1967))
    assert value_of(result.observations, "social_protection_aspire", "USA", 2015) is None
    assert (result.observations.value > 0).all()


def test_oecd_aggregate_kept_apart(result):
    agg = result.aggregate_observations
    assert set(agg.country) == {"OED"} and "OED" not in set(result.observations.country)
    assert value_of(agg, "female_lfpr_longrun", "OED", 1960) == pytest.approx(40.4474344)
    assert value_of(agg, "female_lfpr_longrun", "OED", 2016) == pytest.approx(51.87578365)
    reported = result.unmatched.set_index("key").reason.to_dict()
    assert reported == {"OECD countries": "aggregate"}


def test_every_entity_mapped_or_reported(result, countries):
    for dataset in owid.DATASETS:
        entities = set(original(dataset.folder).Entity)
        mapped = {e for e in entities if countries.is_country(countries.from_name(e) or "")}
        assert entities - mapped <= set(result.unmatched.key)


def test_release_date_from_datapackage(result):
    assert result.release_date == "2019-06-26"  # the newer of the two "retrievedDate"s
    assert len(result.files) == 4


# Bad layouts and unknown names: a copy of the folder, edited.
def copy_folder(tmp_path: Path, edit=None, folder: str = FLFP, with_package: bool = True) -> Path:
    for dataset in owid.DATASETS:
        target = tmp_path / "owid-datasets" / dataset.folder
        target.mkdir(parents=True)
        for path in (FOLDER / dataset.folder).iterdir():
            if with_package or path.name != "datapackage.json":
                (target / path.name).write_bytes(path.read_bytes())
    (tmp_path / "owid-datasets" / "SOURCE.txt").write_bytes((FOLDER / "SOURCE.txt").read_bytes())
    if edit is not None:
        csv_path = tmp_path / "owid-datasets" / folder / f"{folder}.csv"
        csv_path.write_text("\n".join(edit(csv_path.read_text(encoding="utf-8").split("\n"))), encoding="utf-8")
    return tmp_path


def test_unknown_name_reported_not_dropped_silently(tmp_path, countries):
    raw = copy_folder(tmp_path, lambda lines: lines[:-1] + ["Atlantis,2015,12"] + lines[-1:], folder=ASPIRE)
    result = owid.load(raw, countries)
    reported = result.unmatched.set_index("key").reason.to_dict()
    assert reported["Atlantis"] == "unmatched"
    assert len(result.observations[result.observations.indicator_id == "social_protection_aspire"]) == 42


def test_blank_value_is_missing_not_zero(tmp_path, countries):
    raw = copy_folder(
        tmp_path, lambda lines: [line.replace("Benin,2015,7", "Benin,2015,") for line in lines], folder=ASPIRE
    )
    result = owid.load(raw, countries)
    assert value_of(result.observations, "social_protection_aspire", "BEN", 2015) is None


def test_release_date_falls_back_to_commit_date(tmp_path, countries):
    assert owid.load(copy_folder(tmp_path, with_package=False), countries).release_date == "2024-10-21"


def test_renamed_value_column(tmp_path, countries):
    raw = copy_folder(tmp_path, lambda lines: [lines[0].replace("OWID based on", "based on")] + lines[1:])
    with pytest.raises(
        LoaderError, match=r"Female labor force participation rate - OWID \(2017\).csv, row 1: expected the header"
    ):
        owid.load(raw, countries)


def test_bad_year_names_the_row(tmp_path, countries):
    raw = copy_folder(tmp_path, lambda lines: [line.replace("Australia,1967,", "Australia,67,") for line in lines])
    with pytest.raises(LoaderError, match=r"row 3, column 'Year': expected a four-digit year, found '67'"):
        owid.load(raw, countries)
