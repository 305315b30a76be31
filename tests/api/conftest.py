"""API test fixtures: an in-process client of the real app, and a second data dir holding the session's release
plus a newer one with a planted formula-like value (so the shared data dir's `current` is never moved)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import data_dir_set

PLANTED = {"value_label": "=cmd|' /C calc'!A0", "flags": '=HYPERLINK("http://x.invalid","y")'}


@pytest.fixture(scope="session")
def client(release_id: str):
    from dashboard.app import create_app

    return create_app().server.test_client()


@dataclass
class TwoReleases:
    data_dir: Path
    first: str
    second: str


@pytest.fixture(scope="session")
def two_releases(release_id: str, data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> TwoReleases:
    """A copy of the session's release, then a newer release built on top of it (status year 2024, one planted
    observation whose text cells start like spreadsheet formulas)."""
    from lmm.config import seed_dir
    from loaders.seed import Seed, read_seed
    from warehouse import releases
    from warehouse.build import BuildInputs, build_release

    other = tmp_path_factory.mktemp("lmm-two-releases")
    (other / "releases").mkdir()
    for suffix in (".duckdb", ".sha256"):
        shutil.copy(data_dir / "releases" / f"{release_id}{suffix}", other / "releases")
    with data_dir_set(other):
        releases.point_current_to(release_id)
        seed = read_seed(seed_dir())
        planted = pd.DataFrame(
            [
                {
                    "indicator_id": "female_lfpr",
                    "country": "ZWE",
                    "year": 1901,
                    "sex": "male",
                    "partner_country": "",
                    "value": 1.0,
                    "unit": "%",
                    "source_id": "wb_wdi",
                    **PLANTED,
                }
            ]  # fmt: skip
        )
        tables = dict(seed.tables, observations=pd.concat([seed["observations"], planted], ignore_index=True))
        second = build_release(BuildInputs(Seed(tables), status_year=2024, actor="pytest", reason="second release"))
    return TwoReleases(other, release_id, second)


@pytest.fixture
def in_two_releases(two_releases: TwoReleases) -> Iterator[TwoReleases]:
    with data_dir_set(two_releases.data_dir):
        yield two_releases
