"""What a review costs to show: the submission's values (each row against the current release) and its warnings
(robust z-scores against the series' history and other countries) for a synthetic file of N rows; and what the
closed-round check adds to every upload's check (a closed round holding recruitment_cost_corridor for 50 countries).

    .venv/bin/python -m bench.signoff_bench [--rows 2000 20000] [--repeat 3]

Synthetic rows (bench/steward_bench.py, numpy default_rng(7)); the runtime folder is a temporary one with a release
built from the bundled seed, so nothing under data/ or var/ is touched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.steward_bench import COLUMNS, synthetic_rows


def _median_seconds(action, repeat: int) -> tuple[float, int]:
    seconds, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(action())
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(LMM_DATA_DIR=str(Path(tmp) / "var"))  # a runtime folder of its own
        from lmm.config import seed_dir
        from loaders.seed import read_seed
        from stewards import accounts, review, rounds, store, value_warnings, workflow
        from warehouse.build import BuildInputs, build_release
        from warehouse.connection import cursor

        build_release(BuildInputs(read_seed(seed_dir()), actor="bench"))
        _, cur = cursor()
        countries = [c for (c,) in cur.execute("SELECT iso3 FROM countries WHERE NOT is_aggregate ORDER BY iso3")
                     .fetchall() if len(c) == 3]  # fmt: skip
        admin = accounts.create_user("bench-admin", "admin", "bench password 123")
        deadline = (date.today() + timedelta(days=30)).isoformat()
        rnd = rounds.open_round("bench", ["recruitment_cost_corridor"], countries[:50], deadline, "bench")
        for n in args.rows:
            body = synthetic_rows(n, countries).to_csv(index=False, columns=COLUMNS).encode()
            sub = workflow.receive_upload(admin, f"rows-{n}.csv", body)
            while sub.status == "validating":  # a large file is checked by a validation job
                time.sleep(0.5)
                sub = workflow.settled(store.get_submission(sub.id) or sub)
            assert sub.status == "validated", (sub.status, sub.problems[:3])
            values, rows = _median_seconds(lambda s=sub: review.submitted_values(s), args.repeat)
            warned, found = _median_seconds(lambda s=sub: value_warnings.warnings_for(s), args.repeat)
            rounds.close_round(rnd.id, "bench")  # after the upload (it would be refused), before the check is timed
            frame = store.submission_rows(sub.id)
            closed, refused = _median_seconds(lambda f=frame: (rounds.refusal(f) or ("", {"series": []}))[1]["series"],
                                              args.repeat)  # fmt: skip
            rounds.reopen_round(rnd.id, "bench")
            print(f"{n:>7,} rows  values {values:6.2f} s ({rows:,} rows)  warnings {warned:6.2f} s "
                  f"({found:,} warnings)  closed-round check {closed:6.3f} s ({refused:,} series refused)  "
                  f"median of {args.repeat}")  # fmt: skip


if __name__ == "__main__":
    main()
