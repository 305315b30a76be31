"""Approval in; a new published release out, built by a background job that outlives the web worker.

The approval is recorded (and audited) before the job starts, so a worker killed mid-request loses nothing: the
job runs in its own process session (`python -m stewards.publish ID`), writes its progress to the
control database, and builds through warehouse.build.build_release (publish lock, atomic switch). What a
submission says is what is served: a job that died after its release was switched in is recorded as published in
that release (the release carries the submission's id in its figures' provenance), one that died before is shown
as interrupted and an admin can retry it (a retry rebuilds from the recorded approvals) or reject it. Rejecting a
submission whose figures are served withdraws them: the same job builds a release without it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
from pathlib import Path

from lmm.config import PROJECT_ROOT, seed_dir, setting
from stewards import store
from stewards.i18n import say
from warehouse import releases

MODULE = "stewards.publish"


class WorkflowError(ValueError):
    """A review action is not possible in the submission's current state; the message says why."""


def approve(submission_id: str, actor: str) -> None:
    sub = store.get_submission(submission_id)
    if sub is None or sub.status not in ("submitted", "published", "rejected"):
        raise WorkflowError(say("workflow.not_waiting_status", submission=submission_id,
                                status=sub.status if sub else "unknown"))  # fmt: skip
    if sub.status == "published" and sub.release_id not in store.rolled_back_releases():
        raise WorkflowError(say("workflow.already_published", submission=submission_id, release=sub.release_id))
    store.update_submission(submission_id, actor, "approve", status="approved", reviewed_by=actor,
                            reviewed_at=store.now_iso(), job_state="queued", job_message=say("job.approved"),
                            release_id=None)  # fmt: skip
    start_job(submission_id, actor)


def reject(submission_id: str, actor: str, reason: str) -> None:
    """Reject a submission waiting for review or whose publish failed; one whose figures are served is withdrawn:
    rejected, and a release without it is built and published."""
    sub = store.get_submission(submission_id)
    sub = reconcile(sub) if sub is not None else None
    if sub is not None and served(sub) and sub.status in ("approved", "published"):
        store.update_submission(submission_id, actor, "reject", status="rejected", reviewed_by=actor,
                                reviewed_at=store.now_iso(), job_state="queued",
                                job_message=say("job.withdrawing", reason=reason[:300] or say("job.no_reason")))  # fmt: skip
        start_job(submission_id, actor, withdraw=True)
        return
    if sub is None or not (sub.status == "submitted" or interrupted(sub)):  # a failed publish can be withdrawn
        raise WorkflowError(say("workflow.not_waiting", submission=submission_id))
    store.update_submission(submission_id, actor, "reject", status="rejected", reviewed_by=actor,
                            reviewed_at=store.now_iso(), job_message=reason[:500] or say("job.rejected"))  # fmt: skip


def auto_publish_enabled() -> bool:
    return setting("LMM_AUTO_PUBLISH").strip() in ("1", "true", "yes")


def start_job(submission_id: str, actor: str, withdraw: bool = False) -> int:
    """Start the publish job in its own session (a killed worker does not take it down); returns its pid."""
    logs = store.uploads_dir() / "jobs"
    logs.mkdir(exist_ok=True)
    with open(logs / f"{submission_id}.log", "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", MODULE, submission_id, "--actor", actor, *(["--withdraw"] if withdraw else [])],
            cwd=PROJECT_ROOT, env=dict(os.environ), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    store.update_submission(submission_id, job_pid=proc.pid, job_started_at=store.now_iso())
    threading.Thread(target=proc.wait, daemon=True).start()  # reap it when it ends (if this worker still lives)
    return proc.pid


def job_alive(sub: store.Submission) -> bool:
    """Whether the submission's publish job process is still running (same host: a pid and its command line)."""
    if sub.job_state not in ("queued", "running") or not sub.job_pid:
        return False
    try:
        cmdline = Path(f"/proc/{sub.job_pid}/cmdline").read_bytes()
    except OSError:
        return False
    return MODULE.encode() in cmdline and sub.id.encode() in cmdline


def interrupted(sub: store.Submission) -> bool:
    """A publish (or the withdrawal of a rejected submission's figures) whose job failed or stopped."""
    stopped = sub.job_state == "failed" or not job_alive(sub)
    if sub.status == "rejected":
        return sub.job_state in ("queued", "running", "failed") and stopped and served(sub)
    return sub.status == "approved" and stopped


def retry(submission_id: str, actor: str) -> None:
    sub = store.get_submission(submission_id)
    sub = reconcile(sub) if sub is not None else None
    if sub is None or not interrupted(sub):
        raise WorkflowError(say("workflow.no_retry", submission=submission_id))
    store.update_submission(submission_id, actor, "publish_retry", job_state="queued", job_message=say("job.retry"))
    start_job(submission_id, actor, withdraw=sub.status == "rejected")


# --- what is served ------------------------------------------------------------------------------------------

_SERVED: dict[str, frozenset[str]] = {}  # release id -> submissions whose figures it carries (a release never changes)
PROVENANCE = r"submission=([^;\]\s]+)"
CARRIERS = (("observations", "flags"), ("events", "note"), ("practices", "provenance"))


def served_in(release_id: str | None = None) -> tuple[str | None, frozenset[str]]:
    """(the release, the submissions whose figures it carries); the current release when none is named."""
    from warehouse.connection import cursor

    try:
        release, cur = cursor(release_id)
    except releases.ReleaseError:
        return None, frozenset()
    if release not in _SERVED:
        found: set[str] = set()
        for table, column in CARRIERS:  # our own names (constants), never text from a request
            sql = (f"SELECT DISTINCT regexp_extract({column}, ?, 1) FROM {table} "  # noqa: S608
                   f"WHERE source_id = 'steward'")  # fmt: skip
            try:
                found |= {r[0] for r in cur.execute(sql, [PROVENANCE]).fetchall() if r[0]}
            except Exception:  # noqa: S112 - a release from before practices has no such table
                continue
        _SERVED[release] = frozenset(found)
    return release, _SERVED[release]


def served(sub: store.Submission) -> bool:
    """Whether the current release carries the submission's figures."""
    return sub.id in served_in()[1]


def reconcile(sub: store.Submission) -> store.Submission:
    """The submission as served: an approved one whose publish job stopped is published if the current release
    carries its figures (the job was stopped after the switch, before it could say so)."""
    if sub.status != "approved" or (job_alive(sub) and sub.job_state != "failed") or not served(sub):
        return sub
    release = published_by(sub.id) or served_in()[0]
    store.update_submission(sub.id, "publish check", "publish", status="published", job_state="done",
                            release_id=release, job_message=say("job.published_late", release=release))  # fmt: skip
    return store.get_submission(sub.id) or sub


def published_by(submission_id: str) -> str | None:
    """The release the submission's own publish job built (its history line names it), if one was published."""
    undone = releases.withdrawn()
    named = [h.release_id for h in releases.read_history()
             if h.action == "publish" and h.summary.startswith(f"steward submission {submission_id} ")]  # fmt: skip
    return next((r for r in named if r not in undone), None)


def run_job(submission_id: str, actor: str, withdraw: bool = False) -> str:
    """Inside the job process: build and publish a release with every accepted submission (withdraw: the rejected
    submission's figures leave with this release)."""
    from loaders.seed import read_seed
    from warehouse.build import BuildInputs, build_release

    sub = store.get_submission(submission_id)
    if sub is None:
        raise WorkflowError(f"no submission {submission_id}")
    store.update_submission(submission_id, job_state="running", job_pid=os.getpid(),
                            job_message=say("job.lock"))  # fmt: skip

    def progress(message: str) -> None:
        store.update_submission(submission_id, job_message=message)

    try:
        reason = f"steward submission {sub.id} from {sub.institution or sub.user_name}: {sub.rows} rows"
        if withdraw:
            reason = f"withdrawal of steward submission {sub.id} (rejected by {actor})"
        inputs = BuildInputs(read_seed(seed_dir()), store.accepted_submission_frames(), actor=actor, reason=reason)
        release_id = build_release(inputs, progress=progress)
    except Exception as error:
        store.update_submission(submission_id, actor, "publish_failed", job_state="failed",
                                job_message=say("job.failed", error=error))  # fmt: skip
        raise
    if withdraw:
        store.update_submission(submission_id, actor, "withdraw", job_state="done",
                                job_message=say("job.withdrawn", release=release_id))  # fmt: skip
        return release_id
    store.update_submission(submission_id, actor, "publish", status="published", job_state="done",
                            release_id=release_id, job_message=say("job.published", release=release_id))  # fmt: skip
    return release_id


def rollback(release_id: str, actor: str) -> None:
    """Point `current` back to an earlier release; submissions published after it leave future builds too."""
    previous = releases.current_release_id()
    releases.rollback(release_id, actor=actor)
    store.audit(actor, "rollback", release_id, previous=previous)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description="publish one approved submission")
    parser.add_argument("submission_id")
    parser.add_argument("--actor", default="publish job")
    parser.add_argument("--withdraw", action="store_true", help="the submission was rejected: publish without it")
    args = parser.parse_args(argv)
    print(run_job(args.submission_id, args.actor, args.withdraw), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
