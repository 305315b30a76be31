"""Issue 18's embed link: another site (a page served from another origin) frames `/embed/indicator/<id>` with the
snippet the indicator page offers; the chart renders alone, pinned to the release, naming its sources, while an
ordinary page of the app framed the same way is refused by the browser (frame-ancestors 'none')."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import free_port


class OtherSite(ThreadingHTTPServer):
    """A plain web server on another port (another origin): serves the one HTML page put in `page`."""

    page = "<!doctype html><title>empty</title>"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the http.server hook's name)
        body = self.server.page.encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_site() -> Iterator[OtherSite]:
    server = OtherSite(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def blocked_frames(host, messages: list[str]) -> list[str]:
    """Chromium's console messages refusing a frame by frame-ancestors 'none' (waiting a bounded while for one)."""
    for _ in range(50):
        refusals = [m for m in messages if "frame-ancestors 'none'" in m and "blocked" in m.lower()]
        if refusals:
            return refusals
        host.wait_for_timeout(200)
    return []


def test_only_embed_pages_may_be_framed(gunicorn_server: str) -> None:
    embed = requests.get(gunicorn_server + "/embed/indicator/lfpr_national?sex=both", timeout=60)
    assert embed.status_code == 200 and "X-Frame-Options" not in embed.headers
    assert embed.headers["Content-Security-Policy"].endswith("frame-ancestors *")
    for path in ["/", "/indicator/lfpr_national?view=chart", "/country/SEN", "/compare", "/steward/login",
                 "/api/v1/indicators"]:  # fmt: skip
        answer = requests.get(gunicorn_server + path, timeout=60)
        assert answer.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"], path


def test_another_site_embeds_the_chart_pinned_to_its_release_and_cannot_frame_a_page(
    page, browser, gunicorn_server: str, release_id: str, other_site: OtherSite
) -> None:
    page.goto("/indicator/lfpr_national?countries=COL,SEN&lang=es")
    page.get_by_text("Mujeres y hombres", exact=True).click()
    expect(page).to_have_url(re.compile(r"sex=both"))
    snippet = page.locator("#indicator-embed")
    expect(snippet).to_have_value(re.compile(rf'^<iframe src="{gunicorn_server}/embed/indicator/lfpr_national\?'))
    code = snippet.input_value()
    for part in ["sex=both", "countries=COL,SEN", f"release={release_id}", "lang=es", 'height="640"',
                 'title="Tasa de participación en la fuerza de trabajo']:  # fmt: skip
        assert part in code, (part, code)
    expect(page.locator("label[for=indicator-embed]")).to_contain_text("Insertar este gráfico en su sitio")
    screenshot(page, "embed-snippet-es")

    refused = f'<iframe id="refused" src="{gunicorn_server}/indicator/lfpr_national" width="600" height="200"></iframe>'
    other_site.page = f"<!doctype html><title>A ministry</title><h1>Our figures</h1>{code}{refused}"
    host_url = f"http://127.0.0.1:{other_site.server_address[1]}/"
    context = browser.new_context(viewport={"width": 1000, "height": 1100})
    host = context.new_page()
    messages: list[str] = []
    host.on("console", lambda msg: messages.append(msg.text))
    try:
        host.goto(host_url)
        frame = host.frame_locator("iframe[src*='/embed/indicator/']")
        expect(frame.locator("#indicator-chart-alone-page h1")).to_have_text(
            "Tasa de participación en la fuerza de trabajo, 15+, por sexo (encuestas nacionales)", timeout=30_000
        )
        expect(frame.locator("#indicator-chart-caption")).to_contain_text(re.compile(r"Colombia en \d{4}: mujeres"))
        expect(frame.locator("#indicator-chart-caption")).to_contain_text("Senegal en")
        source = frame.locator("#indicator-chart-alone-source")
        expect(source).to_contain_text(f"Versión {release_id} (fijada")
        expect(source).to_contain_text("Fuentes: United Nations Statistics Division")
        expect(frame.locator("#indicator-full-page")).to_have_attribute("target", "_blank")
        expect(frame.locator("#indicator-chart-alone path.scatterlayer, #indicator-chart-alone .scatterlayer .trace")
               .first).to_be_attached()  # fmt: skip
        expect(frame.locator(".site-header")).to_be_hidden()  # the chart alone, not the site around it
        screenshot(host, "embed-on-another-site")
        refusals = blocked_frames(host, messages)
        assert len(refusals) == 1 and gunicorn_server in refusals[0], messages  # the page, not the embed
        assert host.frame_locator("#refused").locator("#main").count() == 0
    finally:
        context.close()
