"""Tidy rows in (warehouse.read.export_rows: the rows of /api/v1/observations and `lmm export`); SDMX-CSV 2.0 out
(observations.sdmx2.csv, /api/v1/sdmx/data/<indicator>), coded as the release's structure (warehouse/sdmx.py).

Columns: STRUCTURE, STRUCTURE_ID, ACTION (I: information), the dimensions in key order, OBS_VALUE, the attributes.
- OBS_VALUE: the number (decimal point, no thousands separator) or, for a categorical, ordinal or event indicator,
  the code of its value codelist CL_<INDICATOR> (a category code, an event status).
- OBS_STATUS: E (estimated value) where the publisher's flags say estimated, modelled or imputed: SDG `nature` e,
  m or ca, `obs_status=e`, UN DESA `type_of_data` I, any `estimate=` (ILO modelled, the KNOMAD model); A otherwise.
  CL_OBS_STATUS has no code for modelled: the word stays in COMMENT_OBS.
- UNIT_MEASURE, UNIT_MULT: the row's unit (an event's: its indicator's unit, such as "ratification status").
- COMMENT_OBS: the flags exactly as observations.csv has them (suspect=, break=, third_party_copy=, not_known_since=,
  submitted_by=...); events: date= and note= as /api/v1/observations gives them. EVENT_DATE: the event's date.
An event without a known year has no TIME_PERIOD, so SDMX cannot carry it: it is left out (counted; events.csv and
/api/v1/observations have it).
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from indicators.levels import format_code
from warehouse.read import EXPORT_COLUMNS, export_rows
from warehouse.safe_csv import neutralise_frame
from warehouse.sdmx import NOT_APPLICABLE, SEX_CODES, Structure, value_code

MEDIA_TYPE = "application/vnd.sdmx.data+csv; version=2.0.0"
ACTION = "I"  # information: data disseminated, loaded as an append by SDMX databases
DIMENSIONS = ["INDICATOR", "REF_AREA", "SEX", "COUNTERPART_AREA", "TIME_PERIOD"]
ATTRIBUTES = ["UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "SOURCE_DETAIL", "EVENT_DATE", "COMMENT_OBS"]
COLUMNS = ["STRUCTURE", "STRUCTURE_ID", "ACTION", *DIMENSIONS, "OBS_VALUE", *ATTRIBUTES]
EVENT_DATE = re.compile(r"(?:^|;)date=(\d{4}-\d{2}-\d{2})(?:;|$)")


def obs_status(flags: object) -> str:
    """E when the publisher's flags say estimated, modelled or imputed; A (normal value) otherwise."""
    for part in str(flags or "").split(";"):
        key, _, value = (text.strip().casefold() for text in part.partition("="))
        values = set(value.replace("/", " ").split())
        if key == "estimate" or (key == "nature" and values & {"e", "m", "ca"}):
            return "E"
        if (key == "obs_status" and "e" in values) or (key == "type_of_data" and "i" in values):
            return "E"
    return "A"


def sdmx_frame(tidy: pd.DataFrame, structure: Structure) -> tuple[pd.DataFrame, int]:
    """The SDMX-CSV 2.0 rows of tidy rows, and how many were left out (events without a year)."""
    dated = tidy[tidy["year"].notna()]
    flags = dated["flags"].fillna("").astype(str)
    kinds = dated["indicator"].map(structure.kinds)
    unit = dated["unit"].where(kinds != "event", dated["indicator"].map(structure.indicator_units))
    units = unit.map(structure.units)
    if units.isna().any():
        raise ValueError(f"units without a code: {sorted(set(unit[units.isna()].astype(str)))}")
    frame = pd.DataFrame(
        {
            "STRUCTURE": "dataflow",
            "STRUCTURE_ID": structure.structure_id,
            "ACTION": ACTION,
            "INDICATOR": dated["indicator"],
            "REF_AREA": dated["country"],
            "SEX": dated["sex"].map(SEX_CODES),
            "COUNTERPART_AREA": dated["partner_country"].fillna("").replace("", NOT_APPLICABLE),
            "TIME_PERIOD": dated["year"].astype("int64").astype(str),
            "OBS_VALUE": _values(dated, structure),
            "UNIT_MEASURE": units.str[0],
            "UNIT_MULT": units.str[1],
            "OBS_STATUS": flags.map({text: obs_status(text) for text in flags.unique()}),
            "SOURCE_DETAIL": dated["source_id"],
            "EVENT_DATE": flags.str.extract(EVENT_DATE, expand=False).where(kinds == "event"),
            "COMMENT_OBS": dated["flags"],
        },
        index=dated.index,
    )
    return frame.reset_index(drop=True)[COLUMNS], len(tidy) - len(dated)


def _values(tidy: pd.DataFrame, structure: Structure) -> pd.Series:
    """OBS_VALUE: the number, or the code of a categorical value (resolved once per distinct value and label)."""
    codes: dict[tuple[str, object, object], str] = {}
    out = []
    for indicator, value, label in zip(tidy["indicator"], tidy["value"], tidy["value_label"], strict=True):
        table = structure.value_codes.get(indicator)
        if table is None:
            out.append("" if pd.isna(value) else format_code(float(value)))
            continue
        key = (indicator, None if pd.isna(value) else value, None if pd.isna(label) else label)
        if key not in codes:
            try:
                codes[key] = value_code(table, key[1], key[2])
            except ValueError as error:
                raise ValueError(f"indicator {indicator!r}: {error}") from error
        out.append(codes[key])
    return pd.Series(out, index=tidy.index, dtype=object)


def bulk_frame(cur: duckdb.DuckDBPyConnection, structure: Structure) -> tuple[pd.DataFrame, int]:
    """Every indicator's rows as /api/v1/sdmx/data/<indicator> answers them, one indicator after another."""
    parts = [export_rows(cur, indicator) for indicator in sorted(structure.kinds)]
    tidy = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(columns=EXPORT_COLUMNS)], ignore_index=True)
    return sdmx_frame(tidy, structure)


def to_csv(frame: pd.DataFrame) -> str:
    """SDMX-CSV text, spreadsheet-safe as the other CSVs: a COMMENT_OBS starting like a formula gets an apostrophe.
    The other columns hold numbers (a negative one is data), dates and codes (SDMX IDs, checked not to start so)."""
    safe = frame.assign(COMMENT_OBS=neutralise_frame(frame[["COMMENT_OBS"]])["COMMENT_OBS"])
    return safe.to_csv(index=False, lineterminator="\n")
