"""English, Spanish and French in headless Chromium: every page in each language with a sample of its strings, the
language on <html lang>, remembered after ?lang= and carried on internal links, numbers written the language's way,
and screenshots of the Mexico profile in the three languages (test-artifacts/i18n-country-MEX-<lang>.png)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from dashboard.i18n import ind_text, t, use_lang
from dashboard.i18n.names import country_name
from tests.browser.conftest import screenshot

LANGS = ("en", "es", "fr")
MEXICO = {"en": "Mexico", "es": "México", "fr": "Mexique"}
FEMALE_LFPR = "Female labour force participation rate, 15+ (ILO modelled)"


def expected(lang: str, *keys: str) -> list[str]:
    return [t(key, lang) for key in keys]


# (path, selector of a drawn content, {selector: key of the text it shows (t) or a callable(lang) -> text})
PAGES = [
    ("/", "#home-map path.choroplethlocation", {"h1": "app.title", "#home-map-title": "home.map",
                                                "label[for=home-country]": "home.go_to_country"}),
    ("/country/MEX", "#country-scorecard .tile", {"#country-name": lambda lang: f"{MEXICO[lang]} (MEX)",
                                                  "#country-csv": "country.download",
                                                  ".country-legend .level-green": lambda lang: "✓ " + t("level.green", lang)}),
    ("/compare", "#compare-heatmap-table td", {"h1": "compare.title", "#compare-csv-button": "compare.table_csv"}),
    ("/indicator/female_lfpr", "#indicator-chart .main-svg", {
        "h1": lambda lang: _in(lang, ind_text, "female_lfpr", "title", FEMALE_LFPR),
        "#indicator-about-title": "indicator.about"}),
    ("/corridor/MEX/USA", "#corridor-stock-table td", {"#corridor-stock h2": "corridor.stock"}),
    ("/framework", "#framework-matrix td", {"h1": "framework.title", "#coverage": "framework.matrix_title"}),
    ("/sources", "#sources-summary td", {"h1": "sources.title", "#sources-csv-button": "sources.csv"}),
    ("/api-docs", "#api-docs-endpoints td", {"h1": "api.title"}),
    ("/practices", ".practice-card", {}),
    ("/steward/login", "#login-form", {"h1": "steward.sign_in", "label[for=login-name]": "steward.user_name"}),
]  # fmt: skip


def _in(lang: str, fn, *args: object) -> str:
    with use_lang(lang):
        return fn(*args)


@pytest.fixture(scope="module")
def tab(browser, gunicorn_server: str) -> Iterator[object]:
    context = browser.new_context(
        base_url=gunicorn_server, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"


def open_page(page, path: str, ready: str) -> None:
    page.goto(path)
    page.locator(ready).first.wait_for(state="attached", timeout=30_000)


@pytest.mark.parametrize(("path", "ready", "samples"), PAGES, ids=[p for p, _, _ in PAGES])
def test_every_page_in_every_language(tab, path: str, ready: str, samples: dict) -> None:
    for lang in LANGS:
        open_page(tab, f"{path}?lang={lang}", ready)
        assert tab.evaluate("document.documentElement.lang") == lang
        nav = [x.strip() for x in tab.locator(".site-header nav[aria-label] > a").all_inner_texts()]
        assert nav[:3] == expected(lang, "nav.overview", "nav.compare", "nav.framework")
        current = tab.locator(".lang-switcher [aria-current]")
        assert current.inner_text().strip() == lang.upper()
        assert t("app.title", lang) in tab.title() or tab.title() == t("app.title", lang)
        for selector, key in samples.items():
            want = key(lang) if callable(key) else t(key, lang)
            got = tab.locator(selector).first.inner_text().strip()
            assert got == want, f"{path} ({lang}) {selector}: {got!r}, expected {want!r}"


def test_profile_in_three_languages_with_numbers_written_their_way(tab) -> None:
    """The Mexico profile: headings, levels, units and numbers in each language; screenshots to look at."""
    decimal = {"en": r"^\d+\.\d %$", "es": r"^\d+,\d %$", "fr": r"^\d+,\d %$"}
    for lang in LANGS:
        open_page(tab, f"/country/MEX?lang={lang}", "#country-scorecard .tile")
        tab.wait_for_load_state("networkidle")
        value = tab.locator("#tile-female_lfpr .tile-value").inner_text()
        assert re.match(decimal[lang], value), f"{lang}: female LFPR shown as {value!r}"
        title = tab.locator("#tile-female_lfpr .tile-title").inner_text()
        assert title == _in(lang, ind_text, "female_lfpr", "title", FEMALE_LFPR)
        assert tab.locator("#theme-recruitment h2").inner_text() == {"en": "Recruitment practices", "es": "Prácticas de contratación", "fr": "Pratiques de recrutement"}[lang]  # fmt: skip
        with use_lang(lang):
            assert tab.locator("#country-name").inner_text().startswith(country_name("MEX", "Mexico"))
        screenshot(tab, f"i18n-country-MEX-{lang}")


def test_language_is_remembered_and_carried_on_links(tab) -> None:
    open_page(tab, "/?lang=fr", "#home-map path.choroplethlocation")
    open_page(tab, "/compare", "#compare-heatmap-table td")  # no ?lang=: the remembered choice
    assert tab.evaluate("document.documentElement.lang") == "fr"
    assert tab.locator("h1").inner_text() == "Comparer des pays"
    # an internal link in the page (a country column of the heat map) keeps the language in the address
    tab.locator("#compare-heatmap-table thead th a", has_text="Mexique").click()
    tab.wait_for_url(re.compile(r"/country/MEX\?lang=fr$"))
    tab.locator("#country-scorecard .tile").first.wait_for()
    # Dash's own navigation (a dcc.Link) keeps it too, and the page is drawn in French
    tab.locator("#country-group-principle").click()
    tab.wait_for_url(re.compile(r"/country/MEX\?group=principle&lang=fr$"))
    tab.locator("#principle-13 .tile").first.wait_for()
    assert tab.locator("#principle-13 h3").inner_text().startswith("Principe 13. Services de recrutement")
    # the switcher: the same page, query kept, in another language
    tab.locator(".lang-switcher a", has_text="ES").click()
    tab.wait_for_url(re.compile(r"/country/MEX\?group=principle&lang=es$"))
    tab.locator("#principle-13 .tile").first.wait_for()
    assert tab.evaluate("document.documentElement.lang") == "es"
    open_page(tab, "/?lang=en", "#home-map path.choroplethlocation")
    open_page(tab, "/sources", "#sources-summary td")
    assert tab.evaluate("document.documentElement.lang") == "en"


def test_charts_and_maps_are_described_in_words_in_each_language(tab) -> None:
    """Text alternatives: the map's caption counts the levels, the chart's caption names each line; a table beside."""
    for lang in LANGS:
        open_page(tab, f"/indicator/female_lfpr?tab=map&lang={lang}", "#indicator-map path.choroplethlocation")
        caption = tab.locator("#indicator-map-caption").inner_text()
        assert caption.startswith({"en": "World map", "es": "Mapa mundial", "fr": "Carte du monde"}[lang])
        assert t("level.green", lang).lower() in caption
        assert tab.locator("#indicator-panel-table").count() == 1  # the table view of the same figures
        chart = tab.locator("#indicator-chart-caption").inner_text()
        assert chart.startswith({"en": "Line chart", "es": "Gráfico de líneas", "fr": "Graphique linéaire"}[lang])
