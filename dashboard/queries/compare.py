"""SQL of `/compare`: the country list and groups, the latest scored values of chosen countries (with their world
rank among countries with a score, turned into a band by the page) and their time series for small multiples."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, urlencode

import duckdb
import pandas as pd

from dashboard.i18n import DEFAULT, PARAM, current_lang, group_text, t, use_lang
from dashboard.i18n.names import names, sort_key
from dashboard.memo import memo
from warehouse.connection import cursor

Row = dict[str, Any]

_COUNTRIES_SQL = """
SELECT iso3, name, un_region, un_subregion, income_group, is_aggregate
FROM countries ORDER BY name
"""

# Country names and theme titles come from the release-wide tables the page keeps (reference(), themes()): two
# joins fewer per request.
_SCORECARD_SQL = """
SELECT s.indicator_id, i.title, i.theme, i.unit, i.type, i.direction, i.scored, i.headline_sex, s.country, s.value,
       s.value_label, s.year, s.out_of_date, s.score, s.level, s.trend, s.changed_year, s.source_id, s.flags,
       s.status_year
FROM indicator_scores s
JOIN indicators i ON i.indicator_id = s.indicator_id
WHERE list_contains($countries, s.country) AND ($theme IS NULL OR i.theme = $theme)
"""

# World rank among the countries with a score for the indicator (ties share the best rank); the page shows it only
# as a band (indicators.aggregate.rank_band), never as a number.
_RANKS_SQL = """
SELECT indicator_id, country, rank() OVER (PARTITION BY indicator_id ORDER BY score DESC) AS world_rank,
       count(*) OVER (PARTITION BY indicator_id) AS world_n
FROM indicator_scores WHERE score IS NOT NULL
"""

_CATEGORIES_SQL = "SELECT indicator_id, code, label FROM categories"

_THEME_SCORES_SQL = """
SELECT s.country, s.theme, s.score, s.level, s.coverage, s.n_with_data, s.n_mapped
FROM theme_scores s
WHERE list_contains($countries, s.country) AND ($theme IS NULL OR s.theme = $theme)
"""

# Points of the same source as the latest value (as the trend rule does), headline sex, country level only.
_SERIES_SQL = """
SELECT o.indicator_id, i.title, i.unit, i.theme, i.scored, o.country, o.year, o.value, o.source_id,
       i.green, i.red, i.direction
FROM observations o
JOIN indicators i ON i.indicator_id = o.indicator_id
JOIN indicator_scores s ON s.indicator_id = o.indicator_id AND s.country = o.country AND s.source_id = o.source_id
WHERE list_contains($countries, o.country) AND i.type = 'continuous' AND o.partner_country = ''
  AND o.sex = i.headline_sex AND o.value IS NOT NULL AND o.year <= s.status_year
  AND ($theme IS NULL OR i.theme = $theme) AND (i.scored OR NOT $scored_only)
ORDER BY i.scored DESC, o.indicator_id, o.country, o.year
"""

_THEMES_SQL = "SELECT theme_id, title, caveat FROM themes"


def countries(release: str | None = None) -> pd.DataFrame:
    """Every country and aggregate of the release with its UN region, sub-region and income group."""
    _, cur = cursor(release)
    return cur.execute(_COUNTRIES_SQL).df()


def scorecard(codes: list[str], theme: str | None = None, release: str | None = None) -> list[Row]:
    """Latest value, year, level, trend and world rank of every non-corridor indicator for the countries, as plain
    rows (the page reads each row once: a frame cost more to build and to read than the query)."""
    release_id, cur = cursor(release)
    card = _rows(cur.execute(_SCORECARD_SQL, {"countries": codes, "theme": theme}))
    ranks, names_, titles = _ranks(release_id), _reference(release_id).names, _theme_titles(release_id)
    for row in card:
        row["name"], row["theme_title"] = names_.get(row["country"]), titles.get(row["theme"])
        row["world_rank"], row["world_n"] = ranks.get((row["indicator_id"], row["country"]), (None, None))
    return card


def _rows(cur: duckdb.DuckDBPyConnection) -> list[Row]:
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


# A release never changes once published, so what depends only on the release is kept per release id (per
# worker process; nothing is shared or mutated across requests).


def categories(release: str | None = None) -> dict[tuple[str, str], str]:
    """(indicator_id, code) -> the category's label, for categorical, ordinal and event values."""
    return _categories(cursor(release)[0])


@memo(4)
def _ranks(release_id: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(indicator, country) -> (world rank, countries ranked), once per release: the window is most of the cost."""
    _, cur = cursor(release_id)
    return {(ind, c): (int(r), int(n)) for ind, c, r, n in cur.execute(_RANKS_SQL).fetchall()}


@memo(8)
def _categories(release_id: str) -> dict[tuple[str, str], str]:
    _, cur = cursor(release_id)
    return {(ind, code): label for ind, code, label in cur.execute(_CATEGORIES_SQL).fetchall()}


def theme_scores(codes: list[str], theme: str | None = None, release: str | None = None) -> list[Row]:
    _, cur = cursor(release)
    return _rows(cur.execute(_THEME_SCORES_SQL, {"countries": codes, "theme": theme}))


def series(
    codes: list[str], theme: str | None = None, release: str | None = None, scored_only: bool = False
) -> list[Row]:
    """Yearly values of the continuous indicators for the countries (for small multiples), scored ones first."""
    release_id, cur = cursor(release)
    rows = _rows(cur.execute(_SERIES_SQL, {"countries": codes, "theme": theme, "scored_only": scored_only}))
    names_ = _reference(release_id).names
    for row in rows:
        row["name"] = names_.get(row["country"])
    return rows


def themes(release: str | None = None) -> pd.DataFrame:
    return _themes(cursor(release)[0]).copy()


@memo(8)
def _themes(release_id: str) -> pd.DataFrame:
    _, cur = cursor(release_id)
    return cur.execute(_THEMES_SQL).df()


@memo(8)
def _theme_titles(release_id: str) -> dict[str, str]:
    frame = _themes(release_id)
    return dict(zip(frame["theme_id"], frame["title"], strict=True))


def release_id(release: str | None = None) -> str:
    return cursor(release)[0]


# --- The selection: what the URL (?countries=, ?group=, ?theme=) asks for, resolved against the release ---------

DEFAULT_COUNTRIES = ("MEX", "PHL", "GHA")
GROUP_KINDS = {
    "un_region": "UN region",
    "un_subregion": "UN sub-region",
    "income_group": "Income group",
}  # compare.kind.*
USER_KIND = "user"
MAX_EXPLICIT = 60  # countries named one by one in a URL
CODE_RE = re.compile(r"[A-Za-z0-9]{2,4}")


@dataclass(frozen=True)
class Group:
    kind: str  # a GROUP_KINDS key or "user"
    name: str
    members: tuple[str, ...]

    @property
    def value(self) -> str:
        """As written in the URL: the name of a built-in group, or name:ISO3,ISO3 for a user-defined one."""
        return f"{self.name}:{','.join(self.members)}" if self.kind == USER_KIND else self.name

    @property
    def label(self) -> str:
        kind = t(f"compare.kind.{self.kind}")
        name = self.name if self.kind == USER_KIND else group_text(self.name)
        return t("compare.group_label", kind=kind, name=name, n=len(self.members))


@dataclass(frozen=True)
class Reference:
    names: dict[str, str]  # iso3 -> name, countries only
    aggregates: dict[str, str]  # iso3 -> name of regions, income groups, World
    groups: dict[str, Group]  # casefolded name -> built-in group


@dataclass(frozen=True)
class Selection:
    countries: tuple[str, ...]  # known countries named one by one
    group: Group | None
    theme: str | None  # None = every theme
    unknown: tuple[str, ...] = ()  # codes that are not countries of this release
    aggregates: tuple[str, ...] = ()  # codes of aggregates (not countries)
    problems: tuple[str, ...] = ()  # other things in the URL that were set aside, in words
    default: bool = False  # nothing asked: the default trio is shown

    @property
    def members(self) -> tuple[str, ...]:
        """Countries named, then the group's members, each once."""
        return tuple(dict.fromkeys(self.countries + (self.group.members if self.group else ())))


def reference(release: str | None = None) -> Reference:
    """Country names (in the reader's language), aggregates and built-in groups of the release."""
    ref = _reference(cursor(release)[0])
    local = names(release)
    if not local:
        return ref
    return replace(ref, names={code: local.get(code, name) for code, name in ref.names.items()})


def country_options(release: str | None = None) -> list[dict[str, str]]:
    """Every country as a dropdown option, "Name (ISO3)" in the alphabetical order of the reader's language; kept
    per release and language (250 names sorted by an accent-blind key per request cost more than the heat map)."""
    return _country_options(cursor(release)[0], current_lang())


@memo(8)
def _country_options(release_id: str, lang: str) -> list[dict[str, str]]:
    with use_lang(lang):
        ref = reference(release_id)
    return [
        {"label": f"{name} ({code})", "value": code}
        for code, name in sorted(ref.names.items(), key=lambda x: sort_key(x[1]))
    ]


@memo(8)
def _reference(release_id: str) -> Reference:
    frame = countries(release_id)
    is_agg = frame["is_aggregate"].fillna(False).astype(bool)
    own = frame[~is_agg]
    groups: dict[str, Group] = {}
    for kind in GROUP_KINDS:
        for name, members in own.dropna(subset=[kind]).groupby(kind, sort=True)["iso3"]:  # members by name
            groups[str(name).casefold()] = Group(kind, str(name), tuple(members))
    aggregates = frame[is_agg]
    names = dict(zip(own["iso3"], own["name"], strict=True))
    return Reference(names, dict(zip(aggregates["iso3"], aggregates["name"], strict=True)), groups)


def parse_codes(text: str | Iterable[str] | None) -> list[str]:
    """Upper-case codes from 'MEX,PHL gha' or a list, in order, each once."""
    parts = re.split(r"[\s,;]+", text) if isinstance(text, str) else list(text or [])
    return list(dict.fromkeys(p.strip().upper() for p in parts if p and p.strip()))


def _sort_codes(codes: Iterable[str], ref: Reference) -> tuple[list[str], list[str], list[str]]:
    known: list[str] = []
    aggregates: list[str] = []
    unknown: list[str] = []
    for code in codes:
        (known if code in ref.names else aggregates if code in ref.aggregates else unknown).append(code)
    return known, aggregates, unknown


def parse_group(value: str | None, ref: Reference) -> tuple[Group | None, list[str], list[str], list[str]]:
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
    return Group(USER_KIND, name, tuple(known)), aggregates, unknown, []


def resolve(countries_text: str | Iterable[str] | None, group_value: str | None, theme: str | None,
            ref: Reference, theme_ids: Iterable[str], allow_default: bool = True) -> Selection:  # fmt: skip
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
