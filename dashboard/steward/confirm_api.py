"""What cannot be undone quietly, for the API: approve, reject and roll back act only with `{"confirm": true}`;
without it they answer 428 with what they would change (how many values, which release), in the page's words.

`POST /api/v1/releases/rollback` (admin, bearer token) is here too: `{"release_id": "...", "confirm": true}`.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from dashboard.i18n import t
from dashboard.steward.review_api import _error, _token_user, reader_lang
from dashboard.steward.review_views import rollback_effects
from stewards import publish, store
from stewards.i18n import say, text
from warehouse import releases

blueprint = Blueprint("steward_confirm_api", __name__, url_prefix="/api/v1/releases")
ASK = text("api.ask")  # the English, as the answers have always said it
PLEDGED = ("signoff.confirm.reject", "signoff.confirm.withdraw")  # they start 'I confirm: '


def confirmed() -> bool:
    return (request.get_json(silent=True) or {}).get("confirm") is True


def _ask(action: str, key: str, effect: dict[str, object], **params: object):
    """428: what the action would change (the page's confirmation `key`, without its 'I confirm: '), in the
    reader's language; in Spanish or French the English text as error_en."""
    lang = reader_lang()
    english = f"{_says(key, 'en', **params)} ({ASK})"
    worded = {} if lang == "en" else {"error": f"{_says(key, lang, **params)} ({text('api.ask', lang)})",
                                      "error_en": english}  # fmt: skip
    body = {"error": english, **worded, "confirm_required": True, "action": action, "effect": effect}
    return jsonify(body), 428


def _says(key: str, lang: str, **params: object) -> str:
    """The page's confirmation as a statement: a reject's or withdrawal's 'I confirm: ' (in its language) left out."""
    said = t(key, lang, **params)
    return said.partition(": ")[2] if key in PLEDGED else said


def ask_approve(sub: store.Submission):
    """428 stating what approving publishes: n values in a new release after the current one."""
    current = releases.current_release_id() or ""
    effect = {"submission": sub.id, "values": sub.rows, "after_release": current}
    return _ask("approve", "signoff.confirm.approve", effect, n=sub.rows, release=current)


def ask_reject(sub: store.Submission):
    """428 stating what rejecting does: nothing published from it, or its served values withdrawn by a release."""
    current = releases.current_release_id() or ""
    withdraws = publish.served(sub) and sub.status in ("approved", "published")
    key = "signoff.confirm.withdraw" if withdraws else "signoff.confirm.reject"
    effect = {"submission": sub.id, "values": sub.rows, "withdraws": withdraws, "after_release": current}
    return _ask("reject", key, effect, n=sub.rows, release=current)


@blueprint.post("/rollback")
def rollback():
    """An admin serves a kept release again: `{"release_id": "...", "confirm": true}`; bearer token."""
    g.user = _token_user()
    if g.user is None:
        return _error(401, say("api.token_short"))
    if not g.user.is_admin:
        return _error(403, say("api.admin_only.rollback"))
    target = str((request.get_json(silent=True) or {}).get("release_id") or "")
    if target not in releases.list_release_ids():
        return _error(404, say("api.no_release", release=repr(target)))
    current = releases.current_release_id() or ""
    if not confirmed():
        fx = rollback_effects([target])[target]
        effect = {"release": target, "current_release": current, **fx}
        return _ask("rollback", "signoff.confirm.rollback", effect, release=target, current=current,
                    subs=fx["submissions"], n=fx["values"])  # fmt: skip
    try:
        publish.rollback(target, actor=g.user.name)
    except releases.ReleaseError as error:
        return _error(409, str(error))
    return jsonify({"current": releases.current_release_id(), "rolled_back_from": current})
