"""Registry YAMLs in (registry/*.yaml, framework.yaml, sources.yaml); a validated `Registry` out.

Refuses at load anything that would make a score silently wrong: unknown keys, missing fields, dangling references,
duplicate ids, inconsistent thresholds, category tables without scores. A `RegistryError` names file, indicator
and field, so that a wrong edit to the data is fixed in the data. This module reads the files and checks the
framework and the sources; each indicator entry is checked by indicators/registry_checks.py, and what the registry
gives the warehouse (tables, the methodology export) is built by indicators/registry_export.py.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from indicators.model import Area, Indicator, Principle, Registry, Source, Theme
from indicators.registry_checks import CONTEXT_FILE, check_indicator, check_refs, no_unknown, shaped
from indicators.registry_types import At, Guideline, Refs, RegistryError

ROOT = Path(__file__).resolve().parent
FRAMEWORK_KEYS = frozenset(
    "methodology_version coverage_threshold framework methodology_notes areas principles guidelines themes "
    "index_rule absence_tolerance_years".split()
)
TEXTS = {"id", "title", "gist", "description", "licence", "citation", "publisher", "numeral", "area"}


def load_registry(path: Path | str | None = None) -> Registry:
    """The registry in `path` (a folder with framework.yaml, sources.yaml, registry/*.yaml); default: the package's."""
    return _load_default() if path is None else _load(Path(path))


@lru_cache(maxsize=1)
def _load_default() -> Registry:
    return _load(ROOT)


def _load(root: Path) -> Registry:
    framework, at = _read(root, "framework.yaml"), At("framework.yaml")
    no_unknown(framework, FRAMEWORK_KEYS, at)
    areas = {a.numeral: a for a in _make_all(Area, framework, "areas", at)}
    guidelines = {g.id: g for g in _make_all(Guideline, framework, "guidelines", at)}
    principles = _principles(_make_all(Principle, framework, "principles", at), areas, guidelines, at)
    themes = _themes(_make_all(Theme, framework, "themes", at), principles, at)
    refs = Refs(themes, principles, guidelines, _sources(root))
    coverage = shaped(framework.get("coverage_threshold"), "num", at, "coverage_threshold")
    if not 0 < coverage <= 1:
        raise at.error("coverage_threshold", f"must be in (0, 1], found {coverage}")
    version = shaped(framework.get("methodology_version"), "str", at, "methodology_version")
    extra = {k: framework.get(k) or {} for k in ("framework", "methodology_notes")} | {"guidelines": guidelines}
    indicators = _indicators(root, refs)
    share, minimum = _index_rule(framework.get("index_rule"), at)
    return Registry(
        indicators,
        principles,
        areas,
        refs.sources,
        themes,
        version,
        float(coverage),
        extra,
        share,
        minimum,
        _tolerances(framework.get("absence_tolerance_years"), at),
    )


def _index_rule(raw: Any, at: At) -> tuple[float, int]:
    """index_rule: {share_of_un_members, min_indicators}: which indicators enter aggregates, and how many at least."""
    if not isinstance(raw, dict):
        raise at.error("index_rule", "expected a mapping {share_of_un_members, min_indicators}")
    no_unknown(raw, {"share_of_un_members", "min_indicators", "reason"}, at, "index_rule.")
    share = shaped(raw.get("share_of_un_members"), "num", at, "index_rule.share_of_un_members")
    minimum = shaped(raw.get("min_indicators"), "int", at, "index_rule.min_indicators")
    if not 0 < share <= 1:
        raise at.error("index_rule.share_of_un_members", f"must be in (0, 1], found {share}")
    return float(share), int(minimum)


def _tolerances(raw: Any, at: At) -> dict[str, int]:
    """absence_tolerance_years: {source_id or default: years}, each with a stated reason in `reasons`."""
    if not isinstance(raw, dict) or "default" not in raw or not isinstance(raw.get("reasons"), dict):
        raise at.error("absence_tolerance_years", "expected a mapping with 'default', per-source years and 'reasons'")
    years = {k: v for k, v in raw.items() if k != "reasons"}
    for key, value in years.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise at.error(f"absence_tolerance_years.{key}", f"expected a whole number of years, found {value!r}")
        if key not in raw["reasons"]:
            raise at.error(f"absence_tolerance_years.reasons.{key}", "every tolerance states its reason")
    return years


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


def _make_all(cls: Any, data: dict[str, Any], section: str, at: At) -> list[Any]:
    """Framework/source dataclasses from a YAML list: unknown keys, missing or mistyped fields refused."""
    raws = data.get(section)
    if not isinstance(raws, list) or not raws:
        raise at.error(section, "expected a non-empty list")
    return [_make(cls, raw, f"{section}[{_key(raw)}]", at) for raw in raws]


def _key(raw: Any) -> object:
    return next((raw[k] for k in ("id", "number", "numeral") if isinstance(raw, dict) and k in raw), "?")


def _make(cls: Any, raw: Any, where: str, at: At) -> Any:
    if not isinstance(raw, dict):
        raise at.error(where, f"expected a mapping, found {raw!r}")
    known = {f.name: f for f in fields(cls)}
    no_unknown(raw, set(known), at, where + ".")
    for name, f in known.items():
        if name not in raw and f.default is MISSING and f.default_factory is MISSING:
            raise at.error(f"{where}.{name}", "required field is missing")
    for name, value in raw.items():
        if name.endswith("verified") and not isinstance(value, bool):
            raise at.error(f"{where}.{name}", f"expected true or false, found {value!r}")
        if name in TEXTS and not (isinstance(value, str | int) and str(value).strip()):
            raise at.error(f"{where}.{name}", f"must be a non-empty text, found {value!r}")
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})


def _principles(items: list[Principle], areas: dict, guidelines: dict, at: At) -> dict[int, Principle]:
    principles: dict[int, Principle] = {}
    for entry in [*items, *guidelines.values()]:
        if entry.verified and not (entry.citation or "").strip():
            raise at.error(f"{type(entry).__name__.lower()}s[{getattr(entry, 'number', getattr(entry, 'id', '?'))}]",
                           "verified: true needs the citation it was checked against")  # fmt: skip
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


def _themes(items: list[Theme], principles: dict[int, Principle], at: At) -> dict[str, Theme]:
    themes: dict[str, Theme] = {}
    for theme in items:
        dangling = [n for n in theme.principles if n not in principles]
        if dangling or theme.id in themes:
            raise at.error(f"themes[{theme.id}]", f"duplicate theme id or unknown principles {dangling}")
        themes[theme.id] = theme
    return themes


def _sources(root: Path) -> dict[str, Source]:
    data, at = _read(root, "sources.yaml"), At("sources.yaml")
    no_unknown(data, {"sources"}, at)
    sources: dict[str, Source] = {}
    for source in _make_all(Source, data, "sources", at):
        if source.id in sources:
            raise at.error(f"sources[{source.id}]", "duplicate source id")
        sources[source.id] = source
    return sources


def _indicators(root: Path, refs: Refs) -> dict[str, Indicator]:
    """Theme files in framework order, then context.yaml; any other registry file is refused."""
    stems = [*refs.themes, CONTEXT_FILE]
    paths = {p.stem: p for p in (root / "registry").glob("*.yaml")}
    for odd in sorted(set(paths) - set(stems)):
        raise RegistryError(f"registry/{odd}.yaml", f"unexpected file: one per theme ({', '.join(stems)}.yaml)")
    found: dict[str, tuple[Indicator, str]] = {}
    for stem in (s for s in stems if s in paths):
        name = f"registry/{stem}.yaml"
        data = _read(root, name)
        no_unknown(data, {"indicators"}, At(name))
        for raw in data.get("indicators") or []:
            ind = check_indicator(raw, At(name, raw.get("id") if isinstance(raw, dict) else None))
            check_refs(ind, stem, At(name, ind.id), refs)
            if ind.id in found:
                raise RegistryError(name, f"duplicate id, also in {found[ind.id][1]}", ind.id, "id")
            found[ind.id] = (ind, name)
    if not found:
        raise RegistryError("registry/", f"no indicators under {root / 'registry'}")
    for ind, name in found.values():
        dangling = [part for part in ind.built_from if part not in found or part == ind.id]
        if dangling:
            raise RegistryError(name, f"built from unknown indicators {dangling}", ind.id, "built_from")
    return {key: ind for key, (ind, _) in found.items()}
