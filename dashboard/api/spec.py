"""The OpenAPI 3 document of /api/v1 (served at /api/v1/openapi.json), written by hand to match dashboard/api/routes.py.

tests/api/test_schemathesis.py runs schemathesis against the running app with this document: a route that
answers outside what is written here fails that test.
"""

from __future__ import annotations

import copy
from typing import Any

from dashboard.api.common import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, SEXES, YEAR_RANGE
from dashboard.api.spec_review import review_paths
from dashboard.api.spec_schemas import CODE, RELEASE_ID, SCHEMAS, STR, obj
from warehouse.sdmx_csv import MEDIA_TYPE as SDMX_DATA_MEDIA_TYPE
from warehouse.sdmx_xml import MEDIA_TYPE as SDMX_STRUCTURE_MEDIA_TYPE

HEADERS_OK = {
    "X-LMM-Release": {"description": "The release the answer was read from.", "required": True, "schema": RELEASE_ID},
    "ETag": {"description": "Per release and query; send it back as If-None-Match.", "schema": {"type": "string"}},
    "Cache-Control": {"description": "max-age 300 s (current) or 1 day (?release=).", "schema": {"type": "string"}},
}
RELEASE_PARAM = {
    "name": "release",
    "in": "query",
    "required": False,
    "description": "Read an earlier release (ids from /releases); default: the current one. Unknown: 404.",
    "schema": {"type": "string", "maxLength": 64},
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"X-LMM-Release": {"description": "Release, when one was read.", "schema": RELEASE_ID}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


ERRORS = {
    "400": _error("Malformed or unknown parameter; `error.parameter` names it."),
    "404": _error("Unknown release, indicator or country; `error.alternatives` lists the closest valid ids."),
    "503": _error("No release is published yet."),
}


def _ok(schema: dict[str, Any], description: str = "OK", media: str = "application/json") -> dict[str, Any]:
    return {"description": description, "headers": HEADERS_OK, "content": {media: {"schema": schema}}}


def _not_modified() -> dict[str, Any]:
    return {"description": "Not modified (If-None-Match matched the ETag).", "headers": HEADERS_OK}


def _op(summary: str, ok: dict[str, Any], params: list[dict] | None = None, tag: str = "data", **more) -> dict:
    responses = {"200": ok, "304": _not_modified(), **copy.deepcopy(ERRORS), **more.pop("responses", {})}
    return {
        "get": {
            "summary": summary,
            "tags": [tag],
            "operationId": more.pop("operation_id"),
            "parameters": [*(params or []), RELEASE_PARAM],
            "responses": responses,
            **more,
        }
    }


def _path(name: str, description: str, example: str, schema: dict | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {**(schema or CODE), "example": example},
    }


def _query(name: str, description: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _with_release(properties: dict[str, Any]) -> dict[str, Any]:
    return obj({"release": RELEASE_ID, **properties})


_FILTER_CODE = {"type": "string", "maxLength": 100, "example": "MEX"}  # an empty country or partner filters nothing
_OBS_PARAMS = [
    _query("indicator", "Indicator id (see /indicators). Unknown: 404 with the closest ids.", CODE, required=True),
    _query("country", "ISO3 code of the reporting country (aggregates: their WB or M49 code); empty: all.", _FILTER_CODE),
    _query("year_from", "First year (inclusive).", {"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]}),
    _query("year_to", "Last year (inclusive).", {"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]}),
    _query("sex", "Sex slice.", {"type": "string", "enum": list(SEXES)}),
    _query("partner", "ISO3 of the partner country (corridor indicators); empty: all.", _FILTER_CODE),
    _query("format", "json (default) or csv (spreadsheet-safe, as `lmm export`).", {"type": "string", "enum": ["json", "csv"]}),
    _query("limit", f"Rows per page (default {DEFAULT_LIMIT:,}; above {MAX_LIMIT:,}: 413).",
           {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
    _query("offset", "Rows to skip (follow `next` / the Link header).", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}),
]  # fmt: skip

_OBS_PAGE = _with_release(
    {
        "query": {"type": "object"},
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
        "count": {"type": "integer"},
        "next": {"type": ["string", "null"], "description": "URL of the next page, null on the last one."},
        "rows": {"type": "array", "items": {"$ref": "#/components/schemas/Observation"}},
    }
)
_BINARY = {"type": "string", "format": "binary"}
_ISO3 = _path("iso3", "ISO3 code of a country (not an aggregate).", "MEX")
_LANG = _query("lang", "Language of the briefing: en (default), es or fr (the profile page's words).",
               {"type": "string", "enum": ["en", "es", "fr"]})  # fmt: skip
_ERR_413 = {"413": _error("limit above the maximum; `error.limit` says it.")}


def _submission_paths() -> dict[str, Any]:
    """Served by dashboard/steward/api.py (the steward workflow for scripts); described here so the API has one
    document."""
    secured: list[dict[str, list[str]]] = [{"bearer": []}]
    state = {"application/json": {"schema": obj({
        "id": {"type": "string"},
        "status": {"type": "string", "enum": ["validating", "invalid", "validated", "submitted", "approved",
                                              "published", "rejected", "returned"]},
        "status_text": {"type": "string", "description": "What the status means, in the answer's language (in "
                        "Spanish or French the English text is `status_text_en`)."},
        "problem_count": {"type": "integer", "description": "Every problem found."},
        "problems": {"type": "array", "items": {"type": "object"},
                     "description": "The first 100 problems of each column (row, column, cell, value, message). "
                                    "`message` is in the answer's language (?lang=en|es|fr, else Accept-Language, "
                                    "else English); a problem found since messages have keys also gives `key` and "
                                    "`params` (its message in the steward catalogue) and, in Spanish or French, "
                                    "`message_en`; older ones keep their English text."},
        "problems_by_column": {"type": "object", "description": "Column -> how many problems it has."},
        "problems_csv": {"type": "string", "description": "URL of every problem as CSV."},
        "diff": {"type": ["object", "null"]},
        "publish": {"type": "object", "description": "state, message, release; `served`: whether the current "
                                                     "release carries its figures; `interrupted`: a retry is due. "
                                                     "`message` (the validation or publish job's status line) in "
                                                     "the answer's language, as stored in English under "
                                                     "`message_en` in Spanish or French."},
        "values": {"type": "array", "items": {"type": "object"}, "description": "GET: every submitted row (row, "
                   "indicator and its title, country, partner, year, sex, value with unit or category label, source, "
                   "comment) and `change`: new / changed (from `previous`) / same against the current release."},
        "warnings": {"type": "array", "items": {"type": "object"}, "description": "GET: values far from the "
                     "series' history or other countries (id, row, column, rule, message, justification); "
                     "`message` and `rule_text` in the answer's language (English ones under `message_en`, "
                     "`rule_text_en`)."},
        "returned": {"type": "array", "items": {"type": "object"}, "description": "Reasons it was sent back."},
        "corrects": {"type": ["string", "null"]}, "corrected_by": {"type": "array", "items": {"type": "string"}},
        "withdrawn_in": {"type": ["object", "null"], "description": "release, at, by of the rollback that took "
                         "its values out."},
    }, ["id", "status"])}}  # fmt: skip
    sid = [_path("submission_id", "Submission id from the upload.", "s1", {"type": "string"})]
    common = {"401": _error("Missing or invalid bearer token."), "404": _error("No such submission (or not yours).")}

    def action(summary: str, op: str, body: dict | None = None, admin: bool = True) -> dict[str, Any]:
        done = {
            "200": {"description": "The submission after the action.", "content": state},
            "409": _error("Not possible in the submission's state (the message says why)."),
        }
        refused = {"403": _error("Admins only.")} if admin else {}
        post: dict[str, Any] = {
            "summary": summary,
            "tags": ["steward"],
            "operationId": op,
            "security": secured,
            "parameters": sid,
            "responses": {**done, **common, **refused},
        }
        if body:
            post["requestBody"] = {"content": {"application/json": {"schema": obj(body)}}}
        return {"post": post}

    return {
        "/submissions": {"post": {
            "summary": "Upload a steward file (CSV or XLSX from the template). Up to LMM_UPLOAD_INLINE_KB it is "
                       "checked at once; a larger one by a validation job within LMM_VALIDATION_SECONDS and "
                       "LMM_VALIDATION_MB (202: GET the submission until its status is no longer `validating`).",
            "tags": ["steward"], "operationId": "createSubmission", "security": secured,
            "requestBody": {"required": True, "content": {"multipart/form-data": {
                "schema": {"type": "object", "required": ["file"], "properties": {"file": _BINARY,
                                                                                  "corrects": {"type": "string"}}}}}},
            "responses": {
                "201": {"description": "Valid: review the diff, then submit.", "content": state},
                "202": {"description": "Being checked by a validation job (Location: the submission).",
                        "content": state},
                "400": _error("The `file` field is missing."),
                "401": _error("Missing or invalid bearer token."),
                "413": _error("File larger than the upload limit (LMM_UPLOAD_LIMIT_MB); nothing stored."),
                "422": {"description": "Refused: the problems by row and column, the limit the file exceeds, "
                                       "or a closed reporting round its series belong to (the problem names it: "
                                       "round, round_name, deadline, series; a validation job refuses such a "
                                       "file the same way).", "content": state},
                "429": _error("As many of your files as LMM_VALIDATION_JOBS are still being checked."),
            },
        }},
        "/submissions/{submission_id}": {"get": {
            "summary": "State of a submission (check, problems, diff, review, publication); ?format=csv: every "
                       "problem as CSV.",
            "tags": ["steward"], "operationId": "getSubmission", "security": secured,
            "parameters": [*sid, _query("format", "csv: every problem as CSV.", {"type": "string", "enum": ["csv"]}),
                           _query("lang", "Language of the problems' and warnings' messages, status_text, "
                                  "the job's line (publish.message) and a refusal's `error` (else the "
                                  "Accept-Language header, else English; in Spanish or French the English texts "
                                  "are kept as message_en, status_text_en, error_en).", {"type": "string",
                                                                             "enum": ["en", "es", "fr"]})],
            "responses": {"200": {"description": "The submission.", "content": state}, **common},
        }},
        "/submissions/{submission_id}/submit": action(
            "Confirm a validated submission for review, with append or replace per series; 422 names the "
            "warnings still without a justification, 409 a closed reporting round.", "submitSubmission",
            {"confirm": {"type": "boolean"}, "default_mode": {"type": "string"}, "modes": {"type": "object"},
             "release": {"type": "string"}, "justifications": {"type": "object"}}, admin=False),  # fmt: skip
        "/submissions/{submission_id}/approve": _confirmed(action(
            'Approve and publish (a background job), with {"confirm": true}; without it, 428 states how many '
            "values it publishes after which release, and nothing is done.", "approveSubmission",
            {"confirm": {"type": "boolean"}})),
        "/submissions/{submission_id}/reject": _confirmed(action(
            "Reject; a submission whose figures are served is withdrawn by publishing a release without it. Acts "
            'with {"confirm": true}; without it, 428 states what it would change, and nothing is done.',
            "rejectSubmission", {"reason": {"type": "string"}, "confirm": {"type": "boolean"}})),
        "/submissions/{submission_id}/retry": action(
            "Start again a publish (or a withdrawal) whose job failed or was stopped.", "retrySubmission"),
    }  # fmt: skip


CONFIRM_428 = {"description": 'Not confirmed: nothing was done. `effect` says what {"confirm": true} would change '
                               "(submission, values, after_release; withdraws for a reject).",
               "content": {"application/json": {"schema": {"type": "object", "properties": {
                   "error": {"type": "string"}, "confirm_required": {"type": "boolean"}, "action": {"type": "string"},
                   "effect": {"type": "object"}}}}}}  # fmt: skip


def _confirmed(path: dict[str, Any]) -> dict[str, Any]:
    """An action that asks for confirmation: its 428 answer."""
    path["post"]["responses"]["428"] = CONFIRM_428
    return path


def _practice_paths() -> dict[str, Any]:
    """Served by dashboard/api/practices.py: the good-practice library, filtered like the /practices page."""
    listing = _with_release(
        {
            "count": {"type": "integer"},
            "query": {"type": "object"},
            "practices": {"type": "array", "items": {"$ref": "#/components/schemas/PracticeSummary"}},
        }
    )
    params = [
        _query(
            "q",
            "Words that must all appear (name, institution, texts, country names).",
            {"type": "string", "maxLength": 100},
        ),
        _query("theme", "Theme id (see /indicators: theme). Unknown: 400 with the allowed ids.", {"type": "string"}),
        _query("principle", "MFLM principle number.", {"type": "integer", "minimum": 1, "maximum": 15}),
        _query(
            "country",
            "ISO3 code of a country the practice runs in or involves (empty: all). Unknown: 404.",
            {"type": "string", "maxLength": 100, "example": "MEX"},
        ),
        _query("region", "UN region of one of the practice's countries (e.g. Americas).", {"type": "string"}),
    ]
    one = _with_release({"practice": {"$ref": "#/components/schemas/Practice"}})
    practice_id = _path(
        "practice_id", "Practice id (from /practices).", "mexico-paisano", {"type": "string", "maxLength": 100}
    )
    return {
        "/practices": _op("Good practices with their countries, themes and MFLM principles; texts cite sources as [ref].",
                          _ok(listing), params, operation_id="listPractices", tag="practices"),
        "/practices/{practice_id}": _op("One practice in full: evidence, what made it work, what may not transfer, sources "
                                        "(with the fields each supports), linked indicators, provenance.",
                                        _ok(one), [practice_id], operation_id="getPractice", tag="practices"),
    }  # fmt: skip


def _sdmx_paths() -> dict[str, Any]:
    """Served by dashboard/api/sdmx.py: the release's SDMX (the bulk zip's structure.sdmx.xml and, per indicator,
    its rows of observations.sdmx2.csv)."""
    counts = {
        "X-LMM-Count": {"description": "Rows in the answer.", "schema": {"type": "integer"}},
        "X-LMM-Left-Out": {"description": "Events without a known year, left out (SDMX needs a TIME_PERIOD).",
                           "schema": {"type": "integer"}},
    }  # fmt: skip
    data = _ok({"type": "string"}, "SDMX-CSV 2.0: STRUCTURE,STRUCTURE_ID,ACTION, the dimensions, OBS_VALUE, the "
               "attributes; coded as /sdmx/structure says.", SDMX_DATA_MEDIA_TYPE)  # fmt: skip
    data["headers"] = {**HEADERS_OK, **counts}
    filters = [p for p in _OBS_PARAMS if p["name"] in ("country", "year_from", "year_to", "sex", "partner")]
    return {
        "/sdmx/structure": _op(
            "SDMX-ML 2.1 structure message of the release: agency LMM, dataflow DF_LMM_OBSERVATIONS, its data "
            "structure definition and every codelist (English, Spanish, French names).",
            _ok({"type": "string"}, "SDMX-ML 2.1 structure message", SDMX_STRUCTURE_MEDIA_TYPE),
            operation_id="sdmxStructure", tag="sdmx"),
        "/sdmx/data/{indicator}": _op(
            "One indicator's values (events for treaty indicators) as SDMX-CSV 2.0, filtered as /observations; "
            "categorical values as codes of the indicator's codelist CL_<INDICATOR>.", data,
            [_path("indicator", "Indicator id (see /indicators). Unknown: 404 with the closest ids.", "female_lfpr"),
             *filters], operation_id="sdmxData", tag="sdmx"),
    }  # fmt: skip


def _paths() -> dict[str, Any]:
    scorecard = _with_release(
        {
            "country": {"$ref": "#/components/schemas/CountryRef"},
            "status_year": {"type": "integer"},
            "methodology_version": {"type": "string"},
            "peer_groups": obj({"un_region": STR, "income_group": STR}),
            "indicator_scores": {"type": "array", "items": {"$ref": "#/components/schemas/IndicatorScore"}},
            "principle_scores": {"type": "array", "items": {"$ref": "#/components/schemas/Aggregate"}},
            "theme_scores": {"type": "array", "items": {"$ref": "#/components/schemas/Aggregate"}},
        }
    )
    corridor = _with_release(
        {
            "origin": {"$ref": "#/components/schemas/CountryRef"},
            "destination": {"$ref": "#/components/schemas/CountryRef"},
            "observations": {"type": "array", "items": {"$ref": "#/components/schemas/Observation"}},
            "events": {"type": "array", "items": {"type": "object"}},
            "dual_nationality": obj({"origin": {"type": "array"}, "destination": {"type": "array"}}),
        }
    )
    return {
        "/": _op("Index of the endpoints.", _ok(_with_release({"openapi": {"type": "string"}, "endpoints": {"type": "array"}})),
                 operation_id="index", tag="meta"),
        "/health": _op("Release and row count; status 'degraded' with warnings when the current release or the control database is refused.", _ok(_with_release({"status": {"type": "string", "enum": ["ok", "degraded"]}, "created_at": {"type": "string"}, "observations": {"type": "integer"}, "warnings": {"type": "array", "items": {"type": "string"}}})),
                       operation_id="health", tag="meta"),
        "/countries": _op("Countries (and, on request, aggregates) with regions and income groups.",
                          _ok(_with_release({"count": {"type": "integer"}, "countries": {"type": "array", "items": {"$ref": "#/components/schemas/Country"}}})),
                          [_query("include_aggregates", "Also list regions, income groups and World.", {"type": "boolean"}),
                           _query("q", "Search by any common, official, local or former name or ISO2/ISO3 code (accents and case ignored); the answer is ranked best first and each country says the name it matched (`matched`, `match`).", {"type": "string", "maxLength": 100})],
                          operation_id="listCountries"),
        "/indicators": _op("Indicators with their methodology (thresholds, categories, principles, sources).",
                           _ok(_with_release({"count": {"type": "integer"}, "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}}})),
                           operation_id="listIndicators"),
        "/indicators/{indicator_id}": _op("One indicator.", _ok(_with_release({"indicator": {"$ref": "#/components/schemas/Indicator"}})),
                                          [_path("indicator_id", "Indicator id.", "female_lfpr")], operation_id="getIndicator"),
        "/observations": _op("Tidy values of one indicator (events for treaty indicators): exactly `lmm export`.",
                             {**_ok(_OBS_PAGE), "content": {"application/json": {"schema": _OBS_PAGE}, "text/csv": {"schema": {"type": "string"}}}},
                             _OBS_PARAMS, operation_id="listObservations", responses=_ERR_413),
        "/scorecards/{iso3}": _op("A country's scorecard: indicator, principle and theme scores with peer medians.",
                                  _ok(scorecard), [_ISO3], operation_id="getScorecard"),
        "/corridors/{origin}/{destination}": _op(
            "Both ends of a corridor: bilateral values and agreements, dual nationality on each side.", _ok(corridor),
            [_path("origin", "ISO3 of the origin country.", "MEX"), _path("destination", "ISO3 of the destination.", "USA")],
            operation_id="getCorridor"),
        "/releases": _op("Releases: ids, dates, who published and why; which one is current.",
                         _ok(_with_release({"current": STR, "releases": {"type": "array", "items": {"$ref": "#/components/schemas/Release"}}, "rollbacks": {"type": "array"}})),
                         operation_id="listReleases", tag="releases"),
        "/methodology": _op("The methodology of the release as data (thresholds, mappings, weights, coverage rule).",
                            _ok(_with_release({"status_year": {"type": "integer"}, "methodology": {"type": "object"}})),
                            operation_id="getMethodology", tag="releases"),
        "/bulk.zip": _op("Bulk download of the current release: tidy CSVs, SDMX-CSV, methodology.json, datapackage.json.",
                         _ok(_BINARY, "Zip file", "application/zip"), operation_id="bulkCurrent", tag="releases"),
        "/releases/{release_id}/bulk.zip": _op(
            "Bulk download of one release (404 with the available ids when unknown).", _ok(_BINARY, "Zip file", "application/zip"),
            [_path("release_id", "Release id.", "r20261128T130015897Z", {"type": "string", "pattern": RELEASE_ID["pattern"]})],
            operation_id="bulkRelease", tag="releases"),
        "/briefings/{iso3}.pdf": _op("Country briefing pack as PDF (scorecard, charts, map; sources and release on every page), "
                                     "rendered ahead after each publish.",
                                     _ok(_BINARY, "PDF", "application/pdf"), [_ISO3, _LANG], operation_id="briefingPdf", tag="briefings"),
        "/briefings/{iso3}.html": _op("The same briefing as one self-contained HTML file (charts inlined as SVG).",
                                      _ok({"type": "string"}, "HTML", "text/html"), [_ISO3, _LANG], operation_id="briefingHtml", tag="briefings"),
        **_practice_paths(),
        **_sdmx_paths(),
        **_submission_paths(),
    }  # fmt: skip


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Labour Migration Policy Monitor API",
            "version": "1",
            "description": (
                "Read-only access to the published releases: countries, indicators and their methodology, tidy "
                "observations (also as SDMX), scorecards, corridors, bulk downloads and briefing packs. Every answer names its "
                "release (field `release`, header X-LMM-Release); add `?release=<id>` to read an earlier one. "
                "Examples: /api-docs."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": _paths() | review_paths(_op, _ok, _with_release, _query),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Steward API token."}},
        },
    }
