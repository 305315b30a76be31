"""An upload (user, file name, bytes) in; a stored, checked submission out; then the steward's confirmation.

The file is kept exactly as received (LMM_DATA_DIR/uploads/<id>.<ext>, with its SHA-256 in the control database)
whatever its fate; its rows are stored only when every cell passed. A small file is checked at once; a larger one
by a bounded validation job (checking.py), the submission saying 'validating' meanwhile. Shared by the page and
the API.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pandas as pd

from stewards import checking, practices, publish, store
from stewards.accounts import User
from stewards.budget import CheckOutside
from stewards.diff import compute_diff
from stewards.i18n import say
from stewards.problems import PROBLEM_COLUMNS
from warehouse import releases

MODES = ("append", "replace")


def new_submission_id() -> str:
    return "s" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f") + secrets.token_hex(2)  # sortable by time


def keep_original(submission_id: str, filename: str, data: bytes) -> tuple[str, str]:
    """(relative path, sha256) of the upload written byte for byte (fsynced: it is the audit copy)."""
    suffix = PurePosixPath(filename.lower()).suffix
    safe_suffix = suffix if suffix.replace(".", "").isalnum() and len(suffix) <= 6 else ".bin"
    path = store.uploads_dir() / f"{submission_id}{safe_suffix}"
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    digest = hashlib.sha256(data).hexdigest()
    path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n")
    return path.name, digest


def receive_upload(user: User, filename: str, data: bytes) -> store.Submission:
    """Keep and check one upload: a small file here and now (validated with a diff, or invalid with its problems),
    a larger one by a validation job (the submission says 'validating' until the job records the outcome)."""
    submission_id = new_submission_id()
    filename = PurePosixPath(filename.replace("\\", "/")).name[:200] or "upload"
    checked = None
    if len(data) <= checking.inline_limit():
        try:
            checked = checking.check(user, filename, data, checking.inline_budget())
        except CheckOutside:
            checked = None  # a small workbook that unpacks to much: the job checks it
    if checked is None and checking.waiting(user.id) >= checking.job_slots():
        raise checking.TooManyChecks(say("api.too_many_checks", n=checking.job_slots(), filename=repr(filename)))
    stored, digest = keep_original(submission_id, filename, data)
    values = {"id": submission_id, "user_id": user.id, "filename": filename, "sha256": digest, "size": len(data),
              "stored_path": stored, "created_at": store.now_iso()}  # fmt: skip
    if checked is None:
        values |= {"status": "validating", "rows": 0, "job_state": "queued", "job_message": say("job.waiting_check")}
        store.insert_submission(values, None, actor=user.name)
        checking.start(submission_id)
    else:
        values |= checked.values(submission_id)
        rows = checked.rows if values["status"] == "validated" else None
        store.insert_submission(values, rows, actor=user.name)
    sub = store.get_submission(submission_id)
    assert sub is not None
    return sub


def current_diff(sub: store.Submission, user_scope: tuple[str, ...] | None) -> dict | None:
    """The stored diff, recomputed when another release was published since it was made."""
    if sub.status != "validated" or sub.diff is None:
        return sub.diff
    if sub.diff_release == releases.current_release_id():
        return sub.diff
    if sub.diff.get("kind") == "practices":
        diff = practices.practice_diff(store.submission_practice_rows(sub.id))
    else:
        diff = compute_diff(store.submission_rows(sub.id), user_scope)
    store.update_submission(sub.id, diff=diff, diff_release=diff["release"])
    return diff


def submit(sub: store.Submission, user: User, modes: dict[str, str], seen_release: str | None) -> store.Submission:
    """The steward's confirmation with the append/replace choice per series; auto-publishes for trusted stewards."""
    if sub.status != "validated":
        raise publish.WorkflowError(say("workflow.not_submittable", submission=sub.id, status=sub.status))
    if seen_release is not None and seen_release != releases.current_release_id():
        raise publish.WorkflowError(say("workflow.new_release"))
    series = {s["key"] for s in (sub.diff or {}).get("series", [])} or None
    bad = [k for k, m in modes.items() if m not in MODES or (series is not None and k not in series)]
    if bad:
        raise publish.WorkflowError(say("workflow.unknown_mode", series=", ".join(bad[:5])))
    store.update_submission(sub.id, user.name, "submit", status="submitted", modes=modes,
                            submitted_at=store.now_iso())  # fmt: skip
    if publish.auto_publish_enabled() and user.trusted:
        publish.approve(sub.id, f"auto-publish (trusted steward {user.name})")
    updated = store.get_submission(sub.id)
    assert updated is not None
    return updated


def settled(sub: store.Submission) -> store.Submission:
    """The submission as it really stands: a check whose job died is recorded as refused, never left 'validating';
    a publish whose job died after its release was switched in is recorded as published (publish.reconcile)."""
    return publish.reconcile(checking.settle(sub))


def may_see(user: User, sub: store.Submission) -> bool:
    return user.is_admin or sub.user_id == user.id


def problems_frame(sub: store.Submission) -> pd.DataFrame:
    """The problems kept in the control database (the first of each column); problems_path() has them all."""
    return pd.DataFrame(sub.problems, columns=PROBLEM_COLUMNS)


def problems_path(sub: store.Submission) -> Path | None:
    """Every problem of the submission as zstd-compressed CSV, kept beside the upload (None: the list has them)."""
    if not sub.problems_file:
        return None
    path = store.uploads_dir() / sub.problems_file
    return path if path.exists() else None
