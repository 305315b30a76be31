"""Large uploads are checked by a validation job outside the web worker, within its time and memory budget; problem
lists are kept small (the first of each column) with every problem in a CSV file beside the upload; a job that died
never leaves its submission 'validating'; temporary files of killed processes are removed."""

from __future__ import annotations

import io
import os
import signal
import time
from csv import reader

import pytest
from flask.testing import FlaskClient

from bench import soak_hostile as hostile
from stewards import store
from tests.steward.conftest import HEADER, sign_in

SHOWN_PER_COLUMN = 100  # stewards.problems.SHOWN_PER_COLUMN: what the control database keeps of each column


def post(client: FlaskClient, token: str, body: bytes, name: str = "f.csv"):
    return client.post("/api/v1/submissions", data={"file": (io.BytesIO(body), name)},
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip


def get(client: FlaskClient, token: str, path: str):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def checked(client: FlaskClient, token: str, submission_id: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = get(client, token, f"/api/v1/submissions/{submission_id}").json
        if answer["status"] != "validating":
            return answer
        time.sleep(0.2)
    raise TimeoutError(f"{submission_id} still validating after {timeout} s")


def test_many_problems_are_kept_capped_and_every_one_in_the_csv(steward_server, accounts) -> None:
    """Before: every problem was stored in the control database and sent whole by the API and the pages."""
    client = steward_server.test_client()
    body = (HEADER + "nope,XXX,,20x4,alien,seven,zz,2024-13-45,,\n" * 5000).encode()
    answer = post(client, accounts.mex_token, body)
    assert answer.status_code == 422
    made = answer.json
    assert made["problem_count"] == 5000 * 7  # indicator, country, year, sex, value, date, source (category: not
    # judged for an unknown indicator)
    assert set(made["problems_by_column"].values()) == {5000} and len(made["problems_by_column"]) == 7
    assert len(made["problems"]) == 7 * SHOWN_PER_COLUMN
    assert len(answer.data) < 300_000
    csv = get(client, accounts.mex_token, made["problems_csv"])
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"  # once (it was sent twice)
    lines = list(reader(csv.data.decode("utf-8-sig").splitlines()))
    assert lines[0] == ["row", "column", "cell", "value", "message"] and len(lines) == 1 + 5000 * 7
    assert lines[1][:4] == ["2", "indicator_id", "A2", "nope"] and lines[1][4].startswith("unknown indicator 'nope'")
    page = sign_in(steward_server, "mex").get(f"/steward/submissions/{made['id']}/problems.csv")  # the same file
    assert page.data == csv.data and page.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_a_large_file_is_checked_by_a_job_that_stores_a_small_answer(steward_server, accounts, monkeypatch) -> None:
    """Before: a 15 MB upload stored 150 MB of problems and the API answered with 115 MB of JSON."""
    monkeypatch.setenv("LMM_VALIDATION_SECONDS", "60")  # this test is about what is kept: a loaded host is no matter
    client = steward_server.test_client()
    answer = post(client, accounts.mex_token, hostile.all_bad_csv(), "bad.csv")
    assert answer.status_code == 202, answer.json
    assert answer.json["status"] == "validating" and answer.headers["Location"].endswith(answer.json["id"])
    done = checked(client, accounts.mex_token, answer.json["id"])
    assert done["status"] == "invalid" and done["problem_count"] == 250_000 * 9
    assert len(done["problems"]) <= 10 * SHOWN_PER_COLUMN
    assert len(get(client, accounts.mex_token, f"/api/v1/submissions/{done['id']}").data) < 400_000
    with store.connect() as db:
        stored = db.execute("SELECT length(problems) FROM submissions WHERE id = ?", (done["id"],)).fetchone()[0]
    assert stored < 400_000
    kept = store.uploads_dir() / f"{done['id']}.problems.csv.zst"
    from stewards.problems import read_csv_file

    text = b"".join(read_csv_file(kept)).decode("utf-8-sig")
    assert text.count("\n") == 1 + 250_000 * 9
    assert "'=cmd" in text[:2000] and ",=cmd" not in text and '"=cmd' not in text  # formulas neutralised


def test_a_check_past_its_time_is_refused_naming_the_limit(steward_server, accounts, monkeypatch) -> None:
    monkeypatch.setenv("LMM_VALIDATION_SECONDS", "0.5")
    client = steward_server.test_client()
    started = time.monotonic()
    made = post(client, accounts.mex_token, hostile.tall_csv(), "tall.csv").json
    done = checked(client, accounts.mex_token, made["id"])
    assert time.monotonic() - started < 10
    assert done["status"] == "invalid" and store.submission_rows(made["id"]).empty
    assert done["problems"][0]["message"].startswith("'tall.csv' could not be checked within 0.5 seconds")
    assert "LMM_VALIDATION_SECONDS" in done["problems"][0]["message"]


def test_a_check_past_its_memory_is_refused_naming_the_limit(steward_server, accounts, monkeypatch) -> None:
    monkeypatch.setenv("LMM_VALIDATION_MB", "40")
    client = steward_server.test_client()
    made = post(client, accounts.mex_token, hostile.most_cells_csv(), "cells.csv").json
    done = checked(client, accounts.mex_token, made["id"])
    assert done["status"] == "invalid"
    assert done["problems"][0]["message"].startswith("'cells.csv' needed more than 40 MB of memory to check")


def test_a_check_whose_job_died_is_never_left_validating(steward_server, accounts) -> None:
    client = steward_server.test_client()
    made = post(client, accounts.mex_token, hostile.tall_csv(), "tall.csv").json
    deadline = time.monotonic() + 30
    while (sub := store.get_submission(made["id"])) is not None and not sub.job_pid and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sub is not None and sub.job_pid
    os.killpg(sub.job_pid, signal.SIGKILL)  # the job and its check, as a host restart would
    time.sleep(0.3)
    done = checked(client, accounts.mex_token, made["id"], timeout=5)
    assert done["status"] == "invalid" and "stopped before it finished" in done["problems"][0]["message"]
    assert store.submission_rows(made["id"]).empty


def test_an_account_may_have_only_so_many_files_waiting(steward_server, accounts, monkeypatch) -> None:
    monkeypatch.setenv("LMM_VALIDATION_JOBS", "1")
    client = steward_server.test_client()
    count = len(store.list_submissions())
    first = post(client, accounts.mex_token, hostile.tall_csv(), "tall.csv")
    second = post(client, accounts.mex_token, hostile.tall_csv(), "tall2.csv")
    assert first.status_code == 202 and second.status_code == 429, second.json
    assert "1 of your files are still being checked" in second.json["error"]
    assert len(store.list_submissions()) == count + 1  # nothing of the second was stored
    checked(client, accounts.mex_token, first.json["id"])


def test_a_small_workbook_that_unpacks_to_much_is_checked_by_the_job(steward_server, accounts) -> None:
    from bench.soak_hostile import _deflated_sheet, _spaces_sheet

    data = _deflated_sheet(_spaces_sheet(128 << 20))  # ~130 kB: under the size checked in the worker
    client = steward_server.test_client()
    started = time.monotonic()
    answer = post(client, accounts.mex_token, data, "small.xlsx")
    assert answer.status_code == 202 and time.monotonic() - started < 1
    done = checked(client, accounts.mex_token, answer.json["id"])
    assert "its parts unpack to more than 64 MB" in done["problems"][0]["message"]


def test_temporary_files_of_killed_processes_are_removed_at_the_next_start(data_dir, accounts) -> None:
    """Before: nine killed publish jobs left 2.6 GB of temporary copies of the control database."""
    dead = 2**22 + 12345  # above the default pid_max: no process has it
    left = [data_dir / f".control.sqlite.bak.{dead}.140000000000.tmp", data_dir / f".control.sqlite.restore.{dead}.tmp",
            store.uploads_dir() / f"s1.problems.csv.zst.{dead}.tmp"]  # fmt: skip
    live = data_dir / f".control.sqlite.bak.{os.getpid()}.140000000000.tmp"
    for path in [*left, live]:
        path.write_bytes(b"x" * 1000)
    store._READY.discard(store.control_path())  # a new process: its first use of the database
    with store.connect():
        pass
    assert not any(p.exists() for p in left)
    assert live.exists()  # a live writer's file is its own
    live.unlink()


@pytest.mark.parametrize("path", ["/steward/template.csv", "/steward/practices-template.csv"])
def test_csv_downloads_name_their_charset_once(steward_server, accounts, path: str) -> None:
    answer = sign_in(steward_server, "mex").get(path)
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
