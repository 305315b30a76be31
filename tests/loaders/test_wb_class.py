"""World Bank CLASS.xlsx: FY2026 is the country table's current income group and region, FY2023 stays as history
(wb_income_group by year); cells read with openpyxl; unclassified economies stay null; a swapped edition stops."""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

import openpyxl
import pytest

from lmm.config import raw_dir
from loaders import wb_class
from loaders.base import LoaderError
from loaders.reference import CountryIndex, load_countries

RAW = raw_dir()
SAMPLE = 30

pytestmark = pytest.mark.skipif(
    not ((RAW / wb_class.FY2026.file).exists() and (RAW / wb_class.FY2023.file).exists()),
    reason=f"raw World Bank CLASS files are absent from {RAW}",
)


def economies(edition: wb_class.Edition) -> dict[str, tuple[str | None, str | None]]:
    """Code -> (region, income group) of the economies (rows with a Region), read with openpyxl."""
    book = openpyxl.load_workbook(RAW / edition.file, read_only=True)
    rows = list(book["List of economies"].iter_rows(values_only=True))
    header = list(rows[0])
    code, region, group = header.index("Code"), header.index("Region"), header.index("Income group")
    return {r[code]: (r[region], r[group]) for r in rows[1:] if r[code] and r[region]}


@pytest.fixture(scope="module")
def countries() -> CountryIndex:
    return load_countries(RAW)[0]


@pytest.fixture(scope="module")
def current(countries):
    return wb_class.load(RAW, countries)


@pytest.fixture(scope="module")
def history(countries):
    return wb_class.history(RAW, countries)


def group_of(result, iso3: str) -> str | None:
    obs = result.observations
    hit = obs[obs.country == iso3]
    assert len(hit) <= 1
    return None if hit.empty else hit.value_label.iloc[0]


def test_country_table_has_the_fy2026_groups(countries):
    rng = random.Random(2026)
    published = economies(wb_class.FY2026)
    table = countries.table.set_index("iso3")
    for code in rng.sample(sorted(published), SAMPLE):
        region, group = published[code]
        assert table.at[code, "wb_region"] == region, code
        assert (table.at[code, "income_group"] if isinstance(table.at[code, "income_group"], str) else None) == group
    assert table.at["AFG", "wb_region"] == "Middle East, North Africa, Afghanistan & Pakistan"  # renamed in FY26
    assert table.at["BGR", "income_group"] == "High income"  # upper middle income in FY2023


def test_unclassified_economies_stay_null(countries, current, history):
    published = economies(wb_class.FY2026)
    assert published["VEN"][1] is None and published["ETH"][1] is None
    table = countries.table.set_index("iso3")
    for code in ("VEN", "ETH"):
        assert table.isna().at[code, "income_group"], code  # never taken from another edition
        assert group_of(current, code) is None
    assert economies(wb_class.FY2023)["ETH"][1] == "Low income" and group_of(history, "ETH") == "Low income"
    assert group_of(history, "VEN") is None  # unclassified since FY21


@pytest.mark.parametrize("edition", [wb_class.FY2026, wb_class.FY2023], ids=["FY2026", "FY2023"])
def test_income_group_observations_match_openpyxl(edition, current, history, countries):
    result = current if edition is wb_class.FY2026 else history
    published = {c: g for c, (_, g) in economies(edition).items() if countries.is_country(c)}
    rng = random.Random(edition.year)
    for code in rng.sample(sorted(published), SAMPLE):
        assert group_of(result, code) == published[code], code
    obs = result.observations
    assert len(obs) == sum(g is not None for g in published.values())
    assert set(obs.year) == {edition.year} and set(obs.source_id) == {edition.source_id}
    assert set(obs.indicator_id) == {"wb_income_group"} and obs.value.isna().all()
    assert set(obs["flags"]) == {f"fiscal_year={edition.fiscal_year}"}
    assert set(obs.value_label) <= set(wb_class.INCOME_GROUPS)


def test_both_editions_visible_with_their_years(current, history):
    assert group_of(history, "IDN") == "Lower middle income" and group_of(current, "IDN") == "Upper middle income"
    assert (wb_class.FY2023.year, wb_class.FY2026.year) == (2022, 2025)


def test_provenance_checksums_and_dates(current, history):
    for result, edition in [(current, wb_class.FY2026), (history, wb_class.FY2023)]:
        digest = hashlib.sha256((RAW / edition.file).read_bytes()).hexdigest()
        assert result.files == {edition.file: digest}
        assert result.source_id == edition.source_id
    assert current.release_date.startswith("2025-10-07") and history.release_date.startswith("2022-07-01")


def copy_raw(tmp_path: Path, pairs: list[tuple[str, str]]) -> Path:
    """A raw folder holding `source` files under `target` names (an edition put in the wrong place)."""
    for source, target in pairs:
        (tmp_path / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RAW / source, tmp_path / target)
    return tmp_path


def test_an_edition_in_the_wrong_folder_stops(tmp_path):
    raw = copy_raw(tmp_path, [(wb_class.FY2023.file, wb_class.FY2026.file)])
    with pytest.raises(LoaderError, match=r"CLASS_2025_10_07\.xlsx: the FY2026 notes: groups set on 1 July 2025"):
        wb_class.read_edition(raw, wb_class.FY2026)


def test_a_renamed_column_is_located(tmp_path):
    target = tmp_path / wb_class.FY2026.file
    target.parent.mkdir(parents=True)
    book = openpyxl.load_workbook(RAW / wb_class.FY2026.file)
    book["List of economies"]["D1"] = "Income"
    book.save(target)
    with pytest.raises(LoaderError, match=r"CLASS_2025_10_07\.xlsx, row 1: sheet 'List of economies': columns"):
        wb_class.read_edition(tmp_path, wb_class.FY2026)


def test_an_unknown_group_is_located(tmp_path):
    target = tmp_path / wb_class.FY2026.file
    target.parent.mkdir(parents=True)
    book = openpyxl.load_workbook(RAW / wb_class.FY2026.file)
    book["List of economies"]["D3"] = "Middle income"
    book.save(target)
    with pytest.raises(LoaderError, match=r"row 3: an income group in .* found 'Middle income'"):
        wb_class.read_edition(tmp_path, wb_class.FY2026)
