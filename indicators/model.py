"""The registry's shapes: indicators, their thresholds and category tables, the MFLM framework, sources.

Plain frozen dataclasses so scoring stays pure: scoring functions take these and numbers, never files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Direction = Literal["higher", "lower", "context"]
IndicatorType = Literal["continuous", "ordinal", "categorical", "event"]
Level = Literal["green", "yellow", "orange", "red", "no_data"]


@dataclass(frozen=True)
class Thresholds:
    """SDSN-style bounds for continuous indicators (score 100 at optimum, 0 at lower_bound)."""

    optimum: float
    green: float
    red: float
    lower_bound: float


@dataclass(frozen=True)
class Category:
    """One answer of a categorical/ordinal indicator (MIPEX-style table), or one event status."""

    code: str  # the value as published (e.g. "3", "full", "in_force")
    label: str
    score: float | None  # None: shown, never scored (e.g. "not known")
    level: Level


@dataclass(frozen=True)
class Indicator:
    id: str
    theme: str
    title: str
    description: str
    unit: str
    type: IndicatorType
    direction: Direction
    threshold_basis: str  # "SDSN" / "SDG target" / "project" / "published categories" / "none"
    principles: tuple[int, ...]
    source_ids: tuple[str, ...]
    thresholds: Thresholds | None = None
    categories: tuple[Category, ...] = ()
    guidelines: tuple[str, ...] = ()
    gcm_objectives: tuple[int, ...] = ()
    sdg: str | None = None
    disaggregations: tuple[str, ...] = ()  # "sex", "partner_country"
    recency_window: int = 5  # years: older values are "out of date"
    trend_window: int = 10  # years
    weight: float = 1.0
    caveat: str | None = None
    steward_uploadable: bool = False
    headline_sex: str = "total"  # the sex slice that is scored (e.g. "female" for female LFPR)
    universe: str | None = None  # event lists: the areas they cover (UNIVERSES); None: every area
    bounds: tuple[float, ...] = ()  # (min, max) its definition allows, e.g. (0, 100) for a share: outside is suspect
    suspect_rules: tuple[str, ...] = ()  # quality rules (indicators/quality.py) that flag suspect values
    built_from: tuple[str, ...] = ()  # a combined code built from these indicators: never aggregated beside them

    @property
    def scored(self) -> bool:
        return self.direction != "context"


UNIVERSES = ("un_members", "ilo_members")  # countries-table columns un_member / ilo_member


@dataclass(frozen=True)
class Principle:
    number: int
    area: str  # roman numeral I..IX
    title: str
    gist: str
    verified: bool
    guidelines: tuple[str, ...] = ()
    citation: str | None = None  # where the area, title and gist were checked (when verified)
    would_measure: str | None = None  # what data would measure it where public data do not


@dataclass(frozen=True)
class Area:
    numeral: str
    title: str


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str
    licence: str
    citation: str
    folder: str | None = None  # folder under the raw data directory
    licence_verified: bool = True
    note: str | None = None
    # the publisher's stated release pattern, where it states one (e.g. "07-01": a new edition each year on 1 July);
    # none: the next update is "not announced", never guessed
    updated_yearly_on: str | None = None
    update_pattern: str | None = None  # where the publisher states it, in English (the pages word it themselves)


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str
    caveat: str | None = None  # normative reading the UI must show (e.g. dual nationality under principle 15)
    principles: tuple[int, ...] = ()  # MFLM principles the theme sits under (framework.md)


@dataclass(frozen=True)
class Registry:
    indicators: dict[str, Indicator]
    principles: dict[int, Principle]
    areas: dict[str, Area]
    sources: dict[str, Source]
    themes: dict[str, Theme]
    methodology_version: str
    coverage_threshold: float = 0.8
    extra: dict[str, object] = field(default_factory=dict)
    index_share: float = 0.8  # an indicator enters aggregates when current for this share of UN member states
    min_index_indicators: int = 2  # a theme or principle score rests on at least this many index indicators
    absence_tolerance: dict[str, int] = field(default_factory=dict)  # list source_id (or "default") -> years
