"""The audit log: append-only (the database refuses edits) and hash-chained (`lmm audit verify` finds tampering)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from stewards import store


@pytest.fixture
def own_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A control database of its own, so tampering here leaves the session's log intact."""
    monkeypatch.setenv("LMM_DATA_DIR", str(tmp_path))
    for n in range(5):
        store.audit("tester", "upload", f"s{n}", rows=n)
    return tmp_path / "control.sqlite"


def _verify(data: Path) -> subprocess.CompletedProcess:
    env = {"LMM_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "lmm.cli", "audit", "verify"], capture_output=True, text=True, env=env)


def test_intact_log_verifies(own_log: Path) -> None:
    assert store.verify_audit() == []
    done = _verify(own_log.parent)
    assert done.returncode == 0 and "audit log: 5 entries, intact" in done.stdout


def test_the_database_refuses_edits_and_deletions(own_log: Path) -> None:
    with store.connect() as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE audit SET actor = 'someone else' WHERE seq = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("DELETE FROM audit WHERE seq = 2")


def _tamper(path: Path, sql: str) -> None:
    """What someone with write access to the file could do: drop the guard, then change history."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP TRIGGER audit_no_update")
    db.execute("DROP TRIGGER audit_no_delete")
    db.execute(sql)
    db.close()


def test_an_altered_entry_is_reported(own_log: Path) -> None:
    _tamper(own_log, "UPDATE audit SET detail = '{\"rows\": 999}' WHERE seq = 3")
    assert store.verify_audit() == ["entry 3 (" + _at(own_log, 3) + ", upload) was altered: its hash does not match"]
    done = _verify(own_log.parent)
    assert done.returncode == 1 and "TAMPERED: entry 3" in done.stdout


def test_a_removed_entry_is_reported(own_log: Path) -> None:
    _tamper(own_log, "DELETE FROM audit WHERE seq = 2")
    problems = store.verify_audit()
    assert problems[0] == "entry 2 is missing (next entry is 3)"
    assert "entry 3" in problems[1] and "does not follow" in problems[1]


def _at(path: Path, seq: int) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT at FROM audit WHERE seq = ?", (seq,)).fetchone()[0]
    finally:
        db.close()


def test_an_entry_edited_in_the_file_itself_is_reported(own_log: Path) -> None:
    """No SQL at all: the bytes of an entry changed in the database file (same length, so SQLite still reads it)."""
    with store.connect() as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = own_log.read_bytes()
    assert data.count(b'{"rows": 3}') == 1
    own_log.write_bytes(data.replace(b'{"rows": 3}', b'{"rows": 9}'))
    done = _verify(own_log.parent)
    assert done.returncode == 1 and "TAMPERED: entry 4" in done.stdout and "was altered" in done.stdout


def _backup(data: Path) -> None:
    env = {"LMM_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "lmm.cli", "control", "backup"], capture_output=True, text=True,
                          env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_a_removed_tail_is_reported_against_the_verified_backup(own_log: Path) -> None:
    """Deleting the newest entries leaves a valid chain; the last verified backup (`lmm control backup`, also made
    after each review and publish) still has them."""
    _backup(own_log.parent)
    _tamper(own_log, "DELETE FROM audit WHERE seq >= 4")
    assert store.verify_audit() == []  # the chain alone cannot tell
    done = _verify(own_log.parent)
    assert done.returncode == 1
    assert "TAMPERED: entries 4 to 5 are in the backup but no longer in the log (removed)" in done.stdout


def test_a_rewritten_chain_is_reported_against_the_verified_backup(own_log: Path) -> None:
    """An edit with every later hash recomputed (someone who read store.py) also verifies as a chain."""
    _backup(own_log.parent)
    _tamper(own_log, "UPDATE audit SET actor = 'someone else' WHERE seq = 2")
    db = sqlite3.connect(own_log, isolation_level=None)
    prev = db.execute("SELECT hash FROM audit WHERE seq = 1").fetchone()[0]
    for seq, at, actor, action, subject, detail in db.execute(
        "SELECT seq, at, actor, action, subject, detail FROM audit WHERE seq >= 2 ORDER BY seq"
    ).fetchall():
        digest = store._entry_hash(prev, seq, at, actor, action, subject, detail)
        db.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest
    db.close()
    assert store.verify_audit() == []
    done = _verify(own_log.parent)
    assert done.returncode == 1 and "entries 2 to 5 differ from the backup (the chain was rewritten)" in done.stdout
