"""The bundled seed in; query latency of the scale-out mode (DuckLake + PostgreSQL) against the local default out.

Builds the same release twice into a temporary LMM_DATA_DIR: as a local versioned DuckDB file and as a DuckLake
snapshot (catalog in a temporary PostgreSQL from Debian on 127.0.0.1, or in the scratch database given by --dsn:
the bench publishes into it).
Then, in one process and interleaved (these machines are shared and noisy), times what a request pays on each
backend: `cursor()` (the pointer check, once per request) plus one query, for
- export_rows for a country (female_lfpr, MEX), as the API's /observations and `lmm export` do;
- indicator_scores for a country (MEX), as the country profile does;
- a group-by over every observation (per indicator count and mean);
- release_info (a 9-row table: the fixed cost per query).
Also times the plain DuckLake reading (`lake.t AT (VERSION => n)` views, a catalog round trip per query) that the
reader avoids by pinning each release's Parquet files. Reports median, 95th percentile and ratios to local.

Usage: .venv/bin/python -m bench.scaleout_bench [--repeat 200] [--dsn 'host=... dbname=scratch user=...']
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import flask


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be found or started; the message says why."""


class TemporaryPostgres:
    """Debian's PostgreSQL in a temporary folder on 127.0.0.1 and a free port, with a dedicated role and database
    `lmm` (trust authentication: loopback and tests only). As root, the server runs as the `postgres` user."""

    def __init__(self, max_connections: int = 200) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        if not found:
            raise PostgresUnavailable("PostgreSQL is not installed (apt-get install postgresql; `make test` does)")
        self.bindir = found[-1].parent
        self.folder = Path(tempfile.mkdtemp(prefix="lmm-pg-"))
        self.port = _free_port()
        self.max_connections = max_connections
        self.dsn = f"host=127.0.0.1 port={self.port} dbname=lmm user=lmm"

    def start(self) -> str:
        """initdb, start, create the role and database; the DSN."""
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.folder / "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self._run("mkdir", "-p", str(self.folder / "sockets"), bin_dir=False)
        self.resume()
        psql = ("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-v", "ON_ERROR_STOP=1")
        self._run(*psql, "-c", "CREATE ROLE lmm LOGIN", "-c", "CREATE DATABASE lmm OWNER lmm")
        return self.dsn

    def resume(self) -> None:
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.folder / 'sockets'} -F -c max_connections={self.max_connections}"
        )
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-l", log, "-w", "-t", "60", "-o", options, "start")

    def pause(self) -> None:
        """Stop the server, keeping its data (an outage)."""
        if (self.folder / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop", check=False)

    def stop(self) -> None:
        self.pause()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str, bin_dir: bool = True, check: bool = True) -> None:
        cmd = [str(self.bindir / program) if bin_dir else program, *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise PostgresUnavailable(f"`{program}` failed: {(done.stderr or done.stdout).strip()} {tail}".strip())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def settings(**values: str) -> Iterator[None]:
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)


def _queries() -> dict[str, Callable[[duckdb.DuckDBPyConnection], object]]:
    from warehouse.read import export_rows

    return {
        "export_rows female_lfpr MEX": lambda cur: export_rows(cur, "female_lfpr", "MEX"),
        "indicator_scores MEX": lambda cur: cur.execute("SELECT * FROM indicator_scores WHERE country = 'MEX'").df(),
        "group-by all observations": lambda cur: cur.execute(
            "SELECT indicator_id, count(*) AS n, avg(value) AS mean FROM observations GROUP BY indicator_id"
        ).df(),
        "release_info (9 rows)": lambda cur: cur.execute("SELECT key, value FROM release_info").fetchall(),
    }


def _plain_lake_cursor(release_id: str) -> Callable[[], duckdb.DuckDBPyConnection]:
    """Views reading the DuckLake tables `AT (VERSION => n)`: what a reader without file pinning pays."""
    from warehouse import ducklake

    snapshot = ducklake.release_snapshots()[release_id]
    setup = ducklake.lake_cursor()
    setup.execute("ATTACH ':memory:' AS plain_lake")
    for (name,) in setup.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake'").fetchall():
        source = f'SELECT * FROM lake."{name}" AT (VERSION => {int(snapshot)})'  # noqa: S608 (catalog names)
        setup.execute(f'CREATE VIEW plain_lake.main."{name}" AS {source}')

    def cursor() -> duckdb.DuckDBPyConnection:
        ducklake.pointer()  # the same per-request pointer check
        cur = ducklake.lake_cursor()
        cur.execute("USE plain_lake")
        return cur

    return cursor


def _stats(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": round(1000 * statistics.median(ordered), 3), "p95_ms": round(1000 * p95, 3)}


def measure(backends: dict[str, Callable[[], duckdb.DuckDBPyConnection]], repeat: int) -> dict[str, dict]:
    """Per query, per backend: `repeat` timings of cursor() + query, the backends interleaved in rotating order."""
    out: dict[str, dict] = {}
    for label, query in _queries().items():
        times: dict[str, list[float]] = {name: [] for name in backends}
        names = list(backends)
        for i in range(repeat + 5):
            for name in names[i % len(names) :] + names[: i % len(names)]:
                started = time.perf_counter()
                query(backends[name]())
                if i >= 5:  # the first rounds warm caches
                    times[name].append(time.perf_counter() - started)
        out[label] = {name: _stats(values) for name, values in times.items()}
        for name in names[1:]:
            for figure in ("median_ms", "p95_ms"):
                out[label][name][figure.replace("_ms", "_ratio")] = round(
                    out[label][name][figure] / out[label][names[0]][figure], 2
                )
    return out


def _publish(backend_env: dict[str, str]) -> tuple[str, float]:
    from lmm.config import seed_dir
    from loaders.seed import read_seed
    from warehouse.build import BuildInputs, build_release

    with settings(**backend_env):
        started = time.perf_counter()
        release_id = build_release(BuildInputs(read_seed(seed_dir()), status_year=2025, actor="scaleout bench"))
        return release_id, time.perf_counter() - started


def run(repeat: int, lake_env: dict[str, str]) -> dict[str, object]:
    from warehouse import connection, ducklake

    local_id, local_build = _publish({"LMM_BACKEND": "local"})
    lake_id, lake_build = _publish(lake_env)
    with settings(LMM_BACKEND="local"):
        assert connection.READER.cursor()[0] == local_id
    app = flask.Flask(__name__)

    def in_request(call: Callable[[], duckdb.DuckDBPyConnection]) -> Callable[[], duckdb.DuckDBPyConnection]:
        def wrapped() -> duckdb.DuckDBPyConnection:
            with app.test_request_context("/"):  # as in the app: the pointer follows the server rule
                return call()

        return wrapped

    with settings(**lake_env):
        assert ducklake.READER.cursor()[0] == lake_id
        backends = {
            "local": in_request(lambda: _with_env({"LMM_BACKEND": "local"}, lambda: connection.READER.cursor()[1])),
            "ducklake": in_request(lambda: ducklake.READER.cursor()[1]),
            "ducklake cold pointer": lambda: ducklake.READER.cursor()[1],
            "ducklake plain": in_request(_plain_lake_cursor(lake_id)),
        }
        figures = measure(backends, repeat)
        ducklake.close()
    return {"repeat": repeat, "publish_seconds": {"local": round(local_build, 2), "ducklake": round(lake_build, 2)},
            "queries": figures}  # fmt: skip


def _with_env(env: dict[str, str], call: Callable[[], duckdb.DuckDBPyConnection]) -> duckdb.DuckDBPyConnection:
    with settings(**env):
        return call()


LEGEND = {
    "local": "local default (versioned DuckDB file)",
    "ducklake": "ducklake as served (pointer checked <= once a second)",
    "ducklake cold pointer": "ducklake, pointer read from the catalog on every call (CLI)",
    "ducklake plain": "plain DuckLake reads (AT VERSION views, no file pinning)",
}


def report(result: dict) -> None:
    print(f"cursor() + query, {result['repeat']} runs per query and backend, interleaved in one process")
    print(f"{'query / backend':<62}{'median ms':>11}{'p95 ms':>9}{'ratio med':>11}{'ratio p95':>11}")
    for label, row in result["queries"].items():
        print(label)
        for name, figures in row.items():
            ratios = f"{figures.get('median_ratio', 1.0):>11.2f}{figures.get('p95_ratio', 1.0):>11.2f}"
            print(f"  {LEGEND[name]:<60}{figures['median_ms']:>11.2f}{figures['p95_ms']:>9.2f}{ratios}")
    seconds = result["publish_seconds"]
    print(f"publish from the seed: local {seconds['local']:.2f} s, ducklake {seconds['ducklake']:.2f} s (one run each)")


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.scaleout_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per query and backend")
    parser.add_argument("--dsn", help="a SCRATCH PostgreSQL database for the catalog (default: a temporary server)")
    parser.add_argument("--quick", action="store_true", help="50 runs per query (make bench-quick)")
    args = parser.parse_args(argv)
    args.repeat = 50 if args.quick and args.repeat == 200 else args.repeat
    with tempfile.TemporaryDirectory(prefix="lmm-scaleout-") as tmp, settings(LMM_DATA_DIR=tmp):
        server = None if args.dsn else TemporaryPostgres()
        try:
            dsn = server.start() if server else args.dsn
            data = str(Path(tmp) / "lake")
            lake_env = {"LMM_BACKEND": "ducklake", "LMM_DUCKLAKE_DSN": dsn, "LMM_DUCKLAKE_DATA": data}
            result = run(args.repeat, lake_env)
        finally:
            if server:
                server.stop()
    report(result)
    return result


if __name__ == "__main__":
    main()
