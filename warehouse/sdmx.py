"""A release in; its SDMX structure out: the agency, the dataflow DF_LMM_OBSERVATIONS, its data structure definition
and a codelist for every coded dimension, attribute and categorical value, with English, Spanish and French names.

Everything is read from the release (indicators, categories, countries, sources, the units and codes its values use)
and the registry's translations (indicators/i18n); nothing is written by hand but the few codes SDMX itself fixes
(CL_SEX, CL_OBS_STATUS, CL_UNIT_MULT, `_Z`), which keep the SDMX global codelists' codes. warehouse/sdmx_xml.py
writes this as SDMX-ML 2.1, warehouse/sdmx_csv.py the observations as SDMX-CSV 2.0.

Categorical values (category tables, event statuses) are coded with one codelist per indicator, CL_<INDICATOR>,
holding the registry's own codes ("3", "full", "in_force"): the same code means different things in different
indicators ("yes", "none", "0"), their labels and translations are per indicator, and OBS_VALUE keeps the code the
tidy files, the scores and the stewards' templates use. The INDICATOR code names its value codelist in an annotation
(LMM_OBS_VALUE_CODELIST).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb
import pandas as pd

from indicators import i18n
from indicators.levels import format_code
from warehouse.read import release_info
from warehouse.safe_csv import FORMULA_PREFIXES

AGENCY = "LMM"
AGENCY_NAME = "Labour Migration Policy Monitor"
DATAFLOW = "DF_LMM_OBSERVATIONS"
DSD = "DSD_LMM_OBSERVATIONS"
CONCEPT_SCHEME = "CS_LMM"
LANGS = ("en", "es", "fr")
CODED_TYPES = ("categorical", "ordinal", "event")
SDMX_ID = re.compile(r"^[A-Za-z0-9_@$\-]+$")  # IDType of SDMX-ML 2.1
NOT_APPLICABLE = "_Z"  # SDMX's generic code for "not applicable" (no partner country)
VALUE_CODELIST = "LMM_OBS_VALUE_CODELIST"  # annotation of an INDICATOR code: the codelist of its OBS_VALUE codes
# Units SDMX unit codelists code the same way: percent, and US dollars with a unit multiplier (6 = millions).
UNIT_CODES = {"%": ("PT", "0"), "US$ million": ("USD", "6")}
UNIT_NAMES = {"USD": {"en": "US$", "es": "US$", "fr": "US$"}}
SEX_CODES = {"total": "_T", "female": "F", "male": "M"}


@dataclass(frozen=True)
class Code:
    id: str
    names: dict[str, str]  # language -> name
    descriptions: dict[str, str] = field(default_factory=dict)
    annotations: tuple[tuple[str, str], ...] = ()  # (type, title)


@dataclass(frozen=True)
class Codelist:
    id: str
    names: dict[str, str]
    codes: tuple[Code, ...]
    description: str = ""


@dataclass(frozen=True)
class Structure:
    """The SDMX structure of one release, and the lookups that code its rows the same way."""

    release_id: str
    created_at: str
    version: str
    codelists: dict[str, Codelist]
    value_codes: dict[str, dict[str, str]]  # coded indicator -> {code: English label} (registry table or data)
    kinds: dict[str, str]  # indicator -> type
    indicator_units: dict[str, str]  # indicator -> its unit (an event row's unit: its list's "ratification status")
    units: dict[str, tuple[str, str]]  # unit as written -> (UNIT_MEASURE code, UNIT_MULT code)

    @property
    def structure_id(self) -> str:
        return f"{AGENCY}:{DATAFLOW}({self.version})"

    def value_codelist(self, indicator_id: str) -> str | None:
        return value_codelist_id(indicator_id) if indicator_id in self.value_codes else None


# The codes SDMX itself defines (SDMX global codelists CL_SEX 2.1, CL_OBS_STATUS 2.2, CL_UNIT_MULT 1.1, CL_AREA's
# _Z), with their English names; Spanish and French as statistics offices name them.
SDMX_CODES: dict[str, tuple[str, str, dict[str, dict[str, str]]]] = {
    "CL_SEX": ("Sex", "SDMX:CL_SEX(2.1)", {
        "_T": {"en": "Total", "es": "Total", "fr": "Total"},
        "F": {"en": "Female", "es": "Mujeres", "fr": "Femmes"},
        "M": {"en": "Male", "es": "Hombres", "fr": "Hommes"},
    }),
    "CL_OBS_STATUS": ("Observation status", "SDMX:CL_OBS_STATUS(2.2)", {
        "A": {"en": "Normal value", "es": "Valor normal", "fr": "Valeur normale"},
        "E": {"en": "Estimated value", "es": "Valor estimado", "fr": "Valeur estimée"},
    }),
    "CL_UNIT_MULT": ("Unit multiplier", "SDMX:CL_UNIT_MULT(1.1)", {
        "0": {"en": "Units", "es": "Unidades", "fr": "Unités"},
        "6": {"en": "Millions", "es": "Millones", "fr": "Millions"},
    }),
}  # fmt: skip
NOT_APPLICABLE_NAMES = {"en": "Not applicable", "es": "No aplicable", "fr": "Sans objet"}


def value_codelist_id(indicator_id: str) -> str:
    return "CL_" + indicator_id.upper()


def build_structure(cur: duckdb.DuckDBPyConnection, release_id: str) -> Structure:
    """The structure of the release `cur` reads."""
    info = release_info(cur)
    version = str(info["methodology_version"])
    indicators = cur.execute(
        "SELECT indicator_id, title, description, unit, type FROM indicators ORDER BY indicator_id"
    ).df()
    kinds = dict(zip(indicators["indicator_id"], indicators["type"], strict=True))
    value_codes = _value_codes(cur, kinds)
    units = _units(cur)
    codelists = [
        _indicator_codelist(indicators, value_codes, version),
        _area_codelist(cur),
        *(_sdmx_codelist(name) for name in SDMX_CODES),
        _unit_codelist(units),
        _source_codelist(cur),
        *(_value_codelist(ind, codes) for ind, codes in value_codes.items()),
    ]
    check_ids(codelists)
    return Structure(
        release_id=release_id,
        created_at=str(info["created_at"]),
        version=version,
        codelists={c.id: c for c in codelists},
        value_codes=value_codes,
        kinds=kinds,
        indicator_units=dict(zip(indicators["indicator_id"], indicators["unit"], strict=True)),
        units=units,
    )


def check_ids(codelists: list[Codelist]) -> None:
    """Every code is an SDMX ID (not starting like a spreadsheet formula), once per codelist; the message names the
    offending codes."""
    for codelist in codelists:
        ids = [code.id for code in codelist.codes]
        bad = [i for i in ids if not SDMX_ID.match(i) or i.startswith(FORMULA_PREFIXES)]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if bad or twice:
            raise ValueError(f"{codelist.id}: codes that are not SDMX IDs {bad[:10]}, codes given twice {twice[:10]}")


def _names(english: str, translate) -> dict[str, str]:
    """{"en": english, "es": ..., "fr": ...} with the translations that exist (`translate(lang)` -> text or None)."""
    names = {"en": english}
    for lang in LANGS[1:]:
        text = translate(lang)
        if text:
            names[lang] = text
    return names


def _indicator_codelist(indicators: pd.DataFrame, value_codes: dict[str, dict[str, str]], version: str) -> Codelist:
    codes = []
    for row in indicators.itertuples(index=False):
        notes: list[tuple[str, str]] = [("LMM_INDICATOR_TYPE", row.type), ("LMM_UNIT", row.unit)]
        if row.indicator_id in value_codes:
            notes.append((VALUE_CODELIST, f"{AGENCY}:{value_codelist_id(row.indicator_id)}({version})"))
        codes.append(Code(
            row.indicator_id,
            _names(row.title, lambda lang, i=row.indicator_id: i18n.text(lang, "indicators", i, "title")),
            _names(row.description, lambda lang, i=row.indicator_id: i18n.text(lang, "indicators", i, "description"))
            if row.description
            else {},
            tuple(notes),
        ))  # fmt: skip
    about = "The registry's indicators (ids as in the tidy files); LMM_OBS_VALUE_CODELIST names a coded one's values."
    return Codelist("CL_INDICATOR", {"en": "Indicators"}, tuple(codes), about)


def _area_codelist(cur: duckdb.DuckDBPyConnection) -> Codelist:
    rows = cur.execute(
        "SELECT iso3, iso2, m49, name, is_aggregate, coalesce(area_kind, aggregate_kind) AS kind FROM countries "
        "ORDER BY is_aggregate, iso3"
    ).fetchall()
    codes = [_area_code(*row) for row in rows]
    codes.append(Code(NOT_APPLICABLE, dict(NOT_APPLICABLE_NAMES)))
    return Codelist("CL_AREA", {"en": "Areas"}, tuple(codes), "ISO 3166-1 alpha-3 codes for countries and territories "
                    "(ISO 3166-3 codes for historical areas: SCG, YUG, SUN, CSK, DDR); aggregates as the World Bank "
                    "codes them or M + their UN M49 code; _Z not applicable (SDMX). Annotations ISO2 and M49 give "
                    "the alpha-2 and numeric codes (SDMX CL_AREA, UN SDG REF_AREA).")  # fmt: skip


def _area_code(iso3: str, iso2: str | None, m49: int | None, name: str, aggregate: bool, kind: str | None) -> Code:
    notes = [("ISO2", iso2)] if iso2 else []
    if m49 is not None and not pd.isna(m49):
        notes.append(("M49", f"{int(m49):03d}"))
    if kind:
        notes.append(("LMM_AREA_KIND", kind))
    if aggregate:
        names = _names(name, lambda lang: i18n.group(lang, name))
    else:
        names = _names(name, lambda lang: _territories(lang).get(iso2 or ""))
    return Code(iso3, names, annotations=tuple(notes))


@lru_cache(maxsize=4)
def _territories(lang: str) -> dict[str, str]:
    """CLDR's country names (Babel) by ISO alpha-2 code, as the dashboard shows them."""
    from babel import Locale

    return dict(Locale.parse(lang).territories)


def _sdmx_codelist(codelist_id: str) -> Codelist:
    name, origin, codes = SDMX_CODES[codelist_id]
    return Codelist(codelist_id, {"en": name},
                    tuple(Code(code, dict(names)) for code, names in codes.items()),
                    f"The codes of {origin} this dataflow uses, with their meaning.")  # fmt: skip


def _units(cur: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """Every unit of the release's indicators and observations -> (UNIT_MEASURE code, UNIT_MULT code)."""
    rows = cur.execute("SELECT unit FROM indicators UNION SELECT unit FROM observations ORDER BY 1").fetchall()
    units = {unit: UNIT_CODES[unit] if unit in UNIT_CODES else (slug(unit), "0") for (unit,) in rows if unit}
    codes = [code for code, _ in units.values()]
    clashes = sorted({u for u, (c, _) in units.items() if codes.count(c) > 1})
    if clashes:
        raise ValueError(f"units sharing one UNIT_MEASURE code: {clashes}")
    return units


def slug(text: str) -> str:
    """An SDMX code from words: "months of earnings" -> "MONTHS_OF_EARNINGS"."""
    code = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()
    if not code:
        raise ValueError(f"no SDMX code can be made from {text!r}")
    return code


def _unit_codelist(units: dict[str, tuple[str, str]]) -> Codelist:
    codes = []
    for unit, (code, _) in sorted(units.items(), key=lambda pair: pair[1][0]):
        names = UNIT_NAMES.get(code) or _names(unit, lambda lang, u=unit: i18n.unit(lang, u))
        codes.append(Code(code, dict(names)))
    return Codelist("CL_UNIT_MEASURE", {"en": "Units of measure"}, tuple(codes), "The registry's units; PT (percent) "
                    "and USD (US dollars, with UNIT_MULT 6 for millions) as SDMX unit codelists code them.")  # fmt: skip


def _source_codelist(cur: duckdb.DuckDBPyConnection) -> Codelist:
    rows = cur.execute("SELECT source_id, title, publisher FROM sources ORDER BY source_id").fetchall()
    codes = tuple(Code(sid, {"en": title}, {"en": publisher} if publisher else {}) for sid, title, publisher in rows)
    return Codelist("CL_SOURCE", {"en": "Sources"}, codes, "Source ids as in sources.csv (licence and citation there).")


def _value_codes(cur: duckdb.DuckDBPyConnection, kinds: dict[str, str]) -> dict[str, dict[str, str]]:
    """Coded indicator -> {code: English label}: the release's category table, else the codes its values use."""
    tables: dict[str, dict[str, str]] = {}
    for ind, code, label in cur.execute("SELECT indicator_id, code, label FROM categories ORDER BY indicator_id, "
                                        "position").fetchall():  # fmt: skip
        tables.setdefault(ind, {})[code] = label
    untabled = sorted(i for i, kind in kinds.items() if kind in CODED_TYPES and i not in tables)
    used = cur.execute(
        "SELECT DISTINCT indicator_id, value, value_label FROM observations WHERE list_contains($ids, indicator_id) "
        "UNION SELECT DISTINCT indicator_id, NULL, status FROM events WHERE list_contains($ids, indicator_id) "
        "ORDER BY ALL",
        {"ids": untabled},
    ).fetchall()
    for ind, value, label in used:
        code = value_code(None, value, label)
        name = str(label) if label and label != code else code.replace("_", " ").capitalize()  # in_force: In force
        tables.setdefault(ind, {}).setdefault(code, name)
    return tables


def value_code(table: dict[str, str] | None, value: object, label: object) -> str:
    """The code of a categorical value, as the scores resolve it (indicators.release._resolve_code): the label as a
    code or a label of the table, then the value; without a table the value, else the label (an event status such
    as "in_force" as it is, words such as "High income" made a code)."""
    candidates = [c for c in (label, value) if c is not None and not pd.isna(c)]  # type: ignore[call-overload]
    if table:
        by_label = {text.casefold(): code for code, text in table.items()}
        for candidate in candidates:
            text = format_code(candidate)
            found = text if text in table else by_label.get(text.casefold())
            if found is not None:
                return found
        raise ValueError(f"category {[format_code(c) for c in candidates]} is not in the table {list(table)}")
    if value is not None and not pd.isna(value):  # type: ignore[call-overload]
        return format_code(value)
    if not candidates:
        raise ValueError("a categorical value with neither a value nor a label")
    text = str(candidates[0]).strip()
    return text if SDMX_ID.match(text) and not text.startswith(FORMULA_PREFIXES) else slug(text)


def _value_codelist(indicator_id: str, codes: dict[str, str]) -> Codelist:
    items = []
    for code, label in codes.items():
        items.append(Code(code, _names(label, lambda lang, c=code, lab=label: i18n.category(lang, indicator_id, c)
                                       or i18n.group(lang, lab))))  # fmt: skip
    return Codelist(value_codelist_id(indicator_id), {"en": f"Values of {indicator_id}"}, tuple(items),
                    f"OBS_VALUE codes of the indicator {indicator_id} (categories.csv for their scores).")  # fmt: skip
