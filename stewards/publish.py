"""Approval in; a new published release out, built by a background job that outlives the web worker.

The approval is recorded (and audited) before the job starts, so a worker killed mid-request loses nothing: the
job runs in its own process session (`python -m stewards.publish ID`), writes its progress to the
control database, and builds through warehouse.build.build_release (publish lock, atomic switch). A job that
died is shown as interrupted and an admin can retry it; a retry rebuilds from the recorded approvals.
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
from warehouse import releases

MODULE = "stewards.publish"


class WorkflowError(ValueError):
    """A review action is not possible in the submission's current state; the message says why."""


def approve(submission_id: str, actor: str) -> None:
    sub = store.get_submission(submission_id)
    if sub is None or sub.status not in ("submitted", "published", "rejected"):
        raise WorkflowError(f"submission {submission_id} is not waiting for review (status: "
                            f"{sub.status if sub else 'unknown'})")  # fmt: skip
    if sub.status == "published" and sub.release_id not in store.rolled_back_releases():
        raise WorkflowError(f"submission {submission_id} is already published in {sub.release_id}")
    store.update_submission(submission_id, actor, "approve", status="approved", reviewed_by=actor,
                            reviewed_at=store.now_iso(), job_state="queued", job_message="approved; publish queued",
                            release_id=None)  # fmt: skip
    start_job(submission_id, actor)


def reject(submission_id: str, actor: str, reason: str) -> None:
    sub = store.get_submission(submission_id)
    if sub is None or not (sub.status == "submitted" or interrupted(sub)):  # a failed publish can be withdrawn
        raise WorkflowError(f"submission {submission_id} is not waiting for review")
    store.update_submission(submission_id, actor, "reject", status="rejected", reviewed_by=actor,
                            reviewed_at=store.now_iso(), job_message=reason[:500] or "rejected")  # fmt: skip


def auto_publish_enabled() -> bool:
    return setting("LMM_AUTO_PUBLISH").strip() in ("1", "true", "yes")


def start_job(submission_id: str, actor: str) -> int:
    """Start the publish job in its own session (a killed worker does not take it down); returns its pid."""
    logs = store.uploads_dir() / "jobs"
    logs.mkdir(exist_ok=True)
    with open(logs / f"{submission_id}.log", "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", MODULE, submission_id, "--actor", actor],
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
    return sub.status == "approved" and (sub.job_state == "failed" or not job_alive(sub))


def retry(submission_id: str, actor: str) -> None:
    sub = store.get_submission(submission_id)
    if sub is None or not interrupted(sub):
        raise WorkflowError(f"submission {submission_id} has no failed or interrupted publish to retry")
    store.update_submission(submission_id, actor, "publish_retry", job_state="queued", job_message="retry queued")
    start_job(submission_id, actor)


def run_job(submission_id: str, actor: str) -> str:
    """Inside the job process: build and publish a release with every accepted submission."""
    from loaders.seed import read_seed
    from warehouse.build import BuildInputs, build_release

    sub = store.get_submission(submission_id)
    if sub is None:
        raise WorkflowError(f"no submission {submission_id}")
    store.update_submission(submission_id, job_state="running", job_pid=os.getpid(),
                            job_message="waiting for the publish lock")  # fmt: skip

    def progress(message: str) -> None:
        store.update_submission(submission_id, job_message=message)

    try:
        reason = f"steward submission {sub.id} from {sub.institution or sub.user_name}: {sub.rows} rows"
        inputs = BuildInputs(read_seed(seed_dir()), store.accepted_submission_frames(), actor=actor, reason=reason)
        release_id = build_release(inputs, progress=progress)
    except Exception as error:
        store.update_submission(submission_id, actor, "publish_failed", job_state="failed",
                                job_message=f"publish failed: {error}")  # fmt: skip
        raise
    store.update_submission(submission_id, actor, "publish", status="published", job_state="done",
                            release_id=release_id, job_message=f"published as release {release_id}")  # fmt: skip
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
    args = parser.parse_args(argv)
    print(run_job(args.submission_id, args.actor), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
