"""What a review signs, for the API: the submitted values, the warnings and their justifications, the reasons a
file was sent back, the correction links and the withdrawal; and `POST /api/v1/submissions/<id>/return` (admin).
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from stewards import accounts, review, store, value_warnings
from stewards.accounts import User

blueprint = Blueprint("steward_review_api", __name__, url_prefix="/api/v1/submissions")
JUSTIFICATION_CHARS = 2000


def _error(status: int, message: str, **extra: object):
    return jsonify({"error": message, **extra}), status


def _token_user() -> User | None:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    return accounts.user_for_token(token) if token else None


def signed(sub: store.Submission) -> dict[str, object]:
    """The fields a reviewer reads beside the diff: values, warnings (with their justifications), returns, links."""
    figures = sub.status not in ("invalid", "validating") and (sub.diff or {}).get("kind") != "practices"
    warnings = value_warnings.warnings_for(sub) if figures else []
    return {
        "values": review.submitted_values(sub) if figures else [],
        "warnings": value_warnings.with_justifications(warnings, review.notes(sub.id, "justification")),
        "warning_rules": value_warnings.RULES,
        "returned": [{"at": at, "reason": reason} for at, reason in review.notes(sub.id, "return").items()],
        "corrects": next(iter(review.notes(sub.id, "corrects")), None),
        "corrected_by": review.corrected_by(sub.id),
        "withdrawn_in": review.withdrawn_in(sub),
    }


def justify(sub: store.Submission, given: object, user: User) -> list[dict[str, object]]:
    """Record the justifications given (for this submission's warnings only); the warnings still without one."""
    warnings = value_warnings.warnings_for(sub) if sub.status == "validated" else []
    ids = {str(w["id"]) for w in warnings}
    texts = {str(k): str(v).strip()[:JUSTIFICATION_CHARS] for k, v in (given or {}).items()} if isinstance(
        given, dict) else {}  # fmt: skip
    fresh = {k: v for k, v in texts.items() if k in ids and v}
    if fresh:
        review.add_notes(sub.id, "justification", fresh, user.name)
    missing = set(value_warnings.missing(warnings, review.notes(sub.id, "justification")))
    return [w for w in warnings if w["id"] in missing]


def refuse_unjustified(sub: store.Submission, given: object, user: User):
    """None when every warning has a justification, else the 422 answer naming those that lack one."""
    missing = justify(sub, given, user)
    if not missing:
        return None
    names = ", ".join(f"{w['id']} (row {w['row']}, {w['column']})" for w in missing)
    return _error(422, f"{len(missing)} warning(s) need a justification before submit: {names}. Send "
                       f'{{"confirm": true, "justifications": {{"<warning id>": "why the value is right"}}}}',
                  missing_justifications=[w["id"] for w in missing], warnings=missing)  # fmt: skip


def corrects_refused(user: User, returned_id: str | None):
    """None when `returned_id` is empty or a returned submission of this user's, else the 400 answer."""
    if not returned_id:
        return None
    old = store.get_submission(returned_id)
    if old is None or old.user_id != user.id or old.status != "returned":
        return _error(400, f"'corrects': {returned_id} is not a returned submission of yours; nothing was stored")
    return None


def link(sub: store.Submission, returned_id: str | None, user: User) -> None:
    if returned_id:
        review.link_correction(sub.id, returned_id, user.id, user.name)


@blueprint.post("/<submission_id>/return")
def send_back(submission_id: str):
    """An admin sends a submitted file back to its steward with a reason (`{"reason": "..."}`); bearer token."""
    g.user = _token_user()
    if g.user is None:
        return _error(401, "a valid API token is required: Authorization: Bearer <token>")
    if not g.user.is_admin:
        return _error(403, "only an admin can return a submission")
    if store.get_submission(submission_id) is None:
        return _error(404, f"no submission {submission_id}")
    try:
        review.send_back(submission_id, g.user.name, str((request.get_json(silent=True) or {}).get("reason", "")))
    except review.ReviewError as error:
        return _error(409 if "status" in str(error) else 400, str(error))
    sub = store.get_submission(submission_id)
    assert sub is not None
    return jsonify({"id": sub.id, "status": sub.status, "review": {"by": sub.reviewed_by, "at": sub.reviewed_at}}
                   | signed(sub))  # fmt: skip
