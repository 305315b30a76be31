"""The `/steward` area: server-rendered pages (sign in, upload, problems, diff, review, releases) on the Flask server.

Plain HTML forms and a multipart POST (usable without JavaScript); every POST carries the session's CSRF token.
The API for scripts (bearer tokens) is in api.py beside this file.
"""

from __future__ import annotations

from functools import wraps
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, flash, g, redirect, request, url_for

from dashboard.i18n import current_lang, t
from dashboard.i18n import datetime as local_datetime
from dashboard.i18n.web import template_values
from dashboard.steward import api, auth, confirm_api, review_api
from dashboard.steward.views import (
    CSV_TYPE,
    drain,
    problems_csv,
    render_home,
    render_page,
    render_submission,
    upload_limit_bytes,
)
from lmm.config import setting
from stewards import accounts, checking, publish, store, workflow
from stewards import review as review_steps
from stewards.i18n import said
from stewards.integrity import ControlDatabaseError
from warehouse import releases

HERE = Path(__file__).resolve().parent
pages = Blueprint("steward", __name__, url_prefix="/steward", template_folder="templates",
                  static_folder="static", static_url_path="/static")  # fmt: skip


pages.context_processor(template_values)  # t(), the language, the switcher links for the templates


@pages.app_template_filter("when")
def when(iso: str | None) -> str:
    """'2026-11-28T13:18:49+00:00' -> '2026-11-28 13:18 UTC' (times are stored in UTC; written as the reader's
    language writes dates)."""
    if not iso or len(iso) < 16:
        return iso or ""
    return local_datetime(iso) if iso[10:11] == "T" else f"{iso[:10]} {iso[11:16]} UTC"


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        user, reason = auth.session_user()
        if user is None:
            flash(reason or t("steward.msg.sign_in"), "info")
            return redirect(url_for("steward.login", next=request.full_path.rstrip("?")))
        g.user = user
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not g.user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@pages.before_request
def guard_posts():
    """Oversize uploads get a visible message (before the body is parsed); every POST needs the CSRF token."""
    g.user = None
    if request.method != "POST":
        return None
    request.max_content_length = upload_limit_bytes() + 65536  # a body sent without a length stops there too
    if request.endpoint == "steward.upload" and (request.content_length or 0) > upload_limit_bytes() + 65536:
        return _oversize()
    if not auth.csrf_ok(request.form.get("csrf_token")):
        store.audit(auth.client_ip(), "csrf_refused", request.path)
        return render_page("steward_message.html", title=t("steward.msg.refused"), message=t("steward.msg.csrf")), 400
    return None


def _oversize():
    size = request.content_length or 0
    drain()
    limit_mb = float(setting("LMM_UPLOAD_LIMIT_MB"))
    message = t("steward.msg.too_large", size=f"{size / 1024 / 1024:,.1f}", limit=f"{limit_mb:g}")
    response = Response(
        render_page("steward_message.html", title=t("steward.msg.too_large_title"), message=message), 413
    )
    response.headers["Connection"] = "close"
    return response


@pages.get("/login")
def login():
    return render_page("steward_login.html", next=request.args.get("next", ""))


@pages.post("/login")
def login_post():
    name, target = request.form.get("name", ""), request.form.get("next", "")
    try:
        user = accounts.authenticate(name, request.form.get("password", ""), auth.client_ip())
    except accounts.AuthError as error:
        flash(str(error), "error")
        return render_page("steward_login.html", next=target, login_name=name), 401
    auth.sign_in(user)
    safe = target if target.startswith("/steward") and not target.startswith("//") else url_for("steward.home")
    return redirect(safe)


@pages.post("/logout")
def logout():
    user, _ = auth.session_user()
    if user:
        store.audit(user.name, "logout", user.name)
    auth.sign_out()
    flash(t("steward.msg.signed_out"), "info")
    return redirect(url_for("steward.login"))


@pages.get("/")
@login_required
def home():
    return render_home(g.user)


@pages.get("", endpoint="home_bare")
def home_bare():
    return redirect(url_for("steward.home"))


@pages.get("/template.<fmt>")
@login_required
def template(fmt: str):
    from dashboard.steward.views import country_list
    from stewards.template import csv_template, xlsx_template

    if fmt == "csv":
        body, mime = csv_template(), CSV_TYPE
    elif fmt == "xlsx":
        scope = None if g.user.is_admin else list(g.user.countries)
        body, mime = (
            xlsx_template(country_list(), scope, current_lang()),  # ?lang=, else the page's language
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        abort(404)
    headers = {"Content-Disposition": f'attachment; filename="lmm-steward-template.{fmt}"', "Vary": "Cookie"}
    return Response(body, content_type=mime, headers=headers)


@pages.get("/practices-template.<fmt>")
@login_required
def practice_template(fmt: str):
    """The practice template: one row per practice (a sheet 'practices'); uploaded through the same form."""
    from dashboard.steward.views import country_list
    from stewards.practice_template import practice_csv_template, practice_xlsx_template

    if fmt == "csv":
        body, mime = practice_csv_template(), CSV_TYPE
    elif fmt == "xlsx":
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        body, mime = practice_xlsx_template(country_list(), current_lang()), xlsx
    else:
        abort(404)
    headers = {"Content-Disposition": f'attachment; filename="lmm-practice-template.{fmt}"'}
    return Response(body, content_type=mime, headers=headers)


@pages.post("/upload")
@login_required
def upload():
    file = request.files.get("file")
    if file is None or not file.filename:
        flash(t("steward.msg.choose_file"), "error")
        return redirect(url_for("steward.home"))
    corrects = request.form.get("corrects") or None
    if review_api.corrects_refused(g.user, corrects):
        flash(t("signoff.msg.not_returned", id=corrects), "error")
        return redirect(url_for("steward.home"))
    try:
        sub = workflow.receive_upload(g.user, file.filename, file.read())
    except checking.TooManyChecks as busy:
        flash(said(busy, current_lang()), "error")
        return redirect(url_for("steward.home"))
    review_api.link(sub, corrects, g.user)
    return redirect(url_for("steward.submission", submission_id=sub.id))


def _own_submission(submission_id: str) -> store.Submission:
    sub = store.get_submission(submission_id)
    if sub is None or not workflow.may_see(g.user, sub):
        abort(404)
    return sub


@pages.get("/submissions/<submission_id>")
@login_required
def submission(submission_id: str):
    return render_submission(g.user, _own_submission(submission_id))


@pages.get("/submissions/<submission_id>/problems.csv")
@login_required
def problems(submission_id: str):
    return problems_csv(_own_submission(submission_id), current_lang())


@pages.post("/submissions/<submission_id>/submit")
@login_required
def submit(submission_id: str):
    sub = _own_submission(submission_id)
    if request.form.get("confirm") != "yes":
        flash(t("steward.msg.tick"), "error")
        return redirect(url_for("steward.submission", submission_id=sub.id))
    default = request.form.get("default_mode", "append")
    keys = [s["key"] for s in (sub.diff or {}).get("series", [])]
    modes = {k: request.form.get(f"mode:{k}") or default for k in keys}
    given = {k[8:]: v for k, v in request.form.items() if k.startswith("justify:")}
    if closed := review_api.closed_round_words(sub):
        flash(closed, "error")
        return redirect(url_for("steward.submission", submission_id=sub.id))
    if sub.status == "validated" and review_api.justify(sub, given, g.user):
        flash(t("signoff.msg.justify"), "error")
        return redirect(url_for("steward.submission", submission_id=sub.id) + "#warnings")
    return _act(sub.id, lambda: workflow.submit(sub, g.user, modes, request.form.get("release")),
                t("steward.msg.submitted"))  # fmt: skip


def _act(submission_id: str, action, done: str):
    try:
        action()
        flash(done, "success")
    except publish.WorkflowError as error:
        flash(said(error, current_lang()), "error")
    return redirect(url_for("steward.submission", submission_id=submission_id))


@pages.post("/submissions/<submission_id>/approve")
@admin_required
def approve(submission_id: str):
    return _act(submission_id, lambda: publish.approve(submission_id, g.user.name),
                t("steward.msg.approved"))  # fmt: skip


@pages.post("/submissions/<submission_id>/reject")
@admin_required
def reject(submission_id: str):
    reason = request.form.get("reason", "").strip()
    return _act(submission_id, lambda: publish.reject(submission_id, g.user.name, reason), t("steward.msg.rejected"))


@pages.post("/submissions/<submission_id>/return")
@admin_required
def send_back(submission_id: str):
    """Send a submitted file back to its steward with a reason (the steward uploads a corrected file)."""
    try:
        review_steps.send_back(submission_id, g.user.name, request.form.get("reason", ""))
        flash(t("signoff.msg.returned"), "success")
    except review_steps.ReviewError:
        flash(t("signoff.msg.return_refused"), "error")
    return redirect(url_for("steward.submission", submission_id=submission_id))


@pages.post("/submissions/<submission_id>/retry")
@admin_required
def retry(submission_id: str):
    return _act(submission_id, lambda: publish.retry(submission_id, g.user.name), t("steward.msg.retrying"))


@pages.post("/releases/rollback")
@admin_required
def rollback():
    target = request.form.get("release_id", "")
    try:
        publish.rollback(target, actor=g.user.name)
        flash(t("steward.msg.rolled_back", release=target), "success")
    except releases.ReleaseError as error:
        flash(str(error), "error")
    return redirect(url_for("steward.home") + "#releases")


@pages.errorhandler(403)
def forbidden(_error):
    return render_page("steward_message.html", g.get("user"), title=t("steward.msg.forbidden_title"),
                           message=t("steward.msg.forbidden")), 403  # fmt: skip


@pages.errorhandler(404)
def not_found(_error):
    return render_page("steward_message.html", g.get("user"), title=t("steward.msg.not_found_title"),
                           message=t("steward.msg.not_found")), 404  # fmt: skip


@pages.errorhandler(ControlDatabaseError)
def control_damaged(error: ControlDatabaseError):
    return render_page("steward_message.html", title=t("steward.msg.unavailable"), message=str(error)), 503


def register(server: Flask) -> None:
    auth.configure_sessions(server)
    server.register_blueprint(pages)
    server.register_blueprint(api.blueprint)
    server.register_blueprint(review_api.blueprint)
    server.register_blueprint(confirm_api.blueprint)
