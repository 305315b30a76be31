"""The language on the server: remember `?lang=` in a cookie, give templates `t` and the language, and write
`<html lang>`, the translated title and the strings assets/i18n.js needs into Dash's index page."""

from __future__ import annotations

import html
import json
from typing import Any

from flask import Flask, Response, request

from dashboard.i18n import (
    COOKIE,
    LANGS,
    NAMES,
    PARAM,
    current_lang,
    href,
    js_strings,
    normalise,
    page_url,
    plural,
    switch_href,
    t,
)
from dashboard.i18n import date as format_date
from dashboard.i18n import datetime as format_datetime
from dashboard.i18n import number as format_number
from lmm.config import setting

YEAR = 365 * 24 * 3600


def _secure() -> bool:
    mode = setting("LMM_SECURE_COOKIES").strip().lower()
    if mode in ("1", "true", "yes"):
        return True
    if mode in ("0", "false", "no"):
        return False
    return request.is_secure


def remember(response: Response) -> Response:
    """A page asked for with ?lang= keeps that language for later visits (a cookie for a year)."""
    lang = normalise(request.args.get(PARAM))
    if lang and request.cookies.get(COOKIE) != lang and request.method == "GET":
        response.set_cookie(COOKIE, lang, max_age=YEAR, samesite="Lax", httponly=True, secure=_secure())
    if "text/html" in (response.mimetype or "") or request.path.startswith("/_dash-layout"):
        response.vary.add("Cookie")  # the page is drawn in the remembered language
    return response


def switcher_links() -> list[dict[str, Any]]:
    """EN / ES / FR: the current page in each language (what the header and the steward pages show)."""
    url, lang = page_url(), current_lang()
    return [{"code": code, "name": NAMES[code], "href": switch_href(url, code), "current": code == lang}
            for code in LANGS]  # fmt: skip


def template_values() -> dict[str, Any]:
    return {
        "t": t,
        "plural": plural,
        "lang": current_lang(),
        "href": href,
        "languages": switcher_links(),
        "format_number": format_number,
        "format_date": format_date,
        "format_datetime": format_datetime,
    }


def index_page(original: str) -> str:
    """Dash's index page with the language on <html> and the component strings for assets/i18n.js."""
    lang = current_lang()
    data = json.dumps(js_strings(lang), ensure_ascii=False).replace("</", "<\\/")
    strings = f'<script type="application/json" id="lmm-i18n">{data}</script>'
    page = original.replace("<html>", f'<html lang="{lang}" dir="ltr">', 1)
    page = page.replace("</head>", f"{strings}\n</head>", 1)
    return page


def translated_title() -> str:
    return html.escape(t("app.title"))


def register(server: Flask) -> None:
    server.after_request(remember)
    server.context_processor(template_values)
