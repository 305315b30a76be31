"""A stored upload in; its check (rows, problems, diff) recorded in the control database out, within the budget.

A file up to LMM_UPLOAD_INLINE_KB (a workbook: whose parts also unpack to at most 8x that) is checked in the web
worker: its size bounds its cost (well under a second). A larger one is recorded as 'validating' and checked by a
job outside the web workers (`python -m stewards.checking ID`, in its own session like the publish job): a small
supervisor forks the check, which lowers its priority and caps its address space; the supervisor watches the
check's memory (anonymous resident pages beyond its start-up) and its wall time, kills it at LMM_VALIDATION_MB or
LMM_VALIDATION_SECONDS and records the refusal, naming the limit. At most LMM_VALIDATION_JOBS checks run at once
(a slot is a lock file; a later one waits its turn), and an account may have that many files waiting.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmm.config import PROJECT_ROOT, data_dir, setting
from stewards.budget import MB, Budget, CheckOutside, UploadError, too_big, too_slow
from stewards.i18n import say

if TYPE_CHECKING:
    import pandas as pd

    from stewards.accounts import User
    from stewards.problems import Report
    from stewards.store import Submission

MODULE = "stewards.checking"
INLINE_UNPACKED = 8  # a workbook checked in the web worker unpacks to at most this many times the inline size
POLL = 0.02  # seconds between two looks at the check's memory and time


class TooManyChecks(ValueError):
    """The account already has as many files waiting to be checked as it may."""


def inline_limit() -> int:
    return int(float(setting("LMM_UPLOAD_INLINE_KB")) * 1024)


def job_slots() -> int:
    return max(1, int(setting("LMM_VALIDATION_JOBS")))


# --- the check ------------------------------------------------------------------------------------------------


@dataclass
class Checked:
    """What checking one file found: its rows (when valid), its problems or its refusal, and its diff."""

    rows: pd.DataFrame | None
    report: Report | None = None
    refusal: str | None = None
    diff: dict | None = None
    detail: dict[str, Any] | None = None  # kept with the refusal's problem (a closed round: its id, name, series)

    def values(self, submission_id: str) -> dict[str, Any]:
        """The submission's columns that record the check (the first problems of each column; all in a file)."""
        import json

        from stewards import problems, store

        if self.refusal is not None:
            shown = [p | (self.detail or {}) for p in problems.file_level(self.refusal)]
            count, columns, kept = 1, {"": 1}, None
        elif self.report is not None and not self.report.ok:
            shown, count, columns = self.report.records(self.report.shown()), len(self.report), self.report.by_column()
            kept = self.report.write_csv(store.uploads_dir() / f"{submission_id}.problems.csv.zst").name
        else:
            shown, count, columns, kept = [], 0, {}, None
        valid = count == 0
        return {
            "status": "validated" if valid else "invalid", "rows": len(self.rows) if valid and self.rows is not None else 0,
            "problems": json.dumps(shown, default=str), "problem_count": count, "problem_columns": json.dumps(columns),
            "problems_file": kept, "diff": json.dumps(self.diff) if self.diff else None,
            "diff_release": self.diff["release"] if self.diff else None,
        }  # fmt: skip


def check(user: User, filename: str, data: bytes, budget: Budget) -> Checked:
    """Read, validate and (when valid) diff one file; a refusal of the whole file is a Checked too."""
    from stewards import practices, rounds
    from stewards.diff import compute_diff
    from stewards.upload import read_upload
    from stewards.validate import make_context, validate

    try:
        table = read_upload(data, filename, budget)
        ctx = make_context(None if user.is_admin else user.countries)
        if table.layout == "practices":  # the practice template: same path, its own checks and diff
            rows, report = practices.check(table, ctx, user.institution or user.name, budget)
            return Checked(rows, report, diff=practices.practice_diff(rows) if report.ok else None)
        outcome = validate(table, ctx, budget)
        if not outcome.ok:
            return Checked(None, outcome.report)
        if (closed := rounds.refusal(outcome.rows)) is not None:  # refused now, not only at submit
            return Checked(None, refusal=closed[0], detail=closed[1])
        budget.check_time(filename, "comparing with the current release")
        diff = compute_diff(outcome.rows, None if user.is_admin else user.countries)
        budget.check_time(filename, "comparing with the current release")
        return Checked(outcome.rows, outcome.report, diff=diff)
    except CheckOutside:
        raise
    except UploadError as error:
        return Checked(None, refusal=error.args[0] if error.args and isinstance(error.args[0], str) else str(error))
    except MemoryError:
        return Checked(None, refusal=too_big(filename, budget.memory / MB))


def inline_budget() -> Budget:
    return replace(Budget.from_settings(), inline_unpacked=inline_limit() * INLINE_UNPACKED)


def record(submission_id: str, checked: Checked, actor: str) -> bool:
    from stewards import store

    rows = checked.rows if checked.refusal is None and checked.report is not None and checked.report.ok else None
    return store.finish_check(submission_id, checked.values(submission_id), rows, actor)


# --- the job ----------------------------------------------------------------------------------------------------


def start(submission_id: str) -> int:
    """Start the check of a stored upload in its own session (a killed worker does not take it down)."""
    from stewards import store

    logs = store.uploads_dir() / "jobs"
    logs.mkdir(exist_ok=True)
    env = dict(os.environ, MALLOC_ARENA_MAX="2")  # fewer malloc arenas: less address space reserved per thread
    with open(logs / f"{submission_id}.check.log", "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", MODULE, submission_id], cwd=PROJECT_ROOT, env=env,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
    store.update_submission(submission_id, job_pid=proc.pid, job_started_at=store.now_iso())
    threading.Thread(target=proc.wait, daemon=True).start()  # reap it when it ends (if this worker still lives)
    return proc.pid


def job_alive(sub: Submission) -> bool:
    """Whether the check of a 'validating' submission is still running (same host: its pid and command line)."""
    if not sub.job_pid:  # recorded a moment ago, its job being started (or the worker died before it could)
        return (datetime.now(UTC) - datetime.fromisoformat(sub.created_at)).total_seconds() < 60
    try:
        cmdline = Path(f"/proc/{sub.job_pid}/cmdline").read_bytes()
    except OSError:
        return False
    return MODULE.encode() in cmdline and sub.id.encode() in cmdline


def settle(sub: Submission) -> Submission:
    """A 'validating' submission whose check died is recorded as refused (it never stays 'validating')."""
    from stewards import problems, store

    if sub.status != "validating" or job_alive(sub):
        return sub
    import json

    gone = say("job.gone")
    values = {"status": "invalid", "problems": json.dumps(problems.file_level(gone)), "problem_count": 1,
              "problem_columns": json.dumps({"": 1}), "job_state": None, "job_message": gone}  # fmt: skip
    store.finish_check(sub.id, values, None, "validation job")
    return store.get_submission(sub.id) or sub


def waiting(user_id: int) -> int:
    """How many of the account's files are still being checked (checks that died are settled first)."""
    from stewards import store

    return sum(1 for s in store.validating(user_id) if settle(s).status == "validating")


def _slot() -> Any:
    """Hold one of the LMM_VALIDATION_JOBS slots (a lock file, released if this process dies); waits for one."""
    folder = data_dir() / "uploads" / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        for i in range(job_slots()):
            handle = open(folder / f"check-slot-{i}.lock", "a")  # noqa: SIM115 - held until the process exits
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return handle
            except OSError:
                handle.close()
        time.sleep(0.1)


def supervise(submission_id: str, budget: Budget) -> int:
    """Fork the check, watch its time and memory, kill it at either limit and record why; its exit status."""
    reader, writer = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the check
        os.close(reader)
        code = 1
        try:
            code = _child(submission_id, budget, writer)
        finally:
            os._exit(code)
    os.close(writer)
    baseline, peak, why, ready = None, 0, None, started
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if baseline is None and (baseline := _baseline(reader)) is not None:
            ready = time.monotonic()  # the check's clock starts once it has started up (~1.5 s of imports)
        used = _anonymous(pid) - (baseline or 0)
        peak = max(peak, used if baseline is not None else 0)
        if baseline is not None and used > budget.memory:
            why = "memory"
        elif time.monotonic() - (ready if baseline is not None else started) > budget.seconds:
            why = "time"
        if why:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            break
        time.sleep(POLL)
    seconds = time.monotonic() - started
    print(f"check {submission_id}: {seconds:.2f} s with {ready - started:.2f} s of start-up, peak {peak / MB:.0f} MB "
          f"beyond start-up, "
          f"{'killed: ' + why if why else 'exit status ' + str(os.waitstatus_to_exitcode(status))}",
          flush=True)  # fmt: skip
    code = os.waitstatus_to_exitcode(status) if done else 0
    if why or code != 0:
        _refuse(submission_id, why or ("memory" if code < 0 else None), budget)  # a signal: an allocation aborted
    from stewards import store

    store.update_submission(submission_id, job_state=None, job_pid=None,
                            job_message=say("job.checked", seconds=f"{seconds:.1f}", startup=f"{ready - started:.1f}",
                                            megabytes=f"{peak / MB:.0f}"))  # fmt: skip
    return 0


def _baseline(reader: int) -> int | None:
    """The check's anonymous memory after start-up, once it has written it to the pipe."""
    import select

    if select.select([reader], [], [], 0)[0]:
        text = os.read(reader, 64).decode().strip()
        return int(text) if text.isdigit() else 0
    return None


def _anonymous(pid: int) -> int:
    """Anonymous resident memory of a process in bytes (its heap, not the libraries it shares)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(submission_id: str, budget: Budget, writer: int) -> int:
    """In the forked check: start up, cap the address space, report the baseline, check, record."""
    from stewards import accounts, store

    sub = store.get_submission(submission_id)
    if sub is None or sub.status != "validating":
        return 0
    user = accounts.get_user_by_id(sub.user_id)
    data = (store.uploads_dir() / _stored_path(submission_id)).read_bytes()
    import pandas  # noqa: F401 - everything the check needs is loaded before the baseline is taken

    import stewards.diff  # noqa: F401
    import stewards.practices  # noqa: F401
    import stewards.validate  # noqa: F401

    _cap_address_space(budget)
    os.nice(10)  # the public pages come first on a busy host
    budget = replace(budget, started=time.monotonic())  # the check's own clock, as the supervisor's
    os.write(writer, f"{_anonymous(os.getpid())}\n".encode())
    os.close(writer)
    store.update_submission(submission_id, job_state="running", job_message=say("job.being_checked"))
    checked = check(user, sub.filename, data, budget) if user else Checked(None, refusal=say("job.account_gone"))
    record(submission_id, checked, "validation job")
    return 0


def _cap_address_space(budget: Budget) -> None:
    """A single enormous allocation fails at once instead of growing until it is killed."""
    size = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    limit = size + 3 * budget.memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _stored_path(submission_id: str) -> str:
    from stewards import store

    with store.connect() as db:
        return db.execute("SELECT stored_path FROM submissions WHERE id = ?", (submission_id,)).fetchone()[0]


def _refuse(submission_id: str, why: str | None, budget: Budget) -> None:
    import json

    from stewards import problems, store

    sub = store.get_submission(submission_id)
    name = sub.filename if sub else "the file"
    message = too_big(name, budget.memory / MB) if why == "memory" else too_slow(name, budget.seconds) if why else (
        say("budget.crashed", filename=repr(name), submission=submission_id))  # fmt: skip
    values = {"status": "invalid", "problems": json.dumps(problems.file_level(message)), "problem_count": 1,
              "problem_columns": json.dumps({"": 1}), "job_state": None, "job_message": message}  # fmt: skip
    store.finish_check(submission_id, values, None, "validation job")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description="check one stored upload")
    parser.add_argument("submission_id")
    args = parser.parse_args(argv)
    slot = _slot()
    try:
        return supervise(args.submission_id, Budget.from_settings())
    finally:
        slot.close()


if __name__ == "__main__":
    sys.exit(main())
