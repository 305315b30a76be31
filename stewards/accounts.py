"""Accounts, passwords, API tokens and the sign-in rate limit of the data-steward domain (no web code: the Flask
sessions and CSRF tokens are dashboard/steward/auth.py's).

Passwords: werkzeug.security's scrypt (n=2**15, r=8, p=1, random salt), compared in constant time. API tokens are shown once
and stored as their SHA-256 only. Failed sign-ins are counted per account + address in the control database, so
the limit holds across gunicorn workers. Sessions are Flask's signed cookie (HttpOnly, SameSite=Lax, Secure over
HTTPS or when LMM_SECURE_COOKIES=1) carrying the user id, an epoch (bumped to sign a user out everywhere), the
sign-in time (checked against LMM_SESSION_HOURS) and the CSRF token every state-changing form must echo.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from lmm.config import setting
from stewards import store

SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # werkzeug's default cost
MIN_PASSWORD = 10
WINDOW_SECONDS = 15 * 60
ROLES = ("admin", "steward")
TOKEN_PREFIX = "lmm_"


class AuthError(ValueError):
    """A sign-in, token or account request is refused; the message says why in words a user can act on."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    countries: tuple[str, ...]
    institution: str
    trusted: bool
    session_epoch: int

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_submit_for(self, country: str) -> bool:
        return self.is_admin or country in self.countries

    @property
    def label(self) -> str:
        return f"{self.name} ({self.institution})" if self.institution else self.name


# --- passwords -----------------------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """werkzeug's scrypt hash ("scrypt:32768:8:1$salt$hash"): a maintained implementation, not our own."""
    return generate_password_hash(password, method=f"scrypt:{SCRYPT['n']}:{SCRYPT['r']}:{SCRYPT['p']}")


def verify_password(password: str, stored: str) -> bool:
    """werkzeug hashes; hashes written by earlier versions ("scrypt$n$r$p$salt$digest") still verify, in constant
    time, so existing accounts keep working (authenticate() rewrites them in werkzeug's form on success)."""
    if stored.startswith("scrypt:"):
        return check_password_hash(stored, password)
    try:
        kind, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(
        password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
        dklen=len(expected), maxmem=64 * 1024 * 1024,
    )  # fmt: skip
    return hmac.compare_digest(actual, expected)


_DUMMY_HASH = hash_password("not a real password, only equalises timing")


# --- accounts ------------------------------------------------------------------------------------------------


def _user(row) -> User:
    countries = tuple(c for c in row["countries"].split(",") if c)
    return User(row["id"], row["name"], row["role"], countries, row["institution"], bool(row["trusted"]),
                row["session_epoch"])  # fmt: skip


def create_user(
    name: str, role: str, password: str, countries: list[str] | None = None, institution: str = "",
    trusted: bool = False, actor: str = "lmm users",
) -> User:  # fmt: skip
    name = name.strip()
    if not name or not name.replace("-", "").replace("_", "").replace(".", "").replace("@", "").isalnum():
        raise AuthError(f"user name {name!r}: use letters, digits and - _ . @ only")
    if role not in ROLES:
        raise AuthError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password needs at least {MIN_PASSWORD} characters")
    codes = sorted({c.strip().upper() for c in (countries or []) if c.strip()})
    if role == "steward" and not codes:
        raise AuthError("a steward needs --countries (ISO3 codes, comma-separated): the countries they submit for")
    with store.transaction() as db:
        if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AuthError(f"user {name!r} already exists")
        db.execute(
            "INSERT INTO users (name, role, countries, institution, password_hash, trusted, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name, role, ",".join(codes), institution.strip(), hash_password(password), int(trusted), store.now_iso()),
        )
        store.audit_in(db, actor, "user_add", name, role=role, countries=codes, institution=institution)
    user = get_user(name)
    assert user is not None
    return user


def get_user(name: str) -> User | None:
    with store.connect() as db:
        row = db.execute("SELECT * FROM users WHERE name = ? AND NOT disabled", (name.strip(),)).fetchone()
    return _user(row) if row else None


def get_user_by_id(user_id: int) -> User | None:
    with store.connect() as db:
        row = db.execute("SELECT * FROM users WHERE id = ? AND NOT disabled", (user_id,)).fetchone()
    return _user(row) if row else None


def list_users() -> list[User]:
    with store.connect() as db:
        return [_user(r) for r in db.execute("SELECT * FROM users WHERE NOT disabled ORDER BY name")]


# --- sign-in with a rate limit -------------------------------------------------------------------------------


def max_attempts() -> int:
    return max(1, int(setting("LMM_LOGIN_ATTEMPTS")))


def _failures(db, key: str) -> list[float]:
    since = time.time() - WINDOW_SECONDS
    return [r["at"] for r in db.execute("SELECT at FROM login_failures WHERE key = ? AND at > ?", (key, since))]


def authenticate(name: str, password: str, ip: str) -> User:
    """The user for a correct name and password; AuthError otherwise (also while the limit is reached)."""
    folded = hashlib.sha256(name.strip().casefold().encode("utf-8")).hexdigest()
    key = f"{folded}|{ip}"  # a digest: what was typed as a name is never stored (it may be a password)
    with store.connect() as db:
        recent = _failures(db, key)
        row = db.execute("SELECT * FROM users WHERE name = ? AND NOT disabled", (name.strip(),)).fetchone()
    who = row["name"] if row else f"unknown user {folded[:12]}"  # an unknown name is often a password
    if len(recent) >= max_attempts():
        minutes = max(1, round((min(recent) + WINDOW_SECONDS - time.time()) / 60))
        store.audit(who, "login_locked", who, ip=ip)
        raise AuthError(f"Too many failed sign-ins for this account from your address. Try again in {minutes} min.")
    ok = verify_password(password, row["password_hash"] if row else _DUMMY_HASH)
    if not (ok and row):
        with store.transaction() as db:
            db.execute("INSERT INTO login_failures (key, ip, at) VALUES (?, ?, ?)", (key, ip, time.time()))
            store.audit_in(db, who, "login_failed", who, ip=ip)
        left = max_attempts() - len(recent) - 1
        raise AuthError("Wrong user name or password." + (f" {left} attempt(s) left." if left < 3 else ""))
    with store.transaction() as db:
        db.execute("DELETE FROM login_failures WHERE key = ?", (key,))
        if not str(row["password_hash"]).startswith("scrypt:"):  # an earlier version's hash: rewrite it
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (hash_password(password), row["id"]))
        store.audit_in(db, row["name"], "login", row["name"], ip=ip)
    return _user(row)


# --- API tokens ----------------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(name: str, actor: str = "lmm users") -> str:
    """A new token for the user (printed once; only its hash is stored)."""
    user = get_user(name)
    if user is None:
        raise AuthError(f"no user {name!r} (see `lmm users list`)")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.transaction() as db:
        db.execute(
            "INSERT INTO tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)",
            (user.id, _token_hash(token), store.now_iso()),
        )
        store.audit_in(
            db, actor, "token_issue", user.name, token_id=db.execute("SELECT last_insert_rowid()").fetchone()[0]
        )
    return token


def revoke_tokens(name: str, actor: str = "lmm users") -> int:
    user = get_user(name)
    if user is None:
        raise AuthError(f"no user {name!r}")
    with store.transaction() as db:
        count = db.execute(
            "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", (store.now_iso(), user.id)
        ).rowcount
        store.audit_in(db, actor, "token_revoke", user.name, count=count)
    return count


def user_for_token(token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    with store.connect() as db:
        row = db.execute(
            "SELECT u.* FROM tokens t JOIN users u ON u.id = t.user_id "
            "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND NOT u.disabled",
            (_token_hash(token),),
        ).fetchone()
    return _user(row) if row else None
