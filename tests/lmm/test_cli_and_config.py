"""The command line and the configuration: every command documents itself, every setting is documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from lmm.cli import build_parser
from lmm.config import SETTINGS, markdown_table

ROOT = Path(__file__).resolve().parents[2]


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


def test_core_commands_exist() -> None:
    assert {"seed", "build", "info", "export", "releases"} <= set(_subcommands())


@pytest.mark.parametrize("command", _subcommands())
def test_every_command_has_help(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lmm.cli", command, "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert f"usage: lmm {command}" in result.stdout
    assert len(result.stdout.splitlines()) >= 3


def test_every_setting_is_documented_in_the_readme() -> None:
    """When this fails, run `python -m lmm.config` to regenerate the README's table from lmm/config.py."""
    readme = (ROOT / "README.md").read_text()
    table = readme.split("<!-- settings-table -->")[1].split("<!-- /settings-table -->")[0]
    assert table.strip() == markdown_table()
    assert all(s.meaning.strip() for s in SETTINGS.values())


def test_no_setting_is_read_outside_config() -> None:
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or path.parts[-2:] == ("lmm", "config.py") or "tests" in path.parts:
            continue
        for name in SETTINGS:
            reads = rf"(environ\.get\(|getenv\(|environ\[)[\"']{name}[\"'](?!\]\s*=[^=])"
            if re.search(reads, path.read_text(errors="ignore")):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_export_of_an_unknown_indicator_is_a_clear_error(release_id: str, data_dir: Path) -> None:
    import os

    env = dict(os.environ, LMM_DATA_DIR=str(data_dir))
    result = subprocess.run(
        [sys.executable, "-m", "lmm.cli", "export", "--indicator", "female_lfp"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "unknown indicator 'female_lfp'" in result.stderr
    assert "Traceback" not in result.stderr
