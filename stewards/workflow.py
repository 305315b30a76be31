"""An upload (user, file name, bytes) in; a stored, validated submission out; then the steward's confirmation.

The file is kept exactly as received (LMM_DATA_DIR/uploads/<id>.<ext>, with its SHA-256 in the control database)
whatever its fate; its rows are stored only when every cell passed. Shared by the page and the API.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import PurePosixPath

import pandas as pd

from stewards import practices, publish, store
from stewards.accounts import User
from stewards.diff import compute_diff
from stewards.upload import UploadError, read_upload
from stewards.validate import PROBLEM_COLUMNS, make_context, validate
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
    """Validate and store one upload; the submission says invalid (with its problems) or validated (with a diff)."""
    submission_id = new_submission_id()
    filename = PurePosixPath(filename.replace("\\", "/")).name[:200] or "upload"
    stored, digest = keep_original(submission_id, filename, data)
    rows, problems, diff = _check(user, filename, data)
    status = "validated" if problems.empty else "invalid"
    values = {
        "id": submission_id, "user_id": user.id, "filename": filename, "sha256": digest, "size": len(data),
        "stored_path": stored, "created_at": store.now_iso(), "status": status, "rows": len(rows),
        "problems": json.dumps(problems.to_dict("records"), default=str), "diff": json.dumps(diff) if diff else None,
        "diff_release": diff["release"] if diff else None,
    }  # fmt: skip
    store.insert_submission(values, rows if status == "validated" else None, actor=user.name)
    sub = store.get_submission(submission_id)
    assert sub is not None
    return sub


def _check(user: User, filename: str, data: bytes) -> tuple[pd.DataFrame, pd.DataFrame, dict | None]:
    try:
        table = read_upload(data, filename)
    except UploadError as error:
        problem = pd.DataFrame([{"row": None, "column": "", "cell": "", "value": "", "message": str(error)}])
        return pd.DataFrame(), problem[PROBLEM_COLUMNS], None
    ctx = make_context(None if user.is_admin else user.countries)
    if table.layout == "practices":  # the practice template: same path, its own checks and diff
        rows, problems = practices.check(table, ctx, user.institution or user.name)
        return rows, problems, practices.practice_diff(rows) if problems.empty else None
    outcome = validate(table, ctx)
    if not outcome.ok:
        return pd.DataFrame(), outcome.problems, None
    return outcome.rows, outcome.problems, compute_diff(outcome.rows, None if user.is_admin else user.countries)


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
        raise publish.WorkflowError(f"submission {sub.id} cannot be submitted (status: {sub.status})")
    if seen_release is not None and seen_release != releases.current_release_id():
        raise publish.WorkflowError("A new release was published since you looked at the differences: review "
                                    "them again, then submit.")  # fmt: skip
    series = {s["key"] for s in (sub.diff or {}).get("series", [])} or None
    bad = [k for k, m in modes.items() if m not in MODES or (series is not None and k not in series)]
    if bad:
        raise publish.WorkflowError(f"unknown series or mode: {', '.join(bad[:5])}")
    store.update_submission(sub.id, user.name, "submit", status="submitted", modes=modes,
                            submitted_at=store.now_iso())  # fmt: skip
    if publish.auto_publish_enabled() and user.trusted:
        publish.approve(sub.id, f"auto-publish (trusted steward {user.name})")
    updated = store.get_submission(sub.id)
    assert updated is not None
    return updated


def may_see(user: User, sub: store.Submission) -> bool:
    return user.is_admin or sub.user_id == user.id


def problems_frame(sub: store.Submission) -> pd.DataFrame:
    return pd.DataFrame(sub.problems, columns=PROBLEM_COLUMNS)
