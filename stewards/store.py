"""The control database (SQLite, WAL) in; users, tokens, submissions, their rows and the audit log out.

One file beside the releases (LMM_DATA_DIR/control.sqlite), shared by every gunicorn worker and the publish job:
WAL lets readers and one writer work at once, `busy_timeout` makes a second writer wait instead of failing.
The audit log is append-only (triggers refuse UPDATE and DELETE) and hash-chained: each entry's hash covers the
previous entry's hash, so `lmm audit verify` finds an edited, inserted or removed entry.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from lmm.config import data_dir
from stewards import integrity

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'steward')), countries TEXT NOT NULL DEFAULT '',
  institution TEXT NOT NULL DEFAULT '', password_hash TEXT NOT NULL, trusted INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0, session_epoch INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, revoked_at TEXT, last_used_at TEXT);
CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, ip TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);
CREATE TABLE IF NOT EXISTS submissions (
  id TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), filename TEXT NOT NULL,
  sha256 TEXT NOT NULL, size INTEGER NOT NULL, stored_path TEXT NOT NULL, created_at TEXT NOT NULL,
  status TEXT NOT NULL, rows INTEGER NOT NULL DEFAULT 0, problems TEXT NOT NULL DEFAULT '[]',
  diff TEXT, diff_release TEXT, modes TEXT NOT NULL DEFAULT '{}', submitted_at TEXT,
  reviewed_by TEXT, reviewed_at TEXT, job_state TEXT, job_message TEXT, job_pid INTEGER,
  job_started_at TEXT, release_id TEXT, problem_count INTEGER NOT NULL DEFAULT 0,
  problem_columns TEXT NOT NULL DEFAULT '{}', problems_file TEXT);
CREATE TABLE IF NOT EXISTS submission_rows (
  submission_id TEXT NOT NULL, row INTEGER NOT NULL, kind TEXT NOT NULL, indicator_id TEXT NOT NULL,
  country TEXT NOT NULL, partner_country TEXT NOT NULL, year INTEGER, sex TEXT NOT NULL, value REAL,
  value_label TEXT, unit TEXT, event_date TEXT, status TEXT, source TEXT NOT NULL, note TEXT);
CREATE INDEX IF NOT EXISTS submission_rows_id ON submission_rows (submission_id);
CREATE TABLE IF NOT EXISTS submission_practices (
  submission_id TEXT NOT NULL, row INTEGER NOT NULL, practice_id TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS submission_practices_id ON submission_practices (submission_id);
CREATE TABLE IF NOT EXISTS submission_notes (
  submission_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, text TEXT NOT NULL, actor TEXT NOT NULL,
  at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS submission_notes_id ON submission_notes (submission_id, kind);
CREATE INDEX IF NOT EXISTS submission_notes_key ON submission_notes (kind, key);
CREATE TABLE IF NOT EXISTS rounds (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, indicators TEXT NOT NULL, countries TEXT NOT NULL, deadline TEXT NOT NULL,
  opened_at TEXT NOT NULL, opened_by TEXT NOT NULL, closed_at TEXT, closed_by TEXT);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL,
  detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
ADDED_COLUMNS = {  # columns added after the first release of the schema: added in place to an older database
    "problem_count": "INTEGER NOT NULL DEFAULT 0", "problem_columns": "TEXT NOT NULL DEFAULT '{}'",
    "problems_file": "TEXT",
}  # fmt: skip
GENESIS = "0" * 64
ROW_COLUMNS = [
    "row", "kind", "indicator_id", "country", "partner_country", "year", "sex", "value", "value_label", "unit",
    "event_date", "status", "source", "note",
]  # fmt: skip
SUBMISSION_COLUMNS = {
    "id", "user_id", "filename", "sha256", "size", "stored_path", "created_at", "status", "rows", "problems", "diff",
    "diff_release", "modes", "submitted_at", "reviewed_by", "reviewed_at", "job_state", "job_message", "job_pid",
    "job_started_at", "release_id", *ADDED_COLUMNS,
}  # fmt: skip
_READY: set[Path] = set()


def control_path() -> Path:
    return data_dir() / "control.sqlite"


def uploads_dir() -> Path:
    path = data_dir() / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def connect() -> Iterator[sqlite3.Connection]:
    """A short-lived connection (opening one costs well under a millisecond); commits on success."""
    path = control_path()
    integrity.refuse_if_damaged(path, _READY)  # damaged, or lost while a backup exists: refused, never recreated
    db = sqlite3.connect(path, timeout=15, isolation_level=None)
    db.row_factory = sqlite3.Row
    try:
        db.execute("PRAGMA busy_timeout = 15000")
        if path not in _READY:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(SCHEMA)
            _add_columns(db)
            integrity.remove_stale_copies(path)  # full-size temporary copies left by killed processes
            integrity.ensure_backup(db, path)
            _READY.add(path)
        db.execute("PRAGMA foreign_keys = ON")
        yield db
    except sqlite3.DatabaseError as error:
        if integrity.is_corruption(error):
            raise integrity.mark_damaged(path, f"{path.name} is damaged ({error})") from error
        raise
    finally:
        db.close()


def _add_columns(db: sqlite3.Connection) -> None:
    have = {r["name"] for r in db.execute("PRAGMA table_info(submissions)")}
    for name, kind in ADDED_COLUMNS.items():
        if name not in have:
            db.execute(f"ALTER TABLE submissions ADD COLUMN {name} {kind}")  # names and kinds: our own constants


@contextmanager
def transaction() -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE: the write lock is taken up front, so read-then-write sequences never interleave."""
    with connect() as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            integrity.after_rollback()
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        integrity.after_commit(db, control_path())  # a verified backup after each change worth keeping


# --- audit log -----------------------------------------------------------------------------------------------


def _entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, detail: str) -> str:
    payload = json.dumps([prev_hash, seq, at, actor, action, subject, detail], separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def audit(actor: str, action: str, subject: str = "", **detail: object) -> int:
    """Append one entry chained to the previous one; returns its sequence number."""
    with transaction() as db:
        return audit_in(db, actor, action, subject, **detail)


def audit_in(db: sqlite3.Connection, actor: str, action: str, subject: str = "", **detail: object) -> int:
    """Append within an open transaction (so the entry commits together with the change it records)."""
    last = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last["seq"] + 1, last["hash"]) if last else (1, GENESIS)
    at, text = now_iso(), json.dumps(detail, sort_keys=True, default=str)
    integrity.note_action(action)
    digest = _entry_hash(prev, seq, at, actor, action, subject, text)
    db.execute(
        "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, subject, text, prev, digest),
    )
    return seq


def verify_audit() -> list[str]:
    """Every break in the chain, as readable lines; an empty list means the log is intact."""
    problems, prev, expected_seq = [], GENESIS, 1
    with connect() as db:
        for e in db.execute("SELECT * FROM audit ORDER BY seq"):
            if e["seq"] != expected_seq:
                problems.append(f"entry {expected_seq} is missing (next entry is {e['seq']})")
            if e["prev_hash"] != prev:
                problems.append(f"entry {e['seq']} ({e['at']}, {e['action']}) does not follow the entry before it")
            digest = _entry_hash(e["prev_hash"], e["seq"], e["at"], e["actor"], e["action"], e["subject"], e["detail"])
            if digest != e["hash"]:
                problems.append(f"entry {e['seq']} ({e['at']}, {e['action']}) was altered: its hash does not match")
            prev, expected_seq = e["hash"], e["seq"] + 1
    return problems


def audit_entries(limit: int = 50, subject: str | None = None) -> list[sqlite3.Row]:
    with connect() as db:
        if subject:
            sql = "SELECT * FROM audit WHERE subject = ? ORDER BY seq DESC LIMIT ?"
            return db.execute(sql, (subject, limit)).fetchall()
        return db.execute("SELECT * FROM audit ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()


# --- submissions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    id: str
    user_id: int
    user_name: str
    institution: str
    filename: str
    sha256: str
    size: int
    created_at: str
    status: str  # validating / invalid / validated / submitted / approved / published / rejected
    rows: int
    problems: list[dict]
    diff: dict | None
    diff_release: str | None
    modes: dict[str, str]
    submitted_at: str | None
    reviewed_by: str | None
    reviewed_at: str | None
    job_state: str | None  # queued / running / done / failed
    job_message: str | None
    job_pid: int | None
    release_id: str | None
    problem_count: int = 0  # every problem found; `problems` keeps the first ones of each column
    problem_columns: dict[str, int] = field(default_factory=dict)  # column -> problems in it
    problems_file: str | None = None  # every problem as zstd-compressed CSV, beside the upload


_SUBMISSION_SQL = (
    """SELECT s.*, u.name AS user_name, u.institution FROM submissions s JOIN users u ON u.id = s.user_id"""
)


def _submission(row: sqlite3.Row) -> Submission:
    keys = set(row.keys())
    values = {k: row[k] for k in keys if k in Submission.__dataclass_fields__}
    values["problems"] = json.loads(row["problems"]) if "problems" in keys else []
    values["diff"] = json.loads(row["diff"]) if "diff" in keys and row["diff"] else None
    values["modes"] = json.loads(row["modes"])
    values["problem_columns"] = json.loads(row["problem_columns"] or "{}")
    values["problem_count"] = max(row["problem_count"] or 0, len(values["problems"]))  # older rows: the list
    return Submission(**values)


def get_submission(submission_id: str) -> Submission | None:
    with connect() as db:
        row = db.execute(_SUBMISSION_SQL + " WHERE s.id = ?", (submission_id,)).fetchone()
    return _submission(row) if row else None


_LIGHT_SQL = _SUBMISSION_SQL.replace(
    "s.*", ", ".join(f"s.{c}" for c in sorted(SUBMISSION_COLUMNS - {"problems", "diff"}))
)


def list_submissions(user_id: int | None = None, limit: int = 100) -> list[Submission]:
    """Newest first; one user's, or everyone's (admins). Without problems and diff (a list never shows them; they
    are the large part of a row)."""
    where, params = ("", (limit,)) if user_id is None else (" WHERE s.user_id = ?", (user_id, limit))
    with connect() as db:
        rows = db.execute(_LIGHT_SQL + where + " ORDER BY s.id DESC LIMIT ?", params).fetchall()
    return [_submission(r) for r in rows]


def validating(user_id: int) -> list[Submission]:
    """The user's uploads still being checked (light rows)."""
    with connect() as db:
        rows = db.execute(_LIGHT_SQL + " WHERE s.user_id = ? AND s.status = 'validating'", (user_id,)).fetchall()
    return [_submission(r) for r in rows]


def insert_submission(values: dict[str, object], rows: pd.DataFrame | None, actor: str) -> None:
    """A new upload with its problems and (when it is valid) its converted rows, plus its audit entry."""
    with transaction() as db:
        names = ", ".join(_columns(values))
        marks = ", ".join("?" * len(values))
        db.execute(f"INSERT INTO submissions ({names}) VALUES ({marks})", tuple(values.values()))  # noqa: S608
        _insert_rows(db, str(values["id"]), rows)
        audit_in(db, actor, "upload", str(values["id"]), file=values["filename"], sha256=values["sha256"],
                 status=values["status"], rows=values["rows"])  # fmt: skip


def finish_check(submission_id: str, values: dict[str, object], rows: pd.DataFrame | None, actor: str) -> bool:
    """A check's outcome recorded in one transaction with its rows and audit entry; False (nothing written) when
    the submission is no longer being checked (its check was already given up)."""
    with transaction() as db:
        found = db.execute("SELECT status FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        if found is None or found["status"] != "validating":
            return False
        sets = ", ".join(f"{k} = ?" for k in _columns(values))
        db.execute(f"UPDATE submissions SET {sets} WHERE id = ?", (*values.values(), submission_id))  # noqa: S608
        _insert_rows(db, submission_id, rows)
        audit_in(db, actor, "checked", submission_id, status=values.get("status"), rows=values.get("rows"),
                 problems=values.get("problem_count"))  # fmt: skip
    return True


def _insert_rows(db: sqlite3.Connection, submission_id: str, rows: pd.DataFrame | None) -> None:
    if rows is not None and len(rows) and "record" in rows.columns:  # a practice file (steward/practices.py)
        db.executemany(
            "INSERT INTO submission_practices (submission_id, row, practice_id, record) VALUES (?, ?, ?, ?)",
            ((submission_id, int(r.row), r.practice_id, r.record) for r in rows.itertuples()),
        )
    elif rows is not None and len(rows):
        frame = rows[ROW_COLUMNS].astype(object).where(rows[ROW_COLUMNS].notna(), None)
        db.executemany(
            f"INSERT INTO submission_rows (submission_id, {', '.join(ROW_COLUMNS)}) "  # noqa: S608
            f"VALUES (?, {', '.join('?' * len(ROW_COLUMNS))})",
            ((submission_id, *r) for r in frame.itertuples(index=False, name=None)),
        )


def update_submission(submission_id: str, actor: str | None = None, action: str | None = None, **values: object):
    """Change some columns (and record why in the audit log, in the same transaction)."""
    sets = ", ".join(f"{k} = ?" for k in _columns(values))
    encoded = [json.dumps(v) if isinstance(v, dict | list) else v for v in values.values()]
    with transaction() as db:
        db.execute(f"UPDATE submissions SET {sets} WHERE id = ?", (*encoded, submission_id))  # noqa: S608
        if actor and action:
            detail = {k: v for k, v in values.items() if k in ("status", "job_state", "release_id", "job_message")}
            audit_in(db, actor, action, submission_id, **detail)


def _columns(values: dict[str, object]) -> list[str]:
    """Column names for SQL text: only the table's own (values always travel as parameters)."""
    unknown = set(values) - SUBMISSION_COLUMNS
    if unknown:
        raise ValueError(f"not submission columns: {sorted(unknown)}")
    return list(values)


def submission_rows(submission_id: str) -> pd.DataFrame:
    with connect() as db:
        sql = f"SELECT {', '.join(ROW_COLUMNS)} FROM submission_rows WHERE submission_id = ? ORDER BY row"  # noqa: S608
        cur = db.execute(sql, (submission_id,))
        return pd.DataFrame(cur.fetchall(), columns=ROW_COLUMNS)


def submission_practice_rows(submission_id: str) -> pd.DataFrame:
    """A practice submission's records (row, practice_id, record JSON); empty for a file of figures."""
    with connect() as db:
        sql = "SELECT row, practice_id, record FROM submission_practices WHERE submission_id = ? ORDER BY row"
        return pd.DataFrame(db.execute(sql, (submission_id,)).fetchall(), columns=["row", "practice_id", "record"])


def series_key(indicator_id: str, country: str, partner: str) -> str:
    return f"{indicator_id}|{country}|{partner}"


# --- what the release build merges ---------------------------------------------------------------------------


def rolled_back_releases() -> set[str]:
    """Releases a later rollback undid: published before the rollback and newer than the release it went back to."""
    from warehouse import releases

    return releases.withdrawn()


def accepted_submissions() -> list[Submission]:
    """Approved submissions in approval order, less those whose release was rolled back."""
    with connect() as db:
        rows = db.execute(
            _SUBMISSION_SQL + " WHERE s.status IN ('approved', 'published') ORDER BY s.reviewed_at, s.id"
        ).fetchall()
    undone = rolled_back_releases()
    return [s for s in map(_submission, rows) if s.release_id is None or s.release_id not in undone]


def accepted_submission_frames() -> list[pd.DataFrame]:
    """Each accepted submission as the frame warehouse.merge applies (kind, mode, observation and event columns)."""
    return [submission_frame(s) for s in accepted_submissions()]


def submission_frame(sub: Submission) -> pd.DataFrame:
    practices = submission_practice_rows(sub.id)
    if len(practices):  # merged by loaders.practices.merge_practices; warehouse.merge ignores kind 'practice'
        return practices.assign(kind="practice", mode="replace", submitted_by=_flag(sub.institution or sub.user_name),
                                submission=sub.id)  # fmt: skip
    rows = submission_rows(sub.id)
    keys = [series_key(i, c, p) for i, c, p in zip(rows.indicator_id, rows.country, rows.partner_country, strict=True)]
    cited = rows["source"].fillna("").str.replace(";", ",").str.replace("=", ":")
    provenance = f"submitted_by={_flag(sub.institution or sub.user_name)};submission={sub.id};cited_source="
    note = rows["note"].fillna("")
    flags = provenance + cited + note.map(lambda n: f";note={_flag(n)}" if n else "")
    events = rows["kind"] == "event"
    event_note = (note + " [" + provenance + cited + "]").str.strip()
    frame = pd.DataFrame(
        {
            "kind": rows["kind"],
            "mode": [sub.modes.get(k, "append") for k in keys],
            "indicator_id": rows["indicator_id"], "country": rows["country"], "year": rows["year"],
            "sex": rows["sex"], "partner_country": rows["partner_country"].fillna(""),
            "value": pd.to_numeric(rows["value"], errors="coerce").astype(float), "value_label": rows["value_label"],
            "unit": rows["unit"], "source_id": "steward", "flags": flags.where(~events, ""),
            "event_date": rows["event_date"], "status": rows["status"], "note": event_note.where(events, None),
        }
    )  # fmt: skip
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _flag(text: str) -> str:
    """A value safe inside 'key=value;key=value' flags."""
    return str(text).replace(";", ",").replace("=", ":").strip()
