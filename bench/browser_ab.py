"""Cold page loads side by side: the same page served by the code of several commits at once (one gunicorn per
commit, each from a git worktree of it in a temporary folder, on the same release), loaded in turn by one headless
Chromium, round after round, the order reversed every other round, so a busy moment of this shared machine hits
every commit alike. Each load is browser_bench's cold load and warm reload (`profile_run`, its "fully drawn" and
"live" checks). A diagnostic for a before/after figure, not part of `make bench`.

    .venv/bin/python -m bench.browser_ab f46d6db HEAD [--page /country/GHA] [--rounds 12]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import browser_bench as bb
from bench._common import ROOT, gunicorn, load_average, percentile, real_release


@contextlib.contextmanager
def worktree(commit: str, folder: Path) -> Iterator[Path]:
    """A checkout of `commit` in `folder`, removed on exit."""
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(folder), commit], cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, capture_output=True)


def figures(loads: list[dict[str, Any]]) -> dict[str, float]:
    cold = [x["cold"]["seconds"] for x in loads]
    live = [x["cold"]["live_seconds"] for x in loads]
    warm = [x["warm"]["seconds"] for x in loads]
    return {"cold_median_s": statistics.median(cold), "cold_p95_s": percentile(cold, 0.95),
            "live_median_s": statistics.median(live), "live_p95_s": percentile(live, 0.95),
            "warm_median_s": statistics.median(warm)}  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("commits", nargs="+", help="commits to compare (any git revision)")
    parser.add_argument("--page", default=bb.PROFILE, help=f"the page loaded (default {bb.PROFILE})")
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args(argv)
    drawn_js = bb.DRAWN_JS if args.page.startswith("/country/") else bb.COMPARE_DRAWN_JS
    data_dir, _ = real_release()
    loads: dict[str, list[dict[str, Any]]] = {commit: [] for commit in args.commits}
    with tempfile.TemporaryDirectory(prefix="lmm-ab-") as tmp, contextlib.ExitStack() as stack:
        urls = {}
        for n, commit in enumerate(args.commits):
            root = stack.enter_context(worktree(commit, Path(tmp) / f"wt{n}"))
            server = stack.enter_context(gunicorn(data_dir, env={"LMM_BRIEFINGS_AHEAD": "0"}, root=root))
            urls[commit] = server.url
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=bb.CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                     "--disable-dev-shm-usage"])  # fmt: skip
        stack.callback(browser.close)
        for url in urls.values():
            bb.warm_workers(url)
            bb.profile_run(browser, url, args.page, drawn_js)
        for i in range(args.rounds):
            for commit in args.commits if i % 2 == 0 else args.commits[::-1]:
                loads[commit].append(bb.profile_run(browser, urls[commit], args.page, drawn_js))
    print(f"{args.page}: {args.rounds} cold loads per commit, interleaved; load average {load_average():.2f}")
    result = {commit: figures(runs) for commit, runs in loads.items()}
    for commit, f in result.items():
        print(f"  {commit:<12} fully drawn, cold: median {f['cold_median_s']:.3f} s, p95 {f['cold_p95_s']:.3f} s;"
              f" live median {f['live_median_s']:.3f} s, p95 {f['live_p95_s']:.3f} s; warm median"
              f" {f['warm_median_s']:.3f} s")  # fmt: skip
    return result


if __name__ == "__main__":
    main()
