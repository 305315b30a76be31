"""What cannot be undone quietly, for the API: approve, reject and roll back act only with `{"confirm": true}`;
without it they answer 428 with what they would change (how many values, which release), in the page's words.

`POST /api/v1/releases/rollback` (admin, bearer token) is here too: `{"release_id": "...", "confirm": true}`.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from dashboard.i18n import t
from dashboard.steward.review_api import _error, _token_user
from dashboard.steward.review_views import rollback_effects
from stewards import publish, store
from warehouse import releases

blueprint = Blueprint("steward_confirm_api", __name__, url_prefix="/api/v1/releases")
ASK = 'nothing was done: send {"confirm": true} to go ahead'


def confirmed() -> bool:
    return (request.get_json(silent=True) or {}).get("confirm") is True


def _ask(action: str, says: str, effect: dict[str, object]):
    body = {"error": f"{says} ({ASK})", "confirm_required": True, "action": action, "effect": effect}
    return jsonify(body), 428


def ask_approve(sub: store.Submission):
    """428 stating what approving publishes: n values in a new release after the current one."""
    current = releases.current_release_id() or ""
    says = t("signoff.confirm.approve", "en", n=sub.rows, release=current)
    return _ask("approve", says, {"submission": sub.id, "values": sub.rows, "after_release": current})


def ask_reject(sub: store.Submission):
    """428 stating what rejecting does: nothing published from it, or its served values withdrawn by a release."""
    current = releases.current_release_id() or ""
    withdraws = publish.served(sub) and sub.status in ("approved", "published")
    key = "signoff.confirm.withdraw" if withdraws else "signoff.confirm.reject"
    says = t(key, "en", n=sub.rows, release=current).removeprefix("I confirm: ")
    effect = {"submission": sub.id, "values": sub.rows, "withdraws": withdraws, "after_release": current}
    return _ask("reject", says, effect)


@blueprint.post("/rollback")
def rollback():
    """An admin serves a kept release again: `{"release_id": "...", "confirm": true}`; bearer token."""
    g.user = _token_user()
    if g.user is None:
        return _error(401, "a valid API token is required: Authorization: Bearer <token>")
    if not g.user.is_admin:
        return _error(403, "only an admin can roll back")
    target = str((request.get_json(silent=True) or {}).get("release_id") or "")
    if target not in releases.list_release_ids():
        return _error(404, f"no kept release {target!r} (GET /api/v1/releases lists them)")
    current = releases.current_release_id() or ""
    if not confirmed():
        fx = rollback_effects([target])[target]
        says = t("signoff.confirm.rollback", "en", release=target, current=current, subs=fx["submissions"],
                 n=fx["values"])  # fmt: skip
        return _ask("rollback", says, {"release": target, "current_release": current, **fx})
    try:
        publish.rollback(target, actor=g.user.name)
    except releases.ReleaseError as error:
        return _error(409, str(error))
    return jsonify({"current": releases.current_release_id(), "rolled_back_from": current})
