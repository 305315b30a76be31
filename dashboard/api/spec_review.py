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
    lang = query("lang", "Language of the feed's words: en (default), es or fr.",
                 {"type": "string", "enum": ["en", "es", "fr"]})  # fmt: skip
    feeds = {
        "/releases.atom": op("Atom feed of every published release and rollback, with what changed and the steward "
                             "submissions it carried.", ok({"type": "string"}, media=atom), [lang],
                             operation_id="releasesFeed", tag="meta"),
        "/countries/{iso3}/releases.atom": op(
            "Atom feed of the kept releases that changed a country's values (added, changed, removed; indicators).",
            ok({"type": "string"}, media=atom), [{"name": "iso3", "in": "path", "required": True,
                                                  "description": "ISO3 code.", "schema": {**CODE, "example": "MEX"}},
                                                 lang],
            operation_id="countryFeed", tag="meta"),
    }  # fmt: skip
    return {"/history": op(summary, ok(history), params, operation_id="getValueHistory"), **feeds, **_return_path(),
            **_rollback_path()}  # fmt: skip


def _rollback_path() -> dict[str, Any]:
    error = {"application/json": {"schema": obj({"error": STR})}}
    effect = obj({"release": RELEASE_ID, "current_release": RELEASE_ID, "submissions": {"type": "integer"},
                  "values": {"type": "integer"}})  # fmt: skip
    return {"/releases/rollback": {"post": {
        "summary": 'An admin serves a kept release again: {"release_id": "...", "confirm": true}. Without confirm, '
                   "428 states what it would change (the release served instead of the current one, the published "
                   "submissions and values it withdraws) and nothing is done.",
        "tags": ["submissions"], "operationId": "rollbackRelease", "security": [{"bearer": []}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": obj(
            {"release_id": RELEASE_ID, "confirm": {"type": "boolean"}}, ["release_id"])}}},
        "responses": {
            "200": {"description": "Rolled back: `current` is the release served now.",
                    "content": {"application/json": {"schema": obj({"current": RELEASE_ID,
                                                                    "rolled_back_from": RELEASE_ID})}}},
            "401": {"description": "Missing or invalid bearer token.", "content": error},
            "403": {"description": "Not an admin.", "content": error},
            "404": {"description": "No such kept release.", "content": error},
            "409": {"description": "The rollback could not be done (the message says why).", "content": error},
            "428": {"description": "Not confirmed: nothing was done.", "content": {"application/json": {
                "schema": obj({"error": STR, "confirm_required": {"type": "boolean"}, "effect": effect})}}},
        },
    }}}  # fmt: skip


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
