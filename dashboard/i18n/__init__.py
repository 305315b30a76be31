"""Interface language: `t(key, lang, **params)` over the catalogues en.yaml / es.yaml / fr.yaml beside this file,
the language of a request (`current_lang()`), and numbers and dates written the way the language writes them.

The language comes from the URL (`?lang=es`), is remembered in a cookie, and is carried on internal links (by the
header's links and assets/i18n.js). Dash callbacks are POSTs without the page's query: they read the language from
the page address the browser names as Referer, then from the cookie. Outside a request the language is English
unless `use_lang` says otherwise (tests, the CLI), so English text never changes for callers that pass no language.
A translator edits only the YAML files; `tests/i18n` fails when a key is missing in a language, unused in the code,
or has other {placeholders} than the English text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import yaml
from flask import g, has_request_context, request

HERE = Path(__file__).resolve().parent
LANGS = ("en", "es", "fr")
DEFAULT = "en"
NAMES = {"en": "English", "es": "Español", "fr": "Français"}  # each language's name in itself (the switcher)
COOKIE = "lmm_lang"
PARAM = "lang"
_override: ContextVar[str | None] = ContextVar("lmm_lang", default=None)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@lru_cache(maxsize=len(LANGS))
def catalogue(lang: str) -> dict[str, str]:
    """Every key of a language as dotted names ("country.tile.no_data") -> text."""
    data = yaml.safe_load((HERE / f"{lang}.yaml").read_text(encoding="utf-8")) or {}
    return _flatten(data)


def normalise(lang: object) -> str | None:
    """'es', 'ES', 'es-MX', ['fr'] -> the supported code; None for anything else."""
    if isinstance(lang, list | tuple):
        lang = lang[-1] if lang else None
    code = str(lang or "").strip().lower()[:2]
    return code if code in LANGS else None


def _from_request() -> str | None:
    """?lang= of the request, else of the page that sent it (Dash callbacks), else the remembered choice."""
    if not has_request_context():
        return None
    cached = g.get("lmm_lang")
    if cached:
        return cached
    lang = normalise(request.args.get(PARAM))
    if lang is None and request.referrer and request.path.startswith("/_dash"):
        lang = normalise(dict(parse_qsl(urlsplit(request.referrer).query)).get(PARAM))
    lang = lang or normalise(request.cookies.get(COOKIE)) or DEFAULT
    g.lmm_lang = lang
    return lang


def current_lang() -> str:
    """The language of this request (or of `use_lang`); English outside a request."""
    return _override.get() or _from_request() or DEFAULT


@contextlib.contextmanager
def use_lang(lang: str | None) -> Iterator[str]:
    """Render in `lang` inside the block (tests, memoised queries, downloads), whatever the request says."""
    chosen = normalise(lang) or DEFAULT
    token = _override.set(chosen)
    try:
        yield chosen
    finally:
        _override.reset(token)


def t(key: str, lang: str | None = None, /, **params: Any) -> str:
    """The text of `key` in `lang` (default: the current language), with {placeholders} filled from `params`.
    A key missing in a translation falls back to English; a key missing in English raises KeyError."""
    code = current_lang() if lang is None else normalise(lang) or current_lang()  # None: thousands of calls a page
    text = catalogue(code).get(key)
    if text is None:
        text = catalogue(DEFAULT)[key]
    return text.format(**params) if params else text


def parts(key: str, lang: str | None = None, /, **values: Any) -> list[Any]:
    """A text with components in it: parts("indicator.no_id", code=html.Code(x)) -> ["There is no ... id ",
    Code(x), " in this dashboard."]; the translation may move {code} anywhere in the sentence."""
    code = normalise(lang) or current_lang()
    text = catalogue(code).get(key) or catalogue(DEFAULT)[key]
    out: list[Any] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        out.append(text[position : match.start()])
        value = values[match.group(1)]
        out.append(str(value) if isinstance(value, int | float) else value)
        position = match.end()
    out.append(text[position:])
    return [part for part in out if not (isinstance(part, str) and part == "")]


def plural(count: float | int | None, one: str, other: str, lang: str | None = None, /, **params: Any) -> str:
    """The text of key `one` or `other` as the language's plural rule (CLDR, Babel) takes `count`: 1 takes `one` in
    every language, 0 takes it in French too ("0 ligne"), everything else `other` ("2 lignes", "0 rows")."""
    code = normalise(lang) or current_lang()
    form = "other" if count is None else _plural_form(code, count)
    return t(one if form == "one" else other, code, **params)


@lru_cache(maxsize=64)
def _plural_form(code: str, count: float | int) -> str:
    from babel import Locale

    return str(Locale.parse(code).plural_form(abs(count)))


def has(key: str) -> bool:
    return key in catalogue(DEFAULT)


# --- numbers and dates ------------------------------------------------------------------------------------------


def _babel_locale(lang: str | None) -> str:
    return normalise(lang) or current_lang()


def number(value: float | int, lang: str | None = None, decimals: int | None = None, grouping: bool = True) -> str:
    """A number in the language's digits: 1,234.5 (en), 1.234,5 (es), 1 234,5 (fr). `decimals` fixes the fraction
    digits; None keeps up to 3 decimals as given."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    fractions = (0, 3) if decimals is None else (decimals, decimals)
    return _formatted(value, fractions, _babel_locale(lang), grouping)


@lru_cache(maxsize=65_536)
def _formatted(value: float | int, fractions: tuple[int, int], locale: str, grouping: bool) -> str:
    """Babel's `format_decimal` with the pattern "#,##0.###" ("#,##0.00" for two decimals; without "," when not
    grouping), written here: Babel takes ~100 us a number and a profile asks for ~80 new ones (~8 ms of its ~60).
    The same steps as Babel 2.18's NumberPattern.apply (tests/i18n/test_numbers.py compares the two on thousands of
    values), but a value that rounds to zero has no minus sign (Babel writes -0.0001 as "-0"; the kept answer for 0
    and -0.0, equal keys, was whichever came first); anything else (infinity, digits beyond Decimal's precision) is
    Babel's."""
    try:
        return _decimal_text(Decimal(str(value)), fractions, _symbols(locale), grouping)
    except ArithmeticError:
        return _babel_formatted(value, fractions, locale, grouping)


def _babel_formatted(value: float | int, fractions: tuple[int, int], locale: str, grouping: bool) -> str:
    from babel.numbers import format_decimal

    least, most = fractions
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * least + "#" * (most - least) if most else "")
    return format_decimal(value, format=pattern, locale=locale, group_separator=grouping)


def _decimal_text(value: Decimal, fractions: tuple[int, int], symbols: tuple[str, str, str], grouping: bool) -> str:
    decimal_sign, group_sign, minus = symbols
    if not value.is_finite():
        raise ArithmeticError(value)
    least, most = fractions
    rounded = abs(value).normalize().quantize(Decimal(1).scaleb(-most))  # half to even, in Decimal's context, as Babel
    whole, _, fraction = f"{rounded:f}".partition(".")
    if grouping:
        groups = [whole[max(0, end - 3) : end] for end in range(len(whole), 0, -3)]
        whole = group_sign.join(reversed(groups))
    fraction = (fraction or "0").ljust(least, "0")
    if most == 0 or (least == 0 and int(fraction) == 0):
        fraction = ""
    else:
        fraction = decimal_sign + fraction[:least] + fraction[least:].rstrip("0")
    return (minus if value.is_signed() and rounded else "") + whole + fraction  # never "-0" (Babel's for -0.0001)


@lru_cache(maxsize=16)
def _symbols(locale: str) -> tuple[str, str, str]:
    """(decimal sign, group sign, minus sign) of a locale, as Babel writes them."""
    from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

    return get_decimal_symbol(locale), get_group_symbol(locale), format_decimal(-1, format="0", locale=locale)[:-1]


def percent(share: float, lang: str | None = None, decimals: int = 0) -> str:
    """0.8 -> '80%' (en), '80 %' (es, fr): a share as a percentage."""
    from babel import Locale
    from babel.numbers import format_percent

    code = _babel_locale(lang)
    pattern = Locale.parse(code).percent_formats[None].pattern  # "#,##0%" (en), "#,##0 %" (es, fr)
    if decimals:
        pattern = pattern.replace("0%", "0." + "0" * decimals + "%", 1).replace(
            "0\xa0%", "0." + "0" * decimals + "\xa0%", 1
        )
    return format_percent(share, format=pattern, locale=code)


def date(value: str | dt.date | dt.datetime | None, lang: str | None = None) -> str:
    """A date as the language writes it (the pattern is the catalogue's `format.date`); '' for none."""
    from babel.dates import format_date

    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        day = value.date() if isinstance(value, dt.datetime) else value
    code = _babel_locale(lang)
    return format_date(day, format=t("format.date", code), locale=code)


def datetime(value: str | dt.datetime | None, lang: str | None = None) -> str:
    """'2026-11-28T13:18:49+00:00' -> '2026-11-28 13:18 UTC' (en) / '28/11/2026 13:18 UTC' (es)."""
    from babel.dates import format_datetime

    if not value:
        return ""
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        moment = value
    code = _babel_locale(lang)
    return format_datetime(moment, format=t("format.datetime", code), tzinfo=moment.tzinfo, locale=code) + " UTC"


# --- links ------------------------------------------------------------------------------------------------------


def href(path: str, lang: str | None = None) -> str:
    """An internal link carrying the language (English, the default, adds nothing): '/country/MEX?lang=es'."""
    code = normalise(lang) or current_lang()
    if code == DEFAULT or not path.startswith("/") or path.startswith("//"):
        return path
    base, _, fragment = path.partition("#")
    parts = urlsplit(base)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM] + [(PARAM, code)]
    return f"{parts.path}?{urlencode(query, safe=',:')}" + (f"#{fragment}" if fragment else "")


def switch_href(page_url: str | None, lang: str) -> str:
    """The current page (path, query and hash kept) in another language."""
    parts = urlsplit(page_url or "/")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM] + [(PARAM, lang)]
    return f"{parts.path or '/'}?{urlencode(query, safe=',:')}" + (f"#{parts.fragment}" if parts.fragment else "")


def page_url() -> str:
    """The address of the page being drawn: the request itself, or the page a Dash request comes from."""
    try:
        from flask import has_request_context, request
    except ImportError:  # pragma: no cover
        return "/"
    if not has_request_context():
        return "/"
    if request.path.startswith("/_dash") and request.referrer:
        parts = urlsplit(request.referrer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.full_path.rstrip("?")


def js_strings(lang: str) -> dict[str, str]:
    """The texts assets/i18n.js puts into components Dash draws itself (pager buttons, dropdown controls)."""
    return {k[3:]: v for k, v in catalogue(DEFAULT).items() if k.startswith("js.")} | {
        k[3:]: v for k, v in catalogue(lang).items() if k.startswith("js.")
    }


# --- the registry's texts (indicators/i18n/<lang>.yaml; English stays in the registry) -------------------------


def _registry(section: str, key: object, field: str | None, english: Any) -> Any:
    lang = current_lang()
    if lang == DEFAULT or not isinstance(english, str) or not english:
        return english
    from indicators import i18n

    return i18n.text(lang, section, key, field) or english


def ind_text(indicator_id: object, field: str, english: Any) -> Any:
    """An indicator's title, description or caveat in the reader's language (English when not translated)."""
    return _registry("indicators", indicator_id, field, english)


def principle_text(number: object, field: str, english: Any) -> Any:
    return _registry("principles", int(number) if str(number).isdigit() else number, field, english)  # type: ignore[call-overload]


def theme_text(theme_id: object, field: str, english: Any) -> Any:
    return _registry("themes", theme_id, field, english)


def source_text(source_id: object, field: str, english: Any) -> Any:
    """A source's note in the reader's language (its title, publisher and citation stay as published)."""
    return _registry("sources", source_id, field, english)


def area_text(numeral: object, english: Any) -> Any:
    return _registry("areas", numeral, "title", english)


def guideline_text(guideline: object, english: Any) -> Any:
    return _registry("guidelines", guideline, "gist", english)


def note_text(name: str, english: Any) -> Any:
    """A methodology note (recency, category_scores, events, entry_into_force, trend_rule) in the reader's language."""
    return _registry("methodology_notes", name, None, english)


def framework_text(field: str, english: Any) -> Any:
    """The framework's title or note (the citation stays as published)."""
    return _registry("framework", field, None, english)


def missing_text(item: Mapping[str, Any]) -> str:
    """Why an index indicator has no current score (a scorecard's `missing` item), in words: the `missing.*` keys,
    a date as the language writes it."""
    since = item.get("since")
    return t(f"missing.{item['reason']}", year=item.get("year") or "-", since=date(str(since)) if since else "-",
             label=item.get("category_label") or "-")  # fmt: skip


def category_text(indicator_id: object, code: str, english: str) -> str:
    """A category's label (by indicator and code) in the reader's language."""
    lang = current_lang()
    if lang == DEFAULT:
        return english
    from indicators import i18n

    return i18n.category(lang, str(indicator_id), code) or english


def group_text(name: Any) -> Any:
    """A UN region or sub-region or an income group ("Americas", "Upper middle income") in the reader's language."""
    lang = current_lang()
    if lang == DEFAULT or not isinstance(name, str) or not name:
        return name
    from indicators import i18n

    return i18n.group(lang, name) or name


def unit_text(unit: Any) -> Any:
    """A unit ("months of earnings", "persons") in the reader's language; symbols such as % stay as they are."""
    lang = current_lang()
    if lang == DEFAULT or not isinstance(unit, str) or not unit:
        return unit
    from indicators import i18n

    return i18n.unit(lang, unit) or unit


DROPDOWN_LABELS = ("select_all", "deselect_all", "selected_count", "search", "clear_search", "clear_selection",
                   "no_options_found")  # fmt: skip


def dropdown_labels() -> Any:  # dcc.Dropdown's `labels` (a TypedDict in Dash's hints)
    """The texts dcc.Dropdown draws itself (search box, select all, "3 selected"), in the reader's language."""
    return {name: t(f"dropdown.{name}") for name in DROPDOWN_LABELS}
