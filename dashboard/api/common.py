"""Shared machinery of the /api/v1 routes: the release a request reads, parameter parsing with errors that name the
parameter, closest-match suggestions, JSON/CSV responses that carry the release, and ETag/Cache-Control."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import duckdb
from flask import Response, g, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request

from dashboard.memo import memo
from warehouse import releases
from warehouse.connection import NoReleaseError, cursor

MAX_LIMIT = 50_000  # rows per page of /observations; larger pages: page with offset or take the bulk zip
DEFAULT_LIMIT = 10_000
MAX_OFFSET = 2**31 - 1
YEAR_RANGE = (1000, 2999)
SEXES = ("total", "female", "male")
_CODE = re.compile(r"^[A-Za-z0-9]{3,4}$")
CACHE_CURRENT = "public, max-age=300"  # the current release can be replaced by a publish: revalidate often
CACHE_PINNED = "public, max-age=86400"  # an explicit ?release= never changes
COMPRESSED_ETAG_SUFFIXES = ("zstd", "br", "gzip", "deflate")  # Flask-Compress's algorithms (COMPRESS_ALGORITHM)
T = TypeVar("T")
Args = MultiDict[str, str]  # a request's query (flask.request.args, or the fast lane's werkzeug request's)


class ApiError(Exception):
    """A client error: status, a machine-readable code, a sentence, and extra fields (parameter, alternatives)."""

    def __init__(self, status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def response(self) -> Response:
        body = {"error": {"status": self.status, "code": self.code, "message": self.message, **self.extra}}
        if getattr(g, "lmm_release", None):
            body = {"release": g.lmm_release, **body}
        return json_response(body, self.status)


class NotModified(Exception):
    """If-None-Match matched the response's ETag: answer 304 without running the query."""

    def __init__(self, etag: str, cache_control: str) -> None:
        super().__init__(etag)
        self.etag, self.cache_control = etag, cache_control


def bad_parameter(name: str, message: str, **extra: object) -> ApiError:
    return ApiError(400, "bad_parameter", message, parameter=name, **extra)


@dataclass
class Ctx:
    """What a request reads: the release id, a cursor on it, and the caching headers for its answers."""

    release_id: str
    cur: duckdb.DuckDBPyConnection
    etag: str
    cache_control: str


def begin(allowed: Iterable[str] = (), extra_key: str = "") -> Ctx:
    """Check the query names, open the requested release (404 with the available ids when unknown) and answer 304
    when the client already holds this exact response."""
    ctx = checked_context(request, allowed, extra_key)
    if held := held_etag(ctx.etag):
        raise NotModified(held, ctx.cache_control)
    return ctx


def checked_context(
    req: Request, allowed: Iterable[str] = (), extra_key: str = "", remember: bool = True,
    opener: Callable[[str | None, bool], tuple[str, Any]] | None = None,
) -> Ctx:  # fmt: skip
    """begin() for any request object (the fast lane's too: `remember` False leaves flask.g alone; its `opener`
    says which release is served without opening a cursor)."""
    args = req.args
    wanted = args.get("release") or None
    release_id, cur = (opener or open_release)(wanted, remember)
    known = {"release", *allowed}
    for name in args:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise bad_parameter(name, f"unknown parameter {name!r}{hint} (known: {', '.join(sorted(known))})")
    for name in args:
        if len(args.getlist(name)) > 1:
            raise bad_parameter(name, f"parameter {name!r} given more than once")
    query = "&".join(f"{k}={v}" for k, v in sorted(args.items(multi=True)))
    digest = hashlib.blake2b(f"{req.path}?{query}|{extra_key}".encode(), digest_size=8).hexdigest()
    return Ctx(release_id, cur, f"{release_id}-{digest}", CACHE_PINNED if wanted else CACHE_CURRENT)


def held_etag(etag: str) -> str | None:
    """The client's copy of this answer named in If-None-Match: our ETag, or the one Flask-Compress gave a compressed
    answer (`<etag>:<encoding>`, what a browser sends back), so a revalidation is a 304 without running the query."""
    if request.if_none_match:
        for tag in (etag, *(f"{etag}:{encoding}" for encoding in COMPRESSED_ETAG_SUFFIXES)):
            if request.if_none_match.contains_weak(tag):
                return tag
    return None


def open_release(wanted: str | None, remember: bool = True) -> tuple[str, duckdb.DuckDBPyConnection]:
    if wanted is not None and (len(wanted) > 64 or not wanted.replace("-", "").replace("_", "").isalnum()):
        raise bad_parameter("release", f"not a release id: {wanted[:64]!r}", available=releases.list_release_ids())
    try:
        release_id, cur = cursor(wanted)
    except NoReleaseError as error:
        if wanted is None:
            raise
        raise ApiError(
            404, "unknown_release", str(error), parameter="release", available=releases.list_release_ids()
        ) from error
    if remember:
        g.lmm_release = release_id
    return release_id, cur


def per_release(ctx: Ctx, key: str, load: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """A small lookup (ids -> names) read once per process and release by the one memo (dashboard/memo.py): a
    release never changes once published. `key` names the lookup in the memo's key."""
    return _kept_lookup(ctx.release_id, key, load)


@memo(64)
def _kept_lookup(release_id: str, key: str, load: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    return load(cursor(release_id)[1])


def int_param(
    name: str, low: int, high: int, default: int | None = None, too_large: str | None = None, args: Args | None = None
) -> int | None:
    raw = (request.args if args is None else args).get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[+-]?\d{1,12}", raw.strip()):
        raise bad_parameter(name, f"{name} must be a whole number between {low} and {high}, not {raw[:40]!r}")
    value = int(raw)
    if value > high and too_large:
        raise ApiError(413, "too_large", too_large, parameter=name, limit=high)
    if not low <= value <= high:
        raise bad_parameter(name, f"{name} must be between {low} and {high}, not {value}")
    return value


def choice_param(name: str, choices: Iterable[str], default: str | None = None, args: Args | None = None) -> str | None:
    raw = (request.args if args is None else args).get(name)
    if raw is None or raw == "":
        return default
    options = list(choices)
    if raw.lower() not in options:
        raise bad_parameter(name, f"{name} must be one of {', '.join(options)}, not {raw[:40]!r}", allowed=options)
    return raw.lower()


def bool_param(name: str, default: bool = False) -> bool:
    value = choice_param(name, ("true", "false", "1", "0"))
    return default if value is None else value in ("true", "1")


def closest(text: str, options: dict[str, str], n: int = 5) -> list[dict[str, str]]:
    """The valid ids closest to `text`, by id and by name (options: id -> name), best first."""
    folded = text.strip().casefold()

    def similarity(key: str) -> float:
        name = options[key].casefold()
        ratios = [difflib.SequenceMatcher(None, folded, key.casefold()).ratio()]
        ratios.append(difflib.SequenceMatcher(None, folded, name).ratio())
        return max(ratios + [0.9 if len(folded) >= 3 and folded in name else 0.0])

    scored = sorted(((similarity(key), key) for key in options), key=lambda pair: (-pair[0], pair[1]))
    return [{"id": key, "name": options[key]} for score, key in scored[:n] if score >= 0.4]


def resolve(kind: str, parameter: str, raw: str | None, options: dict[str, str]) -> str:
    """A valid id (case-insensitive match on the id) or a 404 naming the closest ids; 400 when empty/too long."""
    if raw is None or not raw.strip():
        raise bad_parameter(parameter, f"{parameter} is required ({kind} id)")
    text = raw.strip()
    if len(text) > 100:
        raise bad_parameter(parameter, f"{parameter} is too long (at most 100 characters)")
    for key in (text, text.upper(), text.lower()):
        if key in options:
            return key
    alternatives = closest(text, options)
    hint = f"; closest: {', '.join(a['id'] for a in alternatives)}" if alternatives else ""
    raise ApiError(
        404, f"unknown_{kind}", f"unknown {kind} {text[:100]!r}{hint}", parameter=parameter, alternatives=alternatives
    )


def json_response(payload: object, status: int = 200, ctx: Ctx | None = None) -> Response:
    return finish(Response(json_text(payload), status=status, mimetype="application/json"), ctx)


def json_response_with_rows(payload: dict[str, object], rows: list[str], ctx: Ctx) -> Response:
    """json_response(payload + {"rows": [...]}), the same bytes, for rows already written as JSON (json_text); the
    payload has at least one field."""
    body = f'{json_text(payload)[:-1]}, "rows": [{", ".join(rows)}]}}'
    return finish(Response(body, mimetype="application/json"), ctx)


def json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, default=_plain)


def ok(ctx: Ctx, payload: dict[str, object]) -> Response:
    return json_response({"release": ctx.release_id, **payload}, ctx=ctx)


def finish(response: Response, ctx: Ctx | None) -> Response:
    if ctx is not None:
        response.headers["ETag"] = f'"{ctx.etag}"'
        response.headers["Cache-Control"] = ctx.cache_control
        response.headers["X-LMM-Release"] = ctx.release_id  # what begin() put in g.lmm_release
    elif getattr(g, "lmm_release", None):
        response.headers["X-LMM-Release"] = g.lmm_release
    return response


def not_modified(error: NotModified) -> Response:
    response = Response(status=304)
    response.headers["ETag"] = f'"{error.etag}"'
    response.headers["Cache-Control"] = error.cache_control
    if getattr(g, "lmm_release", None):
        response.headers["X-LMM-Release"] = g.lmm_release
    return response


def _plain(value: object) -> object:
    """JSON for numpy/pandas scalars and missing values (NaN/NA -> null)."""
    if hasattr(value, "item"):
        value = value.item()  # type: ignore[union-attr]
        if isinstance(value, float) and value != value:
            return None
        return value
    if value is None or str(value) in ("<NA>", "NaT", "nan"):
        return None
    return str(value)


def records(frame) -> list[dict[str, object]]:
    """Frame rows as JSON-ready dicts: NaN/NA become None, numpy scalars plain Python."""
    return json.loads(frame.to_json(orient="records", date_format="iso"))
