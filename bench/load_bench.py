"""Under load: 32 concurrent clients replay a realistic mix against gunicorn (2 workers, the Procfile's options) on
loopback for 60 s while two releases are published: errors, throughput and latency percentiles.

The mix is recorded, not guessed: headless Chromium (Playwright, Debian's /usr/bin/chromium) opens each page once
and every request the page makes to the app is kept (the HTML, `_dash-layout`, `_dash-dependencies` and each
`_dash-update-component` callback with its exact JSON body), leaving out the static JS/CSS bundles a browser caches.
Clients then replay page views with other countries, views and indicators substituted, plus API reads:

    profile /country/<ISO3> 35%, world map /?view=... 20%, compare 15%, indicator page 10%, API reads 20%

Two phases, each on a fresh gunicorn and release: first the stress case, where each client runs one page view after
another (closed loop, no think time, a fixed random seed per client) until the time is up; then the same clients as
readers, pausing between page views as a person reading the page would (`--think`, default 2 s: uniform between half
and one and a half times that). The 300 ms target is judged on both and reported for each. Two `lmm build` runs publish new releases into the served LMM_DATA_DIR at 1/4 and 1/2 of the run; the
bench checks that the API then serves them (X-LMM-Release). An error is any answer >= 400, a timeout (30 s) or a
connection failure. Latency: per request (the page mix = every non-API request), and per page view (its requests
one after another, as the browser's chain of callbacks).

    .venv/bin/python -m bench.load_bench [--quick] [--seconds 60] [--clients 32] [--threads N] [--think 2]
"""

from __future__ import annotations

import argparse
import json
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bench._common import (
    add_quick,
    data_dir_env,
    gunicorn,
    load_average,
    percentile,
    publish,
    real_release,
    summary,
)

CHROMIUM = "/usr/bin/chromium"
COUNTRIES = ["MEX", "PHL", "GHA", "DEU", "USA", "IND", "BRA", "NGA", "FRA", "IDN", "KEN", "ZAF", "EGY", "TUR", "POL",
             "ITA", "ESP", "CAN", "SEN", "NPL", "BGD", "MAR", "COL", "PER", "VNM", "JPN", "GBR", "SAU", "ARG", "CHL"]  # fmt: skip
INDICATORS = ["female_lfpr", "remittance_cost", "migrant_stock", "dual_citizenship_acceptance", "sdg1072_d4",
              "ilo_c189", "social_protection_coverage", "women_managers", "remittances_gdp", "un_icrmw"]  # fmt: skip
VIEWS = [f"indicator:{i}" for i in ("female_lfpr", "remittance_cost", "sdg1072_d4", "ilo_c189", "women_managers")]
VIEWS += ["theme:women", "theme:portability", "principle:13"]
RECORDED = {  # scenario -> the page recorded, and the text in it that the replay substitutes
    "profile": ("/country/MEX", "MEX"),
    "map": ("/?view=indicator:female_lfpr", "indicator:female_lfpr"),
    "compare": ("/compare?countries=MEX,PHL,GHA", "MEX,PHL,GHA"),
    "indicator": ("/indicator/female_lfpr", "female_lfpr"),
}
WEIGHTS = {"profile": 35, "map": 20, "compare": 15, "indicator": 10, "api": 20}
STATIC = ("/_dash-component-suites/", "/assets/", "/_favicon", "/_reload-hash", "/favicon")
TARGET_P95_MS = 300.0


@dataclass
class Request:
    method: str
    path: str
    body: str | None = None
    kind: str = ""  # html, layout, dependencies, callback, api


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # kind -> seconds
    views: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # scenario -> seconds
    errors: Counter = field(default_factory=Counter)
    releases: Counter = field(default_factory=Counter)  # X-LMM-Release seen
    lock: threading.Lock = field(default_factory=threading.Lock)


def _kind(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    for prefix, kind in (("/_dash-layout", "layout"), ("/_dash-dependencies", "dependencies"),
                         ("/_dash-update-component", "callback")):  # fmt: skip
        if path.startswith(prefix):
            return kind
    return "html"


def record(base: str) -> dict[str, list[Request]]:
    """Every request each recorded page makes to the app in headless Chromium, in order, static bundles left out."""
    from playwright.sync_api import sync_playwright

    scenarios: dict[str, list[Request]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                     "--disable-dev-shm-usage"])  # fmt: skip
        try:
            for name, (path, _) in RECORDED.items():
                page = browser.new_context().new_page()
                seen: list[Request] = []
                page.on("request", lambda r, seen=seen: _keep(r, base, seen))  # type: ignore[misc,call-overload]
                page.goto(base + path, wait_until="networkidle", timeout=60_000)
                page.wait_for_timeout(300)
                scenarios[name] = seen
                page.context.close()
        finally:
            browser.close()
    return scenarios


def _keep(request: Any, base: str, seen: list[Request]) -> None:
    if not request.url.startswith(base):
        return
    path = request.url[len(base) :]
    if path.startswith(STATIC):
        return
    seen.append(Request(request.method, path, request.post_data, _kind(path)))


def api_requests(rng: random.Random) -> list[Request]:
    country, indicator = rng.choice(COUNTRIES), rng.choice(INDICATORS)
    choices = [f"/api/v1/observations?indicator={indicator}&country={country}",
               f"/api/v1/observations?indicator={indicator}&country={country}&format=csv",
               f"/api/v1/scorecards/{country}", f"/api/v1/indicators/{indicator}",
               f"/api/v1/corridors/{country}/{'DEU' if country == 'USA' else 'USA'}"]  # fmt: skip
    return [Request("GET", rng.choice(choices), kind="api")]


def page_view(scenario: str, recorded: dict[str, list[Request]], rng: random.Random) -> list[Request]:
    """The recorded requests of a page with another country (trio, view, indicator) in their place."""
    if scenario == "api":
        return api_requests(rng)
    original = RECORDED[scenario][1]
    if scenario == "profile":
        new = rng.choice(COUNTRIES)
    elif scenario == "map":
        new = rng.choice(VIEWS)
    elif scenario == "compare":
        new = ",".join(rng.sample(COUNTRIES, 3))
    else:
        new = rng.choice(INDICATORS)
    return [Request(r.method, r.path.replace(original, new), r.body.replace(original, new) if r.body else None,
                    r.kind) for r in recorded[scenario]]  # fmt: skip


def client(n: int, base: str, recorded: dict[str, list[Request]], until: float, out: Results, think: float) -> None:
    rng = random.Random(1000 + n)
    session = requests.Session()
    names, weights = list(WEIGHTS), list(WEIGHTS.values())
    while time.monotonic() < until:
        scenario = rng.choices(names, weights)[0]
        view_started = time.perf_counter()
        failed = False
        for req in page_view(scenario, recorded, rng):
            started = time.perf_counter()
            try:
                headers = {"Content-Type": "application/json"} if req.body else {}
                answer = session.request(req.method, base + req.path, data=req.body, headers=headers, timeout=30)
                elapsed = time.perf_counter() - started
                error = f"HTTP {answer.status_code} {req.kind}" if answer.status_code >= 400 else None
                release = answer.headers.get("X-LMM-Release")
            except requests.RequestException as exc:
                elapsed, error, release = time.perf_counter() - started, type(exc).__name__, None
            with out.lock:
                out.latencies[req.kind].append(elapsed)
                if error:
                    out.errors[error] += 1
                    failed = True
                if release:
                    out.releases[release] += 1
        if not failed:
            with out.lock:
                out.views[scenario].append(time.perf_counter() - view_started)
        if think:
            time.sleep(max(0.0, min(rng.uniform(think / 2, think * 1.5), until - time.monotonic())))
    session.close()


def publisher(data_dir: Path, starts: list[float], done: list[dict[str, Any]]) -> None:
    for at in starts:
        time.sleep(max(0.0, at - time.monotonic()))
        began = time.monotonic()
        try:
            release_id, seconds = publish(data_dir)
            done.append({"release": release_id, "seconds": round(seconds, 1), "started": began})
        except Exception as exc:  # a failed publish is reported, the load goes on
            done.append({"error": repr(exc), "started": began})


def fresh_release() -> tuple[Path, str]:
    """The bench's real release folder and the release it serves now (a phase before may have published others)."""
    from warehouse.releases import current_release_id

    data_dir, _ = real_release()
    with data_dir_env(data_dir):
        return data_dir, current_release_id() or ""


def _pcts(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": round(1000 * percentile(values, 0.5), 1),
            "p95_ms": round(1000 * percentile(values, 0.95), 1), "p99_ms": round(1000 * percentile(values, 0.99), 1),
            "max_ms": round(1000 * max(values), 1)}  # fmt: skip


def run(seconds: float, clients: int, extra: list[str], think: float = 0.0) -> dict[str, Any]:
    data_dir, first_release = fresh_release()
    with gunicorn(data_dir, extra) as server:
        recorded = record(server.url)
        out = Results()
        for n in range(4):  # warm both workers' release-wide memos (production has them after the first minutes)
            for scenario in WEIGHTS:
                for req in page_view(scenario, recorded, random.Random(n)):
                    requests.request(req.method, server.url + req.path, data=req.body, timeout=60,
                                     headers={"Content-Type": "application/json"} if req.body else {})  # fmt: skip
        started = time.monotonic()
        until = started + seconds
        published: list[dict[str, Any]] = []
        pub = threading.Thread(target=publisher, args=(data_dir, [started + seconds / 4, started + seconds / 2],
                                                       published))  # fmt: skip
        pub.start()
        threads = [threading.Thread(target=client, args=(n, server.url, recorded, until, out, think))
                   for n in range(clients)]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        pub.join()
        try:
            final = requests.get(server.url + "/api/v1/health", timeout=60).headers.get("X-LMM-Release")
        except requests.RequestException as exc:
            final = f"(health check failed: {type(exc).__name__})"
        command = " ".join(server.command[server.command.index("dashboard.wsgi:server") :])
    page_latencies = [x for kind, xs in out.latencies.items() if kind != "api" for x in xs]
    every = [x for xs in out.latencies.values() for x in xs]
    total = len(every)
    result: dict[str, Any] = {
        "gunicorn": command, "clients": clients, "think_s": think, "seconds": round(elapsed, 1), "requests": total,
        "errors": sum(out.errors.values()), "error_kinds": dict(out.errors),
        "throughput_rps": round(total / elapsed, 1),
        "page_views_per_s": round(sum(len(v) for v in out.views.values()) / elapsed, 1),
        "all_requests": _pcts(every), "page_mix_requests": _pcts(page_latencies),
        "by_kind": {kind: _pcts(xs) for kind, xs in sorted(out.latencies.items())},
        "page_views": {name: _pcts(xs) for name, xs in sorted(out.views.items())},
        "recorded_requests_per_view": {name: [f"{r.method} {r.kind} {r.path[:60]}" for r in reqs]
                                       for name, reqs in recorded.items()},
        "published": [{k: v for k, v in p.items() if k != "started"} for p in published],
        "releases_served": dict(out.releases), "first_release": first_release, "release_at_end": final,
        "load_average_1m": load_average(),
    }  # fmt: skip
    new = [p["release"] for p in published if "release" in p]
    result["publishes_served"] = sum(1 for r in new if out.releases.get(r) or r == final)
    return result


def report(result: dict[str, Any]) -> None:
    print(f"gunicorn {result['gunicorn']}; {result['clients']} clients for {result['seconds']} s")
    print(f"requests {result['requests']:,}  errors {result['errors']} {result['error_kinds'] or ''}  "
          f"throughput {result['throughput_rps']} req/s, {result['page_views_per_s']} page views/s")  # fmt: skip
    for label, figures in [("page mix (requests)", result["page_mix_requests"]), ("all requests", result["all_requests"]),
                           *[(f"  {k}", v) for k, v in result["by_kind"].items()],
                           *[(f"view {k}", v) for k, v in result["page_views"].items()]]:  # fmt: skip
        print(f"{label:<22} n={figures['n']:>6}  p50 {figures['p50_ms']:>7.1f} ms  p95 {figures['p95_ms']:>7.1f} ms  "
              f"p99 {figures['p99_ms']:>7.1f} ms  max {figures['max_ms']:>7.1f} ms")  # fmt: skip
    print(f"published during the run: {json.dumps(result['published'])}; served: {result['publishes_served']} of "
          f"{len(result['published'])}; release at the end {result['release_at_end']}")  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_quick(parser)
    parser.add_argument("--seconds", type=float, help="load duration of each phase (default 60, quick 20)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--threads", type=int, help="gunicorn --threads (default: the Procfile's)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think", type=float, default=2.0, help="readers' mean pause between page views (0: skip)")
    args = parser.parse_args(argv)
    extra = ["--workers", str(args.workers)] + (["--threads", str(args.threads)] if args.threads else [])
    seconds = args.seconds or (20 if args.quick else 60)
    print("closed loop (no think time):")
    result = run(seconds, args.clients, extra)
    report(result)
    result["summary"] = _summary(result, "closed loop, no think time")
    if args.think:
        print(f"readers (think time {args.think / 2:g}-{args.think * 1.5:g} s between page views):")
        readers = run(seconds, args.clients, extra, think=args.think)
        report(readers)
        result["readers"] = readers
        result["summary"] += _summary(readers, f"readers pausing {args.think / 2:g}-{args.think * 1.5:g} s")
    return result


def _summary(result: dict[str, Any], phase: str) -> list[dict[str, Any]]:
    p95, mix = result["page_mix_requests"]["p95_ms"], result["page_mix_requests"]
    return [
        summary(f"errors under load while publishing, {phase} ({result['requests']:,} requests, "
                f"{len(result['published'])} publishes)", str(result["errors"]), "0", result["errors"] == 0),
        summary(f"page mix p95 at {result['clients']} clients, {phase} ({result['throughput_rps']:.0f} req/s; "
                f"p50 {mix['p50_ms']:.0f}, p99 {mix['p99_ms']:.0f} ms)",
                f"{p95:.0f} ms", f"< {TARGET_P95_MS:.0f} ms", p95 < TARGET_P95_MS),
    ]  # fmt: skip


if __name__ == "__main__":
    main()
