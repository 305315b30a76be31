"""The translation files: every key in every language, no key unused or undefined in the code, the same
{placeholders} everywhere, and the registry's texts (titles, definitions, caveats, principles...) in Spanish and
French. A translator edits only YAML; these tests say what is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dashboard.i18n import LANGS, catalogue

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    p for ext in ("py", "html", "js") for p in (ROOT / "dashboard").rglob(f"*.{ext}") if "__pycache__" not in p.parts
]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A key written in full in the code: t("a.b"), parts("a.b", ...), or any quoted "a.b" (dict tables, templates).
QUOTED = re.compile(r"""["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
CALLED = re.compile(r"""\b(?:t|parts)\(\s*["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
# A key built from a code: f"level.{code}" in Python, t("steward.status." ~ s.status) in Jinja: its fixed start.
BUILT = re.compile(r"""\bf["']([a-z][a-z0-9_]*\.[a-z0-9_.]*)\{|\bt\(\s*["']([a-z][a-z0-9_.]*\.)["']\s*~""")


def source_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)


def built_prefixes(text: str) -> set[str]:
    return {python or jinja for python, jinja in BUILT.findall(text)}


def raw(lang: str) -> dict:
    return yaml.safe_load((ROOT / "dashboard" / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8"))


def family(prefix: str) -> set[str]:
    return {k[len(prefix) :] for k in catalogue("en") if k.startswith(prefix) and "." not in k[len(prefix) :]}


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_every_key_as_text(lang: str) -> None:
    english, other = set(catalogue("en")), set(catalogue(lang))
    assert not english - other, f"{lang}.yaml lacks {sorted(english - other)}"
    assert not other - english, f"{lang}.yaml has keys English does not: {sorted(other - english)}"

    def walk(node: dict, path: str) -> None:  # YAML reads on/off/yes/no as booleans: keys and values stay text
        for key, value in node.items():
            assert isinstance(key, str), f"{lang}.yaml: key {key!r} under {path or 'the top'} is not text (quote it)"
            if isinstance(value, dict):
                walk(value, f"{path}.{key}")
            else:
                assert isinstance(value, str) and value.strip(), f"{lang}.yaml: {path}.{key} is empty or not text"

    walk(raw(lang), "")


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_placeholders_are_the_same_as_in_english(lang: str) -> None:
    wrong = {
        key: (sorted(set(PLACEHOLDER.findall(text))), sorted(set(PLACEHOLDER.findall(catalogue(lang)[key]))))
        for key, text in catalogue("en").items()
        if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(catalogue(lang)[key]))
    }
    assert not wrong, f"{lang}.yaml: placeholders differ from English (en, {lang}): {wrong}"


def test_every_key_is_used_in_the_code() -> None:
    text = source_text()
    quoted = set(QUOTED.findall(text))
    built = built_prefixes(text)
    unused = [
        key
        for key in catalogue("en")
        if key not in quoted
        and not any(key.startswith(prefix) for prefix in built)
        and not (key.startswith("js.") and (f'"{key[3:]}"' in text or f"'{key[3:]}'" in text))
    ]
    assert not unused, f"keys no code asks for (remove them or use them): {unused}"


def test_every_key_the_code_asks_for_exists() -> None:
    missing = sorted({key for key in CALLED.findall(source_text()) if key not in catalogue("en")})
    assert not missing, f"t()/parts() ask for keys en.yaml does not have: {missing}"
    prefixes = built_prefixes(source_text())
    empty = sorted(p for p in prefixes if not any(k.startswith(p) for k in catalogue("en")))
    assert not empty, f"keys built from codes with no key in en.yaml: {empty}"


@pytest.fixture(scope="module")
def pages() -> dict:
    """The page modules (register_page needs an app first)."""
    import sys

    import dash

    from dashboard.app import create_app

    create_app()
    return {p["module"].rsplit(".", 1)[-1]: sys.modules[p["module"]] for p in dash.page_registry.values()}


def test_keys_built_from_codes_cover_exactly_the_codes(pages: dict) -> None:
    """Families of keys the code builds from a code (t(f"level.{code}")): one key per code the code can meet."""
    from dashboard.components import provenance, tile
    from dashboard.i18n import DROPDOWN_LABELS
    from dashboard.pages import _framework_view, _indicator_views

    api_docs, country, indicator, sources = (pages[n] for n in ("api_docs", "country", "indicator", "sources"))
    from dashboard.pages._indicator_sexes import BOTH
    from dashboard.queries import compare
    from dashboard.queries.indicator import SEXES
    from indicators.aggregate import QUINTILES
    from indicators.levels import LEVELS, STATUS_LABELS
    from indicators.trend import TREND_LABELS
    from stewards import value_warnings
    from stewards.accounts import ROLES

    expected = {
        "level.": {*LEVELS, *STATUS_LABELS, "context"},
        "trend.": set(TREND_LABELS),
        "status.": set(tile.STATUSES),
        "sex.": {*SEXES, BOTH},
        "provenance.kind.": set(provenance.KINDS),
        "provenance.help.": set(provenance.KINDS),
        "levelmeaning.": set(_framework_view.LEVEL_KEYS),
        "reason.": set(sources.REASONS),
        "reason.short.": set(sources.REASONS),
        "dropdown.": set(DROPDOWN_LABELS),
        "indicator.tab.": set(indicator.TABS),
        "indicator.direction.": set(_indicator_views.DIRECTIONS),
        "indicator.type.": set(_indicator_views.TYPES),
        "indicator.basis.": set(_indicator_views.BASES.values()),
        "country.group.": set(country.GROUPS),
        "compare.kind.": {*compare.GROUP_KINDS, *compare.NAMED_KINDS, compare.USER_KIND},
        "compare.band.": {str(i) for i in range(len(QUINTILES))},
        "api.example.": {key for key, _ in api_docs.EXAMPLES},
        "steward.role.": set(ROLES),
        "steward.status.": {"invalid", "validated", "submitted", "approved", "published", "rejected", "returned"},
        "steward.status_text.": {"invalid", "validated", "submitted", "approved", "published", "rejected", "returned"},
        "signoff.change.": {"new", "same", "changed", "event"},
        "signoff.rule.": set(value_warnings.RULES),
    }
    for prefix, codes in expected.items():
        assert family(prefix) == codes, f"{prefix}*: keys {sorted(family(prefix))}, codes {sorted(codes)}"


def test_english_texts_did_not_change_for_existing_tests() -> None:
    """A few texts the rest of the suite (and readers' bookmarks of CSV headers) rely on."""
    english = catalogue("en")
    assert english["level.green"] == "Achieved" and english["level.not_known"] == "Not known"
    assert english["tile.context"] == "Context: not scored"
    assert english["compare.group_label"] == "{kind}: {name} ({n} countries)"
