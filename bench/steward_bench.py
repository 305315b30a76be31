"""Steward upload benchmark: validation throughput (rows/s) for a 100,000-row CSV and XLSX, and the time from an
admin's approval to the new release being served by gunicorn.

    .venv/bin/python -m bench.steward_bench [--rows 100000] [--repeat 3]

Synthetic rows (numpy default_rng(7)) in a temporary folder; the runtime folder (LMM_DATA_DIR) is a temporary one
too, with a release built from the bundled seed, so nothing under data/ or var/ is touched.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["indicator_id", "country", "partner_country", "year", "sex", "value", "category", "event_date", "source",
           "note"]  # fmt: skip


def synthetic_rows(n: int, countries: list[str]) -> pd.DataFrame:
    """Valid rows of every kind: corridor values (most), country-year values, categories and dated events."""
    rng = np.random.default_rng(7)
    years = np.arange(2000, 2025)
    k = len(countries)
    small = min(n // 20, k * len(years))
    parts = [
        _country_years(rng, "tertiary_women_emigration_rate", countries, years, small, lambda m: rng.uniform(0, 40, m)),
        _country_years(
            rng, "fee_ban_law", countries, years, small, None, rng.choice(["full", "partial", "none"], small)
        ),
        _events(rng, countries, min(n // 50, k)),
    ]
    rest = n - sum(len(p) for p in parts)
    picks = rng.choice(k * (k - 1) * len(years), size=rest, replace=False)
    origin, other, year = picks // ((k - 1) * len(years)), (picks // len(years)) % (k - 1), picks % len(years)
    partner = np.where(other >= origin, other + 1, other)
    parts.append(pd.DataFrame({
        "indicator_id": "recruitment_cost_corridor", "country": np.array(countries)[origin],
        "partner_country": np.array(countries)[partner], "year": years[year], "sex": "total",
        "value": rng.gamma(2.0, 1.2, rest).round(2), "source": "Synthetic corridor survey",
    }))  # fmt: skip
    frame = pd.concat(parts, ignore_index=True).reindex(columns=COLUMNS)
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)


def _country_years(rng, indicator: str, countries, years, m: int, values, categories=None) -> pd.DataFrame:
    picks = rng.choice(len(countries) * len(years), size=m, replace=False)
    frame = pd.DataFrame({"indicator_id": indicator, "country": np.array(countries)[picks // len(years)],
                          "year": years[picks % len(years)], "source": "Synthetic national source"})  # fmt: skip
    if values is not None:
        frame["value"] = values(m).round(2)
    if categories is not None:
        frame["category"] = categories
    return frame


def _events(rng, countries, m: int) -> pd.DataFrame:
    days = rng.integers(0, 365 * 20, m)
    dates = (pd.Timestamp("2000-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    return pd.DataFrame({"indicator_id": "ilo_c189", "country": np.array(countries)[:m], "category": "in_force",
                         "event_date": dates, "source": "Synthetic NORMLEX extract"})  # fmt: skip


def write_files(frame: pd.DataFrame, folder: Path) -> dict[str, Path]:
    csv, xlsx = folder / "rows.csv", folder / "rows.xlsx"
    frame.to_csv(csv, index=False)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(COLUMNS)
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None):
        sheet.append(list(row))
    book.save(xlsx)
    return {"CSV": csv, "XLSX": xlsx}


def validation_throughput(files: dict[str, Path], rows: int, repeat: int) -> dict[str, float]:
    from stewards.upload import read_upload
    from stewards.validate import make_context, validate

    context, figures = make_context(None), dict[str, float]()
    for kind, path in files.items():
        data, seconds = path.read_bytes(), []
        for _ in range(repeat):
            started = time.perf_counter()
            outcome = validate(read_upload(data, path.name), context)
            seconds.append(time.perf_counter() - started)
        assert outcome.ok, outcome.problems.head()
        median = statistics.median(seconds)
        print(f"validation {kind:<4} {rows:>9,} rows  {len(data) / 1e6:6.1f} MB  median {median:6.2f} s  "
              f"{rows / median:>10,.0f} rows/s  (read + convert + pandera lazy, {repeat} runs)")  # fmt: skip
        figures[f"{kind.lower()}_rows_per_s"] = round(rows / median)
    return figures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def approval_to_served(folder: Path) -> float:
    """Gunicorn (2 workers) serves; an admin approves; time until /api/v1/health reports the new release."""

    from stewards import accounts, publish, store, workflow

    accounts.create_user("bench-admin", "admin", "bench password 123")
    steward = accounts.create_user("bench-mex", "steward", "bench password 123", ["MEX"], "Bench institute")
    text = ",".join(COLUMNS) + "\ntertiary_women_emigration_rate,MEX,,2024,,7.4,,,Bench survey 2024,\n"
    sub = workflow.receive_upload(steward, "mex.csv", text.encode())
    workflow.submit(sub, steward, {}, None)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "dashboard.wsgi:server", "--bind",
                               f"127.0.0.1:{port}", "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}/api/v1/health"
    try:
        before = _wait_health(url)
        started = time.perf_counter()
        publish.approve(sub.id, "bench-admin")
        while (served := _wait_health(url)) == before:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        done = store.get_submission(sub.id)
        assert done is not None and done.release_id == served, done
        print(f"approval -> new release served by gunicorn: {elapsed:5.2f} s  (job process start, seed read, merge, "
              f"scoring, write, seal, switch; release {served})")  # fmt: skip
        return round(elapsed, 2)
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_health(url: str, timeout: float = 60) -> str:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return requests.get(url, timeout=5).json()["release"]
        except (requests.RequestException, ValueError):
            time.sleep(0.1)
    raise TimeoutError(url)


def main() -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one run (make bench-quick)")
    args = parser.parse_args()
    args.repeat = 1 if args.quick else args.repeat
    with tempfile.TemporaryDirectory(prefix="lmm-steward-bench-") as tmp:
        folder = Path(tmp)
        os.environ.update(LMM_DATA_DIR=str(folder / "var"))  # a runtime folder of its own (set, never read here)
        from lmm.config import seed_dir
        from loaders.seed import read_seed
        from warehouse.build import BuildInputs, build_release
        from warehouse.connection import cursor

        build_release(BuildInputs(read_seed(seed_dir()), actor="bench"))
        _, cur = cursor()
        countries = [c for (c,) in cur.execute("SELECT iso3 FROM countries WHERE NOT is_aggregate ORDER BY iso3")
                     .fetchall() if len(c) == 3]  # fmt: skip
        files = write_files(synthetic_rows(args.rows, countries), folder)
        figures = validation_throughput(files, args.rows, args.repeat)
        figures["approval_to_served_s"] = approval_to_served(folder)
        return figures


if __name__ == "__main__":
    main()
