"""The editorial practice file: every seeded practice cites public sources for every fact it states, every
principle, theme, indicator and country it names exists, the seed and the release hold it, and a broken file stops
with the practice and the field at fault."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pandera.errors
import pytest
import yaml

from indicators.registry import load_registry
from lmm.config import seed_dir
from loaders.practices import (
    EDITORIAL,
    FACT_FIELDS,
    PRACTICE_TABLES,
    SOURCE_FILE,
    TEXT_FIELDS,
    PracticeError,
    load_practices,
    markers,
    merge_practices,
    read_file,
)
from loaders.seed import read_seed

PRESENTED_2009 = {
    "colombia-nos-une": "COL",
    "chile-dicoex": "CHL",
    "ghana-diasporan-relations": "GHA",
    "nigeria-nido": "NGA",
    "mexico-ime": "MEX",
    "mexico-paisano": "MEX",
    "mexico-techba": "MEX",
}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return read_file()[0]


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return load_practices()


def test_the_programmes_of_the_2009_meeting_are_seeded(tables) -> None:
    practices = tables["practices"].set_index("practice_id")
    assert set(practices.index) == set(PRESENTED_2009)
    lead = tables["practice_countries"].query("role == 'lead'").set_index("practice_id")["country"]
    assert lead.to_dict() == PRESENTED_2009
    assert set(tables["practice_countries"].query("practice_id == 'mexico-techba'")["country"]) == {"MEX", "USA"}
    assert (practices["submitted_role"] == "editor").all() and (practices["source_id"] == EDITORIAL).all()


def test_every_seeded_practice_cites_sources_with_urls(tables) -> None:
    sources = tables["practice_sources"]
    for pid in tables["practices"]["practice_id"]:
        own = sources[sources["practice_id"] == pid]
        assert len(own) >= 1, pid
        assert own["url"].str.match(r"^https?://\S+$").all(), pid
        assert own["accessed"].str.match(r"^\d{4}-\d{2}-\d{2}$").all(), pid
        assert own["title"].str.len().gt(0).all(), pid


def test_every_stated_fact_is_sourced(records) -> None:
    """Each filled fact field is supported by a citation; each sentence of a text cites one ([ref] or [editorial])."""
    for rec in records:
        refs = {c["ref"] for c in rec["citations"]}
        supported = {f for c in rec["citations"] for f in c["supports"]}
        for field in FACT_FIELDS:
            if rec.get(field) not in (None, "", "unknown"):
                assert field in supported, (rec["practice_id"], field)
        for field in TEXT_FIELDS:
            text = rec.get(field) or ""
            assert set(markers(text)) <= refs | {EDITORIAL}, (rec["practice_id"], field)
            for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", text) if text else []:
                assert markers(sentence), (rec["practice_id"], field, sentence)
        unused = refs - {m for f in (*TEXT_FIELDS, "institution") for m in markers(rec.get(f) or "")}
        unused -= {link["ref"] for link in rec["indicators"]}
        assert not unused or all(c["supports"] for c in rec["citations"] if c["ref"] in unused), rec["practice_id"]


def test_aims_are_stated_by_a_source(records) -> None:
    for rec in records:
        refs = {c["ref"] for c in rec["citations"]}
        for link in rec["indicators"]:
            if link["relation"] == "aims_to_move":
                assert link["ref"] in refs, (rec["practice_id"], link)


def test_every_reference_exists(tables) -> None:
    registry = load_registry()
    countries = read_seed(seed_dir())["countries"]
    real = set(countries.loc[~countries["is_aggregate"].astype(bool), "iso3"])
    assert set(tables["practice_principles"]["principle"]) <= set(registry.principles)
    assert set(tables["practice_themes"]["theme"]) <= set(registry.themes)
    assert set(tables["practice_indicators"]["indicator_id"]) <= set(registry.indicators)
    assert set(tables["practice_countries"]["country"]) <= real
    assert tables["practices"]["gcm_objectives"].str.split(",").explode().astype(int).between(1, 23).all()


def test_the_seed_and_the_release_hold_the_library(tables, release_id: str) -> None:
    from warehouse.connection import cursor

    seed = read_seed(seed_dir())
    _, cur = cursor(release_id)
    for name in PRACTICE_TABLES:
        committed = seed[name]
        assert len(committed) == len(tables[name]), f"{name}: run `lmm seed --from ../shared/data/raw`"
        assert cur.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] == len(committed)  # noqa: S608
    assert seed["practices"]["provenance"].iloc[0] == tables["practices"]["provenance"].iloc[0], "seed is stale"


def _broken(tmp_path: Path, edit) -> Path:
    path = tmp_path / "practices.yaml"
    shutil.copy(SOURCE_FILE, path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data["practices"][0])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (lambda p: p.update(budget="1 million"), "budget", "unknown key"),
        (lambda p: p.pop("citations"), "citations", "required"),
        (lambda p: p.update(summary=p["summary"] + " It won awards [nowhere]."), "summary", "[nowhere]"),
        (lambda p: p["citations"][0].update(url="www.example.org"), "citations", "no http(s) URL"),
        (
            lambda p: [c["supports"].remove("start_year") for c in p["citations"] if "start_year" in c["supports"]],
            "start_year",
            "no citation supports",
        ),
        (lambda p: p["indicators"][0].update(weight=2), "indicators", "unknown key"),
    ],
)
def test_a_broken_file_names_the_practice_and_field(tmp_path: Path, edit, field: str, words: str) -> None:
    with pytest.raises(PracticeError) as error:
        load_practices(_broken(tmp_path, edit))
    assert error.value.practice == "colombia-nos-une" and error.value.field == field
    assert words in str(error.value) and "practices.yaml" in str(error.value)


def test_an_unquoted_comma_in_a_flow_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "practices.yaml"
    text = SOURCE_FILE.read_text(encoding="utf-8")
    path.write_text(
        text.replace('why: "The size of the diaspora the programme serves."', "why: The size, of the diaspora"),
        encoding="utf-8",
    )
    with pytest.raises(PracticeError, match="quote texts that contain commas"):
        load_practices(path)


def _ended_before_start(practice: dict) -> None:
    practice["end_year"] = 1990  # it started in 2003
    practice["citations"][0]["supports"].append("end_year")


def test_the_pandera_model_checks_years_ids_and_countries(tmp_path: Path) -> None:
    with pytest.raises(pandera.errors.SchemaErrors) as error:
        load_practices(_broken(tmp_path, _ended_before_start))
    assert "ends_after_start" in str(error.value)
    with pytest.raises(pandera.errors.SchemaErrors):
        load_practices(_broken(tmp_path, lambda p: p.update(id="Colombia Nos Une")))
    with pytest.raises(pandera.errors.SchemaErrors):
        load_practices(_broken(tmp_path, lambda p: p.update(activity="paused")))


def test_steward_records_replace_by_id_with_their_provenance(tables) -> None:
    import json

    record = dict(read_file()[0][5])  # mexico-paisano
    assert record["practice_id"] == "mexico-paisano"
    record |= {
        "summary": "Rewritten by the steward [ap-2005].",
        "submitted_by": "INM Mexico",
        "submitted_role": "steward",
    }
    new = dict(record, practice_id="mex-new", name="A new programme")
    frame = pd.DataFrame(
        {
            "kind": "practice",
            "mode": "replace",
            "row": [2, 3],
            "practice_id": ["mexico-paisano", "mex-new"],
            "record": [json.dumps(record), json.dumps(new)],
            "submitted_by": "INM Mexico",
            "submission": "s1",
        }
    )
    merged = merge_practices(tables, [pd.DataFrame({"kind": ["observation"]}), frame])
    practices = merged["practices"].set_index("practice_id")
    assert len(practices) == 8
    assert practices.loc["mexico-paisano", "summary"] == "Rewritten by the steward [ap-2005]."
    assert practices.loc["mexico-paisano", "source_id"] == "steward"
    assert practices.loc["mexico-paisano", "provenance"] == "submitted_by=INM Mexico;submission=s1"
    sources = merged["practice_sources"]
    assert (sources["practice_id"] == "mexico-paisano").sum() == len(record["citations"])
    assert merge_practices(tables, [])["practices"].equals(tables["practices"])
