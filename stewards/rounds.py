"""Reporting rounds: an admin opens a round (indicators, countries, deadline), stewards see what is expected of
them and by when, and a file for a closed round is refused with the reason unless an admin reopens it: when it is
checked (refusal(), both the inline check and the validation job) and again at submit (the round may close between).

A round is closed once an admin closes it or its deadline (a date, inclusive) has passed. Rounds live in the control
database's `rounds` table (stewards/store.py SCHEMA); opening, closing and reopening are audit entries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd

from stewards import store
from stewards.i18n import say

COUNTED = ("submitted", "approved", "published")  # a series counts as submitted once a file with it was submitted


class RoundError(ValueError):
    """A round cannot be opened, closed or reopened as asked: the message says why."""


@dataclass(frozen=True)
class Round:
    id: int
    name: str
    indicators: tuple[str, ...]
    countries: tuple[str, ...]
    deadline: str  # YYYY-MM-DD, the last day files are accepted
    opened_at: str
    opened_by: str
    closed_at: str | None
    closed_by: str | None

    def is_open(self, today: date | None = None) -> bool:
        return self.closed_at is None and (today or _today()) <= date.fromisoformat(self.deadline)

    def days_left(self, today: date | None = None) -> int:
        return (date.fromisoformat(self.deadline) - (today or _today())).days

    def covers(self, indicator_id: str, country: str) -> bool:
        return indicator_id in self.indicators and country in self.countries


def _today() -> date:
    return datetime.now(UTC).date()


def _round(row) -> Round:
    return Round(row["id"], row["name"], tuple(json.loads(row["indicators"])), tuple(json.loads(row["countries"])),
                 row["deadline"], row["opened_at"], row["opened_by"], row["closed_at"], row["closed_by"])  # fmt: skip


def list_rounds() -> list[Round]:
    with store.connect() as db:
        return [_round(r) for r in db.execute("SELECT * FROM rounds ORDER BY id")]


def get_round(round_id: int) -> Round:
    found = [r for r in list_rounds() if r.id == round_id]
    if not found:
        raise RoundError(f"no round {round_id} (see `lmm rounds list`)")
    return found[0]


def _checked_deadline(deadline: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", deadline or ""):
        raise RoundError(f"the deadline is a date YYYY-MM-DD, not {deadline!r}")
    try:
        date.fromisoformat(deadline)
    except ValueError as error:
        raise RoundError(f"the deadline {deadline!r} is not a date") from error
    if date.fromisoformat(deadline) < _today():
        raise RoundError(f"the deadline {deadline} has already passed")
    return deadline


def open_round(name: str, indicators: list[str], countries: list[str], deadline: str, actor: str) -> Round:
    """Open a round for the given steward-uploadable indicators and ISO3 countries, until `deadline` inclusive."""
    from indicators.registry import load_registry

    known = {i.id for i in load_registry().indicators.values() if i.steward_uploadable}
    unknown = sorted(set(indicators) - known)
    if unknown or not indicators:
        raise RoundError(f"not indicators a steward can submit: {', '.join(unknown) or '(none given)'}")
    codes = sorted({c.strip().upper() for c in countries if c.strip()})
    if not codes or any(not re.fullmatch(r"[A-Z]{3}", c) for c in codes):
        raise RoundError(f"countries are ISO3 codes: {', '.join(codes) or '(none given)'}")
    deadline = _checked_deadline(deadline)
    with store.transaction() as db:
        cur = db.execute(
            "INSERT INTO rounds (name, indicators, countries, deadline, opened_at, opened_by) VALUES (?, ?, ?, ?, ?, ?)",
            (name, json.dumps(sorted(set(indicators))), json.dumps(codes), deadline, store.now_iso(), actor),
        )
        round_id = int(cur.lastrowid or 0)
        store.audit_in(db, actor, "round_open", str(round_id), name=name, deadline=deadline)
    return get_round(round_id)


def close_round(round_id: int, actor: str) -> Round:
    get_round(round_id)
    with store.transaction() as db:
        db.execute("UPDATE rounds SET closed_at = ?, closed_by = ? WHERE id = ?", (store.now_iso(), actor, round_id))
        store.audit_in(db, actor, "round_close", str(round_id))
    return get_round(round_id)


def reopen_round(round_id: int, actor: str, deadline: str | None = None) -> Round:
    """Reopen a closed round (with a new deadline when its own has passed)."""
    old = get_round(round_id)
    new_deadline = _checked_deadline(deadline) if deadline else old.deadline
    if date.fromisoformat(new_deadline) < _today():
        raise RoundError(f"round {round_id}'s deadline {old.deadline} has passed: give a new one (--deadline)")
    with store.transaction() as db:
        db.execute("UPDATE rounds SET closed_at = NULL, closed_by = NULL, deadline = ? WHERE id = ?",
                   (new_deadline, round_id))  # fmt: skip
        store.audit_in(db, actor, "round_reopen", str(round_id), deadline=new_deadline)
    return get_round(round_id)


def progress(rnd: Round, countries: tuple[str, ...] | None = None) -> tuple[list[str], list[str]]:
    """(expected series 'indicator|country', those among them submitted since the round opened) for the given
    countries (a steward's scope; None: every country of the round)."""
    scope = [c for c in rnd.countries if countries is None or c in countries]
    expected = [f"{i}|{c}" for i in rnd.indicators for c in scope]
    if not expected:
        return [], []
    sql = (
        "SELECT DISTINCT r.indicator_id, r.country FROM submission_rows r JOIN submissions s "
        "ON s.id = r.submission_id WHERE s.status IN (?, ?, ?) AND s.submitted_at >= ?"
    )  # COUNTED; fmt: skip
    with store.connect() as db:
        seen = {f"{i}|{c}" for i, c in db.execute(sql, (*COUNTED, rnd.opened_at))}
    return expected, [k for k in expected if k in seen]


def closed_for(rows: pd.DataFrame, today: date | None = None) -> list[tuple[Round, list[str]]]:
    """The closed rounds that hold some of these rows' series with no open round holding them too: each with the
    series ('indicator|country') it refuses. Series outside every round are free."""
    rounds = list_rounds()
    if all(r.is_open(today) for r in rounds):
        return []
    pairs = rows[["indicator_id", "country"]].drop_duplicates()  # a large file: its series, not its rows
    series = sorted({(str(i), str(c)) for i, c in zip(pairs["indicator_id"], pairs["country"], strict=True)})
    open_ = [r for r in rounds if r.is_open(today)]
    out = []
    for rnd in (r for r in rounds if not r.is_open(today)):
        refused = [f"{i}|{c}" for i, c in series if rnd.covers(i, c) and not any(o.covers(i, c) for o in open_)]
        if refused:
            out.append((rnd, refused))
    return out


def refusal(rows: pd.DataFrame, today: date | None = None) -> tuple[str, dict[str, object]] | None:
    """Why a checked file is refused because some of its series belong to a closed round (the message, and the
    details kept with its problem: round id, name, deadline, series); None when no closed round holds them."""
    closed = closed_for(rows, today)
    if not closed:
        return None
    rnd, series = closed[0]
    more = say("round.and_more") if len(series) > 5 else ""
    message = say("round.closed_upload", name=repr(rnd.name), deadline=rnd.deadline, series=", ".join(series[:5]),
                  more=more, round=rnd.id)  # fmt: skip
    return message, {"round": rnd.id, "round_name": rnd.name, "deadline": rnd.deadline, "series": series}
