"""The bundled seed: regenerated from the original files it equals what is committed; a broken source file stops
`lmm seed` with its file and row, and leaves the seed as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lmm.config import seed_dir
from loaders.seed import SEED_TABLES, read_seed, run_loaders

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fresh_seed(raw_dir: Path):
    return run_loaders(raw_dir)


@pytest.mark.parametrize("table", SEED_TABLES)
def test_committed_seed_matches_the_original_files(fresh_seed, table: str) -> None:
    """If this fails, the loaders changed: run `lmm seed --from ../shared/data/raw` and commit data/seed."""
    committed = read_seed(seed_dir())[table]
    regenerated = fresh_seed[table]
    key = list(committed.columns[:3])
    left = committed.sort_values(key).reset_index(drop=True)
    right = regenerated[list(committed.columns)].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False, check_categorical=False)


def test_committed_seed_holds_every_loader_source() -> None:
    """A loader added to LOADER_MODULES without regenerating the seed shows here by name."""
    import importlib

    from loaders.seed import LOADER_MODULES

    committed = read_seed(seed_dir())
    sources = set(committed["source_files"].source_id)
    assert {"country_codes", "wb_class"} | {importlib.import_module(m).SOURCE_ID for m in LOADER_MODULES} <= sources
    indicators = set(committed["observations"].indicator_id)
    assert {"remittance_flow_corridor", "emigration_rate_tertiary", "wb_income_group"} <= indicators
    knomad = committed["observations"][committed["observations"].source_id == "knomad_migration"]
    assert len(knomad) > 10_000 and set(knomad.year) == {2021}


def test_seed_is_small() -> None:
    size = sum(p.stat().st_size for p in seed_dir().glob("*.parquet"))
    assert size < 5 * 1024 * 1024


def test_broken_source_stops_seed_and_keeps_previous(raw_dir: Path, tmp_path: Path) -> None:
    broken_raw = tmp_path / "raw"
    shutil.copytree(raw_dir, broken_raw)
    path = next((broken_raw / "wb-wdi-flfp").glob("API_*.csv"))
    path.chmod(0o644)
    path.write_text(path.read_text(encoding="utf-8-sig").replace('"Country Code"', '"Code"'), encoding="utf-8")
    target = tmp_path / "seed"
    shutil.copytree(seed_dir(), target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    env = dict(os.environ, LMM_DATA_DIR=str(tmp_path / "var"))
    cmd = [sys.executable, "-m", "lmm.cli", "seed", "--from", str(broken_raw), "--to", str(target)]
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert path.name in result.stderr and "row" in result.stderr and "Country Code" in result.stderr
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
