"""The good-practice library in (data/practices/practices.yaml, or steward records); the release's practice tables out.

A practice is one record (id, name, institution, years, texts citing their sources as [ref]) plus link tables:
its countries, MFLM principles, themes, the indicators it aims to move (or gives context to) and its sources with
the fields each one supports. Editorial records come from the bundled YAML (`lmm seed` puts them in the seed),
steward records from accepted submissions (merged by `lmm build` / the publish job, replacing a record by its id).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from lmm.config import PROJECT_ROOT
from loaders.base import sha256_of
from loaders.practice_models import (  # noqa: F401 (re-exported)
    ACTIVITIES,
    EDITORIAL,
    KINDS,
    MODELS,
    PRACTICE_TABLES,
    RELATIONS,
    ROLES,
    SLUG,
    PracticeModel,
    columns,
)
from loaders.practice_rules import (  # noqa: F401 (re-exported)
    FACT_FIELDS,
    MARKER,
    TEXT_FIELDS,
    citation_problems,
    markers,
    reference_problems,
)

SOURCE_FILE = PROJECT_ROOT / "data" / "practices" / "practices.yaml"
RECORD_KEYS = {
    "id",
    "name",
    "name_en",
    "countries",
    "institution",
    "start_year",
    "end_year",
    "activity",
    "status_as_of",
    "themes",
    "principles",
    "gcm_objectives",
    "indicators",
    "left_out",
    "submitted_by",
    "submitted_role",
    "citations",
    *TEXT_FIELDS,
}
REQUIRED = ("id", "name", "countries", "institution", "activity", "summary", "principles", "citations")
CITATION_KEYS = {"ref", "title", "publisher", "url", "accessed", "kind", "supports"}


class PracticeError(ValueError):
    """The practice file or record is wrong: the message names the file, the practice and the field."""

    def __init__(self, file: str, problem: str, practice: str | None = None, field: str | None = None):
        self.file, self.problem, self.practice, self.field = file, problem, practice, field
        where = file + (f": practice {practice!r}" if practice else "") + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {problem}")


# --- records ---------------------------------------------------------------------------------------------------


def read_file(path: Path | None = None) -> tuple[list[dict[str, Any]], str]:
    """(records, provenance text) of the editorial file; a wrong structure raises PracticeError naming the field."""
    path = path or SOURCE_FILE
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PracticeError(name, f"cannot be read as YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("practices"), list) or not data["practices"]:
        raise PracticeError(name, "expected a mapping with a non-empty list 'practices'")
    records = [normalise(raw, name, data.get("editor", "editorial team"), "editor") for raw in data["practices"]]
    ids = [r["practice_id"] for r in records]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise PracticeError(name, f"duplicate practice ids {duplicated}")
    provenance = f"file=data/practices/{name};version={data.get('version', '')};sha256={sha256_of(path)}"
    return records, provenance


def normalise(raw: Any, file: str, default_by: str, role: str) -> dict[str, Any]:
    """One YAML/steward mapping as a record (lists as lists, missing optional fields as None); refuses unknown keys."""
    if not isinstance(raw, dict):
        raise PracticeError(file, f"each practice must be a mapping, found {raw!r}")
    pid = str(raw.get("id", "?"))
    unknown = sorted(set(raw) - RECORD_KEYS)
    if unknown:
        raise PracticeError(file, f"unknown key {unknown[0]!r}", pid, unknown[0])
    missing = [k for k in REQUIRED if raw.get(k) in (None, "", [])]
    if missing:
        raise PracticeError(file, "required field is missing or empty", pid, missing[0])
    record: dict[str, Any] = {
        k: _clean(raw.get(k)) for k in ("name", "name_en", "institution", "activity", *TEXT_FIELDS)
    }
    record |= {k: raw.get(k) for k in ("start_year", "end_year", "status_as_of")}
    record |= {
        "practice_id": pid,
        "countries": [_country(c, file, pid) for c in raw["countries"]],
        "themes": [str(t) for t in raw.get("themes") or []],
        "principles": [int(p) for p in raw["principles"]],
        "gcm_objectives": [int(g) for g in raw.get("gcm_objectives") or []],
        "indicators": [_indicator(i, file, pid) for i in raw.get("indicators") or []],
        "left_out": [str(x) for x in raw.get("left_out") or []],
        "submitted_by": str(raw.get("submitted_by") or default_by),
        "submitted_role": str(raw.get("submitted_role") or role),
        "citations": [_citation(c, file, pid) for c in raw["citations"]],
    }
    return record


def _clean(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _only(raw: dict, keys: set[str], file: str, pid: str, field: str) -> None:
    """Unknown keys are refused: in a YAML flow mapping an unquoted comma silently starts a new key."""
    unknown = sorted(str(k) for k in set(raw) - keys)
    if unknown:
        raise PracticeError(file, f"unknown key {unknown[0]!r} (quote texts that contain commas)", pid, field)


def _country(raw: Any, file: str, pid: str) -> dict[str, str]:
    item = raw if isinstance(raw, dict) else {"iso3": raw}
    _only(item, {"iso3", "role"}, file, pid, "countries")
    return {"iso3": str(item.get("iso3", "")).upper(), "role": str(item.get("role") or "lead")}


def _indicator(raw: Any, file: str, pid: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or "id" not in raw:
        raise PracticeError(file, f"an indicator link needs an id, found {raw!r}", pid, "indicators")
    _only(raw, {"id", "relation", "why", "ref"}, file, pid, "indicators")
    return {
        "indicator_id": str(raw["id"]),
        "relation": str(raw.get("relation") or "context"),
        "why": _clean(raw.get("why")),
        "ref": _clean(raw.get("ref")),
    }


def _citation(raw: Any, file: str, pid: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise PracticeError(file, f"a citation must be a mapping, found {raw!r}", pid, "citations")
    unknown = sorted(set(raw) - CITATION_KEYS)
    if unknown:
        raise PracticeError(file, f"unknown citation key {unknown[0]!r}", pid, "citations")
    citation = {k: _clean(raw.get(k)) for k in ("ref", "title", "publisher", "url", "accessed")}
    return citation | {
        "kind": str(raw.get("kind") or "source"),
        "supports": [str(s) for s in raw.get("supports") or []],
    }


# --- tables ----------------------------------------------------------------------------------------------------


def tables_from_records(records: list[dict[str, Any]], origin: list[tuple[str, str]]) -> dict[str, pd.DataFrame]:
    """The six tables of the records; origin[i] = (source_id, provenance) of records[i]. Validated (lazy)."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in PRACTICE_TABLES}
    for record, (source_id, provenance) in zip(records, origin, strict=True):
        pid = record["practice_id"]
        rows["practices"].append(_practice_row(record, source_id, provenance))
        rows["practice_countries"] += [
            {"practice_id": pid, "country": c["iso3"], "role": c["role"], "position": i}
            for i, c in enumerate(record["countries"], 1)
        ]
        rows["practice_principles"] += [{"practice_id": pid, "principle": p} for p in record["principles"]]
        rows["practice_themes"] += [{"practice_id": pid, "theme": t} for t in record["themes"]]
        rows["practice_indicators"] += [{"practice_id": pid, **link} for link in record["indicators"]]
        rows["practice_sources"] += [
            {
                "practice_id": pid,
                "position": i,
                **{k: c[k] for k in ("ref", "kind", "title", "publisher", "url", "accessed")},
                "supports": ",".join(c["supports"]),
            }
            for i, c in enumerate(record["citations"], 1)
        ]
    return {name: validate_table(name, pd.DataFrame(rows[name], columns=columns(name))) for name in PRACTICE_TABLES}


def _practice_row(record: dict[str, Any], source_id: str, provenance: str) -> dict[str, Any]:
    out = {
        k: record.get(k)
        for k in (
            "practice_id",
            "name",
            "name_en",
            "institution",
            "start_year",
            "end_year",
            "activity",
            "status_as_of",
            *TEXT_FIELDS,
            "submitted_by",
            "submitted_role",
        )
    }
    return out | {
        "countries": ",".join(c["iso3"] for c in record["countries"]),
        "themes": ",".join(record["themes"]),
        "principles": ",".join(map(str, record["principles"])),
        "gcm_objectives": ",".join(map(str, record["gcm_objectives"])),
        "left_out": "; ".join(record["left_out"]),
        "status": "published",
        "source_id": source_id,
        "provenance": provenance,
    }


def validate_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    for year in ("start_year", "end_year", "status_as_of"):
        if year in frame:
            frame[year] = pd.to_numeric(frame[year], errors="coerce").astype("Int64")
    return MODELS[name].validate(frame, lazy=True)


def empty_tables() -> dict[str, pd.DataFrame]:
    return tables_from_records([], [])


def load_practices(path: Path | None = None) -> dict[str, pd.DataFrame]:
    """The editorial file as the six validated tables; a citation problem stops the seed with its practice and field."""
    records, provenance = read_file(path)
    for record in records:
        for field, problem in citation_problems(record):
            raise PracticeError((path or SOURCE_FILE).name, problem, record["practice_id"], field)
    return tables_from_records(records, [(EDITORIAL, provenance)] * len(records))


def merge_practices(tables: dict[str, pd.DataFrame], submissions: list[pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The practice tables after the accepted steward submissions (in order): each record replaces the one with its id.

    A steward submission frame holds rows with kind 'practice', a JSON `record`, `submitted_by` and `submission`."""
    merged = {name: tables[name] if name in tables else empty_tables()[name] for name in PRACTICE_TABLES}
    for submission in submissions:
        if "kind" not in submission or "record" not in submission:
            continue
        rows = submission[submission["kind"] == "practice"]
        if rows.empty:
            continue
        records = [json.loads(text) for text in rows["record"]]
        origin = [
            ("steward", f"submitted_by={by};submission={sid}")
            for by, sid in zip(rows["submitted_by"], rows["submission"], strict=True)
        ]
        incoming = tables_from_records(records, origin)
        replaced = set(incoming["practices"]["practice_id"])
        for name in PRACTICE_TABLES:
            kept = merged[name][~merged[name]["practice_id"].isin(replaced)]
            merged[name] = pd.concat([kept, incoming[name]], ignore_index=True)
    return {name: validate_table(name, frame.reset_index(drop=True)) for name, frame in merged.items()}
