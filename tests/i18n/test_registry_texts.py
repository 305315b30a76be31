"""The registry's texts in Spanish and French (indicators/i18n/<lang>.yaml): every English title, definition,
caveat, category label and unit; every principle, area, guideline and theme; the framework note, the methodology
notes and the sources' notes. English stays in the registry; a text added there without its translations fails
here."""

from __future__ import annotations

import pytest

from indicators import i18n
from indicators.registry import load_registry

LANGS = ("es", "fr")


def missing(lang: str) -> list[tuple[str, ...]]:
    registry = load_registry()
    gaps: list[tuple[str, ...]] = []
    for ind in registry.indicators.values():
        gaps += [(ind.id, f) for f in ("title", "description", "caveat") if getattr(ind, f) and not i18n.text(lang, "indicators", ind.id, f)]  # fmt: skip
        gaps += [(ind.id, "category", c.code) for c in ind.categories if not i18n.category(lang, ind.id, c.code)]
        if not i18n.unit(lang, ind.unit):
            gaps.append(("unit", ind.unit))
    for number in registry.principles:
        fields = ("title", "gist", "would_measure") if registry.principles[number].would_measure else ("title", "gist")
        gaps += [("principle", str(number), f) for f in fields if not i18n.text(lang, "principles", number, f)]
    gaps += [("area", a) for a in registry.areas if not i18n.text(lang, "areas", a, "title")]
    gaps += [("guideline", g) for g in registry.extra.get("guidelines", {}) if not i18n.text(lang, "guidelines", g, "gist")]  # type: ignore[union-attr]  # fmt: skip
    for theme in registry.themes.values():
        gaps += [("theme", theme.id, f) for f in ("title", "description", "caveat") if getattr(theme, f) and not i18n.text(lang, "themes", theme.id, f)]  # fmt: skip
    notes = [*dict(registry.extra.get("methodology_notes") or {}), "entry_into_force", "trend_rule"]  # type: ignore[call-overload]
    gaps += [("note", n) for n in notes if not i18n.text(lang, "methodology_notes", n)]
    gaps += [("framework", f) for f in ("title", "note") if not i18n.text(lang, "framework", f)]
    gaps += [("source", s.id) for s in registry.sources.values() if s.note and not i18n.text(lang, "sources", s.id, "note")]  # fmt: skip
    return gaps


@pytest.mark.parametrize("lang", LANGS)
def test_every_registry_text_is_translated(lang: str) -> None:
    assert missing(lang) == [], f"indicators/i18n/{lang}.yaml lacks translations"


@pytest.mark.parametrize("lang", LANGS)
def test_no_translation_for_something_the_registry_does_not_have(lang: str) -> None:
    registry, texts = load_registry(), i18n.texts(lang)
    assert set(texts["indicators"]) <= set(registry.indicators), "translations of indicators no longer registered"
    assert set(texts["principles"]) == {str(n) for n in registry.principles}
    assert set(texts["themes"]) == set(registry.themes) and set(texts["areas"]) == set(registry.areas)
    assert set(texts["sources"]) <= set(registry.sources), "translations of sources no longer registered"
    for ind_id, entry in texts["indicators"].items():
        codes = {c.code for c in registry.indicators[ind_id].categories}
        if codes:  # an indicator shown with its publisher's labels (no table) may translate those by code
            assert set(map(str, (entry.get("categories") or {}))) <= codes, f"{lang}: {ind_id} translates unknown codes"


def test_every_region_and_income_group_of_the_release_has_a_name(release_id: str) -> None:
    from warehouse.connection import cursor

    _, cur = cursor(release_id)
    groups = {g for (g,) in cur.execute('SELECT DISTINCT "group" FROM peer_stats').fetchall()}
    groups |= {g for (g,) in cur.execute("SELECT DISTINCT income_group FROM countries WHERE income_group IS NOT NULL").fetchall()}  # fmt: skip
    for lang in LANGS:
        assert not [g for g in groups if not i18n.group(lang, g)], f"{lang}: regions or income groups without a name"


def test_every_area_of_the_release_has_a_name_in_each_language(release_id: str) -> None:
    """CLDR names areas by ISO2; the release has none for the USSR, Yugoslavia, Czechoslovakia, the GDR, Serbia and
    Montenegro, the Channel Islands and Kosovo, which the registry's translations name."""
    from dashboard.i18n import use_lang
    from dashboard.i18n.names import names
    from warehouse.connection import cursor

    _, cur = cursor(release_id)
    areas = {code for (code,) in cur.execute("SELECT iso3 FROM countries WHERE NOT is_aggregate").fetchall()}
    for lang in LANGS:
        with use_lang(lang):
            named = names(release_id)
        assert areas <= set(named), f"{lang}: areas without a name {sorted(areas - set(named))}"
    with use_lang("fr"):
        assert names(release_id)["SUN"] == "URSS (Union soviétique)" and names(release_id)["DEU"] == "Allemagne"


def test_the_pages_show_the_translation() -> None:
    from dashboard.i18n import category_text, ind_text, principle_text, use_lang

    with use_lang("es"):
        assert ind_text("female_lfpr", "title", "x").startswith("Tasa de participación de las mujeres")
        assert principle_text(13, "title", "x") == "Servicios de contratación y colocación"
        assert category_text("ilo_c097", "in_force", "x") == "Ratificado, en vigor"
    with use_lang("fr"):
        assert category_text("external_voting", "yes", "x") == "Les citoyens à l'étranger peuvent voter"
    assert ind_text("female_lfpr", "title", "English") == "English"  # English: the registry's own words
