"""One indicator entry of registry/*.yaml in; a checked `Indicator` out, or a located `RegistryError`.

The refusals that keep a score from going silently wrong live here: every field's YAML shape (KINDS), the closed
vocabularies, threshold order, category tables, what a scored or a context indicator must carry, and references
to themes, principles, guidelines and sources. indicators/registry.py reads the files and calls these.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from indicators.model import UNIVERSES, Category, Indicator, Thresholds
from indicators.registry_types import At, Refs

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
    **{"universe": "str", "bounds": "nums", "suspect_rules": "strs", "built_from": "strs"},
}
SUSPECT_RULES = {"swapped_sexes", "zero_not_counted", "zero_before_first_count"}
THRESHOLD_KEYS = ("optimum", "green", "red", "lower_bound")
CATEGORY_KEYS = ("code", "label", "score", "level")


def no_unknown(raw: dict[str, Any], allowed: Collection[str], at: At, prefix: str = "") -> None:
    """Refuse a mapping with a key outside `allowed`; the error names the first such key and lists the allowed."""
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise at.error(prefix + unknown[0], f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def check_indicator(raw: Any, at: At) -> Indicator:
    """One entry of a registry file as an `Indicator`, every field checked (references apart: see check_refs)."""
    if not isinstance(raw, dict):
        raise at.error(None, f"expected a mapping, found {raw!r}")
    no_unknown(raw, set(KINDS), at)
    for name in REQUIRED:
        if raw.get(name) in (None, "", []):
            raise at.error(name, "required field is missing or empty")
    values = {
        name: shaped(raw[name], KINDS[name], at, name) for name in raw if name not in ("thresholds", "categories")
    }
    if not ID_RE.match(values["id"]):
        raise at.error("id", "must be snake_case (a-z, 0-9, _), starting with a letter")
    _check_enums(values, at)
    values["thresholds"] = _thresholds(raw["thresholds"], values["direction"], at) if "thresholds" in raw else None
    values["categories"] = _categories(raw["categories"], at) if "categories" in raw else ()
    ind = Indicator(**values)
    _check_scoring(ind, at)
    return ind


def shaped(value: Any, kind: str, at: At, field: str) -> Any:
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
        "nums": isinstance(value, list) and len(value) == 2 and all(_number(v) for v in value) and value[0] < value[1],
    }[kind]
    if not ok:
        raise at.error(field, f"expected {kind} (see KINDS in indicators/registry_checks.py), found {value!r}")
    return tuple(value) if isinstance(value, list) else value


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_enums(values: dict[str, Any], at: At) -> None:
    allowed = {"type": TYPES, "direction": DIRECTIONS, "threshold_basis": BASES, "headline_sex": SEXES,
               "universe": set(UNIVERSES)}  # fmt: skip
    odd_rules = set(values.get("suspect_rules", ())) - SUSPECT_RULES
    if odd_rules:
        raise at.error("suspect_rules", f"{sorted(odd_rules)} not in {sorted(SUSPECT_RULES)}")
    for name, options in allowed.items():
        if name in values and values[name] not in options:
            raise at.error(name, f"{values[name]!r} is not one of {sorted(options)}")
    odd = set(values.get("disaggregations", ())) - DISAGGREGATIONS
    if odd:
        raise at.error("disaggregations", f"{sorted(odd)} not in {sorted(DISAGGREGATIONS)}")


def _thresholds(raw: Any, direction: str, at: At) -> Thresholds:
    if not isinstance(raw, dict):
        raise at.error("thresholds", f"expected a mapping of {', '.join(THRESHOLD_KEYS)}")
    no_unknown(raw, THRESHOLD_KEYS, at, "thresholds.")
    for key in THRESHOLD_KEYS:
        if not isinstance(raw.get(key), int | float) or isinstance(raw.get(key), bool):
            raise at.error(f"thresholds.{key}", f"expected a number, found {raw.get(key)!r}")
    t = Thresholds(*(float(raw[k]) for k in THRESHOLD_KEYS))
    if direction in ("higher", "lower"):
        _check_order(t, direction, at)
    return t


def _check_order(t: Thresholds, direction: str, at: At) -> None:
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


def _categories(raw: Any, at: At) -> tuple[Category, ...]:
    if not isinstance(raw, list) or not raw:
        raise at.error("categories", "expected a non-empty list of {code, label, score, level}")
    table = tuple(_category(entry, f"categories[{i}]", at) for i, entry in enumerate(raw))
    codes = [c.code for c in table]
    if len(set(codes)) != len(codes):
        raise at.error("categories", f"duplicate codes in {codes}")
    return table


def _category(raw: Any, where: str, at: At) -> Category:
    if not isinstance(raw, dict):
        raise at.error(where, f"expected a mapping of {', '.join(CATEGORY_KEYS)}")
    no_unknown(raw, CATEGORY_KEYS, at, where + ".")
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


def _check_scoring(ind: Indicator, at: At) -> None:
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


def check_refs(ind: Indicator, stem: str, at: At, refs: Refs) -> None:
    """The indicator sits in its theme's file and points only at themes, principles, guidelines, sources defined."""
    if ind.theme not in refs.themes:
        raise at.error("theme", f"{ind.theme!r} is not a theme in framework.yaml ({', '.join(refs.themes)})")
    if stem != CONTEXT_FILE and ind.theme != stem:
        raise at.error("theme", f"{ind.theme!r} in registry/{stem}.yaml: each theme file holds its own theme")
    if stem == CONTEXT_FILE and ind.scored:
        raise at.error("direction", f"{CONTEXT_FILE}.yaml holds context indicators only")
    if ind.universe is not None and ind.type != "event":
        raise at.error("universe", "only event indicators (ratification lists) have a universe")
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
