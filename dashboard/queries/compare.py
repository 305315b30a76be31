"""SQL of `/compare`: the country list and groups (English names, as data), the latest scored values of chosen
countries (with their world rank among countries with a score, turned into a band by the page) and their time
series for small multiples. The page resolves a URL against them and puts them into words
(dashboard/pages/_compare_selection.py, _compare_view.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from indicators.groups import KINDS, NamedGroup, named_groups
from indicators.release import UNSCORED_KINDS as UNSCORED
from warehouse.connection import cursor, pinned_release
from warehouse.memo import Kept, memo

Row = dict[str, Any]

_COUNTRIES_SQL = """
SELECT iso3, name, un_region, un_subregion, income_group, is_aggregate, area_kind
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

# Every MFLM principle (measured or not) with each chosen country's principle aggregate, when it has one.
_PRINCIPLE_SCORES_SQL = """
SELECT p.principle, p.title, s.country, s.score, s.level, s.coverage, s.n_with_data, s.n_mapped
FROM principles p
LEFT JOIN principle_scores s ON s.principle = p.principle AND list_contains($countries, s.country)
ORDER BY p.principle, s.country
"""


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


def principle_scores(codes: list[str], release: str | None = None) -> list[Row]:
    """Per MFLM principle (all 15, in order): its English title and each chosen country's aggregate score, level
    and coverage (a principle no chosen country has a score for comes once with country None)."""
    _, cur = cursor(release)
    return _rows(cur.execute(_PRINCIPLE_SCORES_SQL, {"countries": codes}))


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


# --- One country's part of any compare, kept per release: a compare of a new set of countries assembles the parts
# (most of them already kept) instead of running its queries again for every new combination. The assembled answers
# are those of the queries above for the same countries, row for row (tests/dashboard/test_compare_kept.py).

KEPT_COUNTRIES = 512  # country parts kept per process (every country of two releases)


class CountryPart(NamedTuple):
    """A country's rows of the compare's queries, every theme and indicator (shared: never changed)."""

    scorecard: tuple[Row, ...]
    theme_scores: tuple[Row, ...]
    principle_scores: tuple[Row, ...]  # only the principles the country has an aggregate for
    series: tuple[Row, ...]  # every scored continuous indicator, in the query's order (context ones: context_series)


_PARTS = Kept(KEPT_COUNTRIES)  # (release id, code) -> CountryPart: the project's one memo store


def kept_release(release: str | None = None) -> str:
    """The concrete id of `release`: as given, else the one pinned by `reading()` (a page's layout), else the
    current one. No cursor is opened for an id already known (each costs file checks and a new DuckDB cursor); the
    parts of an id are only ever read through a cursor that checked it."""
    return release or pinned_release() or cursor(None)[0]


def all_kept(codes: list[str], release_id: str) -> bool:
    """Are the parts of all these countries kept?"""
    return all(_PARTS.get((release_id, code)) is not None for code in codes)


def country_part(code: str, release: str | None = None) -> CountryPart:
    return country_parts([code], kept_release(release))[0]


def country_parts(codes: list[str], release_id: str) -> list[CountryPart]:
    """The parts of the countries (each once, in order): those not kept yet read together, four queries for all of
    them (a compare of new countries costs the queries it cost before its parts were kept)."""
    wanted = list(dict.fromkeys(codes))
    found = {code: _PARTS.get((release_id, code)) for code in wanted}
    missing = [code for code, part in found.items() if part is None]
    if missing:
        card, scores = scorecard(missing, None, release_id), theme_scores(missing, None, release_id)
        principles, points = principle_scores(missing, release_id), series(missing, None, release_id, True)
        for code in missing:
            part = CountryPart(*(tuple(r for r in rows if r["country"] == code)
                                 for rows in (card, scores, principles, points)))  # fmt: skip
            _PARTS.put((release_id, code), part)
            found[code] = part
    return [found[code] for code in wanted]  # type: ignore[misc]


def kept_scorecard(codes: list[str], theme: str | None = None, release: str | None = None) -> list[Row]:
    """scorecard(), assembled from the countries' kept parts (rows in the countries' order)."""
    parts = country_parts(codes, kept_release(release))
    return [dict(r) for part in parts for r in part.scorecard if theme is None or r["theme"] == theme]


def kept_theme_scores(codes: list[str], theme: str | None = None, release: str | None = None) -> list[Row]:
    """theme_scores(), assembled from the countries' kept parts."""
    parts = country_parts(codes, kept_release(release))
    return [dict(r) for part in parts for r in part.theme_scores if theme is None or r["theme"] == theme]


def kept_principle_scores(codes: list[str], release: str | None = None) -> list[Row]:
    """principle_scores(), assembled from the countries' kept parts: per principle in order, the countries' rows by
    code, or the principle once with country None."""
    release_id = kept_release(release)
    by_principle: dict[object, list[Row]] = {}
    for part in country_parts(sorted(set(codes)), release_id):
        for r in part.principle_scores:
            by_principle.setdefault(r["principle"], []).append(r)
    return [dict(r) for empty in _principles(release_id) for r in by_principle.get(empty["principle"], [empty])]


@memo(8)
def _principles(release_id: str) -> tuple[Row, ...]:
    """Every principle as principle_scores() gives one that no chosen country has an aggregate for."""
    return tuple(principle_scores([], release_id))


def kept_series(codes: list[str], theme: str | None = None, release: str | None = None,
                scored_only: bool = False) -> list[Row]:  # fmt: skip
    """series(), assembled from the countries' kept parts, in the query's order (scored first, indicator, country,
    year)."""
    release_id = kept_release(release)
    rows = [r for part in country_parts(codes, release_id) for r in part.series if theme is None or r["theme"] == theme]
    if not scored_only:
        rows += [r for part in context_series(codes, release_id) for r in part if theme is None or r["theme"] == theme]
    rows.sort(key=lambda r: (not r["scored"], r["indicator_id"], r["country"], r["year"]))
    return [dict(r) for r in rows]


# The context indicators' series: asked for only when a theme is chosen (the charts of all themes draw scored
# indicators only), and at 50x scale more than half of the series query's time; kept per country apart.
_CONTEXT_SERIES_SQL = _SERIES_SQL.replace("AND (i.scored OR NOT $scored_only)", "AND NOT i.scored")


_CONTEXT = Kept(KEPT_COUNTRIES)  # (release id, code) -> the country's context series rows


def context_series(codes: list[str], release_id: str) -> list[tuple[Row, ...]]:
    """The context indicators' series of the countries (each once, in order), every theme; those not kept yet read
    together in one query (its cost is the scan of the observations, whatever the number of countries)."""
    wanted = list(dict.fromkeys(codes))
    found = {code: _CONTEXT.get((release_id, code)) for code in wanted}
    missing = [code for code, rows in found.items() if rows is None]
    if missing:
        _, cur = cursor(release_id)
        rows = _rows(cur.execute(_CONTEXT_SERIES_SQL, {"countries": missing, "theme": None}))
        names_ = _reference(release_id).names
        _keep_context(missing, release_id, [{**r, "name": names_.get(r["country"])} for r in rows])
        found.update({code: _CONTEXT.get((release_id, code)) for code in missing})
    return [found[code] for code in wanted]  # type: ignore[misc]


def _keep_context(codes: list[str], release_id: str, rows: list[Row]) -> None:
    """Keep each country's context series rows (named as series() names them)."""
    for code in codes:
        _CONTEXT.put((release_id, code), tuple(r for r in rows if r["country"] == code))


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


# --- The release's countries, aggregates and groups (a reader's own group is made by the page from the URL) ---

GROUP_KINDS = {
    "un_region": "UN region",
    "un_subregion": "UN sub-region",
    "income_group": "Income group",
}  # compare.kind.*
USER_KIND = "user"
NAMED_KINDS = KINDS  # indicators/groups.yaml: "rcp" (migration dialogues), "bloc" (regional blocs); listed first


@dataclass(frozen=True)
class Group:
    kind: str  # a GROUP_KINDS key, a NAMED_KINDS one or "user"
    name: str  # a named group's slug
    members: tuple[str, ...]
    named: NamedGroup | None = None  # a named group's titles and the cited source of its membership
    left_out: tuple[str, ...] = ()  # a named group's members this release does not hold

    @property
    def value(self) -> str:
        """As written in the URL: the name of a built-in group, or name:ISO3,ISO3 for a user-defined one."""
        return f"{self.name}:{','.join(self.members)}" if self.kind == USER_KIND else self.name


@dataclass(frozen=True)
class Reference:
    names: dict[str, str]  # iso3 -> English name, countries only
    aggregates: dict[str, str]  # iso3 -> name of regions, income groups, World
    groups: dict[str, Group]  # casefolded name -> built-in group
    unscored: dict[str, tuple[str, str]]  # iso3 -> (English name, area kind): uninhabited and historical areas


def reference(release: str | None = None) -> Reference:
    """Country names (English), aggregates and built-in groups of the release."""
    return _reference(cursor(release)[0])


@memo(8)
def _reference(release_id: str) -> Reference:
    frame = countries(release_id)
    is_agg = frame["is_aggregate"].fillna(False).astype(bool)
    # Uninhabited and historical areas have no scorecard (their profiles say why): no column, and no group member
    # (UN Europe counted the USSR and Yugoslavia among its 58 "countries").
    no_card = frame["area_kind"].isin(UNSCORED)
    unscored, own = frame[~is_agg & no_card], frame[~is_agg & ~no_card]
    groups: dict[str, Group] = {}
    for kind in GROUP_KINDS:
        for name, members in own.dropna(subset=[kind]).groupby(kind, sort=True)["iso3"]:  # members by name
            groups[str(name).casefold()] = Group(kind, str(name), tuple(members))
    aggregates = frame[is_agg]
    names = dict(zip(own["iso3"], own["name"], strict=True))
    for named in named_groups():
        kept = tuple(m for m in named.members if m in names)
        left = tuple(m for m in named.members if m not in names)
        groups[named.slug] = Group(named.kind, named.slug, kept, named, left)
    return Reference(names, dict(zip(aggregates["iso3"], aggregates["name"], strict=True)), groups,
                     {r.iso3: (r.name, r.area_kind) for r in unscored.itertuples()})  # fmt: skip
