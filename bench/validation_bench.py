"""Upload validation against a peer: rows per second validating the same 100,000-row steward CSV with this project's
validator (read_upload + validate, as an upload is checked) and with `frictionless validate` (its Python API, the
validator CKAN uses; the file is marked trusted since frictionless refuses absolute paths otherwise), interleaved.

frictionless runs twice per round: as `frictionless validate FILE` does (schema inferred from a sample) and with a
Table Schema of the template (types, required, enums, lengths), the closest it comes to the same job. The ratio is
ours / the faster of the two. Also checks completeness on a copy with 200 planted bad cells (types, ranges, codes,
dates, sex): every one must come back with its row and column.

    .venv/bin/python -m bench.validation_bench [--quick] [--rows 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench import synthetic
from bench._common import add_quick, data_dir_env, load_average, percentile, real_release, summary
from bench.steward_bench import synthetic_rows

TARGET_RATIO = 10.0
SCHEMA = {"fields": [
    {"name": "indicator_id", "type": "string", "constraints": {"required": True}},
    {"name": "country", "type": "string", "constraints": {"required": True, "pattern": "[A-Za-z]{3}"}},
    {"name": "partner_country", "type": "string", "constraints": {"pattern": "[A-Za-z]{3}"}},
    {"name": "year", "type": "integer", "constraints": {"minimum": 1900, "maximum": 2100}},
    {"name": "sex", "type": "string", "constraints": {"enum": ["total", "female", "male"]}},
    {"name": "value", "type": "number"},
    {"name": "category", "type": "string"},
    {"name": "event_date", "type": "date"},
    {"name": "source", "type": "string", "constraints": {"required": True, "maxLength": 500}},
    {"name": "note", "type": "string", "constraints": {"maxLength": 1000}},
]}  # fmt: skip


def steward_csv(rows: int, folder: Path) -> tuple[Path, Path, int]:
    """(valid CSV, the same with planted bad cells, how many planted): the steward template's columns, whole years."""
    from warehouse.connection import cursor

    _, cur = cursor()
    countries = [c for (c,) in cur.execute("SELECT iso3 FROM countries WHERE NOT is_aggregate ORDER BY iso3")
                 .fetchall() if len(c) == 3]  # fmt: skip
    frame = synthetic_rows(rows, countries).astype({"year": "Int64"})
    good = folder / "steward-100k.csv"
    frame.to_csv(good, index=False)
    bad_frame, planted = plant_errors(frame, 200)
    bad = folder / "steward-100k-bad.csv"
    bad_frame.to_csv(bad, index=False)
    return good, bad, planted


def plant_errors(frame: pd.DataFrame, n: int) -> tuple[pd.DataFrame, int]:
    """n bad cells on n distinct value rows (corridor rows): a year '19x9', a value 'abc', an unknown country, a bad
    sex, a future year, each n/5 times."""
    out = frame.astype(object)
    rng = np.random.default_rng(11)
    rows = rng.choice(np.flatnonzero(frame["indicator_id"] == "recruitment_cost_corridor"), n, replace=False)
    edits = [("year", "19x9"), ("value", "abc"), ("country", "QQQ"), ("sex", "both sexes"), ("year", "2999")]
    for i, row in enumerate(rows):
        column, text = edits[i % len(edits)]
        out.at[row, column] = text
    return out, n


def ours(path: Path, context: Any) -> tuple[float, Any]:
    from stewards.upload import read_upload
    from stewards.validate import validate

    started = time.perf_counter()
    outcome = validate(read_upload(path.read_bytes(), path.name), context)
    return time.perf_counter() - started, outcome


def frictionless_run(path: Path, with_schema: bool) -> tuple[float, Any]:
    from frictionless import Resource, Schema, system, validate

    started = time.perf_counter()
    with system.use_context(trusted=True):
        source = Resource(str(path), schema=Schema.from_descriptor(SCHEMA)) if with_schema else str(path)
        report = validate(source, limit_errors=100_000)
    return time.perf_counter() - started, report


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_quick(parser)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, help="rounds (default 5, quick 3)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 5)
    data_dir, _ = real_release()
    folder = synthetic.temporary_folder("lmm-validation-")
    with data_dir_env(data_dir):
        from stewards.validate import make_context

        good, bad, planted = steward_csv(args.rows, folder)
        context = make_context(None)
        times: dict[str, list[float]] = {"ours": [], "frictionless": [], "frictionless_schema": []}
        ours(good, context)  # warm imports and the registry
        frictionless_run(good, with_schema=True)  # the same for the peer: its first run imports and sets up plugins
        for _ in range(repeat):
            seconds, outcome = ours(good, context)
            assert outcome.ok, outcome.problems.head()
            times["ours"].append(seconds)
            seconds, report = frictionless_run(good, with_schema=False)
            assert report.valid, report.flatten(["rowNumber", "fieldName", "type"])[:5]
            times["frictionless"].append(seconds)
            seconds, report = frictionless_run(good, with_schema=True)
            assert report.valid, report.flatten(["rowNumber", "fieldName", "type"])[:5]
            times["frictionless_schema"].append(seconds)
        _, bad_outcome = ours(bad, context)
        _, bad_report = frictionless_run(bad, with_schema=True)
    result: dict[str, Any] = {"rows": args.rows, "runs": repeat, "file_mb": round(good.stat().st_size / 1e6, 1)}
    for name, runs in times.items():
        median = statistics.median(runs)
        result[name] = {"median_s": round(median, 3), "p95_s": round(percentile(runs, 0.95), 3),
                        "rows_per_s": round(args.rows / median)}  # fmt: skip
    peer = min(times["frictionless"], times["frictionless_schema"], key=statistics.median)
    ratios = [f / o for f, o in zip(peer, times["ours"], strict=True)]  # same round: side by side
    result["ratio"] = {"median": round(statistics.median(ratios), 1), "p95_low": round(percentile(ratios, 0.05), 1)}
    found = {(int(r), c) for r, c in zip(bad_outcome.problems["row"], bad_outcome.problems["column"], strict=True)}
    result["completeness"] = {"planted": planted, "ours_cells": len(found),
                              "frictionless_schema_errors": len(bad_report.flatten(["rowNumber"]))}  # fmt: skip
    result["load_average_1m"] = load_average()
    _print(result)
    ratio = result["ratio"]["median"]
    result["summary"] = [
        summary(f"steward validation vs frictionless, {args.rows:,}-row CSV ({result['ours']['rows_per_s']:,} vs "
                f"{round(args.rows / statistics.median(peer)):,} rows/s)", f"{ratio:.1f}x",
                f">= {TARGET_RATIO:.0f}x", ratio >= TARGET_RATIO),
        summary(f"every planted bad cell reported ({planted} planted)", f"{len(found)} cells",
                f"{planted}", len(found) >= planted),
    ]  # fmt: skip
    return result


def _print(result: dict[str, Any]) -> None:
    for name in ("ours", "frictionless", "frictionless_schema"):
        r = result[name]
        print(f"{name:<22} median {r['median_s']:6.3f} s  p95 {r['p95_s']:6.3f} s  {r['rows_per_s']:>10,} rows/s")
    print(
        f"ratio ours / frictionless (faster of the two, same round): median {result['ratio']['median']}x, "
        f"5th percentile {result['ratio']['p95_low']}x over {result['runs']} rounds"
    )
    c = result["completeness"]
    print(
        f"planted {c['planted']} bad cells: ours reported {c['ours_cells']} cells, frictionless (schema) "
        f"{c['frictionless_schema_errors']} errors"
    )


if __name__ == "__main__":
    main()
