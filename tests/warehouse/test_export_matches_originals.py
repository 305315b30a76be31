"""`lmm export` on the real release returns exactly the values in the original files, for randomly chosen
country-years (fixed seed). The originals are read here with the csv module / openpyxl / xlrd, independently of
the loaders."""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlrd

from warehouse.connection import cursor
from warehouse.read import export_rows

ROOT = Path(__file__).resolve().parents[2]
RNG = random.Random(20261128)
SAMPLE = 12


def exported(
    indicator: str, country: str, year: int, sex: str | None = None, partner: str | None = None
) -> list[float]:
    _, cur = cursor()
    frame = export_rows(cur, indicator, country=country, year_from=year, year_to=year, sex=sex, partner=partner)
    return frame["value"].tolist()


def test_world_bank_female_lfpr(raw_dir: Path, release_id: str) -> None:
    path = next((raw_dir / "wb-wdi-flfp").glob("API_*.csv"))
    with open(path, encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))[4:]
    header, body = rows[0], rows[1:]
    _, cur = cursor()
    countries = {r[0] for r in cur.execute("SELECT iso3 FROM countries WHERE NOT is_aggregate").fetchall()}
    cells = [
        (r[1], int(header[i]), float(r[i])) for r in body if r[1] in countries for i in range(4, len(header)) if r[i]
    ]
    for iso3, year, value in RNG.sample(cells, SAMPLE):
        assert exported("female_lfpr", iso3, year, sex="female") == [value], (iso3, year)


def test_globalcit_dual_citizenship(raw_dir: Path, release_id: str) -> None:
    with open(raw_dir / "globalcit" / "data_v3.1_country-year.csv", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["dualcit_comb"] != "NA"]
    for row in RNG.sample(rows, SAMPLE):
        values = exported("dual_citizenship_acceptance", row["iso3"], int(row["year"]))
        if row["iso3"] in {"CSK", "DDR", "SCG", "SUN", "YUG"}:  # former states are reported, not countries
            assert values == []
        else:
            assert values == [float(row["dualcit_comb"])], (row["iso3"], row["year"])


def test_sdg_1072_domain_scores(raw_dir: Path, release_id: str) -> None:
    m49_to_iso3 = _m49_to_iso3(raw_dir)
    path = next((raw_dir / "sdg-unstats-ddf").glob("ddf--datapoints--sg_cpa_migrs--*.csv"))
    with open(path, encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["sg_cpa_migrs"] not in {"", "N"} and int(r["geo_area"]) in m49_to_iso3
        ]
    for row in RNG.sample(rows, SAMPLE):
        indicator = "sdg1072_all" if row["policy_domains"] == "alldomains" else f"sdg1072_d{row['policy_domains'][-1]}"
        iso3 = m49_to_iso3[int(row["geo_area"])]
        assert exported(indicator, iso3, int(row["year"])) == [float(row["sg_cpa_migrs"])], (iso3, row)


def test_undesa_women_share_of_immigrants(raw_dir: Path, release_id: str) -> None:
    m49_to_iso3 = _m49_to_iso3(raw_dir)
    book = openpyxl.load_workbook(
        raw_dir / "undesa-ims" / "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx", read_only=True
    )
    rows = list(book["Table 4"].iter_rows(min_row=11, values_only=True))
    header = rows[0]
    years = {i: int(h) for i, h in enumerate(header) if isinstance(h, int | float) and 1990 <= h <= 2020}
    code_col = header.index("Location code")
    cells = [
        (m49_to_iso3[int(r[code_col])], year, float(r[i]))
        for r in rows[1:]
        if r[code_col] is not None and int(r[code_col]) in m49_to_iso3
        for i, year in years.items()
        if isinstance(r[i], int | float)
    ]
    for iso3, year, value in RNG.sample(cells, SAMPLE):
        assert exported("women_share_immigrants", iso3, year, sex="female") == [pytest.approx(value)], (iso3, year)


def test_iab_corridor_stocks(raw_dir: Path, release_id: str) -> None:
    book = xlrd.open_workbook(raw_dir / "iab-brain-drain" / "iabbd_8010_v1_gender.xls")
    _, cur = cursor()
    names = {n.lower(): c for c, n in cur.execute("SELECT iso3, name FROM countries WHERE NOT is_aggregate").fetchall()}
    picks = [
        ("USA", "Mexico", 2010),
        ("USA", "Philippines", 2010),
        ("GBR", "Ghana", 2000),
        ("DEU", "Turkey", 1990),
        ("CAN", "India", 2005),
    ]
    for destination, origin, year in picks:
        sheet = book.sheet_by_name(destination)
        col = next(c for c in range(sheet.ncols) if sheet.cell_value(0, c) in (year, float(year)))
        row = next(r for r in range(4, sheet.nrows) if sheet.cell_value(r, 0).strip() == origin)
        total, female = sheet.cell_value(row, col), sheet.cell_value(row, col + 2)
        iso3 = names.get(origin.lower()) or {"Turkey": "TUR"}[origin]
        assert exported("migrant_stock_corridor", iso3, year, sex="total", partner=destination) == [total]
        assert exported("migrant_stock_corridor", iso3, year, sex="female", partner=destination) == [female]


def test_lmm_export_cli_prints_the_same_rows(data_dir: Path, release_id: str) -> None:
    env = dict(os.environ, LMM_DATA_DIR=str(data_dir))
    cmd = [
        sys.executable,
        "-m",
        "lmm.cli",
        "export",
        "--indicator",
        "female_lfpr",
        "--country",
        "MEX",
        "--format",
        "json",
    ]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    payload = json.loads(out)
    assert payload["release"] == release_id
    _, cur = cursor()
    expected = export_rows(cur, "female_lfpr", country="MEX")
    assert [r["value"] for r in payload["rows"]] == expected["value"].tolist()
    assert {r["source_id"] for r in payload["rows"]} == {"wb_wdi"}


def _m49_to_iso3(raw_dir: Path) -> dict[int, str]:
    with open(raw_dir / "country-codes" / "country-codes.csv", encoding="utf-8") as handle:
        return {int(r["M49"]): r["ISO3166-1-Alpha-3"] for r in csv.DictReader(handle) if r["M49"]}


# --- issue 16: KNOMAD matrices, IAB emigration rates, World Bank FY2026 (read with openpyxl / pandas' Stata reader) --


def _wb_names(raw_dir: Path) -> dict[str, str]:
    """World Bank name -> code (FY2026 list) plus the spellings it lacks, as the KNOMAD files write them."""
    book = openpyxl.load_workbook(raw_dir / "wb-income-class-fy2026" / "CLASS_2025_10_07.xlsx", read_only=True)
    names = {str(r[0]): str(r[1]) for r in book["List of economies"].iter_rows(min_row=2, values_only=True) if r[2]}
    return names | {
        "Cote d'Ivoire": "CIV", "Curacao": "CUW", "Czech Republic": "CZE", "Faeroe Islands": "FRO",
        "GuineaBissau": "GNB", "Holy See": "VAT", "Korea, Dem. Rep.": "PRK", "Puerto Rico": "PRI",
        "Sao Tome and Principe": "STP", "Somalia": "SOM", "TimorLeste": "TLS", "Turkey": "TUR", "Western Sahara": "ESH",
    }  # fmt: skip


def _matrix_cells(path: Path, names: dict[str, str]) -> list[tuple[str, str, float]]:
    """(row ISO3, column ISO3, number) of every numeric country x country cell off the diagonal."""
    rows = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    labels = [v for v in rows[1][1:] if v is not None]
    apart = {"World", "WORLD", "Other North", "Other South"}
    return [
        (names[a], names[b], float(rows[i + 2][j + 1]))
        for i, a in enumerate(labels)
        for j, b in enumerate(labels)
        if i != j and not {a, b} & apart and isinstance(rows[i + 2][j + 1], int | float)
    ]


def test_knomad_migrant_stocks(raw_dir: Path, release_id: str) -> None:
    path = raw_dir / "knomad-migration-matrix-2021" / "bilateral_migration_matrix_2021_latest.xlsx"
    cells = _matrix_cells(path, _wb_names(raw_dir))  # rows = origin, columns = destination
    for origin, destination, value in RNG.sample(cells, SAMPLE):
        assert exported("migrant_stock_corridor", origin, 2021, partner=destination) == [value], (origin, destination)
    for origin, destination in [("NPL", "QAT"), ("PHL", "SAU"), ("IND", "ARE")]:
        assert exported("migrant_stock_corridor", origin, 2021, sex="total", partner=destination), (origin, destination)


def test_knomad_remittances_flagged(raw_dir: Path, release_id: str) -> None:
    path = raw_dir / "knomad-remittance-matrix-2021-resaved" / "bilateral_remittance_matrix_2021.xlsx"
    cells = _matrix_cells(path, _wb_names(raw_dir))  # rows = sending (host), columns = receiving (origin)
    _, cur = cursor()
    for sending, receiving, value in RNG.sample(cells, SAMPLE):
        frame = export_rows(cur, "remittance_flow_corridor", country=receiving, partner=sending)
        assert frame["value"].tolist() == [pytest.approx(value)], (sending, receiving)
        assert "third_party_copy=not verified against the publisher's file" in frame["flags"].iloc[0]


def test_iab_emigration_rates(raw_dir: Path, release_id: str) -> None:
    import pandas as pd

    frame = pd.read_stata(raw_dir / "iab-emigration-rates" / "iabbd_8010_v1_emigration.dta")
    codes = {"Nepal": "NPL", "Philippines": "PHL", "India": "IND", "Mexico": "MEX", "Ghana": "GHA", "Guinea": "GIN"}
    rows = frame[frame["origin"].isin(list(codes))]
    sexes = {"Male and Female": "total", "Male": "male", "Female": "female"}
    indicators = {"tot_rate": "total", "low_rate": "low", "med_rate": "medium", "high_rate": "tertiary"}
    for i in RNG.sample(range(len(rows)), SAMPLE):
        row = rows.iloc[i]
        column = RNG.choice(list(indicators))
        got = exported(f"emigration_rate_{indicators[column]}", codes[row.origin], int(row.year), sex=sexes[row.gender])
        assert got == [pytest.approx(float(row[column]) * 100, rel=1e-6)], (row.origin, row.year, column)


def test_wb_income_group_both_editions(raw_dir: Path, release_id: str) -> None:
    _, cur = cursor()
    for folder, name, year in [("wb-income-class-fy2026", "CLASS_2025_10_07.xlsx", 2025), ("wb-income-class", "CLASS.xlsx", 2022)]:  # fmt: skip
        book = openpyxl.load_workbook(raw_dir / folder / name, read_only=True)
        rows = [r for r in book["List of economies"].iter_rows(min_row=2, values_only=True) if r[1] and r[2]]
        for row in RNG.sample(rows, SAMPLE):
            frame = export_rows(cur, "wb_income_group", country=row[1], year_from=year, year_to=year)
            assert frame["value_label"].tolist() == ([row[3]] if row[3] else []), (row[1], year)
    current = dict(
        cur.execute("SELECT iso3, income_group FROM countries WHERE iso3 IN ('VEN', 'ETH', 'BGR')").fetchall()
    )
    assert current == {"VEN": None, "ETH": None, "BGR": "High income"}  # FY2026; unclassified stay null


def test_lmm_export_cli_remittances_of_nepal(raw_dir: Path, data_dir: Path, release_id: str) -> None:
    env = dict(os.environ, LMM_DATA_DIR=str(data_dir))
    cmd = [sys.executable, "-m", "lmm.cli", "export", "--indicator", "remittance_flow_corridor", "--country", "NPL"]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    rows = list(csv.DictReader(out.splitlines()))
    qatar = [r for r in rows if r["partner_country"] == "QAT"]
    sheet = openpyxl.load_workbook(
        raw_dir / "knomad-remittance-matrix-2021-resaved" / "bilateral_remittance_matrix_2021.xlsx", read_only=True
    ).worksheets[0]
    grid = list(sheet.iter_rows(values_only=True))
    column = list(grid[1]).index("Nepal")
    cell = next(r[column] for r in grid[2:] if r[0] == "Qatar")  # row Qatar (sending), column Nepal (receiving)
    assert len(qatar) == 1 and float(qatar[0]["value"]) == pytest.approx(cell)
    assert all("third_party_copy=" in r["flags"] for r in rows) and len(rows) > 20
