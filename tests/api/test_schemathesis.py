"""Schemathesis against the real app under gunicorn: no server error and no answer outside the OpenAPI document.

Bounded: a few examples per operation (positive and negative data), one worker, a time budget. The steward's
submission routes are described in the same document but tested by the steward's own tests.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    ]
)


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_spec_break(gunicorn_server: str, tmp_path: Path):
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    if st is None:
        pytest.fail("schemathesis is not installed: `make install-test` installs it")
    cmd = [
        st, "run", f"{gunicorn_server}/api/v1/openapi.json", "--checks", CHECKS, "--max-examples", "6",
        "--phases", "examples,coverage,fuzzing", "--workers", "1", "--seed", "20261128",
        "--request-timeout", "60", "--exclude-path-regex", "submissions", "--suppress-health-check", "all",
        "--no-color", "--report", "junit", "--report-dir", str(tmp_path),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
