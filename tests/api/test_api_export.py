"""/api/v1/observations equals `lmm export` (run as a subprocess) for the same query, and pages join up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUERIES = [
    ({"indicator": "female_lfpr", "country": "MEX"}, ["--indicator", "female_lfpr", "--country", "MEX"]),
    ({"indicator": "migrant_stock", "sex": "female", "year_from": "2020", "year_to": "2020"},
     ["--indicator", "migrant_stock", "--sex", "female", "--year", "2020"]),
    ({"indicator": "ilo_c189"}, ["--indicator", "ilo_c189"]),  # an event indicator
    ({"indicator": "dual_citizenship_acceptance", "country": "deu", "year_from": "2010", "year_to": "2010"},
     ["--indicator", "dual_citizenship_acceptance", "--country", "deu", "--year", "2010"]),
    ({"indicator": "remittance_cost", "sex": "total"}, ["--indicator", "remittance_cost", "--sex", "total"]),
]  # fmt: skip


def lmm_export(data_dir: Path, release_id: str, args: list[str], fmt: str) -> str:
    env = dict(os.environ, LMM_DATA_DIR=str(data_dir))
    cmd = [sys.executable, "-m", "lmm.cli", "export", *args, "--release", release_id, "--format", fmt]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


@pytest.mark.parametrize(("params", "cli_args"), QUERIES, ids=[q[0]["indicator"] for q in QUERIES])
def test_observations_equal_lmm_export(client, release_id, data_dir, params, cli_args):
    csv = client.get("/api/v1/observations", query_string={**params, "format": "csv", "limit": 50000})
    assert csv.status_code == 200
    assert csv.headers["X-LMM-Release"] == release_id
    expected_csv = lmm_export(data_dir, release_id, cli_args, "csv")
    assert csv.get_data(as_text=True) == expected_csv
    assert expected_csv.count("\n") > 1, "the query should return rows"

    page = client.get("/api/v1/observations", query_string={**params, "limit": 50000}).get_json()
    expected = json.loads(lmm_export(data_dir, release_id, cli_args, "json"))
    assert page["release"] == expected["release"] == release_id
    assert page["rows"] == expected["rows"]
    assert page["next"] is None and page["count"] == len(expected["rows"])


def test_pages_join_up_to_the_whole_export(client, release_id, data_dir):
    whole = json.loads(lmm_export(data_dir, release_id, ["--indicator", "female_lfpr"], "json"))["rows"]
    rows, url, pages = [], "/api/v1/observations?indicator=female_lfpr&limit=2000", 0
    while url:
        answer = client.get(url)
        assert answer.status_code == 200
        body = answer.get_json()
        rows += body["rows"]
        url = body["next"]
        if url:
            assert answer.headers["Link"] == f'<{url}>; rel="next"'
            url = url.replace("http://localhost", "")
        pages += 1
    assert pages == -(-len(whole) // 2000) and rows == whole
