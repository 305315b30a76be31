"""What a review signs, for the API: the submitted values, the warnings and their justifications, the reasons a
file was sent back, the correction links and the withdrawal; and `POST /api/v1/submissions/<id>/return` (admin).
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from dashboard.i18n import LANGS, normalise, number, t
from stewards import accounts, review, rounds, store, value_warnings
from stewards.accounts import User
from stewards.i18n import said, say, text

blueprint = Blueprint("steward_review_api", __name__, url_prefix="/api/v1/submissions")
JUSTIFICATION_CHARS = 2000


def _error(status: int, message: object, **extra: object):
    """A 4xx answer: `error` in the reader's language (a catalogue message, or an exception raised with one: worded
    again; other text as it is), in Spanish or French with the English text as `error_en`."""
    english = str(message.args[0] if isinstance(message, BaseException) and message.args else message)
    lang = reader_lang()
    worded = {} if lang == "en" else {"error": said(message, lang), "error_en": english}
    return jsonify({"error": english, **worded, **extra}), status


def _token_user() -> User | None:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    return accounts.user_for_token(token) if token else None


def signed(sub: store.Submission) -> dict[str, object]:
    """The fields a reviewer reads beside the diff: values, warnings (with their justifications), returns, links."""
    figures = sub.status not in ("invalid", "validating") and (sub.diff or {}).get("kind") != "practices"
    warnings = shown_warnings(sub) if figures else []
    return {
        "values": review.submitted_values(sub) if figures else [],
        "warnings": warnings_in(
            value_warnings.with_justifications(warnings, review.notes(sub.id, "justification")), reader_lang()
        ),
        "warning_rules": rules_in(reader_lang()),
        "returned": [{"at": at, "reason": reason} for at, reason in review.notes(sub.id, "return").items()],
        "corrects": next(iter(review.notes(sub.id, "corrects")), None),
        "corrected_by": review.corrected_by(sub.id),
        "withdrawn_in": review.withdrawn_in(sub),
        "closed_rounds": [
            {"round": r.id, "name": r.name, "deadline": r.deadline, "series": series}
            for r, series in closed_rounds(sub)
        ]
        or refused_for_round(sub),
    }


def reader_lang() -> str:
    """The language of an API answer's messages: ?lang=, else the request's Accept-Language, else English (the
    API ignores the pages' cookie)."""
    return normalise(request.args.get("lang")) or normalise(request.accept_languages.best_match(LANGS)) or "en"


def warnings_in(warnings: list[dict[str, object]], lang: str) -> list[dict[str, object]]:
    """The warnings with their message and rule in `lang`, worded as the submission page words them (the English
    texts as computed, kept under message_en and rule_text_en)."""
    if lang == "en":
        return warnings
    return [w | {"message": _warning_words(w, lang), "message_en": w.get("message"),
                 "rule_text": t(f"signoff.rule.{w['rule']}", lang), "rule_text_en": w.get("rule_text")}
            for w in warnings]  # fmt: skip


def _warning_words(w: dict[str, object], lang: str) -> str:
    numbers = {k: number(w[k], lang) for k in ("value", "median", "low", "high") if w.get(k) is not None}  # type: ignore[arg-type]
    return t(f"signoff.warnings.{w['rule']}", lang, **numbers, n=w.get("n"), year=w.get("year"))


def rules_in(lang: str) -> dict[str, str]:
    return (
        value_warnings.RULES
        if lang == "en"
        else {rule: t(f"signoff.rule.{rule}", lang) for rule in value_warnings.RULES}
    )


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
    if not missing and warnings:
        review.keep_warnings(sub.id, warnings, user.name)  # what the steward signed, whatever is published later
    return [w for w in warnings if w["id"] in missing]


def shown_warnings(sub: store.Submission) -> list[dict[str, object]]:
    """A validated file's warnings against the current release; once submitted, those the steward justified."""
    kept = None if sub.status == "validated" else review.kept_warnings(sub.id)
    return kept if kept is not None else value_warnings.warnings_for(sub)


def closed_rounds(sub: store.Submission) -> list[tuple[rounds.Round, list[str]]]:
    """The closed reporting rounds this file's series belong to (none open holds them): it cannot be submitted."""
    if sub.status != "validated" or (sub.diff or {}).get("kind") == "practices":
        return []
    return rounds.closed_for(store.submission_rows(sub.id))


def refused_for_round(sub: store.Submission) -> list[dict[str, object]]:
    """The closed round a file was refused for when it was checked ({round, name, deadline, series}), if it was."""
    if sub.status != "invalid":
        return []
    return [{"round": p["round"], "name": p["round_name"], "deadline": p["deadline"], "series": p["series"]}
            for p in sub.problems if p.get("row") is None and "round" in p][:1]  # fmt: skip


def closed_round_words(sub: store.Submission) -> str | None:
    """Why the page refuses this file (a closed round: refused when checked, or at submit when the round closed
    since), in the reader's language; None when no closed round holds it."""
    if refused := refused_for_round(sub):
        listed = ", ".join(str(k).replace("|", " ") for k in refused[0]["series"][:5])  # type: ignore[index]
        return t("signoff.round.refused", name=refused[0]["name"], deadline=refused[0]["deadline"], series=listed)
    closed = closed_rounds(sub)
    if not closed:
        return None
    rnd, series = closed[0]
    listed = ", ".join(k.replace("|", " ") for k in series[:5])
    return t("signoff.round.closed", name=rnd.name, deadline=rnd.deadline, series=listed)


def refuse_unjustified(sub: store.Submission, given: object, user: User):
    """None when the file may be submitted; else the 409 answer naming the closed round its series belong to, or
    the 422 answer naming the warnings that lack a justification."""
    if closed := closed_rounds(sub):
        rnd, series = closed[0]
        return _error(409, say("api.round_closed", name=repr(rnd.name), deadline=rnd.deadline,
                               series=", ".join(series[:5]), round=rnd.id), round=rnd.id, series=series)  # fmt: skip
    missing = justify(sub, given, user)
    if not missing:
        return None
    lang = reader_lang()
    body = {"error": _unjustified(missing, "en")} | ({} if lang == "en" else {
        "error": _unjustified(missing, lang), "error_en": _unjustified(missing, "en")})  # fmt: skip
    return jsonify(body | {"missing_justifications": [w["id"] for w in missing], "warnings": missing}), 422


def _unjustified(missing: list[dict[str, object]], lang: str) -> str:
    """The 422 answer's text: how many warnings lack a justification, each by id, row and column, in `lang`."""
    names = ", ".join(text("api.warning_at", lang, warning=w["id"], row=w["row"], column=w["column"]) for w in missing)
    return text("api.justify", lang, n=len(missing), names=names)


def corrects_refused(user: User, returned_id: str | None):
    """None when `returned_id` is empty or a returned submission of this user's, else the 400 answer."""
    if not returned_id:
        return None
    old = store.get_submission(returned_id)
    if old is None or old.user_id != user.id or old.status != "returned":
        return _error(400, say("api.corrects", submission=returned_id))
    return None


def link(sub: store.Submission, returned_id: str | None, user: User) -> None:
    if returned_id:
        review.link_correction(sub.id, returned_id, user.id, user.name)


@blueprint.post("/<submission_id>/return")
def send_back(submission_id: str):
    """An admin sends a submitted file back to its steward with a reason (`{"reason": "..."}`); bearer token."""
    g.user = _token_user()
    if g.user is None:
        return _error(401, say("api.token_short"))
    if not g.user.is_admin:
        return _error(403, say("api.admin_only.return"))
    if store.get_submission(submission_id) is None:
        return _error(404, say("api.no_submission", submission=submission_id))
    try:
        review.send_back(submission_id, g.user.name, str((request.get_json(silent=True) or {}).get("reason", "")))
    except review.ReviewError as error:
        return _error(409 if "status" in str(error) else 400, error)
    sub = store.get_submission(submission_id)
    assert sub is not None
    return jsonify({"id": sub.id, "status": sub.status, "review": {"by": sub.reviewed_by, "at": sub.reviewed_at}}
                   | signed(sub))  # fmt: skip
