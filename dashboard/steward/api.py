"""`/api/v1/submissions`: the steward workflow for scripts, authenticated by a bearer token (`lmm users token`).

Cookies are ignored here (a token is the only credential), so these endpoints need no CSRF token.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from dashboard.i18n import has, t
from dashboard.steward import confirm_api, review_api
from dashboard.steward.review_api import _error
from dashboard.steward.views import STATUS_TEXT, drain, problems_csv, upload_limit_bytes
from lmm.config import setting
from stewards import accounts, checking, publish, store, workflow
from stewards.i18n import say, worded
from stewards.integrity import ControlDatabaseError
from stewards.job_messages import job_words

blueprint = Blueprint("steward_api", __name__, url_prefix="/api/v1/submissions")


@blueprint.errorhandler(ControlDatabaseError)
def _control_damaged(error: ControlDatabaseError):
    return _error(503, error)


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):
    return _oversize()


def _oversize():
    """413 with the JSON message, the body read away first (else the client, still sending, gets a reset)."""
    drain()
    response, status = _error(413, say("api.too_large", limit=setting("LMM_UPLOAD_LIMIT_MB")))
    response.headers["Connection"] = "close"
    return response, status


def token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        user = accounts.user_for_token(token) if token else None
        if user is None:
            response, status = _error(401, say("api.token"))
            response.headers["WWW-Authenticate"] = 'Bearer realm="lmm"'
            return response, status
        g.user = user
        return view(*args, **kwargs)

    return wrapped


def describe(sub: store.Submission) -> dict[str, object]:
    lang = review_api.reader_lang()
    return {
        "id": sub.id, "status": sub.status, "status_text": status_words(sub.status, lang),
        "filename": sub.filename, "sha256": sub.sha256, "size": sub.size, "rows": sub.rows,
        "created_at": sub.created_at, "submitted_by": sub.user_name, "institution": sub.institution,
        "problem_count": sub.problem_count, "problems": worded(sub.problems, lang),
        "problems_by_column": sub.problem_columns,
        "problems_csv": url_for("steward_api.show", submission_id=sub.id, format="csv"), "diff": sub.diff,
        "modes": sub.modes,
        "review": {"by": sub.reviewed_by, "at": sub.reviewed_at},
        "publish": {"state": sub.job_state, "message": job_words(sub.job_message, lang) or sub.job_message,
                    "release": sub.release_id, "interrupted": publish.interrupted(sub), "served": publish.served(sub),
                    "current_release": publish.served_in()[0]} | _english_job(sub, lang),
    } | _english_status(sub, lang)  # fmt: skip


def status_words(status: str, lang: str) -> str:
    """What a submission's status means, in `lang` (the page's words; English: the API's own texts)."""
    if lang == "en":
        return STATUS_TEXT.get(status, status)
    key = "steward.checking.text" if status == "validating" else f"steward.status_text.{status}"
    return t(key, lang) if has(key) else status


def _english_status(sub: store.Submission, lang: str) -> dict[str, object]:
    """Beside a status_text in another language, its English text (status_text_en)."""
    return {} if lang == "en" else {"status_text_en": STATUS_TEXT.get(sub.status, sub.status)}


def _english_job(sub: store.Submission, lang: str) -> dict[str, object]:
    """Beside a job's status line in another language, the line as stored in English (message_en)."""
    return {} if lang == "en" else {"message_en": sub.job_message}


@blueprint.post("")
@token_required
def create():
    if (request.content_length or 0) > upload_limit_bytes() + 65536:
        return _oversize()
    request.max_content_length = upload_limit_bytes() + 65536  # a body sent without a length stops there too
    file = request.files.get("file")
    if file is None or not file.filename:
        return _error(400, say("api.no_file"))
    if refused := review_api.corrects_refused(g.user, request.form.get("corrects")):
        return refused
    try:
        sub = workflow.receive_upload(g.user, file.filename, file.read())
    except checking.TooManyChecks as busy:
        return _error(429, busy)
    review_api.link(sub, request.form.get("corrects"), g.user)  # a large file too: linked before its check ends
    if sub.status == "validating":  # a large file: its check runs in a job; GET the submission for the outcome
        response = jsonify(describe(sub) | {"corrects": request.form.get("corrects") or None})
        response.headers["Location"] = url_for("steward_api.show", submission_id=sub.id)
        response.headers["Retry-After"] = "2"
        return response, 202
    return jsonify(describe(sub) | {"corrects": request.form.get("corrects") or None}), (
        201 if sub.status == "validated" else 422
    )


def _visible(submission_id: str) -> store.Submission | None:
    sub = store.get_submission(submission_id)
    return sub if sub is not None and workflow.may_see(g.user, sub) else None


@blueprint.get("/<submission_id>")
@token_required
def show(submission_id: str):
    sub = _visible(submission_id)
    if sub is None:
        return _error(404, say("api.not_yours", submission=submission_id))
    sub = workflow.settled(sub)
    if request.args.get("format") == "csv":
        return problems_csv(sub, review_api.reader_lang())
    sub_diff = workflow.current_diff(sub, None if g.user.is_admin else g.user.countries)
    return jsonify(describe(sub) | {"diff": sub_diff} | review_api.signed(sub))


@blueprint.post("/<submission_id>/submit")
@token_required
def submit(submission_id: str):
    sub = _visible(submission_id)
    if sub is None:
        return _error(404, say("api.not_yours", submission=submission_id))
    body = request.get_json(silent=True) or {}
    if body.get("confirm") is not True:
        return _error(400, say("api.confirm_figures"))
    refused = review_api.refuse_unjustified(sub, body.get("justifications"), g.user)
    if sub.status == "validated" and refused:
        return refused
    default = body.get("default_mode", "append")
    keys = [s["key"] for s in (sub.diff or {}).get("series", [])]
    modes = {k: (body.get("modes") or {}).get(k, default) for k in keys}
    return _run(sub.id, lambda: workflow.submit(sub, g.user, modes, body.get("release")))


def _run(submission_id: str, action):
    try:
        action()
    except publish.WorkflowError as error:
        return _error(409, error)
    sub = store.get_submission(submission_id)
    assert sub is not None
    return jsonify(describe(sub))


@blueprint.post("/<submission_id>/approve")
@token_required
def approve(submission_id: str):
    """Approve and publish, with `{"confirm": true}`; without it, 428 says how many values and after which release."""
    if not g.user.is_admin:
        return _error(403, say("api.admin_only.approve"))
    if not confirm_api.confirmed():
        sub = store.get_submission(submission_id)
        return confirm_api.ask_approve(sub) if sub else _error(404, say("api.no_submission", submission=submission_id))
    return _run(submission_id, lambda: publish.approve(submission_id, g.user.name))


@blueprint.post("/<submission_id>/reject")
@token_required
def reject(submission_id: str):
    """Reject (or withdraw served values), with `{"confirm": true}`; without it, 428 says what it would change."""
    if not g.user.is_admin:
        return _error(403, say("api.admin_only.reject"))
    if not confirm_api.confirmed():
        sub = store.get_submission(submission_id)
        return confirm_api.ask_reject(sub) if sub else _error(404, say("api.no_submission", submission=submission_id))
    reason = str((request.get_json(silent=True) or {}).get("reason", ""))
    return _run(submission_id, lambda: publish.reject(submission_id, g.user.name, reason))


@blueprint.post("/<submission_id>/retry")
@token_required
def retry(submission_id: str):
    """Start again the publish job of an approved submission whose job failed or was stopped."""
    if not g.user.is_admin:
        return _error(403, say("api.admin_only.retry"))
    return _run(submission_id, lambda: publish.retry(submission_id, g.user.name))
