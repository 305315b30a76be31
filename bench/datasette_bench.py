"""API against a peer: the same observation queries served by this API (gunicorn, the Procfile's options) and by
Datasette (PyPI `datasette`, immutable mode, uvicorn) over the same rows loaded into SQLite with the indexes a
reasonable admin would add, both on 127.0.0.1, timed from one client, interleaved: the latency ratio (ours /
Datasette; 0.5 means in half the time). Targets (issue 20): every JSON query <= 0.5, the whole indicator as CSV
<= 0.1.

Both answer with the same rows (same columns, filters, order and row count): ours `GET /api/v1/observations?...`,
Datasette `GET /lmm.json?sql=<the same SELECT>&<named parameters>&_shape=array` (arbitrary SQL with parameters is
how Datasette serves a filtered, ordered query; its table API cannot sort on four columns), and for the whole
indicator as CSV ours `...&format=csv&limit=50000` and Datasette's `/lmm.csv?sql=...` (all 6,354 rows: the bench
raises its max_returned_rows to 50,000). Each query is checked to return the same rows on both before timing (the
count, and for CSV every row's indicator, country, year, sex and partner in order). The client is `requests`
(gzip, deflate, br and zstd accepted, as a browser).

The DuckDB floor beside each query: the same SQL (`lmm export`'s) on a kept-open read-only connection in this
process, rows fetched as tuples (CSV: DuckDB's own writer, `COPY (...) TO` a file), no HTTP: what any server
reading this release pays at least. And the HTTP floor: a WSGI app answering 2 bytes under gunicorn with the
same options, timed the same way against Datasette (what any answer from such a gunicorn costs), and beside it the
same under gunicorn's `sync` worker, which closes the connection after each answer (the Procfile's before
gunicorn.conf.py).

Our steady state repeats each query, so after its first request it is answered from the fast lane's kept answers
(dashboard/api/fastlane.py); the first request of each query is printed apart, and a country sweep asks each
country's female_lfpr once of each server (no request repeated: the handler's full work every time).

Two figures per query: the first request (cold: the first time each server sees that query; for the first query,
the first observations request of a fresh server, which starts the API's per-release index in the background), then
the steady state after a warm-up of at least WARM_SECONDS (INDEX_WARM_SECONDS for the first query, while each
worker builds its index), so one-off work of either server, such as the API's index or Datasette's first read of
the file, is in the cold figure and not in the timed requests.

    .venv/bin/python -m bench.datasette_bench [--quick] [--repeat 100]
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import os
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from bench import synthetic
from bench._common import (
    add_quick,
    free_port,
    gunicorn,
    load_average,
    percentile,
    procfile_options,
    real_release,
    stats_ms,
    summary,
)

ROOT = Path(__file__).resolve().parents[1]
WARM_SECONDS = 1.0  # warm-up per query and server pair: at least this long, and at least 5 requests each
INDEX_WARM_SECONDS = 4.0  # the first query's: each worker builds its index (~0.5 s quiet, 2 s at load 5) meanwhile
CSV_QUERY = "whole indicator as CSV (female_lfpr, all countries and years)"
KEYS = 5  # indicator, country, year, sex, partner: what "the same rows" compares in CSV
COLUMNS = ("indicator_id AS indicator, country, year, sex, partner_country, value, value_label, unit, source_id, "
           "flags")  # fmt: skip
INDEXES = [  # what the API's filters need: indicator first, then country / partner, year for ranges and order
    "CREATE INDEX obs_indicator_country_year ON observations(indicator_id, country, year, sex, partner_country)",
    "CREATE INDEX obs_indicator_partner ON observations(indicator_id, partner_country)",
    "CREATE INDEX obs_country ON observations(country)",
]
# name -> (API query string, SQL WHERE, parameters, limit): the same rows from both (format=csv: CSV from both)
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
    CSV_QUERY: (
        "indicator=female_lfpr&format=csv&limit=50000", "indicator_id = :indicator",
        {"indicator": "female_lfpr"}, 50_000),
}  # fmt: skip
TARGETS = {"json": 0.5, "csv": 0.1}  # ours / Datasette, median of pairs per query
STEADY = {"LMM_BRIEFINGS_AHEAD": "0"}  # the steady state: no briefings being rendered after a publish (briefing_bench)


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


def is_csv(name: str) -> bool:
    return "format=csv" in QUERIES[name][0]


def urls(ours: str, theirs: str, name: str, database: str) -> tuple[str, str, dict[str, Any]]:
    api_query, where, params, limit = QUERIES[name]
    sql = f"SELECT {COLUMNS} FROM observations WHERE {where} ORDER BY country, year, sex, partner_country LIMIT {limit}"  # noqa: S608 (a constant)
    if is_csv(name):
        return f"{ours}/api/v1/observations?{api_query}", f"{theirs}/{database}.csv", {"sql": sql, **params}
    return (f"{ours}/api/v1/observations?{api_query}", f"{theirs}/{database}.json",
            {"sql": sql, **params, "_shape": "array"})  # fmt: skip


def same_rows(name: str, ours: requests.Response, theirs: requests.Response) -> int:
    """The rows both answered (AssertionError when they differ): counts, and for CSV the rows' keys in order."""
    if not is_csv(name):
        rows_a, rows_b = len(ours.json()["rows"]), len(theirs.json())
        if rows_a != rows_b:
            raise AssertionError(f"{name}: the API gave {rows_a} rows, Datasette {rows_b}")
        return rows_a
    keys_a = [row[:KEYS] for row in csv.reader(io.StringIO(ours.text))]
    keys_b = [row[:KEYS] for row in csv.reader(io.StringIO(theirs.text))]
    if keys_a != keys_b:
        raise AssertionError(f"{name}: the API gave {len(keys_a) - 1} CSV rows, Datasette {len(keys_b) - 1}, "
                             "or not the same ones")  # fmt: skip
    return len(keys_a) - 1


def measure(ours: str, theirs: str, database: str, repeat: int, floors: dict[str, Any]) -> dict[str, Any]:
    session = requests.Session()
    out: dict[str, Any] = {}
    for n, name in enumerate(QUERIES):
        api_url, ds_url, ds_params = urls(ours, theirs, name, database)
        (cold_a, a), (cold_b, b) = _timed(session, api_url), _timed(session, ds_url, ds_params)
        a.raise_for_status()
        b.raise_for_status()
        rows_a = same_rows(name, a, b)
        warm_until = time.monotonic() + (INDEX_WARM_SECONDS if n == 0 else WARM_SECONDS)
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
        out[name] = {"rows": rows_a, "format": "csv" if is_csv(name) else "json", "api": stats_ms(times_a),
                     "datasette": stats_ms(times_b), "duckdb_floor": floors[name],
                     "ratio_of_medians": round(statistics.median(times_a) / statistics.median(times_b), 2),
                     "ratio_median": round(statistics.median(ratios), 2),
                     "ratio_p95": round(percentile(ratios, 0.95), 2),
                     "first_request": {"api_ms": round(1000 * cold_a, 1), "datasette_ms": round(1000 * cold_b, 1),
                                       "ratio": round(cold_a / cold_b, 2)}}  # fmt: skip
        r, c = out[name], out[name]["first_request"]
        print(f"{name:<70} rows {rows_a:>6}  API {r['api']['median_ms']:6.1f} ms (p95 {r['api']['p95_ms']:6.1f})  "
              f"Datasette {r['datasette']['median_ms']:6.1f} ms (p95 {r['datasette']['p95_ms']:6.1f})  "
              f"ratio {r['ratio_median']:.2f} (p95 {r['ratio_p95']:.2f})  DuckDB floor "
              f"{r['duckdb_floor']['median_ms']:5.2f} ms   first request: API {c['api_ms']:6.1f} ms  "
              f"Datasette {c['datasette_ms']:6.1f} ms  ratio {c['ratio']:.2f}", flush=True)  # fmt: skip
    return out


def country_sweep(ours: str, theirs: str, database: str, db: Path) -> dict[str, Any]:
    """Each country's female_lfpr asked once of each server, interleaved: every request new to both, so none is
    answered from the API's kept answers (what a script walking the countries gets)."""
    with sqlite3.connect(db) as con:
        countries = [r[0] for r in con.execute("SELECT DISTINCT country FROM observations WHERE indicator_id = "
                                               "'female_lfpr' AND country IS NOT NULL ORDER BY country")]  # fmt: skip
    session = requests.Session()
    sql = (f"SELECT {COLUMNS} FROM observations WHERE indicator_id = :indicator AND country = :country "  # noqa: S608
           "ORDER BY country, year, sex, partner_country LIMIT 10000")  # fmt: skip
    times_a: list[float] = []
    times_b: list[float] = []
    for i, country in enumerate(countries):
        api = (f"{ours}/api/v1/observations?indicator=female_lfpr&country={country}", None)
        ds = (f"{theirs}/{database}.json", {"sql": sql, "indicator": "female_lfpr", "country": country,
                                             "_shape": "array"})  # fmt: skip
        for which in (0, 1) if i % 2 == 0 else (1, 0):
            url, params = api if which == 0 else ds
            seconds, answer = _timed(session, url, params)
            answer.raise_for_status()
            (times_a if which == 0 else times_b).append(seconds)
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    out: dict[str, Any] = {"countries": len(countries), "api": stats_ms(times_a), "datasette": stats_ms(times_b),
           "ratio_median": round(statistics.median(ratios), 2)}  # fmt: skip
    print(f"country sweep (female_lfpr, {len(countries)} countries, each asked once: no kept answer): API "
          f"{out['api']['median_ms']:.1f} ms, Datasette {out['datasette']['median_ms']:.1f} ms, ratio "
          f"{out['ratio_median']:.2f}", flush=True)  # fmt: skip
    return out


def duckdb_floors(data_dir: Path, release_id: str, repeat: int) -> dict[str, dict[str, float]]:
    """Per query: the export's SQL on a kept-open read-only DuckDB connection, in this process, no HTTP (median of
    `repeat` after 5 warm-ups): rows fetched as tuples, or for CSV written by DuckDB's own CSV writer."""
    import duckdb

    con = duckdb.connect(str(data_dir / "releases" / f"{release_id}.duckdb"), read_only=True)
    target = synthetic.temporary_folder("lmm-floor-") / "floor.csv"
    out = {}
    try:
        for name in QUERIES:
            run = _floor_query(con.cursor(), name, target)
            for _ in range(5):
                run()
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                run()
                times.append(time.perf_counter() - started)
            out[name] = {"median_ms": round(1000 * statistics.median(times), 2),
                         "p95_ms": round(1000 * percentile(times, 0.95), 2)}  # fmt: skip
    finally:
        con.close()
    return out


def _floor_query(cur: Any, name: str, target: Path) -> Any:
    """The query `name` as `lmm export` runs it (CSV: DuckDB's COPY of the same SELECT into `target`)."""
    from warehouse.read import _OBSERVATIONS_SQL

    api_query, _where, _params, limit = QUERIES[name]
    args = dict(urllib.parse.parse_qsl(api_query))
    values = {"indicator": args["indicator"], "country": args.get("country"), "partner": args.get("partner"),
              "sex": args.get("sex"), "year_from": _int(args.get("year_from")), "year_to": _int(args.get("year_to")),
              "limit": limit, "offset": 0}  # fmt: skip
    if not is_csv(name):
        return lambda: cur.execute(_OBSERVATIONS_SQL, values).fetchall()
    sql = _OBSERVATIONS_SQL  # COPY takes no parameters: the bench's own constants written in
    for key, value in values.items():
        sql = sql.replace(f"${key}", "NULL" if value is None else repr(value))
    return lambda: cur.execute(f"COPY ({sql}) TO '{target}' (HEADER)")


def _int(text: str | None) -> int | None:
    return None if text is None else int(text)


def http_floors(theirs: str, database: str, repeat: int) -> dict[str, Any]:
    """The HTTP floor with the Procfile's options (gunicorn.conf.py's threaded workers, connections kept alive), and
    beside it with gunicorn's `sync` worker (a new connection per request), which the Procfile used before."""
    out = {"procfile": http_floor(theirs, database, repeat)}
    out["sync"] = http_floor(theirs, database, repeat, ["--worker-class", "sync"])
    return out


def http_floor(theirs: str, database: str, repeat: int, extra: list[str] | None = None) -> dict[str, Any]:
    """A 2-byte WSGI answer under gunicorn with the Procfile's options (and `extra`), interleaved with Datasette's
    answer to the first query: the ratio no app served by such a gunicorn can go below with this client."""
    folder = synthetic.temporary_folder("lmm-hello-")
    (folder / "hello_wsgi.py").write_text(HELLO)
    session = requests.Session()
    _, ds_url, ds_params = urls("", theirs, next(iter(QUERIES)), database)
    with gunicorn_app("hello_wsgi:app", folder, extra or []) as url:
        for _ in range(20):
            session.get(url).content, session.get(ds_url, params=ds_params).content  # noqa: B018
        times_a: list[float] = []
        times_b: list[float] = []
        for i in range(repeat):
            for which in (0, 1) if i % 2 == 0 else (1, 0):
                started = time.perf_counter()
                (session.get(url) if which == 0 else session.get(ds_url, params=ds_params)).content  # noqa: B018
                (times_a if which == 0 else times_b).append(time.perf_counter() - started)
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    out: dict[str, Any] = {
        "hello": stats_ms(times_a),
        "datasette": stats_ms(times_b),
        "ratio_median": round(statistics.median(ratios), 2),
    }
    print(
        f"HTTP floor: a 2-byte WSGI answer under gunicorn {' '.join(extra or ['(the Procfile)'])} "
        f"{out['hello']['median_ms']:.2f} ms, Datasette's first "
        f"query {out['datasette']['median_ms']:.2f} ms: ratio {out['ratio_median']:.2f}",
        flush=True,
    )
    return out


HELLO = """def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]
"""


@contextmanager
def gunicorn_app(app: str, folder: Path, extra: list[str]):
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", *procfile_options(), *extra]
    proc = subprocess.Popen(cmd, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url, timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the hello-world gunicorn did not start")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


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
    floors = duckdb_floors(data_dir, release_id, repeat)
    with gunicorn(data_dir, env=STEADY) as server, datasette(db) as theirs:
        figures = measure(server.url, theirs, "lmm", repeat, floors)
        sweep = country_sweep(server.url, theirs, "lmm", db)
        floors_http = http_floors(theirs, "lmm", repeat)
    hello = floors_http["procfile"]
    json_ratios = {n: f["ratio_median"] for n, f in figures.items() if f["format"] == "json"}
    csv_ratio = figures[CSV_QUERY]["ratio_median"]
    worst = max(json_ratios.values())
    overall = statistics.median(json_ratios.values())
    cold = [f["first_request"]["ratio"] for f in figures.values()]
    result: dict[str, Any] = {"release": release_id, "repeat": repeat, "queries": figures,
                              "ratio_median_over_queries": overall, "ratio_worst_query": worst,
                              "csv_ratio": csv_ratio, "http_floor": hello, "http_floor_sync": floors_http["sync"], "country_sweep": sweep,
                              "first_request_ratio_median": statistics.median(cold),
                              "first_request_ratio_worst": max(cold),
                              "datasette_version": _version(), "load_average_1m": load_average()}  # fmt: skip
    csv_row = figures[CSV_QUERY]
    result["summary"] = [
        summary("API / Datasette latency, JSON queries (median ratio per query: median over queries; worst)",
                f"{overall:.2f} (worst {worst:.2f})", f"<= {TARGETS['json']} each", worst <= TARGETS["json"]),
        summary(f"  per query: {', '.join(f'{r:.2f}' for r in json_ratios.values())}; HTTP floor (2-byte WSGI "
                f"answer / Datasette) {hello['ratio_median']:.2f} (sync worker: {floors_http['sync']['ratio_median']:.2f})",
                ""),
        summary(f"API / Datasette, whole indicator as CSV ({csv_row['rows']:,} rows: API "
                f"{csv_row['api']['median_ms']:.1f} ms, Datasette {csv_row['datasette']['median_ms']:.0f} ms, "
                f"DuckDB COPY floor {csv_row['duckdb_floor']['median_ms']:.1f} ms)",
                f"{csv_ratio:.3f}", f"<= {TARGETS['csv']}", csv_ratio <= TARGETS["csv"]),
        summary("  first request of each query (one request each: noisy), median over queries (worst)",
                f"{statistics.median(cold):.2f} (worst {max(cold):.2f})"),
        summary(f"  every country's female_lfpr asked once ({sweep['countries']} countries: no kept answer; API "
                f"{sweep['api']['median_ms']:.1f} ms, Datasette {sweep['datasette']['median_ms']:.1f} ms)",
                f"{sweep['ratio_median']:.2f}"),
    ]  # fmt: skip
    return result


def _version() -> str:
    from importlib.metadata import version

    return version("datasette")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
