"""Security headers on every response: a Content-Security-Policy Dash works under, no sniffing, no framing except
of the chart-only pages under `/embed/` (dashboard/pages/embed.py), which any site may put in an `<iframe>`.

Dash's index page carries a few inline <script> blocks (its config and the renderer start-up). Rather than
allowing every inline script, each HTML response's own inline scripts are hashed into `script-src`, so an
injected script is refused by the browser. Verified in headless Chromium (tests/browser): no CSP violation on the
Dash pages or the steward area. Pages are also guarded against a `?release=` they cannot serve (a message, not a 500).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Callable

from flask import Flask, Response, request

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",  # Dash and plotly set inline styles and inject <style> elements
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
EMBEDDABLE = "/embed/"  # path prefix of the pages other sites may frame: frame-ancestors *, no X-Frame-Options


def embeddable(path: str) -> bool:
    """May other sites frame the page at `path` (given, not read from Flask's request: the API's fast lane answers
    outside a request context)."""
    return path.startswith(EMBEDDABLE)


def script_hashes(html: bytes) -> list[str]:
    """CSP source expressions for the inline scripts of a page."""
    hashes = []
    for body in INLINE_SCRIPT.findall(html):
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return sorted(set(hashes))


def content_security_policy(response: Response, path: str) -> str:
    policy = dict(POLICY)
    if embeddable(path):
        policy["frame-ancestors"] = "*"
    if response.mimetype == "text/html" and not response.direct_passthrough and not response.is_streamed:
        hashes = script_hashes(response.get_data())
        if hashes:
            policy["script-src"] = " ".join(["'self'", *hashes])
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def add_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = content_security_policy(response, request.path)
    for name, value in HEADERS.items():
        if not (name == "X-Frame-Options" and embeddable(request.path)):
            response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def guard_pages() -> None:
    """Every registered page answers a release it cannot serve (`?release=` unknown, malformed or failing its
    checksum) with a message instead of an error 500 (pages that check themselves keep their own wording)."""
    import dash
    from dash import html

    from warehouse.releases import ReleaseError

    def guarded(layout: Callable[..., object]) -> Callable[..., object]:
        @functools.wraps(layout)
        def page(**kwargs: object) -> object:
            try:
                return layout(**kwargs)
            except ReleaseError as error:
                return html.Div([html.H1("Release not available"), html.P(str(error), role="alert")])

        page.lmm_guarded = True  # type: ignore[attr-defined]
        return page

    for entry in dash.page_registry.values():
        layout = entry.get("layout")
        if callable(layout) and not getattr(layout, "lmm_guarded", False):
            entry["layout"] = guarded(layout)


def register(server: Flask) -> None:
    server.after_request(add_headers)
    guard_pages()
