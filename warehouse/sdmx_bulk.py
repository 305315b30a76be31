"""The SDMX files of the bulk zip (warehouse/bulk.py): structure.sdmx.xml (SDMX-ML 2.1 structure message) and
observations.sdmx2.csv (SDMX-CSV 2.0), with their Data Package descriptions."""

from __future__ import annotations

import zipfile
from typing import Any

import duckdb

from warehouse.sdmx import DATAFLOW, Structure, build_structure
from warehouse.sdmx_csv import COLUMNS, MEDIA_TYPE, bulk_frame, to_csv
from warehouse.sdmx_xml import MEDIA_TYPE as STRUCTURE_MEDIA_TYPE
from warehouse.sdmx_xml import structure_message

STRUCTURE_FILE = "structure.sdmx.xml"
DATA_FILE = "observations.sdmx2.csv"
FIELDS: dict[str, tuple[str, str]] = {  # column: (Data Package type, description)
    "STRUCTURE": ("string", "Always 'dataflow'."),
    "STRUCTURE_ID": ("string", "Agency:dataflow(version) = LMM:DF_LMM_OBSERVATIONS(methodology version); the "
                               "structure is in structure.sdmx.xml."),
    "ACTION": ("string", "I (information: disseminated data)."),
    "INDICATOR": ("string", "Indicator id (CL_INDICATOR; indicators.csv)."),
    "REF_AREA": ("string", "Reporting country, ISO 3166-1 alpha-3 (CL_AREA)."),
    "SEX": ("string", "CL_SEX (SDMX global codes): _T total, F female, M male."),
    "COUNTERPART_AREA": ("string", "Partner country of a corridor value, ISO alpha-3 (CL_AREA); _Z not applicable."),
    "TIME_PERIOD": ("integer", "Year."),
    "OBS_VALUE": ("string", "The number (decimal point) or, for a categorical, ordinal or event indicator, the code "
                            "of its codelist CL_<INDICATOR> (category code or event status; named on the indicator's "
                            "CL_INDICATOR code, annotation LMM_OBS_VALUE_CODELIST)."),
    "UNIT_MEASURE": ("string", "CL_UNIT_MEASURE: the indicator's unit (PT percent, USD US dollars...)."),
    "UNIT_MULT": ("string", "CL_UNIT_MULT (SDMX global codes): 0 units, 6 millions (US$ million)."),
    "OBS_STATUS": ("string", "CL_OBS_STATUS (SDMX global codes): E where the publisher's flags say estimated, "
                             "modelled or imputed (nature e/m/ca, obs_status=e, type_of_data I, estimate=); A "
                             "otherwise."),
    "SOURCE_DETAIL": ("string", "Source id (CL_SOURCE; sources.csv)."),
    "EVENT_DATE": ("string", "Date of the legal event (YYYY-MM-DD), when known; event indicators only."),
    "COMMENT_OBS": ("string", "The publisher's per-value flags as observations.csv has them (key=value;...: "
                              "suspect=, break=, third_party_copy=, not_known_since=...); events: date= and note=."),
}  # fmt: skip
KEY = ["INDICATOR", "REF_AREA", "SEX", "COUNTERPART_AREA", "TIME_PERIOD"]
CODES = {"STRUCTURE": ["dataflow"], "ACTION": ["I"], "SEX": ["_T", "F", "M"], "OBS_STATUS": ["A", "E"]}


def write_sdmx(zf: zipfile.ZipFile, cur: duckdb.DuckDBPyConnection, release_id: str) -> list[dict[str, Any]]:
    """Write both files into the zip; their Data Package resources."""
    structure = build_structure(cur, release_id)
    zf.writestr(STRUCTURE_FILE, structure_message(structure))
    frame, left_out = bulk_frame(cur, structure)
    zf.writestr(DATA_FILE, to_csv(frame))
    return [structure_resource(structure), data_resource(left_out)]


def structure_resource(structure: Structure) -> dict[str, Any]:
    return {
        "name": "structure-sdmx", "path": STRUCTURE_FILE, "type": "file", "format": "xml",
        "mediatype": STRUCTURE_MEDIA_TYPE, "encoding": "utf-8",
        "description": (
            f"SDMX-ML 2.1 structure message: agency LMM, dataflow {structure.structure_id}, its data structure "
            "definition (dimensions INDICATOR, REF_AREA, SEX, COUNTERPART_AREA, TIME_PERIOD; measure OBS_VALUE; "
            "attributes UNIT_MEASURE, UNIT_MULT, OBS_STATUS, SOURCE_DETAIL, EVENT_DATE, COMMENT_OBS) and every "
            "codelist with English, Spanish and French names. CL_SEX, CL_OBS_STATUS and CL_UNIT_MULT keep the SDMX "
            "global codes; CL_AREA uses ISO 3166 alpha-3 (annotations ISO2, M49); one value codelist per "
            "categorical indicator, CL_<INDICATOR>."
        ),
    }  # fmt: skip


def data_resource(left_out: int) -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    for name in COLUMNS:
        kind, description = FIELDS[name]
        field: dict[str, Any] = {"name": name, "type": kind, "description": description}
        if name in KEY or name in CODES:
            field["constraints"] = {"required": True, **({"enum": CODES[name]} if name in CODES else {})}
        fields.append(field)
    return {
        "name": "observations-sdmx2", "path": DATA_FILE, "format": "csv", "mediatype": MEDIA_TYPE,
        "encoding": "utf-8",
        "description": (
            f"SDMX-CSV 2.0 of dataflow {DATAFLOW} (structure.sdmx.xml): observations.csv, and the dated events of "
            "the event indicators (events.csv), as /api/v1/sdmx/data/<indicator> gives them. Categorical values are "
            f"codes of their codelists. {left_out} events without a known year are left out (SDMX needs a "
            "TIME_PERIOD; events.csv has them). A COMMENT_OBS starting like a spreadsheet formula carries a leading "
            "apostrophe."
        ),
        "schema": {"fields": fields, "primaryKey": KEY},
    }  # fmt: skip
