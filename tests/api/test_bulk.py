"""The bulk zip validates against its own datapackage.json (frictionless) and re-imports to the release's rows."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from warehouse.safe_csv import FORMULA_PREFIXES


@pytest.fixture(scope="module")
def unpacked(client, release_id: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    answer = client.get(f"/api/v1/releases/{release_id}/bulk.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert answer.headers["X-LMM-Release"] == release_id
    folder = tmp_path_factory.mktemp("bulk")
    zipfile.ZipFile(io.BytesIO(answer.data)).extractall(folder)
    return folder


def test_zip_is_cached_and_conditional(client, release_id, data_dir, unpacked):
    assert (data_dir / "bulk" / f"{release_id}.zip").exists()
    current = client.get("/api/v1/bulk.zip")
    assert current.status_code == 200 and current.headers["X-LMM-Release"] == release_id
    again = client.get(f"/api/v1/releases/{release_id}/bulk.zip", headers={"If-None-Match": current.headers["ETag"]})
    assert again.status_code == 304


def test_zip_validates_against_its_datapackage(unpacked):
    from frictionless import validate

    report = validate(unpacked / "datapackage.json")
    problems = [(task.name, e.type, e.message) for task in report.tasks for e in task.errors][:10]
    assert report.valid, problems or report.errors
    package = json.loads((unpacked / "datapackage.json").read_text())
    files = {p.name for p in unpacked.iterdir()} - {"datapackage.json", "README.txt"}
    assert files == {r["path"] for r in package["resources"]}, "every file is described"
    for resource in package["resources"]:
        for field in resource.get("schema", {}).get("fields", []):
            assert field["type"] in {"string", "integer", "number", "boolean"}
    assert package["release"] and package["licenses"], "licences per source"


def _un_neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    def undo(cell: object) -> object:
        if isinstance(cell, str) and cell[:1] == "'" and cell[1:2] and cell[1:].startswith(FORMULA_PREFIXES):
            return cell[1:]
        return cell

    return frame.apply(lambda column: column.map(undo) if column.dtype == object else column)


@pytest.mark.parametrize(
    "table", ["observations", "events", "indicator_scores", "theme_scores", "countries", "sources"]
)
def test_csvs_reimport_to_the_same_rows(unpacked, release_id, data_dir, table):
    con = duckdb.connect(str(data_dir / "releases" / f"{release_id}.duckdb"), read_only=True)
    try:
        expected = con.execute(f'SELECT * FROM "{table}"').df()
        back = con.execute(f"SELECT * FROM read_csv('{unpacked / f'{table}.csv'}', header=true, all_varchar=true)").df()
    finally:
        con.close()
    back = _un_neutralise(back)
    assert list(back.columns) == list(expected.columns)
    key = list(expected.columns)
    left, right = (_text(f).sort_values(key).reset_index(drop=True) for f in (expected, back))
    pd.testing.assert_frame_equal(left, right)


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as text, missing and empty alike ('' is how a tidy CSV writes both)."""
    out = frame.astype(object)
    return out.where(out.notna(), "").map(str)


def test_sdmx_csv_matches_observations(unpacked):
    sdmx = pd.read_csv(unpacked / "observations.sdmx.csv", dtype=str, keep_default_na=False)
    tidy = pd.read_csv(unpacked / "observations.csv", dtype=str, keep_default_na=False)
    assert list(sdmx.columns[:9]) == ["DATAFLOW", "INDICATOR", "REF_AREA", "TIME_PERIOD", "SEX", "COUNTERPART_AREA",
                                      "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS"]  # fmt: skip
    assert len(sdmx) == len(tidy)
    assert set(sdmx["SEX"]) <= {"_T", "F", "M"} and set(sdmx["OBS_STATUS"]) <= {"A", "E"}
    assert sdmx["DATAFLOW"].str.match(r"^LMM:DF_LMM_OBSERVATIONS\(.+\)$").all()
    corridor = sdmx[sdmx["INDICATOR"] == "migrant_stock_corridor"]
    assert (corridor["COUNTERPART_AREA"] != "_Z").all() and (sdmx["COUNTERPART_AREA"] != "").all()
