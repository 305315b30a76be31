"""The steward area's web sessions and CSRF tokens (Flask), over the accounts of stewards/accounts.py."""

from __future__ import annotations

import hmac
import os
import secrets
import time

from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface

from lmm.config import data_dir, setting
from stewards.accounts import User, get_user_by_id

# --- sessions and CSRF ---------------------------------------------------------------------------------------


def session_seconds() -> float:
    return float(setting("LMM_SESSION_HOURS")) * 3600


def sign_in(user: User) -> None:
    session.clear()
    session.permanent = True
    session.update(uid=user.id, epoch=user.session_epoch, at=time.time(), csrf=secrets.token_urlsafe(32))


def sign_out() -> None:
    session.clear()


def session_user() -> tuple[User | None, str | None]:
    """(user, None) when signed in; (None, reason) when the session is missing or expired."""
    uid = session.get("uid")
    if uid is None:
        return None, None
    if time.time() - float(session.get("at", 0)) > session_seconds():
        session.clear()
        return None, "Your session has expired. Please sign in again."
    user = get_user_by_id(int(uid))
    if user is None or user.session_epoch != session.get("epoch"):
        session.clear()
        return None, "Your session is no longer valid. Please sign in again."
    return user, None


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_ok(sent: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and sent) and hmac.compare_digest(str(expected), str(sent))


def client_ip() -> str:
    return request.remote_addr or "unknown"


class _SessionInterface(SecureCookieSessionInterface):
    """Secure cookies when LMM_SECURE_COOKIES=1, or (auto) when the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:  # type: ignore[override]
        mode = setting("LMM_SECURE_COOKIES").strip().lower()
        if mode in ("1", "true", "yes"):
            return True
        if mode in ("0", "false", "no"):
            return False
        try:
            return request.is_secure
        except RuntimeError:
            return False


def secret_key() -> str:
    """LMM_SECRET_KEY, else a random key generated once into LMM_DATA_DIR (shared by every worker)."""
    configured = setting("LMM_SECRET_KEY")
    if configured:
        return configured
    path = data_dir() / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker may be writing it right now
            text = path.read_text().strip()
            if text:
                return text
            time.sleep(0.05)
        raise
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def configure_sessions(server: Flask) -> None:
    server.secret_key = secret_key()
    server.session_interface = _SessionInterface()
    server.config.update(
        SESSION_COOKIE_NAME="lmm_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=int(session_seconds()),
    )
