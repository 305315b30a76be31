"""The language of a request (URL, then the page a Dash callback comes from, then the remembered cookie), links
that carry it, and numbers and dates written as each language writes them."""

from __future__ import annotations

from flask import Flask

from dashboard import i18n
from dashboard.i18n import current_lang, date, href, number, percent, switch_href, t, use_lang


def app() -> Flask:
    from dashboard.i18n import web

    server = Flask("i18n-tests")
    web.register(server)
    return server


def test_language_from_url_then_referer_then_cookie() -> None:
    server = app()
    with server.test_request_context("/compare?lang=fr"):
        assert current_lang() == "fr"
    with server.test_request_context("/_dash-update-component", method="POST", headers={"Referer": "http://x/country/MEX?lang=es"}):  # fmt: skip
        assert current_lang() == "es"
    with server.test_request_context("/sources", headers={"Cookie": "lmm_lang=fr"}):
        assert current_lang() == "fr"
    with server.test_request_context("/sources?lang=xx", headers={"Cookie": "lmm_lang=es"}):
        assert current_lang() == "es"  # an unknown language is ignored, the remembered one stays
    with server.test_request_context("/"):
        assert current_lang() == "en"
    assert current_lang() == "en"  # outside a request: English


def test_the_choice_is_remembered_in_a_cookie() -> None:
    server = app()
    server.add_url_rule("/page", "page", lambda: "<p>page</p>")
    client = server.test_client()
    response = client.get("/page?lang=es")
    assert "lmm_lang=es" in response.headers["Set-Cookie"] and "SameSite=Lax" in response.headers["Set-Cookie"]
    assert "Set-Cookie" not in client.get("/page").headers  # nothing asked: nothing changes


def test_links_carry_the_language() -> None:
    with use_lang("es"):
        assert href("/country/MEX") == "/country/MEX?lang=es"
        assert href("/country/MEX?group=theme#recruitment") == "/country/MEX?group=theme&lang=es#recruitment"
        assert href("https://example.org/") == "https://example.org/"
    assert href("/country/MEX") == "/country/MEX"  # English adds nothing
    assert switch_href("/compare?countries=MEX,PHL&lang=es#x", "fr") == "/compare?countries=MEX,PHL&lang=fr#x"


def test_numbers_percentages_and_dates() -> None:
    assert (number(1197624, decimals=0), number(47.317, decimals=1), percent(0.8)) == ("1,197,624", "47.3", "80%")
    with use_lang("es"):
        assert (number(1197624, decimals=0), number(47.317, decimals=1)) == ("1.197.624", "47,3")
        assert date("2026-11-28") == "28 nov 2026"
    with use_lang("fr"):
        assert number(1197624, decimals=0) == "1\u202f197\u202f624" and number(4.39, decimals=2) == "4,39"
        assert percent(0.8) == "80\u00a0%" and date("1952-08-23") == "23 août 1952"
    assert date("1952-08-23") == "1952-08-23"  # English keeps the ISO form the sources publish


def test_texts_fill_their_placeholders_and_fall_back_to_english() -> None:
    assert t("map.year", year=2020) == "Year: 2020" and t("map.year", "fr", year=2020) == "Année : 2020"
    assert i18n.parts("indicator.no_id", "en", code="<x>") == ["There is no indicator with the id ", "<x>", " in this dashboard."]  # fmt: skip
    assert t("level.green", "de") == "Achieved"  # an unknown language: English
