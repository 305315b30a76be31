"""A release in; its bulk zip out (built once per release, cached as LMM_DATA_DIR/bulk/<id>.zip).

The zip holds tidy CSVs of the release tables (spreadsheet-safe: text cells that start like a formula get a leading
apostrophe), observations again as SDMX-CSV 1.0 and, with the dated events, as SDMX-CSV 2.0 beside an SDMX-ML 2.1
structure message (warehouse/sdmx_bulk.py), methodology.json, a README and a Frictionless datapackage.json that
describes every file and field (types, descriptions, primary keys, the licence of every source).
"""

from __future__ import annotations

import fcntl
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lmm.config import data_dir
from warehouse.connection import cursor
from warehouse.read import release_info
from warehouse.safe_csv import neutralise_frame
from warehouse.sdmx_bulk import write_sdmx

# table: (primary key, description). Order = order in the zip and in datapackage.json.
TABLES: dict[str, tuple[list[str], str]] = {
    "observations": (["indicator_id", "country", "year", "sex", "partner_country"], "Tidy values per country."),
    "aggregate_observations": (
        ["indicator_id", "country", "year", "sex", "partner_country"],
        "Values published for aggregates (World, regions, income groups), kept apart from countries.",
    ),
    "events": ([], "Dated legal events (ratifications, agreements, reforms); year and date may be unknown."),
    "event_lists": (["indicator_id", "source_id"], "Whether each event list is complete (absence = not ratified)."),
    "indicator_scores": (["country", "indicator_id"], "Latest value, score 0-100 and level per country x indicator."),
    "principle_scores": (["country", "principle"], "MFLM principle aggregates; NULL score when coverage < 0.8."),
    "theme_scores": (["country", "theme"], "Theme aggregates; NULL score when coverage < 0.8."),
    "peer_stats": (["indicator_id", "group_kind", "group"], "Peer-group medians and quartiles of latest values."),
    "countries": (["iso3"], "Countries and aggregates with UN regions, WB regions and income groups."),
    "indicators": (["indicator_id"], "Indicator catalogue with thresholds (methodology.json has the full rules)."),
    "categories": (["indicator_id", "position"], "Categories of categorical/event indicators, with scores."),
    "principles": (["principle"], "MFLM principles."),
    "themes": (["theme_id"], "Themes of the dashboard."),
    "sources": (["source_id"], "Sources with publisher, URL, licence and citation."),
    "source_files": (["source_id", "file"], "Original files read, with sha256 and the publisher's date."),
    "practices": (["practice_id"], "Good-practice library: texts cite their sources as [ref] (practice_sources)."),
    "practice_countries": (["practice_id", "country"], "Countries of each practice (lead, partner or host)."),
    "practice_principles": (["practice_id", "principle"], "MFLM principles each practice illustrates."),
    "practice_themes": (["practice_id", "theme"], "Themes of each practice."),
    "practice_indicators": (["practice_id", "indicator_id"], "Indicators a practice aims to move or gives context to."),
    "practice_sources": (["practice_id", "ref"], "Sources of each practice and the fields whose facts they give."),
}
OPTIONAL_TABLES = {name for name in TABLES if name.startswith("practice")}  # releases before the library lack them
FIELD_DOCS = {
    "indicator_id": "Indicator id (indicators.csv).", "country": "ISO3 code (aggregates: WB code or M + M49).",
    "year": "Reference year.", "sex": "total, female or male.",
    "partner_country": "Partner ISO3 for corridor values (country = origin); empty otherwise.",
    "value": "Numeric value (empty for purely categorical values).", "value_label": "Category label, if any.",
    "unit": "Unit of the value.", "source_id": "Source id (sources.csv).",
    "flags": "Publisher's per-value flags, 'key=value;key=value' (nature=e estimated, m modelled...).",
    "status": "Event status.", "event_date": "Date of the event (YYYY-MM-DD), if known.", "note": "Source note.",
    "score": "Score 0-100 (100 = the target).", "level": "green, yellow, orange, red or no_data.",
    "coverage": "Share of mapped indicators with current data.", "status_year": "Year the scorecard describes.",
    "out_of_date": "Latest value older than the recency window (shown, not scored).",
    "trend": "Direction against the target over the trend window.", "iso3": "ISO 3166-1 alpha-3 code.",
    "licence": "Licence of the source as stated by the publisher.", "median": "Median of the group's latest values.",
    "practice_id": "Practice id (practices.csv).", "relation": "aims_to_move (a cited source states the aim) or context.",
    "supports": "Fields of the practice whose facts this source gives.", "accessed": "Date the source was read.",
    "provenance": "Where the record comes from: editorial file (version, sha256) or steward submission.",
}  # fmt: skip
TYPES = {"VARCHAR": "string", "BIGINT": "integer", "INTEGER": "integer", "DOUBLE": "number", "BOOLEAN": "boolean"}
SEX_CODES = {"total": "_T", "female": "F", "male": "M"}
NEUTRALISED = "Text cells that start with = + - @ (or a tab/CR) carry a leading apostrophe (spreadsheet safety)."


def bulk_dir() -> Path:
    path = data_dir() / "bulk"
    path.mkdir(parents=True, exist_ok=True)
    return path


def bulk_zip(release_id: str) -> Path:
    """The cached zip of a release, built on first request (one builder at a time per release)."""
    target = bulk_dir() / f"{release_id}.zip"
    if target.exists():
        return target
    with open(bulk_dir() / f".{release_id}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            found, cur = cursor(release_id)
            write_zip(cur, found, tmp)
            os.replace(tmp, target)
            prune_cache()
    return target


def prune_cache() -> None:
    """Drop the zips and briefings of releases that `releases.prune` has removed."""
    import shutil

    from warehouse import releases

    kept = set(releases.list_release_ids())
    for path in bulk_dir().glob("r*.zip"):
        if path.stem not in kept:
            path.unlink(missing_ok=True)
    briefings = data_dir() / "briefings"
    for folder in briefings.glob("r*") if briefings.is_dir() else []:
        if folder.name not in kept:
            shutil.rmtree(folder, ignore_errors=True)


def write_zip(cur: duckdb.DuckDBPyConnection, release_id: str, path: Path) -> None:
    info = release_info(cur)
    resources = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for table, (key, description) in TABLES.items():
            if table in OPTIONAL_TABLES and not _has_table(cur, table):
                continue
            frame = cur.execute(f'SELECT * FROM "{table}"').df()  # noqa: S608 (our own table names)
            zf.writestr(f"{table}.csv", to_csv(frame))
            resources.append(_resource(cur, table, f"{table}.csv", key, description))
        sdmx = sdmx_frame(cur.execute("SELECT * FROM observations").df(), str(info["methodology_version"]))
        zf.writestr("observations.sdmx.csv", to_csv(sdmx))
        resources.append(_sdmx_resource())
        resources.extend(write_sdmx(zf, cur, release_id))  # structure.sdmx.xml, observations.sdmx2.csv
        zf.writestr("methodology.json", json.dumps(info["methodology"], indent=1, ensure_ascii=False))
        resources.append(
            {
                "name": "methodology",
                "path": "methodology.json",
                "format": "json",
                "mediatype": "application/json",
                "description": "Thresholds, categories, principle mappings, weights and the coverage rule.",
            }  # fmt: skip
        )
        package = datapackage(cur, release_id, info, resources)
        zf.writestr("datapackage.json", json.dumps(package, indent=1, ensure_ascii=False))
        zf.writestr("README.txt", _readme(release_id, info))


def _has_table(cur: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the release has the table (name resolved as queries resolve it: file or lake views alike)."""
    try:
        cur.execute(f'SELECT 1 FROM "{table}" LIMIT 0')  # noqa: S608 (our own table names)
    except (duckdb.CatalogException, duckdb.InvalidInputException):  # missing (or a Python name)
        return False
    return True


def to_csv(frame: pd.DataFrame) -> str:
    return neutralise_frame(frame).to_csv(index=False)


def _resource(cur: duckdb.DuckDBPyConnection, table: str, path: str, key: list[str], description: str) -> dict:
    columns = cur.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]
    ).fetchall()
    fields = []
    for name, dtype in columns:
        field: dict[str, Any] = {"name": name, "type": TYPES.get(dtype, "string")}
        if name in FIELD_DOCS:
            field["description"] = FIELD_DOCS[name]
        if name in key:
            field["constraints"] = {"required": True}
            if field["type"] == "string":
                field["missingValues"] = []  # '' is a value here (no partner country), not missing
        fields.append(field)
    schema: dict[str, object] = {"fields": fields}
    if key:
        schema["primaryKey"] = key
    return {
        "name": table.replace("_", "-"), "path": path, "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8", "description": f"{description} {NEUTRALISED}", "schema": schema,
    }  # fmt: skip


def sdmx_frame(observations: pd.DataFrame, version: str) -> pd.DataFrame:
    """Observations as SDMX-CSV: one dimension per column, OBS_VALUE, then attributes."""
    flags = observations["flags"].fillna("")
    estimated = flags.str.contains(r"(?:^|;)(?:nature=[emEM]|estimate=)", regex=True)
    return pd.DataFrame(
        {
            "DATAFLOW": f"LMM:DF_LMM_OBSERVATIONS({version})",
            "INDICATOR": observations["indicator_id"],
            "REF_AREA": observations["country"],
            "TIME_PERIOD": observations["year"],
            "SEX": observations["sex"].map(SEX_CODES),
            "COUNTERPART_AREA": observations["partner_country"].replace("", "_Z").fillna("_Z"),
            "OBS_VALUE": observations["value"],
            "UNIT_MEASURE": observations["unit"],
            "OBS_STATUS": estimated.map({True: "E", False: "A"}),
            "VALUE_LABEL": observations["value_label"],
            "SOURCE_DETAIL": observations["source_id"],
            "COMMENT_OBS": observations["flags"],
        }
    )


def _sdmx_resource() -> dict:
    docs = {
        "DATAFLOW": "Agency:dataflow(version) = LMM:DF_LMM_OBSERVATIONS(methodology version).",
        "INDICATOR": "Indicator id.", "REF_AREA": "ISO3 reference area.", "TIME_PERIOD": "Year.",
        "SEX": "CL_SEX: _T total, F female, M male.", "COUNTERPART_AREA": "Partner ISO3; _Z not applicable.",
        "OBS_VALUE": "Value.", "UNIT_MEASURE": "Unit (free text).",
        "OBS_STATUS": "CL_OBS_STATUS: A normal, E estimated or modelled (from the publisher's flags).",
        "VALUE_LABEL": "Category label.", "SOURCE_DETAIL": "Source id.", "COMMENT_OBS": "Publisher's flags.",
    }  # fmt: skip
    types = {"TIME_PERIOD": "integer", "OBS_VALUE": "number"}
    fields: list[dict[str, Any]] = [
        {"name": n, "type": types.get(n, "string"), "description": d} for n, d in docs.items()
    ]
    for field in fields[:6]:
        field["constraints"] = {"required": True}
    return {
        "name": "observations-sdmx", "path": "observations.sdmx.csv", "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8", "description": f"observations.csv in SDMX-CSV 1.0 layout. {NEUTRALISED}",
        "schema": {"fields": fields, "primaryKey": ["INDICATOR", "REF_AREA", "TIME_PERIOD", "SEX", "COUNTERPART_AREA"]},
    }  # fmt: skip


def datapackage(cur: duckdb.DuckDBPyConnection, release_id: str, info: dict, resources: list[dict]) -> dict:
    sources = cur.execute("SELECT source_id, title, publisher, url, licence FROM sources ORDER BY source_id").df()
    licences = [
        {"path": r.url, "title": f"{r.title}: {r.licence}"}
        for r in sources.itertuples()
        if isinstance(r.url, str) and r.url.startswith("http") and isinstance(r.licence, str)
    ]
    return {
        "name": f"lmm-{release_id.lower()}",
        "title": f"Labour Migration Policy Monitor, release {release_id}",
        "description": (
            "Country scorecards against the ILO Multilateral Framework on Labour Migration. Each value keeps the "
            "licence of its source (sources.csv, column licence; listed under licenses)."
        ),
        "created": info["created_at"],
        "release": release_id,
        "methodology_version": info["methodology_version"],
        "status_year": info["status_year"],
        "licenses": licences,
        "sources": [
            {"title": f"{r.title} ({r.publisher})", **({"path": r.url} if isinstance(r.url, str) else {})}
            for r in sources.itertuples()
        ],
        "resources": resources,
    }


def _readme(release_id: str, info: dict) -> str:
    return (
        f"Labour Migration Policy Monitor - release {release_id}\n"
        f"Created {info['created_at']}, status year {info['status_year']}, methodology {info['methodology_version']}.\n\n"
        "datapackage.json describes every file and field (Frictionless Data Package).\n"
        "observations.csv: tidy values; observations.sdmx.csv: the same in SDMX-CSV 1.0; observations.sdmx2.csv:\n"
        "the same and the dated events in SDMX-CSV 2.0, coded with the codelists of structure.sdmx.xml (SDMX-ML 2.1).\n"
        "methodology.json: thresholds, categories, mappings and weights used for the scores.\n"
        f"{NEUTRALISED}\n"
        f"Cite as: Labour Migration Policy Monitor, release {release_id}, plus the sources in sources.csv.\n"
    )
