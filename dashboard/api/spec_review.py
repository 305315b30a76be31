"""The OpenAPI paths of a review worth signing and of following it: /history (a series' values in every kept
release) and the steward's /submissions/{submission_id}/return. Joined to the document by dashboard/api/spec.py,
which hands in its own builders (so this module imports nothing of it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dashboard.api.common import YEAR_RANGE
from dashboard.api.spec_schemas import CODE, RELEASE_ID, STR, obj

NULLABLE_STR = {"type": ["string", "null"]}
HISTORY_ROW = obj({
    "release": RELEASE_ID, "published_at": NULLABLE_STR, "withdrawn": {"type": "boolean"},
    "year": {"type": "integer"}, "sex": STR, "partner_country": NULLABLE_STR,
    "value": {"type": ["number", "null"]}, "value_label": NULLABLE_STR, "unit": NULLABLE_STR, "source_id": NULLABLE_STR,
    "submission": NULLABLE_STR, "institution": NULLABLE_STR, "cited_source": NULLABLE_STR,
}, ["release", "year", "value"])  # fmt: skip


def review_paths(op: Callable[..., dict], ok: Callable[..., dict], with_release: Callable[..., dict],
                 query: Callable[..., dict]) -> dict[str, Any]:  # fmt: skip
    history = with_release({"query": {"type": "object"}, "releases": {"type": "array", "items": RELEASE_ID},
                            "count": {"type": "integer"}, "values": {"type": "array", "items": HISTORY_ROW}})  # fmt: skip
    year = {"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]}
    params = [
        query("indicator", "Indicator id (see /indicators). Unknown: 404 with the closest ids.", CODE, required=True),
        query("country", "ISO3 code of the country. Unknown: 404 with the closest codes.", CODE, required=True),
        query("year", "Only this year.", year),
    ]
    summary = ("Every value a series has had in each kept release (oldest first), with the release, whether a "
               "rollback withdrew it, the source, and the submission, institution and cited source where a data "
               "steward supplied it.")  # fmt: skip
    atom = "application/atom+xml"
    feeds = {
        "/releases.atom": op("Atom feed of every published release and rollback, with what changed and the steward "
                             "submissions it carried.", ok({"type": "string"}, media=atom), operation_id="releasesFeed",
                             tag="meta"),
        "/countries/{iso3}/releases.atom": op(
            "Atom feed of the kept releases that changed a country's values (added, changed, removed; indicators).",
            ok({"type": "string"}, media=atom), [{"name": "iso3", "in": "path", "required": True,
                                                  "description": "ISO3 code.", "schema": {**CODE, "example": "MEX"}}],
            operation_id="countryFeed", tag="meta"),
    }  # fmt: skip
    return {"/history": op(summary, ok(history), params, operation_id="getValueHistory"), **feeds, **_return_path()}


def _return_path() -> dict[str, Any]:
    error = {"application/json": {"schema": obj({"error": STR})}}
    return {"/submissions/{submission_id}/return": {"post": {
        "summary": "An admin sends a submitted file back to its steward with a reason; the steward uploads a "
                   "corrected file with the form field `corrects` = this id.",
        "tags": ["submissions"], "operationId": "returnSubmission", "security": [{"bearer": []}],
        "parameters": [{"name": "submission_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": obj({"reason": STR},
                                                                                          ["reason"])}}},
        "responses": {
            "200": {"description": "Returned: status `returned`, `returned` lists the reasons.",
                    "content": {"application/json": {"schema": obj({"id": STR, "status": STR})}}},
            "400": {"description": "No reason given.", "content": error},
            "401": {"description": "Missing or invalid bearer token.", "content": error},
            "403": {"description": "Not an admin.", "content": error},
            "404": {"description": "No such submission.", "content": error},
            "409": {"description": "The submission is not waiting for review.", "content": error},
        },
    }}}  # fmt: skip
