"""One configuration: environment variables with documented defaults.

Every setting the project reads lives here. `SETTINGS` lists name, default and meaning; the README table is
generated from it and a test fails when a setting is undocumented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str

    def value(self) -> str:
        return os.environ.get(self.name, self.default)


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting(
            "LMM_DATA_DIR", "var", "Runtime folder: releases, control database, uploads (relative to the project root)."
        ),
        Setting("LMM_SEED_DIR", "data/seed", "The bundled seed (tidy Parquet written by `lmm seed`)."),
        Setting("LMM_RAW_DIR", "../shared/data/raw", "Original source files that `lmm seed` parses by default."),
        Setting("LMM_KEEP_RELEASES", "10", "How many published releases to keep for rollback and citation."),
        Setting("LMM_UPLOAD_LIMIT_MB", "20", "Largest steward upload accepted, in megabytes."),
        Setting("LMM_SECRET_KEY", "", "Session signing key; a random one is generated into LMM_DATA_DIR when empty."),
        Setting("LMM_SECURE_COOKIES", "auto", "Secure flag on cookies: auto (when served over HTTPS), 1 or 0."),
        Setting("LMM_AUTO_PUBLISH", "0", "1 publishes trusted stewards' submissions without an admin's approval."),
        Setting("LMM_SESSION_HOURS", "8", "A steward or admin sign-in lasts this many hours, then it expires."),
        Setting("LMM_LOGIN_ATTEMPTS", "5", "Failed sign-ins allowed per account and address within 15 minutes."),
        Setting(
            "LMM_UNPACKED_LIMIT_MB",
            "64",
            "Largest unpacked size of the parts of an uploaded workbook that are read, counted while unpacking "
            "(never taken from the file's own headers): the zip-bomb guard.",
        ),
        Setting(
            "LMM_UPLOAD_MAX_COLUMNS",
            "256",
            "Most columns an upload may have (the template has 10, the practice template 22).",
        ),
        Setting(
            "LMM_UPLOAD_MAX_ROWS", "500000", "Most rows (lines of a CSV, rows of the data sheet) an upload may have."
        ),
        Setting(
            "LMM_UPLOAD_MAX_CELLS", "5000000", "Most cells (rows x columns, blank ones included) an upload may have."
        ),
        Setting(
            "LMM_UPLOAD_MAX_CELL_CHARS",
            "32767",
            "Longest cell accepted, in characters (Excel's own limit); a longer cell is a problem at its row and column.",
        ),
        Setting("LMM_UPLOAD_XML_DEPTH", "64", "Deepest element nesting accepted in a workbook's XML parts."),
        Setting(
            "LMM_UPLOAD_INLINE_KB",
            "256",
            "Uploads up to this size (a workbook: unpacking to at most 8 times that) are checked in the web worker "
            "(under a second, about 2 s for a file of nothing but errors on a busy 2-core host); larger ones by a "
            "validation job outside it.",
        ),
        Setting("LMM_VALIDATION_SECONDS", "10", "Wall time one validation job may take before its file is refused."),
        Setting(
            "LMM_VALIDATION_MB",
            "500",
            "Memory one validation job may use beyond its start-up before its file is refused, in megabytes.",
        ),
        Setting(
            "LMM_VALIDATION_JOBS",
            "2",
            "Validation jobs run at once on this host (more wait their turn); also the most files one account may have "
            "waiting to be checked.",
        ),
        Setting("LMM_BACKEND", "local", "Warehouse backend: local (versioned DuckDB files) or ducklake."),
        Setting(
            "LMM_DUCKLAKE_DSN",
            "",
            "PostgreSQL connection string of the DuckLake catalog (ducklake backend): `host=db dbname=lmm user=lmm`.",
        ),
        Setting(
            "LMM_DUCKLAKE_DATA",
            "",
            "This host's path to the shared DuckLake Parquet folder (ducklake backend; empty: LMM_DATA_DIR/lake).",
        ),
        Setting(
            "LMM_BRIEFINGS_AHEAD",
            "auto",
            "Render every country's briefing (en/es/fr, HTML and PDF) in the background after each publish: auto "
            "(when served by gunicorn), 1 or 0.",
        ),
        Setting("PORT", "8050", "Port the dashboard listens on (Procfile, make run)."),
        Setting(
            "LMM_WEB_THREADS",
            "4",
            "Threads per gunicorn worker (gunicorn.conf.py: threaded workers that keep connections alive); the "
            "workers' count is the Procfile's WEB_CONCURRENCY (default 2).",
        ),
        Setting("LMM_DEBUG", "", "1: `lmm` shows the full traceback of an unexpected error instead of one line."),
    ]
}


def setting(name: str) -> str:
    return SETTINGS[name].value()


def project_path(value: str) -> Path:
    """A path from a setting: absolute as given, relative to the project root otherwise."""
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def data_dir() -> Path:
    path = project_path(setting("LMM_DATA_DIR"))
    if not path.is_dir():  # one stat: a reader asks several times a request, and mkdir's "exists" error costs more
        path.mkdir(parents=True, exist_ok=True)
    return path


def seed_dir() -> Path:
    return project_path(setting("LMM_SEED_DIR"))


def raw_dir() -> Path:
    return project_path(setting("LMM_RAW_DIR"))


def keep_releases() -> int:
    return max(2, int(setting("LMM_KEEP_RELEASES")))


def markdown_table() -> str:
    """The README's settings table, generated from SETTINGS (`python -m lmm.config` rewrites it)."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    lines += [f"| `{s.name}` | `{s.default}` | {s.meaning} |" for s in SETTINGS.values()]
    return "\n".join(lines)


def rewrite_readme(readme: Path = PROJECT_ROOT / "README.md") -> None:
    start, end = "<!-- settings-table -->", "<!-- /settings-table -->"
    text = readme.read_text()
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    readme.write_text(f"{head}{start}\n{markdown_table()}\n{end}{tail}")


if __name__ == "__main__":
    rewrite_readme()
