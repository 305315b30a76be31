"""A submission in; what an admin signs out: every submitted row with its label, unit, source and how it changes the
current release, the justifications given for its warnings, and the reasons it was sent back.

The notes (justifications, return reasons, which upload corrects which) live in the control database's
`submission_notes` table (stewards/store.py SCHEMA); every write is also an audit entry.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from indicators.registry import load_registry
from stewards import store
from stewards.diff import OBS_KEY, release_rows
from stewards.i18n import say

NOTE_KINDS = ("justification", "return", "corrects", "warning")
AUDIT_ACTIONS = {"return": "return_reason", "warning": "warnings_kept"}  # the status change is audited as 'return'


class ReviewError(ValueError):
    """A review step refused: the message says why (and what to do)."""


def submitted_values(sub: store.Submission) -> list[dict[str, object]]:
    """Every row of a submission of figures as the steward sent it, with the indicator's title and unit, the
    category's label, and how it changes the current release: change = new / changed (from `previous`) / same."""
    rows = store.submission_rows(sub.id)
    if not len(rows):
        return []
    registry = load_registry().indicators
    _, old, _ = release_rows(sorted(rows["indicator_id"].unique()))
    merged = _with_previous(rows, old)
    out = []
    for r in merged.to_dict("records"):
        ind = registry.get(r["indicator_id"])
        labels = {c.code: c.label for c in ind.categories} if ind else {}
        out.append(_value(r, ind.title if ind else r["indicator_id"], ind.unit if ind else "", labels))
    return out


def _with_previous(rows: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    rows = rows.assign(partner_country=rows["partner_country"].fillna(""), sex=rows["sex"].fillna(""))
    old = old.assign(partner_country=old["partner_country"].fillna(""), sex=old["sex"].fillna(""))
    old = old.drop_duplicates(OBS_KEY)[[*OBS_KEY, "value", "value_label", "source_id"]]
    old = old.rename(columns={"value": "previous", "value_label": "previous_label", "source_id": "previous_source"})
    rows = rows.assign(year=pd.to_numeric(rows["year"], errors="coerce").astype("Int64"))
    old = old.assign(year=old["year"].astype("Int64"), found=True)
    merged = rows.merge(old, on=OBS_KEY, how="left")
    merged = merged.astype(object).where(merged.notna(), None)
    return merged


def _plain(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v


def _value(r: dict, title: str, unit: str, labels: dict[str, str]) -> dict[str, object]:
    r = {k: _plain(v) for k, v in r.items()}
    category = r["value_label"]
    return {
        "row": r["row"], "kind": r["kind"], "indicator_id": r["indicator_id"], "indicator": title,
        "country": r["country"], "partner_country": r["partner_country"] or None, "year": r["year"],
        "sex": r["sex"] or None, "value": r["value"], "unit": None if category else unit, "category": category,
        "category_label": labels.get(str(category), category) if category else None,
        "event_date": r["event_date"], "status": r["status"], "source": r["source"], "comment": r["note"],
        "change": _change(r), "previous": r["previous_label"] or r["previous"] if r["found"] else None,
        "previous_source": r["previous_source"] if r["found"] else None,
    }  # fmt: skip


def _change(r: dict) -> str:
    if r["kind"] != "observation":
        return "event"
    if not r["found"]:
        return "new"
    if r["value_label"] is not None or r["previous_label"] is not None:
        same = str(r["value_label"] or "").casefold() == str(r["previous_label"] or "").casefold()
    else:
        same = r["value"] is not None and r["previous"] is not None and np.isclose(r["value"], r["previous"])
    return "same" if same else "changed"


# --- notes: justifications, return reasons, corrections ------------------------------------------------------


def notes(submission_id: str, kind: str) -> dict[str, str]:
    """{key: text} of one kind of note (justification: warning id -> text; return: time -> reason; corrects: the
    submission this one corrects -> '')."""
    with store.connect() as db:
        sql = "SELECT key, text FROM submission_notes WHERE submission_id = ? AND kind = ? ORDER BY at, rowid"
        return {r["key"]: r["text"] for r in db.execute(sql, (submission_id, kind))}


def add_notes(submission_id: str, kind: str, texts: dict[str, str], actor: str) -> None:
    """Record notes (replacing a note of the same key) with their audit entry, in one transaction."""
    assert kind in NOTE_KINDS
    with store.transaction() as db:
        for key, text in texts.items():
            db.execute("DELETE FROM submission_notes WHERE submission_id = ? AND kind = ? AND key = ?",
                       (submission_id, kind, key))  # fmt: skip
            db.execute(
                "INSERT INTO submission_notes (submission_id, kind, key, text, actor, at) VALUES (?, ?, ?, ?, ?, ?)",
                (submission_id, kind, key, text, actor, store.now_iso()),
            )
        store.audit_in(db, actor, AUDIT_ACTIONS.get(kind, kind), submission_id, **texts)


def keep_warnings(submission_id: str, warnings: list[dict[str, object]], actor: str) -> None:
    """The warnings as the steward justified them, kept at submit (a later release may compute others)."""
    if warnings:
        add_notes(submission_id, "warning", {str(w["id"]): json.dumps(w, default=str) for w in warnings}, actor)


def kept_warnings(submission_id: str) -> list[dict[str, object]] | None:
    """The warnings kept at submit, in row order; None when none were kept (not submitted yet, or none)."""
    kept = [json.loads(text) for text in notes(submission_id, "warning").values()]
    return sorted(kept, key=lambda w: (w["row"], w["rule"])) if kept else None


def corrected_by(submission_id: str) -> list[str]:
    """The uploads sent as corrections of this (returned) submission, oldest first."""
    with store.connect() as db:
        sql = "SELECT submission_id FROM submission_notes WHERE kind = 'corrects' AND key = ? ORDER BY at, rowid"
        return [r["submission_id"] for r in db.execute(sql, (submission_id,))]


def send_back(submission_id: str, actor: str, reason: str) -> None:
    """An admin returns a submitted file to its steward with a reason; nothing is published from it."""
    reason = reason.strip()
    if not reason:
        raise ReviewError(say("review.reason_needed"))
    sub = store.get_submission(submission_id)
    if sub is None or sub.status != "submitted":
        raise ReviewError(say("review.not_submitted", status=sub.status if sub else "unknown"))
    store.update_submission(submission_id, actor, "return", status="returned", reviewed_by=actor,
                            reviewed_at=store.now_iso())  # fmt: skip
    add_notes(submission_id, "return", {store.now_iso(): reason[:2000]}, actor)


def link_correction(new_id: str, returned_id: str, user_id: int, actor: str) -> None:
    """Record that upload `new_id` corrects the returned submission `returned_id` (the same steward's)."""
    old = store.get_submission(returned_id)
    if old is None or old.user_id != user_id or old.status != "returned":
        raise ReviewError(say("review.not_returned", submission=returned_id))
    add_notes(new_id, "corrects", {returned_id: ""}, actor)


def withdrawn_in(sub: store.Submission) -> dict[str, str] | None:
    """For a published submission whose release a rollback undid: the release the rollback went back to, when
    and by whom ({release, at, by}); None while its values are still served or were never published."""
    return withdrawals([sub]).get(sub.id)


def withdrawals(subs: list[store.Submission]) -> dict[str, dict[str, str]]:
    """{submission id: {release, at, by}} for the published submissions a rollback withdrew (history read once)."""
    from warehouse import releases

    history = releases.read_history()
    out: dict[str, dict[str, str]] = {}
    for sub in subs:
        if sub.status != "published" or not sub.release_id:
            continue
        for i, h in enumerate(history):
            published_before = any(p.action == "publish" and p.release_id == sub.release_id for p in history[:i])
            if h.action == "rollback" and h.release_id < sub.release_id and published_before:
                out[sub.id] = {"release": h.release_id, "at": h.at, "by": h.actor}
                break
    return out
