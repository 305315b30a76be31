"""What `/compare` can be asked for and what a URL (?countries=, ?group=, ?theme=) asks it for: the release's
countries and groups named in the reader's language (over dashboard.queries.compare's reference), the selection
resolved against them with what was set aside and why (in words), and the query a shared link carries.

(A leading underscore keeps Dash Pages from taking this module for a page.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

from dashboard.i18n import DEFAULT, PARAM, current_lang, group_text, t
from dashboard.i18n.names import names, sort_key
from dashboard.memo import per_release_in_language
from dashboard.queries import compare as q
from dashboard.queries.search import search_texts

DEFAULT_COUNTRIES = ("MEX", "PHL", "GHA")
MAX_EXPLICIT = 60  # countries named one by one in a URL


@dataclass(frozen=True)
class Selection:
    countries: tuple[str, ...]  # known countries named one by one
    group: q.Group | None
    theme: str | None  # None = every theme
    unknown: tuple[str, ...] = ()  # codes that are not countries of this release
    aggregates: tuple[str, ...] = ()  # codes with no scorecard: aggregates, uninhabited and historical areas
    problems: tuple[str, ...] = ()  # other things in the URL that were set aside, in words
    default: bool = False  # nothing asked: the default trio is shown

    @property
    def members(self) -> tuple[str, ...]:
        """Countries named, then the group's members, each once."""
        return tuple(dict.fromkeys(self.countries + (self.group.members if self.group else ())))


def reference(release: str | None = None) -> q.Reference:
    """Country names (in the reader's language), aggregates and built-in groups of the release."""
    ref = q.reference(release)
    local = names(release)
    if not local:
        return ref
    return replace(ref, names={code: local.get(code, name) for code, name in ref.names.items()})


@per_release_in_language
def country_options(release: str | None = None) -> list[dict[str, str]]:
    """Every country as a dropdown option, "Name (ISO3)" in the alphabetical order of the reader's language; kept
    per release and language (250 names sorted by an accent-blind key per request cost more than the heat map)."""
    texts = search_texts(release)  # every name and code a country is found by, for the browser's own filter
    return [
        {"label": f"{name} ({code})", "value": code, "search": texts.get(code, "")}
        for code, name in sorted(reference(release).names.items(), key=lambda x: sort_key(x[1]))
    ]


def group_label(group: q.Group) -> str:
    """A group as its option reads, in the reader's language: "UN region: Americas (35 countries)"."""
    kind = t(f"compare.kind.{group.kind}")
    if group.named is not None:
        return t("compare.group_label", kind=kind, name=group.named.title(current_lang()), n=len(group.members))
    name = group.name if group.kind == q.USER_KIND else group_text(group.name)
    return t("compare.group_label", kind=kind, name=name, n=len(group.members))


def parse_codes(text: str | Iterable[str] | None) -> list[str]:
    """Upper-case codes from 'MEX,PHL gha' or a list, in order, each once."""
    parts = re.split(r"[\s,;]+", text) if isinstance(text, str) else list(text or [])
    return list(dict.fromkeys(p.strip().upper() for p in parts if p and p.strip()))


def _sort_codes(codes: Iterable[str], ref: q.Reference) -> tuple[list[str], list[str], list[str]]:
    known: list[str] = []
    aggregates: list[str] = []
    unknown: list[str] = []
    for code in codes:
        no_card = code in ref.aggregates or code in ref.unscored
        (known if code in ref.names else aggregates if no_card else unknown).append(code)
    return known, aggregates, unknown


def parse_group(value: str | None, ref: q.Reference) -> tuple[q.Group | None, list[str], list[str], list[str]]:
    """(group, aggregate codes, unknown codes, problems) of ?group=: a built-in group's name (any case) or
    name:ISO3,ISO3,... for a group of the reader's own."""
    text = (value or "").strip()
    if not text:
        return None, [], [], []
    if ":" not in text:
        group = ref.groups.get(text.casefold())
        return (group, [], [], []) if group else (None, [], [], [t("compare.no_group", name=text[:60])])
    name, _, codes = text.partition(":")
    name = " ".join(name.split())[:40] or t("compare.my_group")
    known, aggregates, unknown = _sort_codes(parse_codes(codes)[:MAX_EXPLICIT], ref)
    if not known:
        return None, aggregates, unknown, [t("compare.empty_group", name=name)]
    return q.Group(q.USER_KIND, name, tuple(known)), aggregates, unknown, []


def resolve(countries_text: str | Iterable[str] | None, group_value: str | None, theme: str | None,
            ref: q.Reference, theme_ids: Iterable[str], allow_default: bool = True) -> Selection:  # fmt: skip
    """The selection a URL or the controls ask for; what cannot be used is named, never silently dropped.
    A URL with neither countries nor a group gets DEFAULT_COUNTRIES (allow_default: the controls cleared on
    purpose get nothing)."""
    codes = parse_codes(countries_text)
    known, aggregates, unknown = _sort_codes(codes[:MAX_EXPLICIT], ref)
    problems = [t("compare.only_first", n=MAX_EXPLICIT)] if len(codes) > MAX_EXPLICIT else []
    group, g_aggregates, g_unknown, g_problems = parse_group(group_value, ref)
    theme_id, theme_problems = _theme(theme, theme_ids)
    default = allow_default and not codes and not (group_value or "").strip()
    return Selection(
        countries=DEFAULT_COUNTRIES if default else tuple(known),
        group=group,
        theme=theme_id,
        unknown=tuple(unknown + [c for c in g_unknown if c not in unknown]),
        aggregates=tuple(aggregates + [c for c in g_aggregates if c not in aggregates]),
        problems=tuple(problems + g_problems + theme_problems),
        default=default,
    )


def _theme(theme: str | None, theme_ids: Iterable[str]) -> tuple[str | None, list[str]]:
    text = (theme or "").strip()
    if text in ("", "all") or text in set(theme_ids):
        return text if text not in ("", "all") else None, []
    return None, [t("compare.no_theme", name=text[:40])]


def query_string(selection: Selection) -> str:
    """The URL query of a selection (what a shared link carries)."""
    params = {"countries": ",".join(selection.countries), "group": selection.group.value if selection.group else "",
              "theme": selection.theme or ""}  # fmt: skip
    kept = {k: v for k, v in params.items() if v} | ({PARAM: current_lang()} if current_lang() != DEFAULT else {})
    return "?" + urlencode(kept, safe=":,", quote_via=quote) if kept else ""
