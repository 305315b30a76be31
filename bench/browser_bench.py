"""Browser: time until /country/MEX is fully drawn in headless Chromium (Playwright on Debian's /usr/bin/chromium,
the app under gunicorn on loopback), the bytes the page downloads and whether they are compressed; the same bytes
for every other page, against the size of all observations (no page may ship them all).

"Fully drawn": the scorecard's tiles are in the page, every sparkline has its picture drawn (each `.sparkline` holds
a `.spark-graph` with a width on the page: an `<img>` that is `complete` with a decoded picture, `naturalWidth > 0`,
or the same SVG written into the page, drawn with it, as the server's first view writes it), the legal-events section
is there and every picture in it is drawn, in the copy of the page the reader sees: the first view the server draws into the
HTML (dashboard/first_view.py, `#lmm-first-view`, shown until Dash has drawn its own copy; Dash's loading
placeholder and requests are behind it, unseen), or else Dash's copy, with no Dash component loading
(`[data-dash-is-loading]`, `._dash-loading`) and no request to the app in flight. "Live", printed beside it: Dash
has drawn its own copy (the page answers clicks), nothing is loading or in flight. The time is the page's own clock
(performance.now(), from navigation start) when that first holds, checked at every animation frame by a script the
page runs from its start (WATCH_JS, an init script); Playwright's own polling (wait_for_function) starts only once its
messages get through the page's busy main thread, which here came 0.2-0.5 s after the page was drawn. The context bypasses the app's Content-Security-Policy
only so the check can run in the page (CSP forbids eval); nothing else changes.

Cold: a new browser context each run (empty cache: JS bundles downloaded). Warm: the same page loaded again in that
context (bundles cached, as for a reader moving between profiles). Bytes: the encoded body sizes Chromium reports
(what crossed the wire) plus headers; every text response (HTML, JS, CSS, JSON) over 1 KB must carry
Content-Encoding (gzip, br or zstd: Chromium offers zstd and flask-compress prefers it).

Compare of 15 countries (COMPARE), the same way, cold and warm: fully drawn when the heat map has a column per
country, the chart has drawn its lines, the table has its rows, nothing is loading and no request is in flight. In
the server's first view (which writes the page's ids as `data-lmm-id`, so that scripts and tests asking for an id
find only Dash's live copy) the chart is an SVG drawn on the server from the same figure (dashboard/components/
chart_svg.py: the same lines, points, axes, thresholds, titles and legend plotly.js draws, without hover) and the
table is its first page as a plain table: both count as drawn, as they are what the reader sees; in Dash's copy the
chart is plotly.js's and the table Dash's. Beside both, the Dash floor: the same machinery drawing a page with one
paragraph (`/country/QQQ`, "no such country"), cold: what any page of this app costs before its own content.
Targets (issue 20): profile cold p95 <= 0.5 s, compare of 15 <= 1 s.

    .venv/bin/python -m bench.browser_bench [--quick] [--repeat 7]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
from pathlib import Path
from typing import Any

from bench._common import add_quick, gunicorn, load_average, percentile, real_release, summary

CHROMIUM = "/usr/bin/chromium"
TARGET_S = 0.5
COMPARE_TARGET_S = 1.0
PROFILE = "/country/MEX"
COMPARE = "/compare?countries=MEX,PHL,GHA,USA,DEU,FRA,IND,BRA,NGA,KEN,JPN,CAN,SEN,NPL,ZAF"
FLOOR = "/country/QQQ"
WARM_ASKS = 8  # requests per page on new connections before timing (warm_workers)
OTHER_PAGES = ["/", "/compare", "/indicator/female_lfpr", "/corridor/MEX/USA", "/framework", "/sources"]
# Whichever copy of the page the reader sees: the one drawn on the server into the HTML (dashboard/first_view.py,
# `#lmm-first-view`, shown until Dash has drawn its own) or Dash's. While the server's copy is shown, Dash's loading
# placeholder and its requests are behind it, unseen; once Dash's copy is shown, nothing may be loading or in flight.
SHOWN_JS = """
  const first = document.getElementById('lmm-first-view');
  const root = first || document;
  const idle = first !== null || (!document.querySelector('[data-dash-is-loading="true"], ._dash-loading')
                                  && (window.__lmmInFlight || 0) === 0);
"""
DRAWN_JS = (
    """() => {"""
    + SHOWN_JS
    + """
  const tiles = root.querySelectorAll('#country-scorecard .tile');
  const sparks = root.querySelectorAll('#country-scorecard .sparkline');
  const isDrawn = (img) => img.complete && img.naturalWidth > 0;
  const shown = (picture) => picture && picture.getBoundingClientRect().width > 0
                             && (picture.tagName.toLowerCase() === 'svg' || isDrawn(picture));
  const drawn = [...sparks].filter((s) => shown(s.querySelector('.spark-graph')));
  const events = root.querySelector('#country-events');
  if (tiles.length > 0 && sparks.length > 0 && drawn.length === sparks.length && idle && events
      && [...events.querySelectorAll('img, svg.timeline-svg')].every(shown)) {
    return {ms: performance.now(), tiles: tiles.length, sparklines: sparks.length, server_drawn: first !== null};
  }
  return null;
}"""
)
COMPARE_DRAWN_JS = (
    """() => {"""
    + SHOWN_JS
    + """
  const part = (id, inner) => root.querySelectorAll(first ? `[data-lmm-id="${id}"] ${inner}` : `#${id} ${inner}`);
  const columns = part('compare-heatmap-table', 'thead th').length - 1;
  const traces = part('compare-charts', first ? 'svg.first-view-chart .trace path.line' : '.scatterlayer .trace').length;
  const rows = part('compare-table', 'tbody tr').length;
  if (columns >= 15 && traces > 0 && rows > 0 && idle) {
    return {ms: performance.now(), columns: columns, traces: traces, rows: rows, server_drawn: first !== null};
  }
  return null;
}"""
)
FLOOR_DRAWN_JS = """() => {
  const page = document.querySelector('#country-unknown');
  const busy = document.querySelector('[data-dash-is-loading="true"], ._dash-loading');
  return page && !busy && (window.__lmmInFlight || 0) === 0 ? {ms: performance.now()} : null;
}"""
# Live: Dash has drawn its own copy (the server's is gone), nothing loading, no request in flight: the page answers
# clicks. The same as "drawn" for a page without a server-drawn first view.
LIVE_JS = """() => {
  const busy = document.querySelector('#lmm-first-view, [data-dash-is-loading="true"], ._dash-loading');
  const content = document.querySelector('#_pages_content');
  return content && content.childElementCount > 0 && !busy && (window.__lmmInFlight || 0) === 0
    ? {ms: performance.now()} : null;
}"""
# Counts the page's own fetch/XHR calls in flight (Dash's callbacks use fetch).
IN_FLIGHT_JS = """
(() => {
  window.__lmmInFlight = 0;
  const fetch0 = window.fetch;
  window.fetch = function (...args) {
    window.__lmmInFlight++;
    return fetch0.apply(this, args).finally(() => { window.__lmmInFlight--; });
  };
})();
"""
# Checks `drawn` and `live` at every animation frame from the document's start and keeps the first result of each.
WATCH_JS = """
(() => {
  const drawn = %s, live = %s;
  const tick = () => {
    try {
      window.__lmmDrawn = window.__lmmDrawn || drawn();
      window.__lmmLive = window.__lmmLive || live();
    } catch (error) {
      window.__lmmError = String(error);
    }
    if (!(window.__lmmDrawn && window.__lmmLive)) { requestAnimationFrame(tick); }
  };
  requestAnimationFrame(tick);
})();
"""
ENCODINGS = ("gzip", "br", "zstd", "deflate")
TEXT_TYPES = ("text/", "javascript", "json", "css", "xml", "svg")


class Traffic:
    """Responses of one page load: wire bytes and whether each text response was compressed."""

    def __init__(self) -> None:
        self.responses: list[dict[str, Any]] = []

    def on_finished(self, request: Any) -> None:
        response = request.response()
        if response is None:
            return
        sizes = request.sizes()
        headers = response.headers
        self.responses.append({
            "url": request.url, "status": response.status, "type": headers.get("content-type", ""),
            "encoding": headers.get("content-encoding", ""), "body": sizes["responseBodySize"],
            "headers": sizes["responseHeadersSize"], "from_cache": response.from_service_worker or sizes["responseBodySize"] < 0,
        })  # fmt: skip

    @property
    def wire_bytes(self) -> int:
        return sum(max(r["body"], 0) + max(r["headers"], 0) for r in self.responses)

    def uncompressed_text(self) -> list[str]:
        """Text responses over 1 KB without gzip/br (a 304 or an empty body is fine)."""
        return [f"{r['url']} ({r['body']} B, {r['type']})" for r in self.responses
                if r["status"] == 200 and r["body"] > 1024 and any(t in r["type"] for t in TEXT_TYPES)
                and r["encoding"] not in ENCODINGS]  # fmt: skip


def profile_run(browser: Any, base: str, path: str = PROFILE, drawn_js: str = DRAWN_JS,
                phases: tuple[str, ...] = ("cold", "warm")) -> dict[str, Any]:  # fmt: skip
    """One cold load of the page and one warm reload in the same context."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.add_init_script(IN_FLIGHT_JS)
    context.add_init_script(WATCH_JS % (drawn_js, LIVE_JS))
    page = context.new_page()
    out: dict[str, Any] = {}
    for phase in phases:
        traffic = Traffic()
        page.on("requestfinished", traffic.on_finished)
        page.goto(base + path, wait_until="commit")
        drawn = page.wait_for_function("() => window.__lmmDrawn", polling=50, timeout=60_000).json_value()
        live = page.wait_for_function("() => window.__lmmLive", polling=50, timeout=60_000).json_value()
        page.wait_for_load_state("networkidle")
        page.remove_listener("requestfinished", traffic.on_finished)
        out[phase] = {**drawn, "seconds": drawn["ms"] / 1000, "live_seconds": live["ms"] / 1000, "bytes": traffic.wire_bytes,
                      "requests": len(traffic.responses), "uncompressed": traffic.uncompressed_text()}  # fmt: skip
    context.close()
    return out


def warm_workers(base: str, asks: int = WARM_ASKS) -> None:
    """Steady state: every gunicorn worker has the pages in its memo (a worker fills its own on its first request
    for a page). Each ask is a new connection, and the workers take connections as they come, so with 2 workers
    and 8 asks each worker answers some (one of them answering all 8: 1 in 128)."""
    import requests

    for path in (PROFILE, COMPARE, FLOOR):
        for _ in range(asks):
            requests.get(base + path, timeout=120, headers={"Connection": "close"})
            requests.get(base + "/_dash-layout", timeout=120, headers={"Referer": base + path, "Connection": "close"})


def figures(runs: list[dict[str, Any]], phase: str) -> dict[str, Any]:
    seconds = [r[phase]["seconds"] for r in runs]
    live = [r[phase]["live_seconds"] for r in runs]
    last = {k: v for k, v in runs[-1][phase].items() if k not in ("ms", "seconds", "live_seconds", "uncompressed")}
    return {"median_s": round(statistics.median(seconds), 3), "p95_s": round(percentile(seconds, 0.95), 3),
            "live_median_s": round(statistics.median(live), 3), "live_p95_s": round(percentile(live, 0.95), 3),
            **last, "server_drawn": sum(bool(r[phase].get("server_drawn")) for r in runs)}  # fmt: skip


def page_bytes(browser: Any, base: str, path: str) -> dict[str, Any]:
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    traffic = Traffic()
    page.on("requestfinished", traffic.on_finished)
    page.goto(base + path, wait_until="networkidle", timeout=60_000)
    page.wait_for_timeout(200)
    context.close()
    app = [r for r in traffic.responses if "/_dash-component-suites/" not in r["url"]]  # data, not the JS bundles
    return {"bytes": traffic.wire_bytes, "data_bytes": sum(max(r["body"], 0) for r in app),
            "uncompressed": traffic.uncompressed_text()}  # fmt: skip


def all_observations_bytes(data_dir: Path, release_id: str) -> int:
    """All observations of the release as gzip-compressed CSV: what shipping every observation would cost."""
    import duckdb

    con = duckdb.connect(str(data_dir / "releases" / f"{release_id}.duckdb"), read_only=True)
    try:
        text = con.execute("SELECT * FROM observations").df().to_csv(index=False)
    finally:
        con.close()
    return len(gzip.compress(text.encode(), compresslevel=6))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_quick(parser)
    parser.add_argument("--repeat", type=int, help="cold + warm loads of the profile (default 7, quick 3)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 7)
    data_dir, release_id = real_release()
    with gunicorn(data_dir, env={"LMM_BRIEFINGS_AHEAD": "0"}) as server, sync_playwright() as pw:  # steady state
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                     "--disable-dev-shm-usage"])  # fmt: skip
        try:
            warm_workers(server.url)
            profile_run(browser, server.url)
            profile_run(browser, server.url, COMPARE, COMPARE_DRAWN_JS)
            runs, compare, floor = [], [], []
            for _ in range(repeat):  # interleaved: a busy moment of the machine hits the three alike
                runs.append(profile_run(browser, server.url))
                compare.append(profile_run(browser, server.url, COMPARE, COMPARE_DRAWN_JS))
                floor.append(profile_run(browser, server.url, FLOOR, FLOOR_DRAWN_JS, ("cold",)))
            pages = {path: page_bytes(browser, server.url, path) for path in [PROFILE, *OTHER_PAGES]}
        finally:
            browser.close()
    everything = all_observations_bytes(data_dir, release_id)
    result: dict[str, Any] = {"release": release_id, "runs": repeat}
    for phase in ("cold", "warm"):
        result[phase] = figures(runs, phase)
    result["compare"] = {phase: figures(compare, phase) for phase in ("cold", "warm")}
    result["floor"] = {"cold": figures(floor, "cold")}
    uncompressed = sorted({u for r in runs for p in ("cold", "warm") for u in r[p]["uncompressed"]}
                          | {u for p in pages.values() for u in p["uncompressed"]})  # fmt: skip
    result["uncompressed_responses"] = uncompressed
    result["pages"] = pages
    result["all_observations_gzip_bytes"] = everything
    largest = max(pages, key=lambda p: pages[p]["data_bytes"])
    result["largest_page_data"] = {"page": largest, "bytes": pages[largest]["data_bytes"],
                                   "share_of_all_observations": round(pages[largest]["data_bytes"] / everything, 3)}  # fmt: skip
    result["load_average_1m"] = load_average()
    _print(result)
    cold, cmp, floor_cold = result["cold"], result["compare"]["cold"], result["floor"]["cold"]
    share = result["largest_page_data"]["share_of_all_observations"]
    result["summary"] = [
        summary(f"profile {PROFILE} fully drawn, cold cache ({cold['tiles']} tiles, {cold['sparklines']} sparklines;"
                f" warm p95 {result['warm']['p95_s']:.2f} s)", f"p95 {cold['p95_s']:.2f} s (median {cold['median_s']:.2f})",
                f"<= {TARGET_S} s", cold["p95_s"] <= TARGET_S),
        summary("  the profile live (Dash has drawn its own copy, nothing loading or in flight), cold cache",
                f"p95 {cold['live_p95_s']:.2f} s (median {cold['live_median_s']:.2f})"),
        summary(f"compare of 15 countries fully drawn, cold cache (heat map, chart, table; {cmp['bytes'] / 1e3:,.0f} kB;"
                f" warm p95 {result['compare']['warm']['p95_s']:.2f} s)",
                f"p95 {cmp['p95_s']:.2f} s (median {cmp['median_s']:.2f})", f"<= {COMPARE_TARGET_S} s",
                cmp["p95_s"] <= COMPARE_TARGET_S),
        summary("  the Dash floor: a page with one paragraph drawn by the same machinery, cold cache",
                f"p95 {floor_cold['p95_s']:.2f} s (median {floor_cold['median_s']:.2f})"),
        summary(f"profile download, compressed (cold {cold['bytes'] / 1e3:,.0f} kB; warm)",
                f"{result['warm']['bytes'] / 1e3:,.0f} kB", "gzip/br/zstd on every text response", not uncompressed),
        summary(f"largest page data vs all observations ({largest})",
                f"{share:.1%} of {everything / 1e6:.1f} MB", "no page ships all observations", share < 0.5),
    ]  # fmt: skip
    return result


def _print(result: dict[str, Any]) -> None:
    for phase in ("cold", "warm"):
        r = result[phase]
        print(f"{PROFILE} {phase:<4} fully drawn: median {r['median_s']:.3f} s, p95 {r['p95_s']:.3f} s over "
              f"{result['runs']} runs ({r['server_drawn']} by the server's first view); live (Dash drawn, idle): "
              f"median {r['live_median_s']:.3f} s, p95 {r['live_p95_s']:.3f} s; {r['tiles']} tiles, "
              f"{r['sparklines']} sparklines; {r['requests']} requests, {r['bytes'] / 1e3:,.0f} kB on the wire")  # fmt: skip
    for name, path in (("compare", COMPARE), ("floor", FLOOR)):
        for phase, r in result[name].items():
            print(f"{path[:40]} {phase:<4} fully drawn: median {r['median_s']:.3f} s, p95 {r['p95_s']:.3f} s; live "
                  f"median {r['live_median_s']:.3f} s, p95 {r['live_p95_s']:.3f} s; {r['requests']} requests, "
                  f"{r['bytes'] / 1e3:,.0f} kB on the wire")  # fmt: skip
    for path, figures in result["pages"].items():
        print(f"  {path:<28} {figures['bytes'] / 1e3:>8,.0f} kB cold (data, not JS bundles: "
              f"{figures['data_bytes'] / 1e3:,.0f} kB)")  # fmt: skip
    print(f"all observations as gzip CSV: {result['all_observations_gzip_bytes'] / 1e6:.1f} MB; largest page data "
          f"{result['largest_page_data']}")  # fmt: skip
    print("uncompressed text responses: " + (", ".join(result["uncompressed_responses"]) or "none"))


if __name__ == "__main__":
    main()
