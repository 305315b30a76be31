"""Server time of each page's main layout function and callbacks, at real scale and on a synthetic release 50x
larger, and the ratio of each to the raw DuckDB queries it wraps (what the app adds on top of the engine).

Server time = the page function plus the JSON encoding the app sends (`dash._utils.to_json`; for the layout of a
page Dash's layout carries, the profile and the compare, dashboard/first_view.py's `layout_to_json`, which writes the
same bytes and is what serves their `/_dash-layout`), in this process, through the same kept-open read-only
connection the app uses. Arguments cycle over many countries, indicators, views and
pairs, so per-country queries run every time while the per-release memos the app keeps (view frames, status frames,
release-wide tables) work as they do in production; the first call after a release opens is reported apart. The
raw query of a case is the SQL of its queries module (same text, same parameters), fetched as Arrow, run right after
the case in the same round (interleaved, so the machine's load hits both alike).

Real scale: a release built from the bundled seed. 50x: bench/synthetic.py's seed (250 synthetic areas x every
national indicator x 60 years x 3 sexes + a 250 x 249 corridor matrix), built into its own temporary LMM_DATA_DIR.

    .venv/bin/python -m bench.pages_bench [--quick] [--rounds N] [--scale 50]
"""

from __future__ import annotations

import argparse
import importlib
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import synthetic
from bench._common import (
    add_quick,
    data_dir_env,
    load_average,
    percentile,
    real_release,
    stats_ms,
    summary,
)

TARGET_MS = {"real": 50.0, "synthetic": 150.0}
REAL_COUNTRIES = ["MEX", "PHL", "GHA", "DEU", "USA", "IND", "BRA", "NGA", "FRA", "IDN", "KEN", "ZAF", "EGY", "TUR",
                  "POL", "ITA", "ESP", "CAN", "SEN", "NPL", "BGD", "MAR", "COL", "PER", "VNM"]  # fmt: skip
REAL_PAIRS = [("MEX", "USA"), ("PHL", "USA"), ("IND", "GBR"), ("TUR", "DEU"), ("POL", "DEU"), ("MAR", "FRA"),
              ("GHA", "GBR"), ("DZA", "FRA"), ("CHN", "USA"), ("COL", "ESP")]  # fmt: skip
INDICATORS = ["female_lfpr", "remittance_cost", "migrant_stock", "dual_citizenship_acceptance", "sdg1072_d4",
              "ilo_c189", "social_protection_coverage", "women_managers", "lfpr_national", "remittances_gdp",
              "un_icrmw", "pension_coverage", "labour_rights_compliance", "emigrant_stock"]  # fmt: skip
THEMES = [None, "recruitment", "dual_nationality", "portability", "women"]
REGIONS = ["Africa", "Americas", "Asia", "Europe", "Oceania"]


@dataclass
class Case:
    """A page function to time, the raw queries it wraps ((module, SQL constant, params) for the same arguments)."""

    page: str
    name: str
    call: Callable[[int], Any]  # round number -> the page function's result
    raw: Callable[[int], list[tuple[str, str, Any]]] = field(default=lambda _i: [])
    uncached: Callable[[int], Any] | None = None  # a layout without the per-release memo (dashboard/pages/_memo.py)


def page_modules() -> dict[str, Any]:
    """The page modules as the app registers them (dash.register_page needs the app)."""
    import dash

    from dashboard.app import create_app, tune_garbage_collection

    if not dash.page_registry:
        create_app()
        tune_garbage_collection()  # as in every gunicorn worker
    return {key.rsplit(".", 1)[-1]: sys.modules[key] for key in dash.page_registry}


def cases(countries: list[str], pairs: list[tuple[str, str]]) -> list[Case]:
    p = page_modules()
    home, country, compare, indicator = p["home"], p["country"], p["compare"], p["indicator"]
    corridor, framework, sources = p["corridor"], p["framework"], p["sources"]
    views = [f"indicator:{i}" for i in INDICATORS if i not in ("migrant_stock", "emigrant_stock", "lfpr_national")]
    views += ["theme:women", "theme:portability", "principle:13", "principle:9"]

    def c(i: int, k: int = 0) -> str:
        return countries[(i + k) % len(countries)]

    def trio(i: int) -> list[str]:
        return [c(3 * i), c(3 * i + 1), c(3 * i + 2)]

    def ind(i: int) -> str:
        return INDICATORS[i % len(INDICATORS)]

    def year(i: int) -> int:
        return 2024 - (i * 3) % 25

    def country_raw(i: int):
        params = {"iso3": c(i)}
        return [("country", n, params) for n in ("_SERIES_SQL", "_EVENTS_SQL")]  # scores: kept per release

    def compare_raw(i: int):
        codes, theme = trio(i), THEMES[i % len(THEMES)]
        return [("compare", "_SCORECARD_SQL", {"countries": codes, "theme": theme}),
                ("compare", "_THEME_SCORES_SQL", {"countries": codes, "theme": theme}),
                ("compare", "_SERIES_SQL", {"countries": codes, "theme": theme, "scored_only": theme is None})]  # fmt: skip

    def latest_raw(i: int, y: int | None = None):
        from indicators.registry import load_registry

        found = load_registry().indicators[ind(i)]
        if found.type == "event":
            return [("indicator", "event_tables", found.id)]
        params = {"indicator": found.id, "sex": found.headline_sex, "year": y or 2025, "categorical": found.type != "continuous"}  # fmt: skip
        return [("indicator", "_LATEST_SQL", params)]

    def home_raw(i: int):
        view = views[i % len(views)]
        kind, _, key = view.partition(":")
        if kind == "indicator":
            return [("home", "_INDICATOR_SQL", {"key": key})]
        return [("home", f"_GROUP_SQL.{kind}", {"key": key})]

    def corridor_raw(i: int):
        o, d = pairs[i % len(pairs)]
        pair = {"origin": o, "dest": d}
        return [("corridor", "_STOCK_SQL", {**pair, "indicator": "migrant_stock_corridor"}),
                ("corridor", "_PAIR_OBSERVATIONS_SQL", {**pair, "agreement": "bssa_in_force",
                                                        "recruitment": "recruitment_cost_corridor"}),
                ("corridor", "_PAIR_EVENTS_SQL", {**pair, "agreement": "bssa_in_force"}),
                ("corridor", "_RULE_SCORES_SQL", {**pair, "indicators": ["dual_citizenship_acceptance", "ilo_c097"]})]  # fmt: skip

    def framework_raw(_i: int):
        names = ("_PRINCIPLES_SQL", "_GUIDELINES_SQL", "_MAPPED_SQL", "_THEMES_SQL", "_REGIONS_SQL", "_METHODOLOGY_SQL")
        coverage: tuple[str, str, dict[str, object] | None] = (
            "framework", "_COVERAGE_SQL", {"region": None, "not_measured": []})  # fmt: skip
        return [("framework", n, None) for n in names] + [coverage]

    def sources_raw(_i: int):
        names = ("_SOURCES_SQL", "_FILES_SQL", "_INDICATORS_SQL", "_UNMATCHED_SQL", "_USAGE_SQL")
        return [("source_list", n, None) for n in names]

    built = [
        Case("home", "layout", lambda i: home.layout(view=views[i % len(views)]), home_raw),
        Case("home", "show_view", lambda i: home.show_view(views[(i + 5) % len(views)], None),
             lambda i: home_raw(i + 5)),
        Case("country", "layout", lambda i: country.layout(iso3=c(i)), country_raw),
        Case("country", "layout (by principle)", lambda i: country.layout(iso3=c(i, 7), group="principle"),
             lambda i: country_raw(i + 7)),
        Case("compare", "layout", lambda i: compare.layout(countries=",".join(trio(i)), theme=THEMES[i % 5]),
             compare_raw),
        Case("compare", "layout (countries not kept)", lambda i: _cold_compare(compare, trio(i), THEMES[i % 5]),
             compare_raw),
        Case("compare", "update_view", lambda i: compare.update_view(trio(i + 1), None, THEMES[(i + 1) % 5] or "all",
                                                                     None), lambda i: compare_raw(i + 1)),
        Case("indicator", "layout", lambda i: indicator.layout(indicator_id=ind(i)), latest_raw),
        Case("indicator", "on_year_or_sex", lambda i: indicator.on_year_or_sex(year(i), None, ind(i + 3), None),
             lambda i: latest_raw(i + 3, year(i))),
        Case("indicator", "on_chart_choice", lambda i: indicator.on_chart_choice(None, trio(i), ind(i + 5), None)),
        Case("corridor", "layout", lambda i: corridor.layout(origin=pairs[i % len(pairs)][0],
                                                             dest=pairs[i % len(pairs)][1]), corridor_raw),
        Case("framework", "layout", lambda _i: framework.layout(), framework_raw),
        Case("framework", "update_matrix", lambda i: framework.update_matrix(REGIONS[i % 5], None),
             lambda i: [("framework", "_COVERAGE_SQL", {"region": REGIONS[i % 5], "not_measured": []})]),
        Case("sources", "layout", lambda _i: sources.layout(), sources_raw),
    ]  # fmt: skip
    for case in built:
        if case.name.startswith("layout"):
            case.uncached = _uncached(p[case.page], case.call)
    return built


def _cold_compare(compare: Any, codes: list[str], theme: str | None) -> Any:
    """A compare built with nothing kept, as the first compare of its countries after a publish: the kept pieces
    (dashboard/queries/compare.py `_PARTS`, the page's worded rows and heat-map cells) are given empty memos
    for this call only (so the other cases keep theirs) and the layout is built anew."""
    from dashboard.components import heatmap
    from dashboard.memo import memo
    from dashboard.pages import _compare_view as view
    from dashboard.queries import compare as q
    from warehouse.memo import Kept

    fresh = [(view, "_country_rows", memo(1024, by_language=True)), (heatmap, "heat_cell", memo(8192, by_language=True)),
             (view, "_aggregate_cell_of", memo(4096, by_language=True))]  # fmt: skip
    kept = [getattr(module, name) for module, name, _ in fresh]
    parts = q._PARTS
    for (module, name, empty), fn in zip(fresh, kept, strict=True):
        setattr(module, name, empty(fn.__wrapped__))
    context = q._CONTEXT
    q._PARTS, q._CONTEXT = Kept(q.KEPT_COUNTRIES), Kept(q.KEPT_COUNTRIES)
    try:
        return getattr(compare.layout, "__wrapped__", compare.layout)(countries=",".join(codes), theme=theme)
    finally:
        for (module, name, _), fn in zip(fresh, kept, strict=True):
            setattr(module, name, fn)
        q._PARTS, q._CONTEXT = parts, context


def _uncached(module: Any, call: Callable[[int], Any]) -> Callable[[int], Any]:
    """`call` with the module's layout swapped for the function under the memo, for that one call."""

    def run(i: int) -> Any:
        kept = module.layout
        module.layout = getattr(kept, "__wrapped__", kept)
        try:
            return call(i)
        finally:
            module.layout = kept

    return run


def encoder(case: Case) -> Callable[[Any], str]:
    """The JSON encoding the app sends for a case: its layout JSON for a page Dash's layout carries (drawn on the
    server: dashboard/first_view.py PAGES), else Dash's own (page callbacks, other callbacks)."""
    from dash._utils import to_json

    from dashboard.first_view import PAGES, layout_to_json

    return layout_to_json if case.name.startswith("layout") and f"dashboard.pages.{case.page}" in PAGES else to_json


def run_raw(queries: list[tuple[str, str, Any]]) -> None:
    """The SQL a case wraps, fetched as Arrow (the engine's own result, no Python objects per row)."""
    from warehouse.connection import cursor

    _, cur = cursor()
    for module, name, params in queries:
        mod = importlib.import_module(f"dashboard.queries.{module}")
        if name == "event_tables":  # two plain SELECTs of the indicator's events and lists
            cur.execute("SELECT * FROM events WHERE indicator_id = ? AND partner_country = ''", [params]).arrow()
            cur.execute("SELECT * FROM event_lists WHERE indicator_id = ?", [params]).arrow()
            continue
        base, _, key = name.partition(".")
        sql = getattr(mod, base)
        sql = sql[key] if key else sql
        wanted = dict.fromkeys(re.findall(r"\$(\w+)", sql), "")  # parameters a page added since: neutral text
        cur.execute(sql, {**wanted, **(params or {})} if wanted else None).arrow()


def measure(label: str, rounds: int, countries: list[str], pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Every case once per round, each followed by its raw queries; first calls reported apart."""
    all_cases = cases(countries, pairs)
    first: dict[str, float] = {}
    for case in all_cases:  # the first call of each case opens the release and fills release-wide memos
        started = time.perf_counter()
        to_json = encoder(case)
        to_json(case.call(0))
        first[f"{case.page}.{case.name}"] = round(1000 * (time.perf_counter() - started), 1)
    server: dict[str, list[float]] = {f"{c.page}.{c.name}": [] for c in all_cases}
    function: dict[str, list[float]] = {k: [] for k in server}
    uncached: dict[str, list[float]] = {k: [] for k in server}
    cpu: dict[str, list[float]] = {k: [] for k in server}  # process CPU seconds of the uncached (else served) call
    raw: dict[str, list[float]] = {k: [] for k in server}
    for i in range(1, rounds + 1):
        for case in all_cases:
            key, to_json = f"{case.page}.{case.name}", encoder(case)
            if case.uncached is not None:
                started, cpu_started = time.perf_counter(), time.process_time()
                to_json(case.uncached(i))
                uncached[key].append(time.perf_counter() - started)
                cpu[key].append(time.process_time() - cpu_started)
            started, cpu_started = time.perf_counter(), time.process_time()
            result = case.call(i)
            called = time.perf_counter()
            to_json(result)
            done = time.perf_counter()
            if case.uncached is None:
                cpu[key].append(time.process_time() - cpu_started)
            function[key].append(called - started)
            server[key].append(done - started)
            queries = case.raw(i)
            if queries:
                started = time.perf_counter()
                run_raw(queries)
                raw[key].append(time.perf_counter() - started)
    out: dict[str, Any] = {}
    for key in server:
        row: dict[str, Any] = {"server": stats_ms(server[key]), "function": stats_ms(function[key]),
                               "uncached": stats_ms(uncached[key] or server[key]), "uncached_cpu": stats_ms(cpu[key]),
                               "first_call_ms": first[key]}  # fmt: skip
        if raw[key]:
            row["raw_query"] = stats_ms(raw[key])
            ratios = [s / r for s, r in zip(server[key], raw[key], strict=True)]
            row["server_to_raw"] = {"median": round(statistics.median(ratios), 2),
                                    "p95": round(percentile(ratios, 0.95), 2)}  # fmt: skip
            ratios = [s / r for s, r in zip(uncached[key] or server[key], raw[key], strict=True)]
            row["uncached_to_raw"] = {"median": round(statistics.median(ratios), 2),
                                      "p95": round(percentile(ratios, 0.95), 2)}  # fmt: skip
        out[key] = row
    _print(label, out)
    return out


def _print(label: str, out: dict[str, Any]) -> None:
    print(f"\n{label}")
    print(
        "served = as the app serves it (layouts kept per release, language and URL: dashboard/pages/_memo.py); "
        "uncached = built anew; ms; x raw = uncached / raw query"
    )
    print(f"{'page.function':<32}{'served med':>11}{'p95':>7}{'uncached med':>13}{'p95':>7}{'CPU p95':>8}{'first':>7}"
          f"{'raw med':>9}{'x raw':>7}")  # fmt: skip
    for key, row in out.items():
        raw = row.get("raw_query", {})
        ratio = row.get("uncached_to_raw", {})
        print(f"{key:<32}{row['server']['median_ms']:>11.1f}{row['server']['p95_ms']:>7.1f}"
              f"{row['uncached']['median_ms']:>13.1f}{row['uncached']['p95_ms']:>7.1f}"
              f"{row['uncached_cpu']['p95_ms']:>8.1f}{row['first_call_ms']:>7.0f}"
              f"{raw.get('median_ms', float('nan')):>9.1f}{ratio.get('median', float('nan')):>7.1f}", flush=True)  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_quick(parser)
    parser.add_argument("--rounds", type=int, help="rounds per scale (default 40, quick 12)")
    parser.add_argument("--scale", type=float, default=50.0, help="synthetic release size / real (default 50)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (12 if args.quick else 40)
    data_dir, release_id = real_release()
    result: dict[str, Any] = {"rounds": rounds}
    with data_dir_env(data_dir):
        result["real"] = measure(f"real release {release_id} (bundled seed)", rounds, REAL_COUNTRIES, REAL_PAIRS)
    big = synthetic.built_release(args.scale)
    codes = synthetic.area_codes(synthetic.AREAS)
    pairs = [(codes[i], codes[(i * 7 + 3) % len(codes)]) for i in range(0, 60, 6)]
    with data_dir_env(big.data_dir):
        label = f"synthetic {args.scale:g}x release {big.release_id} ({big.observations:,} observations)"
        result["synthetic"] = measure(label, rounds, codes[::9], pairs)
    result["synthetic_observations"] = big.observations
    result["load_average_1m"] = load_average()
    result["summary"] = _summary(result, args.scale)
    return result


def _summary(result: dict[str, Any], scale: float) -> list[dict[str, Any]]:
    rows = []
    for scale_key, label in (("real", "real scale"), ("synthetic", f"{scale:g}x")):
        figures = result[scale_key]
        target = TARGET_MS[scale_key]
        for kind, words in (("uncached", "built anew"), ("server", "as served")):
            worst_key = max(figures, key=lambda k: figures[k][kind]["p95_ms"])
            worst = figures[worst_key][kind]["p95_ms"]
            rows.append(summary(f"page callbacks p95 wall, {label}, {words} (worst: {worst_key}; load avg "
                                f"{result['load_average_1m']})", f"{worst:.0f} ms", f"< {target:.0f} ms", worst < target))  # fmt: skip
        worst_key = max(figures, key=lambda k: figures[k]["uncached_cpu"]["p95_ms"])
        worst = figures[worst_key]["uncached_cpu"]["p95_ms"]
        rows.append(summary(f"page callbacks p95 CPU time, {label}, built anew (worst: {worst_key})", f"{worst:.0f} ms",
                            f"< {target:.0f} ms", worst < target))  # fmt: skip
        ratios = [r["uncached_to_raw"]["median"] for r in figures.values() if "uncached_to_raw" in r]
        rows.append(summary(f"callback built anew / its raw DuckDB queries, {label} (median over pages)",
                            f"{statistics.median(ratios):.1f}x (range {min(ratios):.1f}-{max(ratios):.1f}x)"))  # fmt: skip
    return rows


if __name__ == "__main__":
    main()
