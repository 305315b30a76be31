"""How a process opens the DuckLake backend: a DuckDB with its extensions, the lake attached, its settings.

Releases are DuckLake snapshots with the catalog in PostgreSQL (LMM_DUCKLAKE_DSN) and the data as Parquet under
LMM_DUCKLAKE_DATA (warehouse/ducklake.py). Its two extensions come from the pinned PyPI wheels
(duckdb-extension-postgres, duckdb-extension-ducklake): installed from their files into a writable extension
folder with auto-install and auto-load off, so nothing is ever downloaded.
"""

from __future__ import annotations

import fcntl
import importlib.util
from pathlib import Path

import duckdb

from lmm.config import data_dir, setting
from warehouse.errors import ReleaseError

# extension name as DuckDB records it (the postgres one is internally `postgres_scanner`) -> the wheel holding it
EXTENSIONS = {"postgres_scanner": "duckdb_extension_postgres", "ducklake": "duckdb_extension_ducklake"}


def lake_dsn() -> str:
    dsn = setting("LMM_DUCKLAKE_DSN").strip()
    if not dsn:
        raise ReleaseError("LMM_BACKEND=ducklake needs LMM_DUCKLAKE_DSN (e.g. 'host=db port=5432 dbname=lmm user=lmm')")
    return dsn


def lake_data_path() -> str:
    """This host's view of the shared Parquet folder (LMM_DUCKLAKE_DATA, else LMM_DATA_DIR/lake), with a slash."""
    value = setting("LMM_DUCKLAKE_DATA").strip()
    if "://" in value:  # object store: DuckDB's file system resolves it
        return value.rstrip("/") + "/"
    path = Path(value) if value else data_dir() / "lake"
    path.mkdir(parents=True, exist_ok=True)
    return str(path.resolve()) + "/"


def extension_file(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    folders = list(spec.submodule_search_locations or []) if spec else []
    found = [f for folder in folders for f in Path(folder).glob(f"extensions/v{duckdb.__version__}/*.duckdb_extension")]
    if not found:
        wheel = package.replace("_", "-")
        raise ReleaseError(f"the DuckLake backend needs the wheel {wheel}=={duckdb.__version__} (pip install it)")
    return found[0]


def open_duckdb() -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB with the postgres and ducklake extensions loaded from the wheels (no network)."""
    folder = data_dir() / "duckdb_extensions"
    folder.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "extension_directory": str(folder),
    }
    con = duckdb.connect(config=config)
    try:
        _install_missing(con, folder)
        con.execute("LOAD postgres_scanner")
        con.execute("LOAD ducklake")
    except Exception:
        con.close()
        raise
    return con


def _install_missing(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Copy the extension files into the extension folder once (under a lock: gunicorn workers start together)."""
    sql = "SELECT extension_name FROM duckdb_extensions() WHERE installed"
    if set(EXTENSIONS) <= {row[0] for row in con.execute(sql).fetchall()}:
        return
    with open(folder / ".install.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        installed = {row[0] for row in con.execute(sql).fetchall()}
        for extension, package in EXTENSIONS.items():
            if extension not in installed:
                con.execute(f"INSTALL {quote(str(extension_file(package)))}")


def attach_lake(con: duckdb.DuckDBPyConnection, *, read_only: bool, snapshot: int | None = None) -> None:
    """ATTACH the lake as `lake`: read-only (optionally pinned to one snapshot) or for writing (no inlined rows,
    so every table's data is Parquet). The data path is this host's mount of the shared folder."""
    options = [f"DATA_PATH {quote(lake_data_path())}", "OVERRIDE_DATA_PATH true"]
    options += ["READ_ONLY"] if read_only else ["DATA_INLINING_ROW_LIMIT 0"]
    if snapshot is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
    con.execute(f"ATTACH {quote('ducklake:postgres:' + lake_dsn())} AS lake ({', '.join(options)})")


def quote(text: str) -> str:
    """A SQL string literal (ATTACH and INSTALL take no parameters)."""
    return "'" + text.replace("'", "''") + "'"
