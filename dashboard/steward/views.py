"""What the steward pages show: the data each template gets, assembled from the control database and the release."""

from __future__ import annotations

from pathlib import Path

from flask import Response, render_template, request, stream_with_context

from dashboard.i18n import current_lang, has, t, unit_text
from dashboard.i18n.names import country_name
from dashboard.steward import auth
from lmm.config import setting
from stewards import publish, store, workflow
from stewards.accounts import User
from stewards.i18n import DEFAULT, language, worded
from stewards.job_messages import job_words
from stewards.problems import problem_header, read_csv_file, read_csv_in
from warehouse import releases
from warehouse.connection import cursor
from warehouse.safe_csv import neutralise_frame

SHOWN_PROBLEMS = 1000
CSV_TYPE = "text/csv; charset=utf-8"  # given whole as content_type (mimetype= would add the charset a second time)
STATUS_TEXT = {
    "validating": "Being checked: this page shows the outcome when it is ready",
    "invalid": "Has problems: nothing from this file can be published",
    "validated": "Valid: review the differences and submit",
    "submitted": "Submitted: waiting for an admin's review",
    "approved": "Approved: publishing",
    "published": "Published",
    "rejected": "Rejected",
}
SITE_CSS = Path(__file__).resolve().parents[1] / "assets" / "style.css"


def upload_limit_bytes() -> int:
    return int(float(setting("LMM_UPLOAD_LIMIT_MB")) * 1024 * 1024)


def drain() -> None:
    """Read an oversize body away (up to 8x the limit) so the client reads the answer instead of a reset: a client
    sends the whole body before it reads, and a server that closes with unread bytes makes TCP reset."""
    size = request.content_length or 0
    if size <= 8 * upload_limit_bytes():
        stream = request.environ["wsgi.input"]
        left = size
        while left > 0 and (piece := stream.read(min(left, 1 << 20))):
            left -= len(piece)


def country_list() -> list[tuple[str, str]]:
    _, cur = cursor()
    rows = cur.execute("SELECT iso3, name FROM countries WHERE NOT is_aggregate ORDER BY iso3").fetchall()
    return [(code, name) for code, name in rows if len(code) == 3]


def _common(user: User | None) -> dict[str, object]:
    return {
        "user": user, "csrf": auth.csrf_token(), "site_css": SITE_CSS.exists(), "status_text": STATUS_TEXT,
        "limit_mb": float(setting("LMM_UPLOAD_LIMIT_MB")), "limit_bytes": upload_limit_bytes(),
        "action_words": action_words, "mode_words": mode_words, "sex_words": sex_words,
    }  # fmt: skip


def action_words(code: str) -> str:
    """An audit or release-history action code ('upload', 'warnings_kept', 'rollback') in the reader's words; a code
    with no words yet stays as stored."""
    key = f"steward.action.{code}"
    return t(key) if has(key) else code


def mode_words(mode: str) -> str:
    """A publish mode as stored ('append', 'replace') in the reader's words."""
    return t(f"steward.confirm.{mode}").lower() if mode in ("append", "replace") else mode


def sex_words(code: object) -> str:
    """A row's sex as stored ('female', 'total') in the reader's words (Femmes, Total); empty stays empty."""
    key = f"sex.{code}"
    return t(key) if code and has(key) else str(code or "")


def _units_worded(problems: list[dict]) -> list[dict]:
    """Problems whose message names a unit ('months of earnings') with the unit in the reader's language."""
    return [p | {"params": {**p["params"], "unit": unit_text(p["params"]["unit"])}}
            if isinstance(p.get("params"), dict) and isinstance(p["params"].get("unit"), str) else p
            for p in problems]  # fmt: skip


def render_page(template: str, user: User | None = None, **values: object) -> str:
    return render_template(template, **(_common(user) | values))


def render_home(user: User) -> str:
    subs = store.list_submissions(None if user.is_admin else user.id)
    history = list(reversed(releases.read_history()))[:30] if user.is_admin else []
    names = dict(country_list())
    return render_template(
        "steward_home.html",
        **_common(user),
        submissions=subs,
        pending=[s for s in subs if s.status == "submitted"] if user.is_admin else [],
        scope=[(c, country_name(c, names.get(c, ""))) for c in user.countries],  # the reader's language
        history=history,
        release_ids=sorted(releases.list_release_ids(), reverse=True) if user.is_admin else [],
        current=releases.current_release_id(),
        audit=store.audit_entries(30) if user.is_admin else [],
        undone=store.rolled_back_releases() if user.is_admin else set(),
        rollback_effects=_rollback_effects(user),
        withdrawn_map=_withdrawn_map(subs),
        rounds=_rounds(user, names),
    )


def _rollback_effects(user: User) -> dict[str, dict[str, int]]:
    from dashboard.steward.review_views import rollback_effects

    return rollback_effects(sorted(releases.list_release_ids())) if user.is_admin else {}


def _withdrawn_map(subs: list[store.Submission]) -> dict[str, dict[str, str]]:
    from stewards.review import withdrawals

    return withdrawals(subs)


def _rounds(user: User, names: dict[str, str]) -> list[dict[str, object]]:
    from dashboard.steward.review_views import rounds_view

    return rounds_view(user, names)


def render_submission(user: User, sub: store.Submission) -> str:
    scope = None if user.is_admin else user.countries
    sub = workflow.settled(sub)
    diff = workflow.current_diff(sub, scope)
    # the reader's language (units too); problems stored before keys existed: their English
    problems = worded(_units_worded(sub.problems), current_lang())
    working = (sub.status in ("approved", "rejected") and publish.job_alive(sub)) or sub.status == "validating"
    served = publish.served(sub)
    rolled_back = sub.status == "published" and sub.release_id in store.rolled_back_releases()
    countries = sorted({s["country"] for s in (diff or {}).get("series", [])})
    return render_template(
        "steward_submission.html",
        **_common(user),
        sub=sub,
        diff=diff,
        problems=problems[:SHOWN_PROBLEMS],
        job_line=job_words(sub.job_message, current_lang()),  # the job's status line in the reader's language
        problem_count=sub.problem_count,
        file_level=[p for p in problems if p.get("row") is None],
        working=working,
        interrupted=publish.interrupted(sub),
        served=served,
        withdrawable=served and sub.status in ("approved", "published") and not working,
        rolled_back=rolled_back,
        countries=countries,
        current=releases.current_release_id(),
        trail=store.audit_entries(50, subject=sub.id),
        **_review_context(user, sub),
    )


def _review_context(user: User, sub: store.Submission) -> dict[str, object]:
    from dashboard.steward.review_views import submission_context

    return submission_context(user, sub)


def problems_csv(sub: store.Submission, lang: str = "en") -> Response:
    """Every problem as CSV (cells a spreadsheet would run as formulas neutralised), its header row and messages in
    `lang`: the file kept beside the upload, unpacked as it is sent (reworded batch by batch in another language);
    for a refused file or an older submission, the list the control database keeps."""
    headers = {"Content-Disposition": f'attachment; filename="{sub.id}-problems.csv"'}
    path = workflow.problems_path(sub)
    if path is None:
        frame = workflow.problems_frame(sub)
        frame["message"] = [p["message"] for p in worded(sub.problems, lang)] if len(frame) else frame["message"]
        frame.columns = problem_header(lang)
        body = "\ufeff" + neutralise_frame(frame.astype(object).where(frame.notna(), "")).to_csv(index=False)
        return Response(body, content_type=CSV_TYPE, headers=headers)
    pieces = read_csv_file(path) if language(lang) == DEFAULT else read_csv_in(path, language(lang))
    return Response(stream_with_context(pieces), content_type=CSV_TYPE, headers=headers)
