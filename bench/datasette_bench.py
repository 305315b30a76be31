"""API against a peer: the same observation queries served by this API (gunicorn, the Procfile's options) and by
Datasette (PyPI `datasette`, immutable mode, uvicorn) over the same rows loaded into SQLite with the indexes a
reasonable admin would add, both on 127.0.0.1, timed from one client, interleaved: the latency ratio (ours /
Datasette; <= 1 means at least as fast).

Both answer with the same rows (same columns, filters, order and row count): ours `GET /api/v1/observations?...`,
Datasette `GET /lmm.json?sql=<the same SELECT>&<named parameters>&_shape=array` (arbitrary SQL with parameters is
how Datasette serves a filtered, ordered query; its table API cannot sort on four columns). Each query is checked
to return the same number of rows on both before timing. The client is `requests` (gzip accepted, as a browser).

Two figures per query: the first request (cold: the first time each server sees that query; for the first query,
the first observations request of a fresh server, which starts the API's per-release index in the background), then
the steady state after a warm-up of at least WARM_SECONDS (so one-off work of either server, such as the API's index
or Datasette's first read of the file, is in the cold figure and not in the timed requests).

    .venv/bin/python -m bench.datasette_bench [--quick] [--repeat 100]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from bench import synthetic
from bench._common import add_quick, free_port, gunicorn, load_average, percentile, real_release, stats_ms, summary

ROOT = Path(__file__).resolve().parents[1]
WARM_SECONDS = 1.0  # warm-up per query and server pair: at least this long, and at least 5 requests each
COLUMNS = ("indicator_id AS indicator, country, year, sex, partner_country, value, value_label, unit, source_id, "
           "flags")  # fmt: skip
INDEXES = [  # what the API's filters need: indicator first, then country / partner, year for ranges and order
    "CREATE INDEX obs_indicator_country_year ON observations(indicator_id, country, year, sex, partner_country)",
    "CREATE INDEX obs_indicator_partner ON observations(indicator_id, partner_country)",
    "CREATE INDEX obs_country ON observations(country)",
]
# name -> (API query string, SQL WHERE, parameters, limit): the same rows from both
QUERIES: dict[str, tuple[str, str, dict[str, Any], int]] = {
    "country x indicator (female_lfpr, MEX)": (
        "indicator=female_lfpr&country=MEX", "indicator_id = :indicator AND country = :country",
        {"indicator": "female_lfpr", "country": "MEX"}, 10_000),
    "country x indicator by sex (lfpr_national, PHL)": (
        "indicator=lfpr_national&country=PHL", "indicator_id = :indicator AND country = :country",
        {"indicator": "lfpr_national", "country": "PHL"}, 10_000),
    "year range, women (migrant_stock, 2000-2020)": (
        "indicator=migrant_stock&sex=female&year_from=2000&year_to=2020&limit=1000",
        "indicator_id = :indicator AND sex = :sex AND year >= :year_from AND year <= :year_to",
        {"indicator": "migrant_stock", "sex": "female", "year_from": 2000, "year_to": 2020}, 1000),
    "corridor (migrant_stock_corridor, MEX -> USA)": (
        "indicator=migrant_stock_corridor&country=MEX&partner=USA",
        "indicator_id = :indicator AND country = :country AND partner_country = :partner",
        {"indicator": "migrant_stock_corridor", "country": "MEX", "partner": "USA"}, 10_000),
    "first page of an indicator (dual_citizenship_acceptance, 1,000 rows)": (
        "indicator=dual_citizenship_acceptance&limit=1000", "indicator_id = :indicator",
        {"indicator": "dual_citizenship_acceptance"}, 1000),
}  # fmt: skip


def sqlite_copy(data_dir: Path, release_id: str, path: Path) -> int:
    """The release's observations (and countries, indicators) in a SQLite file with the indexes; rows copied."""
    import duckdb

    con = duckdb.connect(str(data_dir / "releases" / f"{release_id}.duckdb"), read_only=True)
    try:
        frames = {name: con.execute(f"SELECT * FROM {name}").df() for name in ("observations", "countries",  # noqa: S608
                                                                                "indicators")}  # fmt: skip
    finally:
        con.close()
    db = sqlite3.connect(path)
    try:
        for name, frame in frames.items():
            frame.to_sql(name, db, index=False, chunksize=50_000)
        for statement in INDEXES:
            db.execute(statement)
        db.execute("ANALYZE")
        db.commit()
    finally:
        db.close()
    return len(frames["observations"])


@contextmanager
def datasette(db: Path):
    port = free_port()
    cmd = [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--host", "127.0.0.1", "--port", str(port),
           "--setting", "max_returned_rows", "50000", "--setting", "sql_time_limit_ms", "10000"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=db.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url + "/-/versions.json", timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("datasette did not start: " + (proc.stderr.read().decode()[-2000:] if proc.stderr
                                                                   and proc.poll() is not None else ""))  # fmt: skip
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def urls(ours: str, theirs: str, name: str, database: str) -> tuple[str, str, dict[str, Any]]:
    api_query, where, params, limit = QUERIES[name]
    sql = f"SELECT {COLUMNS} FROM observations WHERE {where} ORDER BY country, year, sex, partner_country LIMIT {limit}"  # noqa: S608 (a constant)
    return (f"{ours}/api/v1/observations?{api_query}", f"{theirs}/{database}.json",
            {"sql": sql, **params, "_shape": "array"})  # fmt: skip


def measure(ours: str, theirs: str, database: str, repeat: int) -> dict[str, Any]:
    session = requests.Session()
    out: dict[str, Any] = {}
    for name in QUERIES:
        api_url, ds_url, ds_params = urls(ours, theirs, name, database)
        (cold_a, a), (cold_b, b) = _timed(session, api_url), _timed(session, ds_url, ds_params)
        a.raise_for_status()
        b.raise_for_status()
        rows_a, rows_b = len(a.json()["rows"]), len(b.json())
        if rows_a != rows_b:
            raise AssertionError(f"{name}: the API gave {rows_a} rows, Datasette {rows_b}")
        warm_until = time.monotonic() + WARM_SECONDS
        for i in itertools.count():  # warm both (connections, caches, the workers' memos and the API's index)
            session.get(api_url, timeout=60), session.get(ds_url, params=ds_params, timeout=60)
            if i >= 4 and time.monotonic() > warm_until:
                break
        times_a: list[float] = []
        times_b: list[float] = []
        for i in range(repeat):  # interleaved, alternating who goes first
            for which in (0, 1) if i % 2 == 0 else (1, 0):
                started = time.perf_counter()
                answer = (session.get(api_url, timeout=60) if which == 0
                          else session.get(ds_url, params=ds_params, timeout=60))  # fmt: skip
                answer.content  # noqa: B018 (read the whole body)
                (times_a if which == 0 else times_b).append(time.perf_counter() - started)
        ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
        out[name] = {"rows": rows_a, "api": stats_ms(times_a), "datasette": stats_ms(times_b),
                     "ratio_of_medians": round(statistics.median(times_a) / statistics.median(times_b), 2),
                     "ratio_median": round(statistics.median(ratios), 2),
                     "ratio_p95": round(percentile(ratios, 0.95), 2),
                     "first_request": {"api_ms": round(1000 * cold_a, 1), "datasette_ms": round(1000 * cold_b, 1),
                                       "ratio": round(cold_a / cold_b, 2)}}  # fmt: skip
        r, c = out[name], out[name]["first_request"]
        print(f"{name:<70} rows {rows_a:>6}  API {r['api']['median_ms']:6.1f} ms (p95 {r['api']['p95_ms']:6.1f})  "
              f"Datasette {r['datasette']['median_ms']:6.1f} ms (p95 {r['datasette']['p95_ms']:6.1f})  "
              f"ratio {r['ratio_median']:.2f}   first request: API {c['api_ms']:6.1f} ms  "
              f"Datasette {c['datasette_ms']:6.1f} ms  ratio {c['ratio']:.2f}", flush=True)  # fmt: skip
    return out


def _timed(session: requests.Session, url: str, params: dict[str, Any] | None = None) -> tuple[float, Any]:
    """(seconds, response) of one request, body read."""
    started = time.perf_counter()
    answer = session.get(url, params=params, timeout=60)
    answer.content  # noqa: B018 (read the whole body)
    return time.perf_counter() - started, answer


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_quick(parser)
    parser.add_argument("--repeat", type=int, help="requests per query and server (default 100, quick 25)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (25 if args.quick else 100)
    data_dir, release_id = real_release()
    folder = synthetic.temporary_folder("lmm-datasette-")
    db = folder / "lmm.db"
    rows = sqlite_copy(data_dir, release_id, db)
    print(f"release {release_id}: {rows:,} observations copied to SQLite with {len(INDEXES)} indexes")
    with gunicorn(data_dir) as server, datasette(db) as theirs:
        figures = measure(server.url, theirs, "lmm", repeat)
    worst = max(figures.values(), key=lambda f: f["ratio_median"])["ratio_median"]
    overall = statistics.median([f["ratio_median"] for f in figures.values()])
    cold = [f["first_request"]["ratio"] for f in figures.values()]
    result: dict[str, Any] = {"release": release_id, "repeat": repeat, "queries": figures,
                              "ratio_median_over_queries": overall, "ratio_worst_query": worst,
                              "first_request_ratio_median": statistics.median(cold),
                              "first_request_ratio_worst": max(cold),
                              "datasette_version": _version(), "load_average_1m": load_average()}  # fmt: skip
    result["summary"] = [summary("API / Datasette latency, same queries (median over queries; worst query)",
                                 f"{overall:.2f} (worst {worst:.2f})", "<= 1", worst <= 1),
                         summary("  the same, first request of each query (one request each: noisy)",
                                 f"{statistics.median(cold):.2f} (worst {max(cold):.2f})")]  # fmt: skip
    return result


def _version() -> str:
    from importlib.metadata import version

    return version("datasette")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
