"""loaders.un_sdg against the real DDF files: pinned values (checked with the csv module), aggregates, unmatched, bad layouts."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from loaders import un_sdg
from loaders.base import LoaderError, LoadResult
from loaders.reference import CountryIndex, load_countries

FOLDER = un_sdg.FOLDER


@pytest.fixture(scope="module")
def countries(raw_dir: Path) -> CountryIndex:
    return load_countries(raw_dir)[0]


@pytest.fixture(scope="module")
def result(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    return un_sdg.load(raw_dir, countries)


def series_file(raw_dir: Path, series: str) -> Path:
    (path,) = (raw_dir / FOLDER).glob(f"ddf--datapoints--{series}--by--*.csv")
    return path


def raw_cell(raw_dir: Path, series: str, **dims: str) -> str | None:
    """The published cell for one dimension combination, read with the csv module (None when absent)."""
    with open(series_file(raw_dir, series), newline="", encoding="utf-8") as handle:
        cells = [row[series] for row in csv.DictReader(handle) if all(row[k] == v for k, v in dims.items())]
    assert len(cells) <= 1, f"{series} {dims} is not one cell"
    return cells[0] if cells else None


def value_of(frame, indicator: str, country: str, year: int, sex: str = "total"):
    hit = frame[
        (frame.indicator_id == indicator) & (frame.country == country) & (frame.year == year) & (frame.sex == sex)
    ]
    assert len(hit) <= 1
    return hit.iloc[0] if len(hit) else None


# indicator, ISO3, year, sex, expected value, series, the raw dimensions of that cell (read by eye from the file)
PINS = [
    *[("recruitment_cost_months", "BGD", 2020, s, v, "sl_emp_rcost_mo", {"geo_area": "50", "migratory_status": "migper", "sex": d, "year": "2020"})
      for s, d, v in [("total", "bothsex", 17.6), ("female", "female", 5.6), ("male", "male", 19.1)]],
    *[("recruitment_cost_months", "KHM", 2019, s, v, "sl_emp_rcost_mo", {"geo_area": "116", "migratory_status": "migper", "sex": d, "year": "2019"})
      for s, d, v in [("total", "bothsex", 0.7), ("female", "female", 0.7), ("male", "male", 0.6)]],
    *[(f"sdg1072_{dom}", iso3, year, "total", v, "sg_cpa_migrs", {"geo_area": m49, "policy_domains": raw, "year": str(year)})
      for iso3, m49, year, dom, raw, v in [
          ("MEX", "484", 2019, "all", "alldomains", 1), ("MEX", "484", 2019, "d2", "domain2", 2),
          ("MEX", "484", 2021, "all", "alldomains", 3), ("MEX", "484", 2021, "d1", "domain1", 4),
          ("MEX", "484", 2021, "d4", "domain4", 2), ("MEX", "484", 2021, "d6", "domain6", 4),
          ("PHL", "608", 2019, "all", "alldomains", 3), ("PHL", "608", 2019, "d2", "domain2", 4),
          ("PHL", "608", 2019, "d3", "domain3", 4), ("GHA", "288", 2019, "all", "alldomains", 2),
          ("GHA", "288", 2019, "d1", "domain1", 3), ("GHA", "288", 2019, "d5", "domain5", 4),
      ]],
    *[("labour_rights_compliance", iso3, year, "total", v, "sl_lbr_ntlcpl", {"geo_area": m49, "year": str(year)})
      for iso3, m49, year, v in [("CAN", "124", 2021, 1.07), ("GHA", "288", 2020, 1.62), ("IND", "356", 2021, 3.32),
                                 ("MEX", "484", 2021, 2.66), ("PHL", "608", 2021, 4.21)]],
    *[("social_protection_coverage", iso3, year, s, v, "si_cov_benfts", {"geo_area": m49, "sex": d, "year": str(year)})
      for iso3, m49, year, s, d, v in [("BRA", "76", 2021, "total", "bothsex", 72.7), ("BRA", "76", 2021, "female", "female", 64.0),
                                       ("CAN", "124", 2020, "total", "bothsex", 99.8), ("GHA", "288", 2020, "total", "bothsex", 25.3),
                                       ("PHL", "608", 2016, "total", "bothsex", 47.1)]],
    *[("pension_coverage", iso3, year, s, v, "si_cov_pensn", {"geo_area": m49, "sex": d, "year": str(year)})
      for iso3, m49, year, s, d, v in [("BRA", "76", 2020, "female", "female", 62.6), ("BRA", "76", 2020, "male", "male", 100.0),
                                       ("GHA", "288", 2019, "total", "bothsex", 19.0), ("GHA", "288", 2020, "male", "male", 21.2),
                                       ("MEX", "484", 2017, "female", "female", 72.2)]],
    *[("women_managers", iso3, year, "female", v, "ic_gen_mgtl", {"geo_area": m49, "age": "notspec", "year": str(year)})
      for iso3, m49, year, v in [("CAN", "124", 2021, 35.6), ("IND", "356", 2019, 16.4), ("MEX", "484", 2020, 38.4),
                                 ("PHL", "608", 2021, 53.4), ("PHL", "608", 2019, 50.5)]],
    *[("informal_employment_women", iso3, year, "female", v, "sl_isv_ifem", {"geo_area": m49, "activity": "total", "sex": "female", "year": str(year)})
      for iso3, m49, year, v in [("BRA", "76", 2019, 37.28), ("BRA", "76", 2021, 36.16), ("IND", "356", 2020, 90.26),
                                 ("MEX", "484", 2019, 57.78), ("MEX", "484", 2021, 56.14)]],
    *[("remittance_cost", iso3, year, "total", v, "si_rmt_cost", {"geo_area": m49, "year": str(year)})
      for iso3, m49, year, v in [("BRA", "76", 2021, 6.43), ("GHA", "288", 2019, 8.12), ("IND", "356", 2020, 5.41),
                                 ("MEX", "484", 2021, 4.39), ("PHL", "608", 2019, 4.95)]],
    *[("remittances_gdp", iso3, year, "total", v, "bx_trf_pwkr", {"geo_area": m49, "year": str(year)})
      for iso3, m49, year, v in [("BRA", "76", 2020, 0.24684), ("GHA", "288", 2019, 5.93187), ("IND", "356", 2020, 3.12562),
                                 ("MEX", "484", 2020, 3.9927), ("PHL", "608", 2019, 9.33262)]],
    *[("migrant_deaths", iso3, year, "total", v, "sm_dth_migr", {"geo_area": m49, "year": str(year)})
      for iso3, m49, year, v in [("ITA", "380", 2022, 112), ("LBY", "434", 2021, 1170), ("MEX", "484", 2021, 285),
                                 ("ESP", "724", 2022, 320), ("USA", "840", 2021, 639)]],
]  # fmt: skip


@pytest.mark.parametrize(("indicator", "iso3", "year", "sex", "expected", "series", "dims"), PINS)
def test_pinned_values(result, raw_dir, indicator, iso3, year, sex, expected, series, dims):
    assert float(raw_cell(raw_dir, series, **dims)) == expected  # the pin is what the original file says
    row = value_of(result.observations, indicator, iso3, year, sex)
    assert row is not None, f"{indicator} {iso3} {year} {sex} missing"
    assert row.value == pytest.approx(expected)
    assert row.partner_country == "" and row.source_id == "un_sdg"


def test_sdg1072_is_ordinal_with_labels(result):
    rows = result.observations[result.observations.indicator_id.str.startswith("sdg1072_")]
    assert set(rows.value) <= {1.0, 2.0, 3.0, 4.0} and rows.unit.eq("category 1-4").all()
    labels = dict(zip(rows.value, rows.value_label, strict=True))
    assert labels == {1.0: "Requires further progress", 2.0: "Partially meets", 3.0: "Meets", 4.0: "Fully meets"}
    assert value_of(rows, "sdg1072_d4", "MEX", 2021).value_label == "Partially meets"


@pytest.mark.parametrize(
    ("indicator", "iso3", "year", "sex"),
    [
        ("sdg1072_all", "BMU", 2019, "total"),  # published as "N" (not applicable): no row, never 0
        ("sdg1072_d1", "PHL", 2021, "total"),  # not in the file
        ("informal_employment_women", "GHA", 2019, "female"),
        ("injury_rate_migrant_gap", "GEO", 2021, "total"),  # non-migrant rate published as 0: no ratio
        ("injury_rate_migrant_gap", "ITA", 2009, "total"),  # non-migrant rate only
    ],
)
def test_missing_stays_missing(result, raw_dir, indicator, iso3, year, sex):
    assert value_of(result.observations, indicator, iso3, year, sex) is None


def test_not_applicable_is_published_as_N(raw_dir):
    assert raw_cell(raw_dir, "sg_cpa_migrs", geo_area="60", policy_domains="alldomains", year="2019") == "N"


@pytest.mark.parametrize(("iso3", "m49", "year", "sex", "raw_sex"), [("ESP", "724", 2019, "total", "bothsex"),
    ("ESP", "724", 2019, "male", "male"), ("TUR", "792", 2019, "female", "female"), ("TUR", "792", 2019, "total", "bothsex"),
    ("ESP", "724", 2019, "female", "female")])  # fmt: skip
def test_injury_gap_is_migrant_over_non_migrant_rate(result, raw_dir, iso3, m49, year, sex, raw_sex):
    dims = {"geo_area": m49, "sex": raw_sex, "year": str(year)}
    migrant = float(raw_cell(raw_dir, "sl_emp_injur", migratory_status="migper", **dims))
    non_migrant = float(raw_cell(raw_dir, "sl_emp_injur", migratory_status="nonmig", **dims))
    row = value_of(result.observations, "injury_rate_migrant_gap", iso3, year, sex)
    assert row.value == pytest.approx(migrant / non_migrant)
    assert row.unit == "ratio" and row["flags"] == "derived=migper/nonmig;nature=c;obs_status=a"


def test_flags_units_and_sexes(result):
    obs = result.observations
    assert value_of(obs, "recruitment_cost_months", "BGD", 2020).unit == "months of earnings"
    assert value_of(obs, "recruitment_cost_months", "BGD", 2020)["flags"] == "nature=c"
    assert value_of(obs, "women_managers", "PHL", 2021, "female")["flags"] == "nature=c;obs_status=a"
    assert value_of(obs, "labour_rights_compliance", "CAN", 2021).unit == "score 0-10"
    assert value_of(obs, "migrant_deaths", "USA", 2021).unit == "persons"
    assert set(obs[obs.indicator_id == "women_managers"].sex) == {"female"}
    assert set(obs[obs.indicator_id == "recruitment_cost_months"].country) == {"BGD", "KHM"}
    assert len(obs[obs.indicator_id == "recruitment_cost_months"]) == 6


def test_aggregates_are_kept_apart(result, raw_dir, countries):
    assert raw_cell(raw_dir, "si_rmt_cost", geo_area="1", year="2011") == "9.3"
    assert value_of(result.aggregate_observations, "remittance_cost", "M001", 2011).value == pytest.approx(9.3)
    assert not result.observations.country.str.fullmatch(r"M\d{3}").any()
    assert {"M001", "M199", "M722", "M419"} <= set(result.aggregate_observations.country)
    table = countries.full_table().set_index("iso3")
    assert (
        table.loc["M199", "name"] == "Least Developed Countries (LDCs)"
        and table.loc["M199", "aggregate_kind"] == "other"
    )
    assert bool(table.loc["M722", "is_aggregate"])
    assert "1 (World)" in set(result.unmatched[result.unmatched.reason == "aggregate"].key)


def test_former_sudan_is_not_a_country(result):
    rows = result.unmatched[result.unmatched.key == "736 (Sudan [former])"]
    assert set(rows.reason) == {"not_a_country"} and len(rows) == 2  # si_cov_benfts and si_cov_pensn
    assert set(result.unmatched.reason) == {"aggregate", "not_a_country"}


def test_provenance(result):
    assert result.release_date.startswith("2023-12-17")
    assert f"{FOLDER}/ddf--entities--geo_area.csv" in result.files
    assert len(result.files) == 12 and all(len(digest) == 64 for digest in result.files.values())
    assert not any("sg_cpa_migrp" in name or "19icls" in name for name in result.files)


@pytest.fixture
def tmp_raw(raw_dir: Path, tmp_path: Path) -> Path:
    shutil.copytree(raw_dir / FOLDER, tmp_path / FOLDER)
    return tmp_path


def test_sub_national_and_unknown_codes_are_reported(tmp_raw, countries):
    path = series_file(tmp_raw, "sl_emp_rcost_mo")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(
            "827,migper,c,bothsex,mo_earn,2020,1.5\n369,migper,c,bothsex,mo_earn,2020,2.5\n999,migper,c,bothsex,mo_earn,2020,3.5\n"
        )
    result = un_sdg.load(tmp_raw, countries)
    reasons = dict(zip(result.unmatched.key, result.unmatched.reason, strict=True))
    assert reasons["827 (United Kingdom (England and Wales))"] == "not_a_country"
    assert reasons["369 (Iraq (Central Iraq))"] == "not_a_country"
    assert reasons["999 (?)"] == "unmatched"
    assert len(result.observations[result.observations.indicator_id == "recruitment_cost_months"]) == 6


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_renamed_value_column_raises(tmp_raw, countries):
    path = series_file(tmp_raw, "sl_emp_rcost_mo")
    rewrite(path, ",sl_emp_rcost_mo\n", ",value\n")
    with pytest.raises(LoaderError, match=r"sl_emp_rcost_mo.*\.csv, row 1: expected columns \['sl_emp_rcost_mo'\]"):
        un_sdg.load(tmp_raw, countries)


def test_non_numeric_geo_area_raises(tmp_raw, countries):
    path = series_file(tmp_raw, "sl_emp_rcost_mo")
    rewrite(path, "116,migper,c,female", "Cambodia,migper,c,female")  # CSV line 6
    with pytest.raises(
        LoaderError, match=r"sl_emp_rcost_mo.*\.csv, row 6, column 'geo_area': an integer geo_area"
    ) as err:
        un_sdg.load(tmp_raw, countries)
    assert err.value.row == 6 and err.value.file.endswith(path.name)


def test_category_out_of_range_raises(tmp_raw, countries):
    rewrite(series_file(tmp_raw, "sg_cpa_migrs"), "4,c,alldomains,number,2021,3\n", "4,c,alldomains,number,2021,5\n")
    with pytest.raises(
        LoaderError, match=r"sg_cpa_migrs.*\.csv, row 2, column 'sg_cpa_migrs': a category 1-4, found '5'"
    ):
        un_sdg.load(tmp_raw, countries)


def test_other_unit_raises(tmp_raw, countries):
    rewrite(series_file(tmp_raw, "sl_emp_rcost_mo"), "50,migper,c,male,mo_earn", "50,migper,c,male,percent")
    with pytest.raises(LoaderError, match=r"row 4, column 'units': units 'mo_earn'"):
        un_sdg.load(tmp_raw, countries)
