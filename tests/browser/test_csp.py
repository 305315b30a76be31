"""The Content-Security-Policy leaves Dash, plotly and the steward form working: no violation on the pages with
the most script. (Here, in tests/browser, so it shares the session's one headless Chromium.)"""

from __future__ import annotations

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_pages_run_under_the_csp_without_a_violation(browser, gunicorn_server: str) -> None:
    # the pages with the most script (maps, charts, tables, the steward form); tests/browser loads every page and
    # fails on any console error, which includes a CSP violation
    paths = ["/", "/country/MEX", "/indicator/female_lfpr", "/compare?countries=MEX,PHL", "/steward/login"]
    context = browser.new_context(base_url=gunicorn_server)
    context.add_init_script(LISTEN)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        for path in paths:
            response = tab.goto(path, wait_until="domcontentloaded")
            assert response is not None and "script-src" in response.headers["content-security-policy"]
            if path != "/steward/login":
                tab.wait_for_selector("#main h1", timeout=30_000)  # Dash ran: the page's layout is drawn
                tab.wait_for_load_state("networkidle")  # its callbacks and plotly too
            violations = tab.evaluate("window.__csp")
            assert violations == [], (path, violations)
    finally:
        context.close()
    assert errors == [], errors
