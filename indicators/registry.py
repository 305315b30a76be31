"""Registry YAMLs in (registry/*.yaml, framework.yaml, sources.yaml); a validated `Registry`, its tables and export out.

Refuses at load anything that would make a score silently wrong: unknown keys, missing fields, dangling references,
duplicate ids, inconsistent thresholds, category tables without scores. A `RegistryError` names file, indicator
and field, so that a wrong edit to the data is fixed in the data.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Collection
from dataclasses import MISSING, asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from indicators import aggregate, events, levels, peers, release, trend
from indicators.model import Area, Category, Indicator, Principle, Registry, Source, Theme, Thresholds

ROOT = Path(__file__).resolve().parent
CONTEXT_FILE = "context"  # registry/context.yaml: extra series, all of them direction "context"
TYPES = {"continuous", "ordinal", "categorical", "event"}
DIRECTIONS = {"higher", "lower", "context"}
BASES = {"SDSN", "SDG target", "project", "published categories", "none"}
LEVELS = ("green", "yellow", "orange", "red", "no_data")
SEXES = {"total", "female", "male"}
DISAGGREGATIONS = {"sex", "partner_country"}
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
REQUIRED = ("id", "theme", "title", "description", "unit", "type", "direction", "threshold_basis", "source_ids")
# Indicator field -> the YAML shape it must have (every Indicator field is listed; a test keeps it so).
TEXT_FIELDS = ("id", "theme", "title", "description", "unit", "type", "direction", "threshold_basis", "headline_sex")
KINDS = {
    **dict.fromkeys(TEXT_FIELDS, "str"),
    **dict.fromkeys(("principles", "gcm_objectives"), "ints"),
    **dict.fromkeys(("source_ids", "guidelines", "disaggregations"), "strs"),
    **dict.fromkeys(("sdg", "caveat"), "str?"),
    **dict.fromkeys(("recency_window", "trend_window"), "int"),
    **{"thresholds": "map", "categories": "list", "weight": "num", "steward_uploadable": "bool"},
}
THRESHOLD_KEYS = ("optimum", "green", "red", "lower_bound")
CATEGORY_KEYS = ("code", "label", "score", "level")
FRAMEWORK_KEYS = frozenset(
    "methodology_version coverage_threshold framework methodology_notes areas principles guidelines themes".split()
)
TEXTS = {"id", "title", "gist", "description", "licence", "citation", "publisher", "numeral", "area"}


class RegistryError(ValueError):
    """The registry data are wrong: the message names the file, the indicator (if any) and the field."""

    def __init__(self, file: str, problem: str, indicator: str | None = None, field: str | None = None):
        self.file, self.problem, self.indicator, self.field = file, problem, indicator, field
        where = file + (f": indicator {indicator!r}" if indicator else "") + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Guideline:
    """An MFLM guideline reference (e.g. "13.5") and the principle it sits under."""

    id: str
    principle: int
    gist: str
    verified: bool


@dataclass(frozen=True)
class _At:
    """Where a value comes from, to raise located errors."""

    file: str
    indicator: str | None = None

    def error(self, field: str | None, problem: str) -> RegistryError:
        return RegistryError(self.file, problem, self.indicator, field)


@dataclass(frozen=True)
class _Refs:
    """What an indicator may point at."""

    themes: dict[str, Theme]
    principles: dict[int, Principle]
    guidelines: dict[str, Guideline]
    sources: dict[str, Source]


def load_registry(path: Path | str | None = None) -> Registry:
    """The registry in `path` (a folder with framework.yaml, sources.yaml, registry/*.yaml); default: the package's."""
    return _load_default() if path is None else _load(Path(path))


@lru_cache(maxsize=1)
def _load_default() -> Registry:
    return _load(ROOT)


def _load(root: Path) -> Registry:
    framework, at = _read(root, "framework.yaml"), _At("framework.yaml")
    _no_unknown(framework, FRAMEWORK_KEYS, at)
    areas = {a.numeral: a for a in _make_all(Area, framework, "areas", at)}
    guidelines = {g.id: g for g in _make_all(Guideline, framework, "guidelines", at)}
    principles = _principles(_make_all(Principle, framework, "principles", at), areas, guidelines, at)
    themes = _themes(_make_all(Theme, framework, "themes", at), principles, at)
    refs = _Refs(themes, principles, guidelines, _sources(root))
    coverage = _kind(framework.get("coverage_threshold"), "num", at, "coverage_threshold")
    if not 0 < coverage <= 1:
        raise at.error("coverage_threshold", f"must be in (0, 1], found {coverage}")
    version = _kind(framework.get("methodology_version"), "str", at, "methodology_version")
    extra = {k: framework.get(k) or {} for k in ("framework", "methodology_notes")} | {"guidelines": guidelines}
    return Registry(_indicators(root, refs), principles, areas, refs.sources, themes, version, float(coverage), extra)


def _read(root: Path, name: str) -> dict[str, Any]:
    """The YAML file `root / name` as a mapping; `name` (relative to the registry folder) names it in errors."""
    try:
        data = yaml.safe_load((root / name).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RegistryError(name, f"file not found under {root}") from exc
    except yaml.YAMLError as exc:
        raise RegistryError(name, f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RegistryError(name, "expected a mapping at the top level")
    return data


def _no_unknown(raw: dict[str, Any], allowed: Collection[str], at: _At, prefix: str = "") -> None:
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise at.error(prefix + unknown[0], f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _make_all(cls: Any, data: dict[str, Any], section: str, at: _At) -> list[Any]:
    """Framework/source dataclasses from a YAML list: unknown keys, missing or mistyped fields refused."""
    raws = data.get(section)
    if not isinstance(raws, list) or not raws:
        raise at.error(section, "expected a non-empty list")
    return [_make(cls, raw, f"{section}[{_key(raw)}]", at) for raw in raws]


def _key(raw: Any) -> object:
    return next((raw[k] for k in ("id", "number", "numeral") if isinstance(raw, dict) and k in raw), "?")


def _make(cls: Any, raw: Any, where: str, at: _At) -> Any:
    if not isinstance(raw, dict):
        raise at.error(where, f"expected a mapping, found {raw!r}")
    known = {f.name: f for f in fields(cls)}
    _no_unknown(raw, set(known), at, where + ".")
    for name, f in known.items():
        if name not in raw and f.default is MISSING and f.default_factory is MISSING:
            raise at.error(f"{where}.{name}", "required field is missing")
    for name, value in raw.items():
        if name.endswith("verified") and not isinstance(value, bool):
            raise at.error(f"{where}.{name}", f"expected true or false, found {value!r}")
        if name in TEXTS and not (isinstance(value, str | int) and str(value).strip()):
            raise at.error(f"{where}.{name}", f"must be a non-empty text, found {value!r}")
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})


def _principles(items: list[Principle], areas: dict, guidelines: dict, at: _At) -> dict[int, Principle]:
    principles: dict[int, Principle] = {}
    for p in items:
        where = f"principles[{p.number}]"
        if not isinstance(p.number, int) or p.number in principles:
            raise at.error(where, "principle numbers must be unique integers")
        if p.area not in areas:
            raise at.error(where + ".area", f"area {p.area!r} is not one of {list(areas)}")
        for ref in p.guidelines:
            if ref not in guidelines or guidelines[ref].principle != p.number:
                raise at.error(where + ".guidelines", f"guideline {ref!r} is not listed under principle {p.number}")
        principles[p.number] = p
    return principles


def _themes(items: list[Theme], principles: dict[int, Principle], at: _At) -> dict[str, Theme]:
    themes: dict[str, Theme] = {}
    for theme in items:
        dangling = [n for n in theme.principles if n not in principles]
        if dangling or theme.id in themes:
            raise at.error(f"themes[{theme.id}]", f"duplicate theme id or unknown principles {dangling}")
        themes[theme.id] = theme
    return themes


def _sources(root: Path) -> dict[str, Source]:
    data, at = _read(root, "sources.yaml"), _At("sources.yaml")
    _no_unknown(data, {"sources"}, at)
    sources: dict[str, Source] = {}
    for source in _make_all(Source, data, "sources", at):
        if source.id in sources:
            raise at.error(f"sources[{source.id}]", "duplicate source id")
        sources[source.id] = source
    return sources


def _indicators(root: Path, refs: _Refs) -> dict[str, Indicator]:
    """Theme files in framework order, then context.yaml; any other registry file is refused."""
    stems = [*refs.themes, CONTEXT_FILE]
    paths = {p.stem: p for p in (root / "registry").glob("*.yaml")}
    for odd in sorted(set(paths) - set(stems)):
        raise RegistryError(f"registry/{odd}.yaml", f"unexpected file: one per theme ({', '.join(stems)}.yaml)")
    found: dict[str, tuple[Indicator, str]] = {}
    for stem in (s for s in stems if s in paths):
        name = f"registry/{stem}.yaml"
        data = _read(root, name)
        _no_unknown(data, {"indicators"}, _At(name))
        for raw in data.get("indicators") or []:
            ind = _indicator(raw, _At(name, raw.get("id") if isinstance(raw, dict) else None))
            _check_refs(ind, stem, _At(name, ind.id), refs)
            if ind.id in found:
                raise RegistryError(name, f"duplicate id, also in {found[ind.id][1]}", ind.id, "id")
            found[ind.id] = (ind, name)
    if not found:
        raise RegistryError("registry/", f"no indicators under {root / 'registry'}")
    return {key: ind for key, (ind, _) in found.items()}


def _indicator(raw: Any, at: _At) -> Indicator:
    if not isinstance(raw, dict):
        raise at.error(None, f"expected a mapping, found {raw!r}")
    _no_unknown(raw, set(KINDS), at)
    for name in REQUIRED:
        if raw.get(name) in (None, "", []):
            raise at.error(name, "required field is missing or empty")
    values = {name: _kind(raw[name], KINDS[name], at, name) for name in raw if name not in ("thresholds", "categories")}
    if not ID_RE.match(values["id"]):
        raise at.error("id", "must be snake_case (a-z, 0-9, _), starting with a letter")
    _check_enums(values, at)
    values["thresholds"] = _thresholds(raw["thresholds"], values["direction"], at) if "thresholds" in raw else None
    values["categories"] = _categories(raw["categories"], at) if "categories" in raw else ()
    ind = Indicator(**values)
    _check_scoring(ind, at)
    return ind


def _kind(value: Any, kind: str, at: _At, field: str) -> Any:
    """The value if it has the expected YAML shape (see KINDS); lists become tuples."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    ok = {
        "str": isinstance(value, str) and bool(value.strip()),
        "str?": value is None or isinstance(value, str),
        "int": number and isinstance(value, int) and value > 0,
        "num": number and value >= 0,
        "bool": isinstance(value, bool),
        "map": isinstance(value, dict),
        "list": isinstance(value, list),
        "strs": isinstance(value, list) and all(isinstance(v, str) and v for v in value),
        "ints": isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value),
    }[kind]
    if not ok:
        raise at.error(field, f"expected {kind} (see KINDS in indicators/registry.py), found {value!r}")
    return tuple(value) if isinstance(value, list) else value


def _check_enums(values: dict[str, Any], at: _At) -> None:
    allowed = {"type": TYPES, "direction": DIRECTIONS, "threshold_basis": BASES, "headline_sex": SEXES}
    for name, options in allowed.items():
        if name in values and values[name] not in options:
            raise at.error(name, f"{values[name]!r} is not one of {sorted(options)}")
    odd = set(values.get("disaggregations", ())) - DISAGGREGATIONS
    if odd:
        raise at.error("disaggregations", f"{sorted(odd)} not in {sorted(DISAGGREGATIONS)}")


def _thresholds(raw: Any, direction: str, at: _At) -> Thresholds:
    if not isinstance(raw, dict):
        raise at.error("thresholds", f"expected a mapping of {', '.join(THRESHOLD_KEYS)}")
    _no_unknown(raw, THRESHOLD_KEYS, at, "thresholds.")
    for key in THRESHOLD_KEYS:
        if not isinstance(raw.get(key), int | float) or isinstance(raw.get(key), bool):
            raise at.error(f"thresholds.{key}", f"expected a number, found {raw.get(key)!r}")
    t = Thresholds(*(float(raw[k]) for k in THRESHOLD_KEYS))
    if direction in ("higher", "lower"):
        _check_order(t, direction, at)
    return t


def _check_order(t: Thresholds, direction: str, at: _At) -> None:
    """higher: lower_bound < red < green <= optimum; lower: the mirror image (a larger value is worse)."""
    s, below = (1, "below") if direction == "higher" else (-1, "above")
    if s * t.green > s * t.optimum:
        problem = f"green ({t.green:g}) is beyond optimum ({t.optimum:g}) for direction {direction!r}"
        raise at.error("thresholds.green", problem)
    if s * t.red >= s * t.green:
        problem = f"red ({t.red:g}) and green ({t.green:g}) are inverted: red must be {below} green"
        raise at.error("thresholds.red", problem)
    if s * t.lower_bound >= s * t.red:
        raise at.error("thresholds.lower_bound", f"lower_bound ({t.lower_bound:g}) must be {below} red ({t.red:g})")


def _categories(raw: Any, at: _At) -> tuple[Category, ...]:
    if not isinstance(raw, list) or not raw:
        raise at.error("categories", "expected a non-empty list of {code, label, score, level}")
    table = tuple(_category(entry, f"categories[{i}]", at) for i, entry in enumerate(raw))
    codes = [c.code for c in table]
    if len(set(codes)) != len(codes):
        raise at.error("categories", f"duplicate codes in {codes}")
    return table


def _category(raw: Any, where: str, at: _At) -> Category:
    if not isinstance(raw, dict):
        raise at.error(where, f"expected a mapping of {', '.join(CATEGORY_KEYS)}")
    _no_unknown(raw, CATEGORY_KEYS, at, where + ".")
    for key in CATEGORY_KEYS:
        if key not in raw:
            raise at.error(f"{where}.{key}", "required (score may be null, but only with level no_data)")
    code, score, level = raw["code"], raw["score"], raw["level"]
    if isinstance(code, bool) or not isinstance(code, str | int) or not isinstance(raw["label"], str):
        raise at.error(f"{where}.code", f"codes and labels are texts: quote {code!r} (YAML reads yes/no as booleans)")
    if level not in LEVELS:
        raise at.error(f"{where}.level", f"{level!r} is not one of {list(LEVELS)}")
    if (score is None) != (level == "no_data"):
        raise at.error(f"{where}.score", "score null goes with level no_data, and only with it")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 100):
        raise at.error(f"{where}.score", f"expected a number in 0-100, found {score!r}")
    return Category(str(code), raw["label"], None if score is None else float(score), level)


def _check_scoring(ind: Indicator, at: _At) -> None:
    """What a scored or a context indicator must and must not carry."""
    if not ind.scored:
        if ind.thresholds or ind.categories:
            raise at.error("thresholds" if ind.thresholds else "categories", "context indicators are never scored")
        if ind.threshold_basis != "none":
            raise at.error("threshold_basis", "context indicators have threshold_basis 'none'")
        return
    if not ind.principles:
        raise at.error("principles", "a scored indicator needs at least one MFLM principle")
    if ind.threshold_basis == "none":
        raise at.error("threshold_basis", "a scored indicator needs a threshold basis other than 'none'")
    if ind.type == "continuous" and (ind.thresholds is None or ind.categories):
        raise at.error("thresholds", "a scored continuous indicator needs thresholds (and no categories)")
    if ind.type != "continuous" and (ind.thresholds is not None or not ind.categories):
        raise at.error("categories", f"a scored {ind.type} indicator needs a category table (and no thresholds)")
    if ind.categories and all(c.score is None for c in ind.categories):
        raise at.error("categories", "no category carries a score")


def _check_refs(ind: Indicator, stem: str, at: _At, refs: _Refs) -> None:
    if ind.theme not in refs.themes:
        raise at.error("theme", f"{ind.theme!r} is not a theme in framework.yaml ({', '.join(refs.themes)})")
    if stem != CONTEXT_FILE and ind.theme != stem:
        raise at.error("theme", f"{ind.theme!r} in registry/{stem}.yaml: each theme file holds its own theme")
    if stem == CONTEXT_FILE and ind.scored:
        raise at.error("direction", f"{CONTEXT_FILE}.yaml holds context indicators only")
    dangling = {
        "principles": [p for p in ind.principles if p not in refs.principles],
        "source_ids": [s for s in ind.source_ids if s not in refs.sources],
        "guidelines": [g for g in ind.guidelines if g not in refs.guidelines],
        "gcm_objectives": [n for n in ind.gcm_objectives if not 1 <= n <= 23],  # the GCM has 23 objectives
    }
    for field, bad in dangling.items():
        if bad:
            raise at.error(field, f"{bad} not defined (framework.yaml / sources.yaml / GCM objectives 1-23)")
    if ("steward" in ind.source_ids) != ind.steward_uploadable:
        raise at.error("steward_uploadable", "must be true exactly when 'steward' is among source_ids")


def registry_tables(registry: Registry) -> dict[str, pd.DataFrame]:
    """Warehouse-ready frames: indicators (+ indicator_principles, categories), principles, areas, themes, sources,
    guidelines. Lists become comma-separated text; missing thresholds and scores are NULL."""
    inds = list(registry.indicators.values())
    guidelines = _guidelines(registry)
    links = [{"indicator_id": i.id, "principle": p} for i in inds for p in i.principles]
    cats = [{"indicator_id": i.id, "position": n, **asdict(c)} for i in inds for n, c in enumerate(i.categories)]
    frames = {
        "indicators": pd.DataFrame([_indicator_row(i) for i in inds]),
        "indicator_principles": pd.DataFrame(links, columns=["indicator_id", "principle"]),
        "categories": pd.DataFrame(cats, columns=["indicator_id", "position", *CATEGORY_KEYS]),
        "principles": _frame(registry.principles.values(), {"number": "principle"}),
        "areas": _frame(registry.areas.values(), {"numeral": "area"}),
        "themes": _frame(registry.themes.values(), {"id": "theme_id"}),
        "sources": _frame(registry.sources.values(), {"id": "source_id"}),
        "guidelines": _frame(guidelines.values(), {"id": "guideline"}),
    }
    frames["areas"]["position"] = range(len(frames["areas"]))  # I..IX do not sort as text
    return {name: _nullable(frame) for name, frame in frames.items()}


def _guidelines(registry: Registry) -> dict[str, Guideline]:
    guidelines = registry.extra.get("guidelines", {})
    return guidelines if isinstance(guidelines, dict) else {}


def _frame(items: Any, rename: dict[str, str]) -> pd.DataFrame:
    """Dataclasses as rows; tuples become comma-separated text."""
    rows = [{k: ",".join(map(str, v)) if isinstance(v, tuple) else v for k, v in asdict(o).items()} for o in items]
    return pd.DataFrame(rows).rename(columns=rename)


def _indicator_row(ind: Indicator) -> dict[str, Any]:
    row = asdict(ind)
    thresholds, categories = row.pop("thresholds") or {}, row.pop("categories")
    row = {
        ("indicator_id" if k == "id" else k): ",".join(map(str, v)) if isinstance(v, tuple) else v
        for k, v in row.items()
    }
    row.update(
        {k: thresholds.get(k) for k in THRESHOLD_KEYS}, scored=ind.scored, categories_json=json.dumps(categories)
    )
    return row


def _nullable(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable dtypes, so that a missing threshold or score is NULL in DuckDB, never NaN."""
    for col in set(frame.columns) & {*THRESHOLD_KEYS, "score", "weight"}:
        frame[col] = frame[col].astype("Float64")
    for col in set(frame.columns) & {"principle", "position", "recency_window", "trend_window"}:
        frame[col] = frame[col].astype("Int64")
    return frame


# What the methodology export keeps per indicator (with `scored`, `scoreable`, `event_style`): with `rules`,
# enough to recompute a score.
METHOD_KEYS = frozenset(
    "theme title unit type direction threshold_basis thresholds categories recency_window trend_window weight "
    "headline_sex principles source_ids caveat disaggregations".split()
)


def methodology_dict(registry: Registry) -> dict[str, Any]:
    """The methodology as JSON-ready data: with a release's values, anyone can recompute its scores."""
    indicators = {i.id: {k: v for k, v in asdict(i).items() if k in METHOD_KEYS} for i in registry.indicators.values()}
    for ind_id, entry in indicators.items():
        entry["scored"] = registry.indicators[ind_id].scored
        entry.update(_scoring_facts(registry.indicators[ind_id]))
    payload = {
        "methodology_version": registry.methodology_version,
        "coverage_threshold": registry.coverage_threshold,
        "framework": registry.extra.get("framework", {}),
        "notes": {**_mapping(registry.extra.get("methodology_notes")), "entry_into_force": _entry_note()},
        "levels": list(LEVELS),
        "indicators": indicators,
        "principles": {str(n): asdict(p) for n, p in registry.principles.items()},
        "themes": {t.id: asdict(t) for t in registry.themes.values()},
        "guidelines": {g.id: asdict(g) for g in _guidelines(registry).values()},
        "rules": _rules(registry.coverage_threshold),
    }
    return json.loads(json.dumps(payload))  # plain lists and str keys; fails here, not at export, if not JSON


def _scoring_facts(ind: Indicator) -> dict[str, Any]:
    """Per indicator: whether it gets a score and a colour; for events, the status vocabulary (ILO or UN)."""
    facts: dict[str, Any] = {"scoreable": levels.scoreable(ind)}
    if ind.type == "event":
        facts["event_style"] = "un" if events.is_un_style(ind) else "ilo"
    return facts


def _mapping(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _entry_note() -> str:
    return (
        f"ILO ratifications a list states 'not in force' are {events.DERIVED_NOTE}: the conventions' final clauses bring a "
        "ratification into force for the Member twelve months after its registration (changed_year is that year)."
    )


def _doc(obj: object) -> str:
    return inspect.getdoc(obj) or ""


def _rules(coverage_threshold: float) -> dict[str, Any]:
    """The scoring rules as data and text, taken from the code that applies them (one place to change)."""

    def styles(table: Any) -> dict[str, dict[str, str]]:
        return {key: {"label": s.label, "icon": s.icon, "colour": s.colour} for key, s in table.items()}

    return {
        "levels": styles(levels.LEVELS),
        "statuses": styles(levels.STATUS_LABELS),
        "score": "score = 100 x (x - lower_bound) / (optimum - lower_bound), clipped to [0, 100] (SDSN)",
        "level": _doc(levels.continuous_level),
        "categories": _doc(levels.find_category) + " " + _doc(release._resolve_code),
        "scoreable": _doc(levels.scoreable),
        "status_value": _doc(release.score_release),
        "recency": {"out_of_date": "year < status_year - recency_window", "rule": _doc(trend.latest_within_window)},
        "changed_year": "categorical and ordinal: the latest year whose category code differs from the previous "
        "value's (same country, headline sex, partner ''); events: the year of the event that set the status",
        "trend": {
            "target_year": trend.TARGET_YEAR,
            "min_points": trend.MIN_POINTS,
            "min_span": trend.MIN_SPAN,
            "tolerance": trend.TOLERANCE,
            "break_flag": release.BREAK_FLAG,
            "labels": trend.TREND_LABELS,
            "icons": trend.TREND_ICONS,
            "rule": _doc(trend),
        },
        "aggregation": {
            "coverage_threshold": coverage_threshold,
            "comparison_tolerance": aggregate._EPS,
            "colour_order": list(levels.COLOURED),
            "rule": _doc(aggregate.aggregate),
            "two_worst": _doc(aggregate.second_worst),
            "mapped": _doc(peers.aggregate_tables),
        },
        "events": {
            "rule": _doc(events.event_status),
            "ilo_statuses": sorted(events.ILO_STATUSES),
            "un_statuses": sorted(events.UN_STATUSES),
            "precedence": events.PRECEDENCE,
            "first_steps": {"ilo": sorted(events.FIRST_STEPS[False]), "un": sorted(events.FIRST_STEPS[True])},
            "entry_into_force": {
                "months": events.ENTRY_INTO_FORCE_MONTHS,
                "note": events.DERIVED_NOTE,
                "rule": _doc(events.with_entry_into_force),
                "caveat": "Assumes the convention itself is in force (true of every dated 'not in force' row in "
                "the seed); the first two ratifications of a convention enter into force 12 months after the second.",
            },
            "style": _doc(events.is_un_style),
            "lists": _doc(events.list_info),
            "valid_year": _doc(events.event_rows),
            "as_of_year": _doc(events.as_of_year),
        },
        "peers": {
            "group_kinds": list(peers.GROUP_KINDS),
            "min_peers": aggregate.MIN_PEERS,
            "quantiles": "linear interpolation (numpy and pandas default)",
            "rule": _doc(peers.peer_table),
        },
    }
