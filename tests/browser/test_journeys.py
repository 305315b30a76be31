"""The journeys of issue 18 in headless Chromium, on countries the other browser tests do not use, in English,
Spanish and French: a country found by the name people use (India + Enter opens India, Holland finds the
Netherlands), a pasted list of codes and names joins the compare selection."""

from __future__ import annotations

import io
import re
import time

import requests
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS, screenshot


def type_in(page, dropdown: str, typed: str, first: str) -> None:
    """Open a Dash dropdown, type as a person would and wait until the best match is listed first."""
    page.locator(dropdown).click()
    page.locator(".dash-dropdown-search").press_sequentially(typed, delay=20)
    expect(page.get_by_role("option").first).to_have_text(first)


def test_india_and_enter_opens_india_not_the_british_indian_ocean_territory(page) -> None:
    page.goto("/")
    page.locator("#home-country").wait_for()
    type_in(page, "#home-country", "India", "India (IND)")
    names = page.get_by_role("option").all_inner_texts()
    assert "British Indian Ocean Territory (IOT)" in names[1:]
    screenshot(page, "journey-search-india")
    page.locator(".dash-dropdown-search").press("Enter")
    page.wait_for_url(re.compile(r"/country/IND$"))
    expect(page.locator(".country-page h1").first).to_contain_text("India (IND)")


def test_names_people_use_find_the_country_in_french(page) -> None:
    page.goto("/?lang=fr")
    page.locator("#home-country").wait_for()
    type_in(page, "#home-country", "Holland", "Pays-Bas (NLD) · Holland")
    page.keyboard.press("Escape")
    for typed, first in [("Ivory Coast", "Côte d’Ivoire (CIV) · Ivory Coast"), ("burma", "Myanmar (Birmanie) (MMR) · Burma"),
                         ("Cote", "Côte d’Ivoire (CIV)")]:  # fmt: skip
        page.goto("/?lang=fr")
        type_in(page, "#home-country", typed, first)
    screenshot(page, "journey-search-fr")
    page.locator(".dash-dropdown-search").press("Enter")
    page.wait_for_url(re.compile(r"/country/CIV\?lang=fr$"))


def test_a_pasted_list_joins_the_compare_selection_in_spanish(page) -> None:
    page.goto("/compare?countries=KOR&lang=es")
    page.locator("#compare-heatmap-table").wait_for()
    page.locator("#compare-paste").fill("IND; Nepal, Costa de Marfil\nvietnam\tTurkey, XX")
    page.locator("#compare-paste-add").click()
    status = page.locator("#compare-paste-status")
    expect(status).to_contain_text("Añadidos: India, Nepal, Côte d’Ivoire, Vietnam, Turquía.")
    expect(status).to_contain_text("No reconocidos (ningún país o varios coinciden): XX.")
    expect(page.locator("#compare-paste")).to_have_value("XX")
    page.wait_for_url(re.compile(r"countries=KOR,IND,NPL,CIV,VNM,TUR"))
    headers = page.locator("#compare-heatmap-table thead th").all_inner_texts()
    assert [h.strip() for h in headers[1:]] == [
        "Corea del Sur",
        "India",
        "Nepal",
        "Côte d’Ivoire",
        "Vietnam",
        "Turquía",
    ]
    screenshot(page, "journey-compare-paste-es")


def test_the_compare_picker_finds_a_country_by_another_name(page) -> None:
    page.goto("/compare?countries=KOR")
    page.locator("#compare-heatmap-table").wait_for()
    type_in(page, "#compare-countries", "Holland", "Netherlands (NLD) · Holland")
    page.locator(".dash-dropdown-search").press("Enter")
    page.wait_for_url(re.compile(r"countries=KOR,NLD"))


def test_a_delegate_opens_a_named_group_in_french(page) -> None:
    page.goto("/compare?group=ecowas&lang=fr")
    page.locator("#compare-heatmap-table").wait_for()
    headers = [h.strip() for h in page.locator("#compare-heatmap-table thead th").all_inner_texts()[1:]]
    assert len(headers) == 12 and "Côte d’Ivoire" in headers and "Mali" not in headers
    messages = page.locator("#compare-messages")
    expect(messages).to_contain_text("Bloc régional : CEDEAO (12 pays)")
    expect(messages).to_contain_text("Ses 12 membres, selon la liste au 29 janv. 2025 de")
    expect(messages).to_contain_text('"Member States". Le Burkina Faso, le Mali et le Niger ont quitté la CEDEAO')
    assert page.locator("#compare-group-source").get_attribute("href") == "https://www.ecowas.int/member-states/"
    page.locator("#compare-group").click()
    page.locator(".dash-dropdown-search").fill("Rabat")
    expect(page.get_by_role("option").first).to_have_text("Dialogue sur les migrations : Processus de Rabat (55 pays)")
    page.get_by_role("option").first.click()
    page.wait_for_url(re.compile(r"group=rabat-process"))
    expect(messages).to_contain_text("L'Algérie et la Libye sont observatrices")
    screenshot(page, "journey-compare-group-fr")


FIFTEEN = "IND,NPL,BGD,LKA,PAK,PHL,IDN,VNM,THA,KHM,CHN,AFG,ARE,SAU,QAT"


def test_fifteen_countries_fit_a_laptop_screen_with_every_theme_and_the_header_in_view(page) -> None:
    page.goto(f"/compare?countries={FIFTEEN}")
    table = page.locator("#compare-heatmap-table")
    table.wait_for()
    box = table.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280, box  # no sideways scrolling at 1280 px
    for scroller in page.locator(".heatmap-scroll").all():  # the principles overview and the indicators: no inner box
        assert scroller.evaluate("e => e.scrollHeight <= e.clientHeight + 1 && e.scrollWidth <= e.clientWidth + 1")
    themes = [t.strip() for t in page.locator("#compare-heatmap-table tr.heat-group th").all_inner_texts()]
    assert len(themes) == 4 and "Women's participation" in themes
    last = page.locator("#compare-heatmap-table tr.heat-group").last
    last.scroll_into_view_if_needed()
    page.mouse.wheel(0, 300)
    header = page.locator("#compare-heatmap-table thead th").nth(1)
    expect(header).to_have_text("India")
    top = header.bounding_box()
    assert top is not None and -1 <= top["y"] <= 5, top  # the country header stays at the top of the window
    screenshot(page, "journey-compare-15")


def test_phone_width_profile_and_compare(browser, gunicorn_server: str) -> None:
    context = browser.new_context(base_url=gunicorn_server, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto("/country/CIV?lang=fr")
    expect(phone.locator(".country-page h1").first).to_contain_text("Côte d’Ivoire (CIV)")
    width = phone.evaluate("document.documentElement.scrollWidth")
    screenshot(phone, "journey-phone-profile-fr")
    phone.goto("/compare?group=gcc")
    phone.locator("#compare-heatmap-table").wait_for()
    screenshot(phone, "journey-phone-compare")
    page_width = phone.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390 and page_width <= 390, (width, page_width)  # only the heat map scrolls sideways, in its box


def test_a_minister_reads_a_profile_in_spanish_follows_a_card_and_gets_the_briefing(page) -> None:
    page.goto("/country/CIV?lang=es")
    expect(page.locator(".country-page h1").first).to_contain_text("Côte d’Ivoire (CIV)", timeout=30000)
    expect(page.locator("#country-level-rule")).to_contain_text("sigue a sus dos indicadores")  # why 92 is not green
    link = page.locator("#country-briefing")
    expect(link).to_have_text("Informe de país (PDF)")
    href = link.get_attribute("href") or ""
    assert href.startswith("/api/v1/briefings/CIV.pdf?") and "lang=es" in href
    answer = requests.get(page.url.split("/country/")[0] + href, timeout=120)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    first = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    assert "Côte d’Ivoire (CIV)" in first and "informe de país" in first.lower()
    title = page.locator("#country-scorecard .tile-title a").first
    target = title.get_attribute("href") or ""
    assert re.fullmatch(r"/indicator/[a-z0-9_]+\?lang=es", target), target
    screenshot(page, "journey-profile-es")
    title.click()
    page.wait_for_url(re.compile(r"/indicator/[a-z0-9_]+\?lang=es$"))


def test_the_map_is_a_door_to_a_profile(page) -> None:
    page.goto("/?view=theme:women&lang=fr")
    page.locator("#home-map path.choroplethlocation").nth(150).wait_for(state="attached")
    expect(page.get_by_text("Cliquez sur un pays de la carte pour ouvrir son profil.")).to_be_visible()
    page.locator("#home-map").scroll_into_view_if_needed()
    box = page.evaluate(
        """() => [...document.querySelectorAll('#home-map path.choroplethlocation')]
                 .find(e => e.__data__ && e.__data__.loc === 'BRA').getBoundingClientRect().toJSON()"""
    )
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)  # the middle of Brazil
    page.wait_for_url(re.compile(r"/country/BRA\?lang=fr$"))
    expect(page.locator(".country-page h1").first).to_contain_text("Brésil (BRA)", timeout=30000)


def test_principles_by_countries_overview_for_a_group_in_spanish(page) -> None:
    page.goto("/compare?group=colombo-process&lang=es")
    table = page.locator("#compare-principles-table")
    table.wait_for()
    rows = [t.strip() for t in table.locator("tbody th[scope='row']").all_inner_texts()]
    assert len(rows) == 15 and rows[0].startswith("Principio 1: ") and rows[14].startswith("Principio 15: ")
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    assert headers[0] == "Principio" and len(headers) == 13 and "Nepal" in headers
    second = table.locator("tbody tr").nth(1).locator("td").first
    expect(second).to_have_text(re.compile(r"no medido por datos públicos"))
    first = table.locator("tbody tr").first.locator("td")
    for i in range(12):
        expect(first.nth(i)).to_have_text(re.compile(r"^(✓|!|!!|✗) \d+/100|^○ "))
    page.evaluate("document.querySelector('#compare-principles-table').scrollIntoView()")
    screenshot(page, "journey-principles-es")


def test_an_indicator_map_leads_back_to_the_countries(page) -> None:
    page.goto("/indicator/female_lfpr?tab=map&lang=es")
    page.locator("#indicator-map path.choroplethlocation").nth(150).wait_for(state="attached")
    page.locator("#indicator-map").scroll_into_view_if_needed()
    box = page.evaluate(
        """() => [...document.querySelectorAll('#indicator-map path.choroplethlocation')]
                 .find(e => e.__data__ && e.__data__.loc === 'BRA').getBoundingClientRect().toJSON()"""
    )
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    page.wait_for_url(re.compile(r"/country/BRA\?lang=es$"))
    expect(page.locator(".country-page h1").first).to_contain_text("Brasil (BRA)", timeout=30000)


# Issue 18's journeys again, on countries the tests above do not use (Peru, Kenya, Jordan), with what a user sees at
# each step.


def test_a_peruvian_minister_finds_the_profile_reads_the_principles_line_and_the_indicators_dates(page) -> None:
    page.goto("/?lang=es")
    page.locator("#home-country").wait_for()
    expect(page.locator("#home-release-id")).to_have_text(re.compile(r"^r\d{8}T"))  # the release id, small print
    type_in(page, "#home-country", "Peru", "Perú (PER)")
    page.locator(".dash-dropdown-search").press("Enter")
    page.wait_for_url(re.compile(r"/country/PER\?lang=es$"))
    expect(page.locator(".country-page h1").first).to_contain_text("Perú (PER)", timeout=30000)
    summary = page.locator("#country-principle-summary")
    expect(summary).to_have_text(
        re.compile(r"^Puntuado en \d+ de 15 principios del MMML: .*no medidos con datos públicos")
    )
    briefing_then_indicator(
        page, "PER", "Perú (PER)", "es", ("Última actualización:", "Próxima actualización prevista:")
    )


def briefing_then_indicator(page, iso3: str, name: str, lang: str, dates: tuple[str, str]) -> None:
    """From a profile: its briefing PDF in the page's language names the country on page 1; the first tile's link
    opens its indicator, which says when the source last updated it and when it next will (`dates`' two labels)."""
    href = page.locator("#country-briefing").get_attribute("href") or ""
    assert href.startswith(f"/api/v1/briefings/{iso3}.pdf?") and f"lang={lang}" in href
    answer = requests.get(page.url.split("/country/")[0] + href, timeout=120)
    first = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    assert answer.status_code == 200 and name in first
    screenshot(page, f"journey-{iso3.lower()}-profile-{lang}")
    page.locator("#country-scorecard .tile-title a").first.click()
    page.wait_for_url(re.compile(rf"/indicator/[a-z0-9_]+\?lang={lang}$"))
    for label in dates:
        expect(page.locator("#indicator-updates")).to_contain_text(label)
    screenshot(page, f"journey-{iso3.lower()}-indicator-{lang}")


def test_a_delegate_compares_igad_in_french_and_downloads_a_spreadsheet_friendly_table(page) -> None:
    page.goto("/compare?group=igad&lang=fr")
    page.locator("#compare-heatmap-table").wait_for()
    headers = [h.strip() for h in page.locator("#compare-heatmap-table thead th").all_inner_texts()[1:]]
    assert "Kenya" in headers and "Ouganda" in headers and len(headers) == 8, headers
    expect(page.locator("#compare-messages")).to_contain_text("IGAD (8 pays)")
    with page.expect_download() as info:
        page.locator("#compare-csv-button").click()
    raw = open(info.value.path(), "rb").read()
    first = raw.decode("utf-8-sig").splitlines()[0]
    assert raw.startswith(b"\xef\xbb\xbf") and first.startswith("Thème,Indicateur,Pays,")
    assert "Indicateurs de qualité" in first and first.endswith("Version,À propos de ces lignes")
    screenshot(page, "journey-igad-compare-fr")


def test_phone_width_jordan_profile_and_igad_compare(browser, gunicorn_server: str) -> None:
    context = browser.new_context(base_url=gunicorn_server, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto("/country/JOR?lang=es")
    expect(phone.locator(".country-page h1").first).to_contain_text("Jordania (JOR)", timeout=30000)
    expect(phone.locator("#country-principle-summary")).to_contain_text("principios del MMML")
    profile_width = phone.evaluate("document.documentElement.scrollWidth")
    screenshot(phone, "journey-phone-jordan-es")
    phone.goto("/compare?group=igad&lang=fr")
    phone.locator("#compare-heatmap-table").wait_for()
    screenshot(phone, "journey-phone-igad-fr")
    compare_width = phone.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert profile_width <= 390 and compare_width <= 390, (profile_width, compare_width)


def test_the_compare_header_stays_in_view_on_a_phone_as_on_a_laptop(browser, gunicorn_server: str) -> None:
    context = browser.new_context(base_url=gunicorn_server, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto("/compare?group=sadc&lang=es")
    phone.locator("#compare-heatmap-table").wait_for()
    phone.wait_for_load_state("networkidle")
    headers = [h.strip() for h in phone.locator("#compare-heatmap-table thead th").all_inner_texts()[1:]]
    assert "Sudáfrica" in headers and "Zambia" in headers, headers
    phone.locator("#compare-heatmap-table tr.heat-group").last.scroll_into_view_if_needed()
    phone.mouse.wheel(0, 400)  # deep in the last theme, well past the table's top
    header = phone.locator("#compare-heatmap-table thead th").nth(1)
    expect(header).to_be_in_viewport()
    top = header.bounding_box()
    assert top is not None and -1 <= top["y"] <= 5, top  # at the top of the window, as on a laptop
    box = phone.locator("#compare-heatmap-table").locator("xpath=ancestor::div[contains(@class,'heatmap-scroll')]")
    assert box.evaluate("e => { e.scrollLeft = 600; return e.scrollLeft; }") > 0  # sideways in its box
    at_left = phone.evaluate("() => document.elementFromPoint(30, 420).closest('th')?.getAttribute('scope')")
    assert at_left == "row", at_left  # the indicator column stays on the left
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "journey-phone-sadc-header-es.png"))  # the window, as the reader sees it
    width = phone.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390, width


# Issue 18's journeys on Senegal, which no other test uses: a minister in French, a statistics office's steward in
# French whose file an admin approves in Spanish, and Senegal's profile at phone width.


def test_a_senegalese_minister_in_french_finds_the_profile_the_briefing_and_an_indicators_dates(page) -> None:
    page.goto("/?lang=fr")
    page.locator("#home-country").wait_for()
    values = page.locator("#home-table td[data-dash-column=value]").all_inner_texts()
    assert any(re.fullmatch(r"\d+,\d+", v.strip()) for v in values), values  # '5,155', not '5.155' (5 155)
    type_in(page, "#home-country", "senegal", "Sénégal (SEN)")  # no accent typed
    screenshot(page, "journey-senegal-search-fr")
    page.locator(".dash-dropdown-search").press("Enter")
    page.wait_for_url(re.compile(r"/country/SEN\?lang=fr$"))
    expect(page.locator(".country-page h1").first).to_contain_text("Sénégal (SEN)", timeout=30000)
    expect(page.locator("#country-principle-summary")).to_have_text(
        re.compile(r"^Noté sur \d+ des 15 principes du CMMM")
    )
    briefing_then_indicator(
        page, "SEN", "Sénégal (SEN)", "fr", ("Dernière mise à jour :", "Prochaine mise à jour prévue :")
    )


STEWARD_PASSWORD = "a journey-test password"
SEN_HEADER = "indicator_id,country,partner_country,year,sex,value,category,event_date,source,note\n"
SEN_WITH_ERRORS = SEN_HEADER + (
    "recruitment_cost_monthz,SEN,,2024,total,3.5,,,Enquête ANSD sur les coûts de migration 2024,\n"
    "recruitment_cost_months,COL,,2024,total,2.1,,,Enquête ANSD sur les coûts de migration 2024,\n"
)
SEN_FIXED = SEN_HEADER + "recruitment_cost_months,SEN,,2024,total,3.5,,,Enquête ANSD sur les coûts de migration 2024,\n"


def test_a_senegalese_steward_submits_in_french_and_an_admin_publishes_in_spanish(page, gunicorn_server: str) -> None:
    from dashboard.i18n import t
    from stewards import accounts
    from tests.browser.steward_pages import sign_in

    for name, role, countries, institution in (("sen-steward", "steward", ["SEN"], "ANSD Sénégal"),
                                               ("journey-admin", "admin", [], "Monitor team")):  # fmt: skip
        if accounts.get_user(name) is None:
            accounts.create_user(name, role, STEWARD_PASSWORD, countries, institution)
    original = requests.get(gunicorn_server + "/api/v1/health", timeout=10).json()["release"]
    page.goto("/steward/?lang=fr")  # the language is remembered for the steward area
    sign_in(page, "sen-steward", STEWARD_PASSWORD)
    expect(page.locator("#upload-limit")).to_contain_text("Plus gros fichier accepté :")
    screenshot(page, "journey-steward-home-fr")
    upload_csv(page, "sen-2024.csv", SEN_WITH_ERRORS)
    expect(page.locator("#submission-status")).to_have_text("non valide")
    problems = page.inner_text("#problems-table")
    for expected in ("2\tindicator_id\tA2", "recruitment_cost_months", "3\tcountry\tB3", "COL"):
        assert expected in problems, problems  # each problem at its row, column and cell
    screenshot(page, "journey-steward-problems-fr")
    upload_csv(page, "sen-2024-fixed.csv", SEN_FIXED)
    expect(page.locator("#submission-status")).to_have_text("validée")
    page.check("#confirm-box")
    page.click("#submit-button")
    expect(page.locator("#submission-status")).to_have_text("soumise")
    submission = page.url.split("?")[0]
    screenshot(page, "journey-steward-submitted-fr")

    page.context.clear_cookies()  # the admin, on the same browser, reads Spanish
    page.goto("/steward/?lang=es")
    sign_in(page, "journey-admin", STEWARD_PASSWORD)
    page.goto(submission + "?lang=es")
    expect(page.locator("#approve-open")).to_contain_text("Aprobar y publicar")
    screenshot(page, "journey-steward-review-es")
    page.click("#approve-open")
    page.click("#approve-button")
    page.wait_for_selector("#published", timeout=90_000)
    expect(page.locator("#published")).to_contain_text("Publicado en la versión")
    try:
        page.goto("/country/SEN?lang=fr")
        submitted = t("provenance.submitted_by", "fr", institution="ANSD Sénégal")
        expect(page.locator("#main")).to_contain_text(submitted, timeout=30_000)  # the value, with who sent it
        screenshot(page, "journey-steward-senegal-profile-fr")
    finally:  # the session's release is current again for the tests after this one
        page.goto("/steward/?lang=es#releases")
        row = page.locator("#release-table tr", has_text=original).filter(has=page.locator("summary"))
        row.locator("summary").click()
        row.locator("button").click()
        deadline = time.monotonic() + 30
        while requests.get(gunicorn_server + "/api/v1/health", timeout=10).json()["release"] != original:
            assert time.monotonic() < deadline, "the rollback did not land"
            time.sleep(0.2)


def upload_csv(page, name: str, text: str) -> None:
    page.set_input_files("#upload-file", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    page.click("#upload-button")
    page.wait_for_selector("#submission-status")


def test_phone_width_senegal_profile_in_french(browser, gunicorn_server: str) -> None:
    context = browser.new_context(base_url=gunicorn_server, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto("/country/SEN?lang=fr")
    expect(phone.locator(".country-page h1").first).to_contain_text("Sénégal (SEN)", timeout=30000)
    expect(phone.locator("#country-briefing")).to_have_text("Note pays (PDF)")
    width = phone.evaluate("document.documentElement.scrollWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "journey-phone-senegal-fr-top.png"))  # the first screen
    screenshot(phone, "journey-phone-senegal-fr")
    context.close()
    assert width <= 390, width
