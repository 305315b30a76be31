"""The registry as data: what it must hold, and the broken edits it must refuse with a located message."""

from __future__ import annotations

import json
import shutil
from dataclasses import fields
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from indicators import registry as reg
from indicators import registry_checks
from indicators.model import Indicator, Registry
from indicators.registry import RegistryError, load_registry
from indicators.registry_export import methodology_dict, registry_tables

THEMES = ("recruitment", "dual_nationality", "portability", "women")
# The ids the helper contract lists (docs/CONTRACT-helpers.md), copied here because that file is deleted at release.
CONTRACT_IDS = {
    "recruitment": "recruitment_cost_months sdg1072_d4 sdg1072_d6 ilo_c181 ilo_c097 ilo_c143 ilo_p029 un_icrmw "
    "labour_rights_compliance injury_rate_migrant_gap fee_ban_law recruiter_licensing recruitment_cost_corridor",
    "dual_nationality": "dual_citizenship_acceptance dual_citizenship_emigrants naturalisation_renunciation "
    "remittance_cost remittances_gdp external_voting",
    "portability": "ilo_c102 ilo_c118 ilo_c157 sdg1072_d1 sdg1072_d3 social_protection_coverage pension_coverage "
    "bssa_count bssa_in_force",
    "women": "female_lfpr lfpr_ratio_fm women_managers informal_employment_women women_share_immigrants "
    "women_share_emigrants ilo_c189 ilo_c190 un_cedaw tertiary_women_emigration_rate ilo_c100 ilo_c111 ilo_c156 "
    "ilo_c183",
    "context": "sdg1072_all sdg1072_d2 sdg1072_d5 migrant_stock emigrant_stock migrant_stock_share_pop "
    "migrant_stock_corridor female_lfpr_longrun social_protection_aspire lfpr_national migrant_deaths "
    "remittance_flow_corridor emigration_rate_total emigration_rate_low emigration_rate_medium emigration_rate_tertiary "
    "wb_income_group",
}
CONTRACT_SOURCES = (
    "country_codes wb_class wb_wdi globalcit un_sdg undesa_ims iab_brain_drain un_treaties ilo_normlex unsd_gender "
    "owid steward wb_class_fy2026 knomad_migration knomad_remittances iab_emigration_rates"
).split()
# SOURCE.txt says no licence is stated or it is not verified (and steward data have per-submission terms).
LICENCE_NOT_VERIFIED = set(
    "globalcit iab_brain_drain un_treaties ilo_normlex unsd_gender owid steward knomad_migration knomad_remittances "
    "iab_emigration_rates".split()
)
FEMALE_HEADLINE = {"female_lfpr", "women_managers", "informal_employment_women", "women_share_immigrants"} | {
    "women_share_emigrants",
    "emigration_rate_tertiary",
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


# --- what the real registry holds ---------------------------------------------------------------------------------


def test_loads_at_least_30_indicators_across_the_four_themes(registry: Registry) -> None:
    assert len(registry.indicators) >= 30
    assert tuple(registry.themes) == THEMES
    assert {i.theme for i in registry.indicators.values()} == set(THEMES)
    for theme in THEMES:
        assert sum(i.theme == theme and i.scored for i in registry.indicators.values()) >= 4, theme


def test_every_contract_id_is_registered(registry: Registry) -> None:
    for group, ids in CONTRACT_IDS.items():
        missing = set(ids.split()) - set(registry.indicators)
        assert not missing, f"{group}: {sorted(missing)}"
        if group != "context":
            assert {registry.indicators[i].theme for i in ids.split()} == {group}


def test_contract_context_ids_are_context(registry: Registry) -> None:
    for ind_id in CONTRACT_IDS["context"].split():
        assert registry.indicators[ind_id].direction == "context", ind_id


def test_every_indicator_has_source_unit_direction_basis_and_a_principle_if_scored(registry: Registry) -> None:
    for ind in registry.indicators.values():
        assert ind.source_ids and ind.unit and ind.direction in {"higher", "lower", "context"}, ind.id
        assert ind.threshold_basis, ind.id
        if ind.scored:
            assert ind.principles and all(1 <= p <= 15 for p in ind.principles), ind.id
            assert ind.threshold_basis != "none", ind.id
            assert (ind.thresholds is not None) == (ind.type == "continuous"), ind.id
            assert bool(ind.categories) == (ind.type != "continuous"), ind.id
        else:
            assert ind.thresholds is None and not ind.categories and ind.threshold_basis == "none", ind.id


def test_every_source_has_licence_citation_and_the_verified_flag_source_txt_implies(registry: Registry) -> None:
    assert set(registry.sources) == set(CONTRACT_SOURCES)
    for source in registry.sources.values():
        assert source.licence.strip() and source.citation.strip() and source.title.strip(), source.id
        assert source.licence_verified == (source.id not in LICENCE_NOT_VERIFIED), source.id
        assert (source.folder is None) == (source.id == "steward"), source.id
    assert "hdl.handle.net/1814/73190" in registry.sources["globalcit"].citation
    assert "Brücker" in registry.sources["iab_brain_drain"].citation


def test_principles_1_to_15_each_sit_in_exactly_one_of_9_areas(registry: Registry) -> None:
    assert list(registry.areas) == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    assert sorted(registry.principles) == list(range(1, 16))
    by_area = {a: [p.number for p in registry.principles.values() if p.area == a] for a in registry.areas}
    assert by_area == {"I": [1], "II": [2], "III": [3], "IV": [4, 5, 6, 7], "V": [8, 9, 10], "VI": [11]} | {
        "VII": [12, 13],
        "VIII": [14],
        "IX": [15],
    }
    assert all(p.gist and isinstance(p.verified, bool) for p in registry.principles.values())


def test_guidelines_and_the_dual_nationality_caveat(registry: Registry) -> None:
    guidelines = registry.extra["guidelines"]
    assert isinstance(guidelines, dict) and {"13.5", "9.9", "4.5"} <= set(guidelines)
    assert all(isinstance(g.verified, bool) for g in guidelines.values())
    caveat = registry.themes["dual_nationality"].caveat or ""
    assert "principle 15" in caveat and "reading" in caveat
    assert "normative" in (registry.indicators["dual_citizenship_acceptance"].caveat or "").lower()


def test_methodology_version_and_coverage(registry: Registry) -> None:
    assert registry.methodology_version == "2026.2"
    assert registry.coverage_threshold == 0.8


def test_kinds_cover_every_indicator_field() -> None:
    assert set(registry_checks.KINDS) == {f.name for f in fields(Indicator)}


def _table(ind: Indicator) -> dict[str, tuple[float | None, str]]:
    return {c.code: (c.score, c.level) for c in ind.categories}


def test_sdg1072_domains_use_the_published_categories(registry: Registry) -> None:
    expected = {"1": (0.0, "red"), "2": (33.3, "orange"), "3": (66.7, "yellow"), "4": (100.0, "green")}
    for ind_id in ("sdg1072_d1", "sdg1072_d3", "sdg1072_d4", "sdg1072_d6"):
        ind = registry.indicators[ind_id]
        assert _table(ind) == expected and ind.threshold_basis == "published categories", ind_id
        assert ind.recency_window == 6 and "2021" in (ind.caveat or ""), ind_id


def test_globalcit_tables(registry: Registry) -> None:
    acceptance = _table(registry.indicators["dual_citizenship_acceptance"])
    assert acceptance == {"3": (100.0, "green"), "2": (50.0, "yellow"), "1": (50.0, "yellow"), "0": (0.0, "red")}
    emigrants = _table(registry.indicators["dual_citizenship_emigrants"])
    assert emigrants["0"] == (100.0, "green")
    assert {emigrants[c][1] for c in "36"} == {"orange"} and {emigrants[c][1] for c in "1245"} == {"red"}
    renunciation = _table(registry.indicators["naturalisation_renunciation"])
    assert renunciation["0"][1] == "green" and renunciation["3"][1] == "red" and renunciation["9"] == (None, "no_data")


def test_steward_categorical_tables(registry: Registry) -> None:
    assert _table(registry.indicators["fee_ban_law"]) == {
        "full": (100.0, "green"), "partial": (50.0, "yellow"), "none": (0.0, "red")
    }  # fmt: skip
    assert {c: s for c, (s, _) in _table(registry.indicators["recruiter_licensing"]).items()} == {
        "none": 0.0, "licensing_only": 50.0, "licensing_register": 100.0
    }  # fmt: skip
    assert set(_table(registry.indicators["external_voting"])) == {"yes", "partial", "no"}
    assert set(_table(registry.indicators["bssa_in_force"])) >= {"in_force", "signed", "none"}
    for ind_id in ("fee_ban_law", "recruiter_licensing", "external_voting", "bssa_in_force", "bssa_count"):
        assert registry.indicators[ind_id].steward_uploadable, ind_id


def test_event_tables(registry: Registry) -> None:
    ilo = {"in_force", "party", "not_in_force", "denounced", "not_ratified", "not_known", "not_applicable"}
    un = {"party", "signatory", "no_action"}
    for ind in registry.indicators.values():
        if ind.type != "event" or not ind.scored:
            continue
        table = _table(ind)
        if ind.id.startswith("ilo_"):
            assert set(table) == ilo and table["in_force"] == (100.0, "green"), ind.id
            assert "complete" in (ind.caveat or ""), ind.id  # not ratified is red only where the list is complete
        elif ind.id.startswith("un_"):
            assert set(table) - {"not_known", "not_applicable"} == un and table["no_action"][1] == "red", ind.id
        assert table.get("not_known", (None, "no_data")) == (None, "no_data"), ind.id
        if ind.id.startswith(("ilo_", "un_")):
            assert table["not_applicable"] == (None, "no_data"), f"{ind.id}: outside the list's universe, uncoloured"
            assert ind.universe == ("ilo_members" if ind.id.startswith("ilo_") else "un_members"), ind.id


def test_headline_sex(registry: Registry) -> None:
    for ind_id in FEMALE_HEADLINE:
        assert registry.indicators[ind_id].headline_sex == "female", ind_id
    assert registry.indicators["lfpr_ratio_fm"].headline_sex == "total"
    assert registry.indicators["social_protection_coverage"].headline_sex == "total"


def test_sdsn_and_project_thresholds(registry: Registry) -> None:
    ratio = registry.indicators["lfpr_ratio_fm"]
    assert ratio.threshold_basis == "SDSN"
    assert ratio.thresholds is not None and (ratio.thresholds.optimum, ratio.thresholds.lower_bound) == (100, 21.5)
    cost = registry.indicators["recruitment_cost_months"].thresholds
    assert cost is not None and (cost.optimum, cost.green, cost.red) == (0, 1, 3)
    for ind in registry.indicators.values():
        if ind.threshold_basis == "project" and ind.type == "continuous":
            assert "project" in (ind.caveat or ""), ind.id  # the UI must say the thresholds are ours


def test_default_registry_is_cached() -> None:
    assert load_registry() is load_registry()


# --- the registry against what the loaders emit from the real files ------------------------------------------------


@pytest.fixture(scope="module")
def seed(raw_dir: Path) -> Any:
    from loaders.seed import run_loaders

    return run_loaders(raw_dir)  # also refuses indicator or source ids the registry lacks


def test_loader_units_match_the_registry(seed: Any, registry: Registry) -> None:
    for ind_id, units in seed["observations"].groupby("indicator_id")["unit"].unique().items():
        assert set(units) == {registry.indicators[ind_id].unit}, ind_id


def test_loaded_codes_and_statuses_are_in_the_category_tables(seed: Any, registry: Registry) -> None:
    for ind_id, values in seed["observations"].groupby("indicator_id")["value"]:
        ind = registry.indicators[ind_id]
        if ind.categories:
            codes = {str(int(v)) for v in values.dropna()}
            assert codes <= {c.code for c in ind.categories}, ind_id
    for ind_id, statuses in seed["events"].groupby("indicator_id")["status"]:
        ind = registry.indicators[ind_id]
        if ind.type == "event" and ind.scored:
            assert set(statuses) <= {c.code for c in ind.categories}, ind_id


def test_headline_sex_is_emitted(seed: Any, registry: Registry) -> None:
    for ind_id, sexes in seed["observations"].groupby("indicator_id")["sex"].unique().items():
        assert registry.indicators[ind_id].headline_sex in set(sexes), ind_id


# --- tables and export ----------------------------------------------------------------------------------------------


def test_registry_tables_are_warehouse_ready(registry: Registry) -> None:
    tables = registry_tables(registry)
    expected = {"indicators", "indicator_principles", "principles", "areas", "themes", "sources", "categories"}
    assert expected <= set(tables)
    assert len(tables["indicators"]) == len(registry.indicators)
    assert len(tables["indicator_principles"]) == sum(len(i.principles) for i in registry.indicators.values())
    assert len(tables["categories"]) == sum(len(i.categories) for i in registry.indicators.values())
    assert list(tables["categories"].columns[:1]) == ["indicator_id"]
    con = duckdb.connect()
    for name, frame in tables.items():
        con.register("frame_in", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame_in')
        con.unregister("frame_in")
    row = con.execute("SELECT optimum, green, red, lower_bound FROM indicators WHERE indicator_id = 'lfpr_ratio_fm'")
    assert row.fetchone() == (100.0, 70.0, 50.0, 21.5)
    nulls = con.execute("SELECT count(*) FROM indicators WHERE direction = 'context' AND optimum IS NULL").fetchone()
    assert nulls is not None and nulls[0] == sum(not i.scored for i in registry.indicators.values())
    unscored = con.execute("SELECT count(*) FROM categories WHERE score IS NULL AND level = 'no_data'").fetchone()
    assert unscored is not None and unscored[0] > 0
    categories = json.loads(tables["indicators"].set_index("indicator_id").at["fee_ban_law", "categories_json"])
    assert [c["code"] for c in categories] == ["full", "partial", "none"]


def test_methodology_dict_is_json_and_complete(registry: Registry) -> None:
    method = json.loads(json.dumps(methodology_dict(registry)))
    assert method["methodology_version"] == "2026.2" and method["coverage_threshold"] == 0.8
    assert set(method["indicators"]) == set(registry.indicators)
    ratio = method["indicators"]["lfpr_ratio_fm"]
    assert ratio["thresholds"] == {"optimum": 100, "green": 70, "red": 50, "lower_bound": 21.5}
    keys = {"direction", "thresholds", "categories", "recency_window", "trend_window", "weight", "headline_sex"}
    assert all(keys <= set(entry) for entry in method["indicators"].values())


# --- refusals: broken registries written to tmp_path ---------------------------------------------------------------


def _base() -> dict[str, Any]:
    return {
        "id": "test_cost", "theme": "recruitment", "title": "Test", "description": "A test indicator.",
        "unit": "months of earnings", "type": "continuous", "direction": "lower",
        "thresholds": {"optimum": 0, "green": 1, "red": 3, "lower_bound": 12}, "threshold_basis": "project",
        "principles": [13], "source_ids": ["un_sdg"],
    }  # fmt: skip


def _categorical() -> dict[str, Any]:
    entry = _base() | {"id": "test_law", "unit": "category", "type": "categorical", "direction": "higher"}
    del entry["thresholds"]
    entry["categories"] = [
        {"code": "full", "label": "Full", "score": 100, "level": "green"},
        {"code": "none", "label": "None", "score": 0, "level": "red"},
    ]
    return entry


def _write(root: Path, entries: list[dict[str, Any]], file: str = "recruitment") -> Path:
    """A registry folder: the real framework.yaml and sources.yaml, and one registry file holding `entries`."""
    for name in ("framework.yaml", "sources.yaml"):
        shutil.copy(reg.ROOT / name, root / name)
    (root / "registry").mkdir(exist_ok=True)
    (root / "registry" / f"{file}.yaml").write_text(yaml.safe_dump({"indicators": entries}, sort_keys=False))
    return root


def test_a_small_valid_registry_loads(tmp_path: Path) -> None:
    loaded = load_registry(_write(tmp_path, [_base(), _categorical()]))
    assert set(loaded.indicators) == {"test_cost", "test_law"}
    assert loaded.indicators["test_law"].categories[0].code == "full"


def _higher(**thresholds: float) -> dict[str, Any]:
    return _base() | {"direction": "higher", "thresholds": thresholds}


def _with(entry: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return entry | changes


def _without(entry: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != key}


def _category_change(index: int, drop: str | None = None, **changes: Any) -> dict[str, Any]:
    entry = _categorical()
    category = entry["categories"][index] | changes
    entry["categories"][index] = {k: v for k, v in category.items() if k != drop}
    return entry


REFUSALS = [  # (case, entries, indicator named, field named, words in the message)
    ("green beyond optimum", [_higher(optimum=100, green=110, red=50, lower_bound=0)], "test_cost",
     "thresholds.green", "beyond optimum"),
    ("red/green inverted (higher)", [_higher(optimum=100, green=40, red=80, lower_bound=0)], "test_cost",
     "thresholds.red", "inverted"),
    ("red/green inverted (lower)", [_with(_base(), thresholds={"optimum": 0, "green": 3, "red": 1, "lower_bound": 12})],
     "test_cost", "thresholds.red", "inverted"),
    ("green beyond optimum (lower)", [_with(_base(), thresholds=_base()["thresholds"] | {"optimum": 1, "green": 0.5})],
     "test_cost", "thresholds.green", "beyond optimum"),
    ("lower bound inside the band", [_higher(optimum=100, green=70, red=50, lower_bound=60)], "test_cost",
     "thresholds.lower_bound", "below red"),
    ("category without score", [_category_change(1, drop="score")], "test_law", "categories[1].score", "required"),
    ("category without level", [_category_change(0, drop="level")], "test_law", "categories[0].level", "required"),
    ("null score on a coloured category", [_category_change(0, score=None)], "test_law", "categories[0].score", "null"),
    ("unknown level", [_category_change(0, level="blue")], "test_law", "categories[0].level", "blue"),
    ("unquoted yes as a code", [_category_change(0, code=True)], "test_law", "categories[0].code", "quote"),
    ("empty category table", [_with(_categorical(), categories=[])], "test_law", "categories", "non-empty"),
    ("unknown key", [_with(_base(), weigth=2.0)], "test_cost", "weigth", "unknown key"),
    ("unknown threshold key", [_with(_base(), thresholds=_base()["thresholds"] | {"amber": 2})], "test_cost",
     "thresholds.amber", "unknown key"),
    ("dangling source", [_with(_base(), source_ids=["un_sdg", "nowhere"])], "test_cost", "source_ids", "nowhere"),
    ("dangling principle", [_with(_base(), principles=[13, 16])], "test_cost", "principles", "16"),
    ("dangling guideline", [_with(_base(), guidelines=["99.9"])], "test_cost", "guidelines", "99.9"),
    ("missing unit", [_without(_base(), "unit")], "test_cost", "unit", "missing"),
    ("missing direction", [_without(_base(), "direction")], "test_cost", "direction", "missing"),
    ("missing threshold basis", [_without(_base(), "threshold_basis")], "test_cost", "threshold_basis", "missing"),
    ("missing source ids", [_with(_base(), source_ids=[])], "test_cost", "source_ids", "missing"),
    ("scored without principle", [_with(_base(), principles=[])], "test_cost", "principles", "principle"),
    ("scored continuous without thresholds", [_without(_base(), "thresholds")], "test_cost", "thresholds", "needs"),
    ("context with thresholds", [_with(_base(), direction="context", threshold_basis="none")], "test_cost",
     "thresholds", "context"),
    ("unknown direction", [_with(_base(), direction="up")], "test_cost", "direction", "'up'"),
    ("duplicate id", [_base(), _base()], "test_cost", "id", "duplicate"),
    ("theme in the wrong file", [_with(_base(), theme="women")], "test_cost", "theme", "own theme"),
    ("steward flag without steward source", [_with(_base(), steward_uploadable=True)], "test_cost",
     "steward_uploadable", "steward"),
    ("recency window not a positive integer", [_with(_base(), recency_window=0)], "test_cost", "recency_window",
     "expected int"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "entries", "indicator", "field", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_broken_registry_is_refused_with_a_located_message(
    tmp_path: Path, case: str, entries: list[dict[str, Any]], indicator: str, field: str, words: str
) -> None:
    with pytest.raises(RegistryError) as caught:
        load_registry(_write(tmp_path, entries))
    message = str(caught.value)
    assert "registry/recruitment.yaml" in message, case
    assert f"indicator {indicator!r}" in message and f"field {field!r}" in message, message
    assert words in message, message
    assert (caught.value.indicator, caught.value.field) == (indicator, field)


def test_scored_indicator_in_context_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"registry/context\.yaml: indicator 'test_cost', field 'direction'"):
        load_registry(_write(tmp_path, [_base()], file="context"))


def test_unexpected_registry_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"registry/misc\.yaml: unexpected file"):
        load_registry(_write(tmp_path, [_base()], file="misc"))


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    _write(tmp_path, [_base()])
    (tmp_path / "registry" / "recruitment.yaml").write_text("indicators:\n  - {id: x, label: a, b: }\n   bad")
    with pytest.raises(RegistryError, match=r"registry/recruitment\.yaml: not valid YAML"):
        load_registry(tmp_path)


def test_framework_principle_in_unknown_area_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, [_base()])
    framework = yaml.safe_load((tmp_path / "framework.yaml").read_text())
    framework["principles"][0]["area"] = "X"
    (tmp_path / "framework.yaml").write_text(yaml.safe_dump(framework))
    with pytest.raises(RegistryError, match=r"framework\.yaml, field 'principles\[1\]\.area'"):
        load_registry(tmp_path)


def test_source_without_licence_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, [_base()])
    sources = yaml.safe_load((tmp_path / "sources.yaml").read_text())
    sources["sources"][0]["licence"] = " "
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(sources))
    with pytest.raises(RegistryError, match=r"sources\.yaml, field 'sources\[country_codes\]\.licence'"):
        load_registry(tmp_path)
