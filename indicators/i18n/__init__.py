"""Translations of the registry's texts (indicator titles, definitions, caveats, category labels and units; areas,
principles and their gists, guidelines, themes; the framework note, the methodology notes and the sources' notes;
the names of the areas CLDR cannot name) as data: `<lang>.yaml` beside this file, keyed by indicator id, principle
number, area numeral, theme id, source id and ISO3 code.

English stays in the registry (indicators/registry/*.yaml, indicators/framework.yaml); a text with no translation
is shown in English. tests/i18n checks that every English text has its translation in each language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
LANGS = ("es", "fr")  # English is the registry itself
# (section, fields) of the translation files; categories and units are mappings of their own.
SECTIONS = {
    "indicators": ("title", "description", "caveat"),
    "principles": ("title", "gist"),
    "areas": ("title",),
    "guidelines": ("gist",),
    "themes": ("title", "description", "caveat"),
    "framework": ("title", "note"),
    "methodology_notes": (),
    "sources": ("note",),  # titles, publishers and citations stay as published
}


@lru_cache(maxsize=len(LANGS))
def texts(lang: str) -> dict[str, Any]:
    """The translation file of a language as a mapping ({} for English or an unknown language)."""
    path = HERE / f"{lang}.yaml"
    if lang not in LANGS or not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {section: {str(k): v for k, v in (values or {}).items()} for section, values in data.items()}


def text(lang: str, section: str, key: object, field: str | None = None) -> str | None:
    """One translated text: text("es", "indicators", "female_lfpr", "title"); None when there is none."""
    entry = texts(lang).get(section, {}).get(str(key))
    if field is not None:
        entry = entry.get(field) if isinstance(entry, dict) else None
    return entry if isinstance(entry, str) and entry.strip() else None


def category(lang: str, indicator_id: str, code: str) -> str | None:
    """The label of one category of an indicator's table (by its code), translated; None when there is none."""
    entry = texts(lang).get("indicators", {}).get(indicator_id)
    labels = entry.get("categories") if isinstance(entry, dict) else None
    label = (labels or {}).get(str(code)) if isinstance(labels, dict) else None
    if label is None and isinstance(labels, dict):  # YAML may read a code such as 1 as an integer
        label = {str(k): v for k, v in labels.items()}.get(str(code))
    return label if isinstance(label, str) else None


def unit(lang: str, english: str) -> str | None:
    found = texts(lang).get("units", {}).get(english)
    return found if isinstance(found, str) else None


def group(lang: str, english: str) -> str | None:
    """A UN region or sub-region, or an income group, by its English name."""
    found = texts(lang).get("groups", {}).get(english)
    return found if isinstance(found, str) else None
