"""WCAG 2.1 AA in headless Chromium: axe-core (npm, installed by `make install-test` into .cache/npm) on every page in
English, Spanish and French with no serious or critical violation; the main flows by keyboard alone (choose a
country from the home search, compare, download a CSV, upload in the steward area) with a visible focus on every
element the Tab key reaches. The axe results of every page go to test-artifacts/axe-results.json."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, pick_the_match_by_keyboard

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
LANGS = ("en", "es", "fr")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
PASSWORD = "an accessibility test password"
# (path, a selector that is there once the page has drawn its content)
PAGES = [
    ("/", "#home-map path.choroplethlocation"),
    ("/country/MEX", "#country-scorecard .tile"),
    ("/country/MEX?group=principle", "#principle-13 .tile"),
    ("/compare", "#compare-heatmap-table td"),
    ("/indicator/female_lfpr", "#indicator-chart .main-svg"),
    ("/indicator/ilo_c097?tab=table", "#indicator-table td"),
    ("/corridor/MEX/USA", "#corridor-stock-table td"),
    ("/framework", "#framework-matrix td"),
    ("/sources", "#sources-summary td"),
    ("/api-docs", "#api-docs-endpoints td"),
    ("/practices", ".practice-card"),
    ("/practices/mexico-ime", "#practice-page"),
    ("/steward/login", "#login-form"),
]
RESULTS: dict[str, dict[str, list[dict[str, object]]]] = {}
# A visible focus: an outline or a box-shadow ring on the focused element (style.css, a11y.css).
FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  const ring = s.boxShadow && s.boxShadow !== "none";
  return {tag: el.tagName, id: el.id, cls: String(el.className).slice(0, 60), text: (el.innerText || el.value || "").slice(0, 40),
          visible: outline || ring};
}"""


def url(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(
            f"axe-core is not installed ({AXE}): `make install-test` runs npm install --prefix .cache/npm axe-core"
        )
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tab(browser, gunicorn_server: str) -> Iterator[object]:
    """One tab for the whole module (pages are reused to keep the suite short); console errors fail the module."""
    context = browser.new_context(
        base_url=gunicorn_server, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-results.json").write_text(json.dumps(RESULTS, indent=1, ensure_ascii=False))
    assert errors == [], f"browser console errors: {errors}"


def settle(page, idle: bool = True) -> None:
    """Wait for Dash's callbacks (network idle) and for assets/i18n.js to have named the components it fixes (it
    works one animation frame after each redraw)."""
    if idle:
        page.wait_for_load_state("networkidle")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def run_axe(page, axe_source: str) -> list[dict[str, object]]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)  # evaluated over DevTools: the app's Content-Security-Policy stays as served
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                                           where: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }""",
        TAGS,
    )


@pytest.mark.parametrize(("path", "ready"), PAGES, ids=[p for p, _ in PAGES])
def test_axe_finds_no_serious_violation(tab, axe_source: str, path: str, ready: str) -> None:
    blocking = {}
    for lang in LANGS:
        tab.goto(url(path, lang))
        tab.locator(ready).first.wait_for(state="attached", timeout=30_000)
        settle(tab, idle=False)  # the content is drawn: a frame for assets/i18n.js is enough
        assert tab.evaluate("document.documentElement.lang") == lang
        found = run_axe(tab, axe_source)
        RESULTS.setdefault(path, {})[lang] = found
        blocking[lang] = [v for v in found if v["impact"] in BLOCKING]
    assert all(not v for v in blocking.values()), f"{path}: serious or critical axe violations {blocking}"


@pytest.fixture(scope="module")
def steward_account(release_id: str) -> str:
    from stewards import accounts

    if accounts.get_user("a11y-steward") is None:
        accounts.create_user("a11y-steward", "steward", PASSWORD, ["MEX"], "INEGI Mexico")
    return "a11y-steward"


def test_axe_on_the_signed_in_steward_pages(tab, axe_source: str, steward_account: str) -> None:
    sign_in_by_keyboard(tab, steward_account)
    blocking = {}
    for lang in LANGS:
        tab.goto(f"/steward/?lang={lang}")
        tab.wait_for_selector("#upload-form")
        found = run_axe(tab, axe_source)
        RESULTS.setdefault("/steward/", {})[lang] = found
        blocking[lang] = [v for v in found if v["impact"] in BLOCKING]
    tab.goto("/steward/?lang=en")
    assert all(not v for v in blocking.values()), f"/steward/: serious or critical axe violations {blocking}"


# --- Keyboard only ------------------------------------------------------------------------------------------------


def tab_to(page, target: str, limit: int = 60) -> list[dict[str, object]]:
    """Press Tab until the element matching `target` (or its dropdown button) has the focus; every element reached
    on the way is returned with whether its focus is visible."""
    seen: list[dict[str, object]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_JS)
        if state is not None:
            seen.append(state)
        if page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", target):
            return seen
    raise AssertionError(f"Tab never reached {target}; reached {[s['id'] or s['tag'] for s in seen]}")


def keys(page, text: str) -> None:
    for char in text:
        page.keyboard.press("Space" if char == " " else char)


def assert_focus_visible(seen: list[dict[str, object]]) -> None:
    hidden = [s for s in seen if not s["visible"]]
    assert not hidden, f"focused without a visible indicator: {hidden}"


def sign_in_by_keyboard(page, name: str) -> None:
    page.goto("/steward/login?lang=en")
    page.wait_for_selector("#login-form")
    assert_focus_visible(tab_to(page, "#login-name"))
    keys(page, name)
    page.keyboard.press("Tab")
    keys(page, PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#upload-form")


def test_choose_a_country_from_the_home_search_by_keyboard(tab) -> None:
    tab.goto("/?lang=en")
    tab.locator("#home-map path.choroplethlocation").first.wait_for(state="attached")
    settle(tab)
    seen = tab_to(tab, "#home-country")
    assert_focus_visible(seen)
    assert seen[0]["cls"] == "skip-link", "the first Tab reaches the skip link"
    tab.keyboard.press("Enter")  # opens the list; the search box has the focus
    tab.locator(".dash-dropdown-search").wait_for()
    keys(tab, "Mexico")
    pick_the_match_by_keyboard(tab, "Mexico (MEX)")
    tab.wait_for_url(re.compile(r"/country/MEX\?lang=en$"))  # the language chosen in the URL goes along
    tab.locator("#country-scorecard .tile").first.wait_for()


def test_compare_by_keyboard(tab) -> None:
    """Add a country with the keyboard, then pick a theme with the arrow keys: the scorecard and the URL follow."""
    tab.goto("/compare?lang=en")
    tab.locator("#compare-heatmap-table td").first.wait_for()
    settle(tab)
    assert_focus_visible(tab_to(tab, "#compare-countries"))
    tab.keyboard.press("Enter")
    tab.locator(".dash-dropdown-search").wait_for()
    keys(tab, "Germany")
    pick_the_match_by_keyboard(tab, "Germany (DEU)")
    tab.keyboard.press("Escape")
    tab.locator("#compare-heatmap-table thead th", has_text="Germany").wait_for()
    assert_focus_visible(tab_to(tab, "#compare-theme input"))
    tab.keyboard.press("ArrowRight")  # the next theme, as radio buttons do
    tab.wait_for_url(re.compile(r"theme=recruitment"))
    tab.locator("#compare-heatmap-table tr.heat-group th").first.wait_for()
    assert "countries=MEX,PHL,GHA,DEU" in tab.url


def test_download_a_csv_by_keyboard(tab, tmp_path: Path) -> None:
    tab.goto("/country/MEX?lang=es")
    tab.locator("#country-scorecard .tile").first.wait_for()
    settle(tab)
    assert_focus_visible(tab_to(tab, "#country-csv"))
    assert tab.evaluate("document.activeElement.textContent") == "Descargar CSV"
    with tab.expect_download() as download:
        tab.keyboard.press("Enter")
    path = tmp_path / "mex.csv"
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff") and text.splitlines()[0].endswith(",Versión,Acerca de estas filas")
    assert "Monitor de Políticas de Migración Laboral, versión r" in text  # the reader's language
    assert "female_lfpr" in text and "Tasa de participación de las mujeres" in text


def test_upload_in_the_steward_area_by_keyboard(tab, axe_source: str, steward_account: str) -> None:
    # Playwright asks Chromium to hand it file dialogs only while something listens; listening from before the
    # sign-in means that request has long arrived when Space is pressed (armed at the press, the dialog once
    # opened before it did and was lost: CI timed out waiting for it).
    def ignore(_chooser: object) -> None:
        return None

    tab.on("filechooser", ignore)
    sign_in_by_keyboard(tab, steward_account)
    assert_focus_visible(tab_to(tab, "#upload-file"))
    body = (
        "indicator_id,country,partner_country,year,sex,value,category,event_date,source,note\n"
        "recruitment_cost_months,MEX,,2024,total,1.2,,,INEGI survey 2024,\n"
    )
    with tab.expect_file_chooser() as chooser:
        tab.keyboard.press("Space")  # the file input opens the system's file dialog from the keyboard
    chooser.value.set_files(files=[{"name": "mex-2024.csv", "mimeType": "text/csv", "buffer": body.encode()}])
    tab.remove_listener("filechooser", ignore)
    assert_focus_visible(tab_to(tab, "#upload-button"))
    tab.keyboard.press("Enter")
    tab.wait_for_selector("#submission-status")
    assert tab.inner_text("#submission-status") == "validated"
    page_url = tab.url.split("?")[0]
    blocking = {}
    for lang in LANGS:  # the submission page (diff, append/replace form) in each language
        tab.goto(f"{page_url}?lang={lang}")
        tab.wait_for_selector("#submit-form")
        found = run_axe(tab, axe_source)
        RESULTS.setdefault("/steward/submissions/<id>", {})[lang] = found
        blocking[lang] = [v for v in found if v["impact"] in BLOCKING]
    assert tab.inner_text("#submission-status") == "validée"  # the last one drawn: French
    assert all(not v for v in blocking.values()), f"submission page: serious or critical axe violations {blocking}"


def test_skip_link_moves_the_focus_to_the_main_content(tab) -> None:
    tab.goto("/sources?lang=fr")
    tab.locator("#sources-summary td").first.wait_for()
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.className") == "skip-link"
    assert tab.evaluate("document.activeElement.textContent") == "Aller au contenu principal"
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"
