"""Issue 18 on the indicator page, walked in Chromium on countries the other browser tests do not use (Kenya,
Bangladesh, Jordan, Peru): women and men on one chart with the gap, the share link that opens the chart alone pinned
to its release, and the table's country names leading to the profiles."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot


def test_women_and_men_with_the_gap_then_the_shared_chart_alone_in_french(page, release_id: str) -> None:
    page.goto("/indicator/lfpr_national?countries=KEN,BGD&lang=fr")
    page.get_by_text("Femmes et hommes", exact=True).click()
    caption = page.locator("#indicator-chart-caption")
    expect(caption).to_contain_text("pour les femmes (trait plein) et les hommes (tirets)")
    expect(caption).to_contain_text(re.compile(r"Kenya en \d{4} : femmes [\d,]+, hommes [\d,]+, écart -?[\d,]+"))
    expect(page).to_have_url(re.compile(r"sex=both"))
    expect(page.locator("#indicator-chart .legend")).to_contain_text("Bangladesh : Hommes")
    screenshot(page, "journey-indicator-women-men-fr")
    share = page.locator("#indicator-share")
    expect(share).to_have_attribute(
        "href", re.compile(rf"release={release_id}.*view=chart|view=chart.*release={release_id}")
    )
    share.click()
    page.wait_for_url(re.compile(r"view=chart"))
    expect(page.locator("#indicator-chart-alone-page h1")).to_have_text(
        "Taux d'activité, 15 ans et plus, par sexe (enquêtes nationales)"
    )
    expect(page.locator("#indicator-chart-caption")).to_contain_text("Bangladesh en")
    expect(page.locator("#indicator-chart-alone-page")).to_contain_text(f"Version {release_id} (épinglée")
    assert page.locator("#indicator-year-slider").count() == 0, "the chart alone, without the page's controls"
    screenshot(page, "journey-indicator-chart-alone-fr")
    page.locator("#indicator-full-page").click()
    expect(page.locator("#indicator-sex input[value=both]")).to_be_checked()


def test_the_indicator_table_leads_to_a_profile_in_spanish(page) -> None:
    page.goto("/indicator/female_lfpr?tab=table&lang=es")
    country_filter = page.locator("#indicator-table th.dash-filter[data-dash-column='country_link'] input[type=text]")
    country_filter.fill("Jord")
    country_filter.press("Enter")
    link = page.locator("#indicator-table a", has_text="Jordania")
    expect(link).to_have_attribute("href", "/country/JOR?lang=es")
    link.click()
    page.wait_for_url(re.compile(r"/country/JOR\?lang=es$"))
    expect(page.locator(".country-page h1").first).to_contain_text("Jordania (JOR)", timeout=30000)


def test_the_map_of_women_and_men_is_coloured_by_the_gap_in_french(page) -> None:
    page.goto("/indicator/lfpr_national?tab=map&sex=both&lang=fr")
    page.locator("#indicator-map path.choroplethlocation").nth(150).wait_for(state="attached")
    legend = page.locator("#indicator-map-gap-legend")
    expect(legend).to_contain_text("Coloré selon l’écart, la valeur des femmes moins celle des hommes")
    expect(page.locator("#indicator-map-caption")).to_contain_text(
        re.compile(r"valeur des femmes plus élevée dans \d+ pays, celle des hommes dans \d+, .*sans données")
    )
    expect(page.locator("#indicator-map .colorbar")).to_contain_text("Hommes au-dessus")
    expect(page.locator("#indicator-map .colorbar")).to_contain_text("Écart, points de pourcentage")
    page.locator("#indicator-map").scroll_into_view_if_needed()
    screenshot(page, "journey-indicator-gap-map-fr")
    page.locator("#indicator-sex input[value=male]").check()  # one sex again: its values, no gap legend
    expect(legend).to_have_text("")
    expect(page.locator("#indicator-map .colorbar")).not_to_contain_text("Hommes au-dessus")
