"""Component schemas of the OpenAPI document (dashboard/api/spec.py): the shapes of the /api/v1 answers."""

from __future__ import annotations

from typing import Any

RELEASE_ID = {"type": "string", "pattern": r"^r[0-9]{8}T[0-9]{9}Z$", "example": "r20261128T130015897Z"}
CODE = {"type": "string", "minLength": 1, "maxLength": 100, "example": "MEX"}
NUM = {"type": ["number", "null"]}
STR = {"type": ["string", "null"]}
INT = {"type": ["integer", "null"]}
BOOL = {"type": ["boolean", "null"]}


def obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


PRACTICE_CORE: dict[str, Any] = {  # the fields a practice's summary and its full record share
    "practice_id": {"type": "string"},
    "name": {"type": "string"},
    "name_en": STR,
    "institution": {"type": "string"},
    "start_year": INT,
    "end_year": INT,
    "activity": {"type": "string"},
    "status_as_of": INT,
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "release": RELEASE_ID,
            "error": {
                "type": "object",
                "required": ["status", "code", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "parameter": {"type": "string", "description": "The parameter at fault."},
                    "limit": {"type": "integer", "description": "The limit that was exceeded."},
                    "allowed": {"type": "array", "items": {"type": "string"}},
                    "available": {"type": "array", "items": {"type": "string"}, "description": "Release ids."},
                    "alternatives": {
                        "type": "array",
                        "items": obj({"id": {"type": "string"}, "name": {"type": "string"}}),
                    },
                    "endpoints": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
    "Country": obj(
        {
            "iso3": {"type": "string"},
            "iso2": STR,
            "m49": INT,
            "name": {"type": "string"},
            "un_region": STR,
            "un_subregion": STR,
            "wb_region": STR,
            "income_group": STR,
            "is_aggregate": {"type": "boolean"},
            "aggregate_kind": STR,
        }  # fmt: skip
    ),
    "CountryRef": obj(
        {
            "iso3": {"type": "string"},
            "name": {"type": "string"},
            "un_region": STR,
            "un_subregion": STR,
            "wb_region": STR,
            "income_group": STR,
        }  # fmt: skip
    ),
    "Indicator": {
        "type": "object",
        "required": ["indicator_id", "theme", "title", "unit", "type", "direction", "categories", "thresholds"],
        "properties": {
            "indicator_id": {"type": "string"},
            "theme": {"type": "string"},
            "title": {"type": "string"},
            "description": STR,
            "unit": STR,
            "type": {"type": "string"},
            "direction": {"type": "string"},
            "threshold_basis": STR,
            "principles": {"type": "array", "items": {"type": "integer"}},
            "source_ids": {"type": "array", "items": {"type": "string"}},
            "guidelines": {"type": "array", "items": {"type": "string"}},
            "gcm_objectives": {"type": "array", "items": {"type": "string"}},
            "disaggregations": {"type": "array", "items": {"type": "string"}},
            "sdg": STR,
            "recency_window": INT,
            "trend_window": INT,
            "weight": NUM,
            "caveat": STR,
            "steward_uploadable": BOOL,
            "headline_sex": STR,
            "scored": BOOL,
            "thresholds": obj({"optimum": NUM, "green": NUM, "red": NUM, "lower_bound": NUM}),
            "categories": {"type": "array", "items": {"type": "object"}},
            "updates": {
                "type": "array",
                "description": "Per source: the publisher's date of the copy read "
                "(last_updated, as stated) and the next expected update (next_expected, YYYY-MM-DD; null: "
                "not announced) with its basis ('schedule': the publisher's stated yearly release; 'round': an "
                "open steward reporting round's deadline)",
                "items": obj(
                    {
                        "source_id": {"type": "string"},
                        "last_updated": STR,
                        "next_expected": STR,
                        "basis": STR,
                        "detail": STR,
                    }
                ),
            },
            "last_updated": {
                "type": "object",
                "additionalProperties": STR,
                "description": "source id -> the publisher's date of the copy read, as stated",
            },
            "next_expected_update": {
                **STR,
                "description": "The soonest stated next update (YYYY-MM-DD); null: not announced by any source",
            },
        },  # fmt: skip
    },
    "Observation": obj(
        {
            "indicator": {"type": "string"},
            "country": {"type": "string"},
            "year": INT,
            "sex": {"type": "string"},
            "partner_country": {"type": "string"},
            "value": NUM,
            "value_label": STR,
            "unit": STR,
            "source_id": STR,
            "flags": STR,
        }  # fmt: skip
    ),
    "Peer": {"oneOf": [{"type": "null"}, obj({"group": STR, "median": NUM, "q1": NUM, "q3": NUM, "n": INT})]},
    "IndicatorScore": obj(
        {
            "indicator_id": {"type": "string"},
            "title": {"type": "string"},
            "theme": {"type": "string"},
            "unit": STR,
            "direction": STR,
            "value": NUM,
            "value_label": STR,
            "year": INT,
            "out_of_date": BOOL,
            "score": NUM,
            "level": STR,
            "level_label": STR,
            "level_icon": STR,
            "trend": STR,
            "changed_year": INT,
            "source_id": STR,
            "flags": STR,
            "peer_medians": obj(
                {
                    "un_region": {"$ref": "#/components/schemas/Peer"},
                    "income_group": {"$ref": "#/components/schemas/Peer"},
                }
            ),
        }  # fmt: skip
    ),
    "Aggregate": obj(
        {
            "title": {"type": "string"},
            "score": NUM,
            "level": STR,
            "coverage": NUM,
            "n_with_data": INT,
            "n_mapped": INT,
        }  # fmt: skip
    ),
    "PracticeSummary": obj(
        {
            **PRACTICE_CORE,
            "summary": {"type": "string", "description": "Texts cite sources as [ref]."},
            "submitted_by": {"type": "string"},
            "submitted_role": {"type": "string"},
            "countries": {"type": "array", "items": {"type": "string"}},
            "themes": {"type": "array", "items": {"type": "string"}},
            "principles": {"type": "array", "items": {"type": "integer"}},
            "gcm_objectives": {"type": "array", "items": {"type": "integer"}},
            "page": {"type": "string"},
            "api": {"type": "string"},
        }  # fmt: skip
    ),
    "Practice": obj(
        {
            **PRACTICE_CORE,
            "summary": {"type": "string"},
            "evidence": STR,
            "success_factors": STR,
            "transfer_limits": STR,
            "notes": STR,
            "submitted_by": {"type": "string"},
            "submitted_role": {"type": "string"},
            "source_id": {"type": "string"},
            "provenance": {"type": "string"},
            "countries": {
                "type": "array",
                "items": obj({"iso3": {"type": "string"}, "name": STR, "role": {"type": "string"}}),
            },
            "themes": {"type": "array", "items": obj({"theme": {"type": "string"}, "title": STR})},
            "principles": {"type": "array", "items": obj({"principle": {"type": "integer"}, "title": STR})},
            "gcm_objectives": {"type": "array", "items": {"type": "integer"}},
            "indicators": {
                "type": "array",
                "items": obj(
                    {
                        "indicator_id": {"type": "string"},
                        "title": STR,
                        "relation": {"type": "string"},
                        "why": STR,
                        "ref": STR,
                    }
                ),
            },
            "sources": {
                "type": "array",
                "items": obj(
                    {
                        "ref": {"type": "string"},
                        "position": {"type": "integer"},
                        "kind": {"type": "string"},
                        "title": {"type": "string"},
                        "publisher": STR,
                        "url": {"type": "string"},
                        "accessed": {"type": "string"},
                        "supports": {"type": "array", "items": {"type": "string"}},
                    }
                ),
            },
            "left_out": {"type": "array", "items": {"type": "string"}},
            "page": {"type": "string"},
        }  # fmt: skip
    ),
    "Release": obj(
        {
            "release_id": {"type": "string"},
            "current": {"type": "boolean"},
            "available": {"type": "boolean"},
            "published_at": STR,
            "actor": STR,
            "summary": STR,
            "changes": {"type": ["object", "null"]},
        }  # fmt: skip
    ),
}
