"""The read-only HTTP API under /api/v1 (a Flask blueprint on the Dash server).

Every answer names the release it was read from (JSON field `release`, header `X-LMM-Release`); `?release=<id>`
reads an earlier release so a citation stays valid. Bad input gets a 4xx JSON error naming the parameter (and the
closest valid ids for unknown ones); only a real bug is a 500, logged. The contract is dashboard/api/spec.py,
served at /api/v1/openapi.json.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, request, send_file
from werkzeug.exceptions import HTTPException

from dashboard.api import briefings_ahead, country_search, fastlane
from dashboard.api import feeds as api_feeds
from dashboard.api import history as api_history
from dashboard.api import observations as api_observations
from dashboard.api import practices as api_practices
from dashboard.api import queries as q
from dashboard.api import sdmx as api_sdmx
from dashboard.api.common import (
    CACHE_PINNED,
    ApiError,
    Ctx,
    NotModified,
    bad_parameter,
    begin,
    bool_param,
    choice_param,
    finish,
    json_response,
    not_modified,
    ok,
    open_release,
    per_release,
    records,
    resolve,
)
from dashboard.api.spec import openapi_document
from dashboard.api.updates import with_updates
from dashboard.memo import memo
from warehouse import releases
from warehouse.connection import NoReleaseError, cursor, serving_warning
from warehouse.country_search import release_names
from warehouse.read import release_info
from warehouse.scorecard import NoScorecard, kept_scorecard
from warehouse.scorecard_words import with_words

log = logging.getLogger(__name__)
api = Blueprint("api_v1", __name__, url_prefix="/api/v1")
api_practices.add_routes(api)  # /practices and /practices/<id> (the good-practice library)
api_history.add_routes(api)  # /history: a series' values in every kept release
api_feeds.add_routes(api)  # /releases.atom and /countries/<iso3>/releases.atom
api_sdmx.add_routes(api)  # /sdmx/structure and /sdmx/data/<indicator> (SDMX-ML 2.1, SDMX-CSV 2.0)
OBSERVATION_PARAMS = api_observations.PARAMS


@api.get("/")
def index() -> Response:
    ctx = begin()
    return ok(ctx, {"openapi": "/api/v1/openapi.json", "docs": "/api-docs", "endpoints": sorted(ENDPOINTS)})


@api.get("/health")
def health() -> Response:
    ctx = begin()
    info = release_info(ctx.cur)
    observations = ctx.cur.execute("SELECT count(*) FROM observations").fetchall()[0][0]
    warnings = [w for w in (serving_warning(), _control_warning()) if w]
    body = {"status": "degraded" if warnings else "ok", "created_at": info["created_at"], "observations": observations,
            "warnings": warnings}  # fmt: skip
    return ok(ctx, body)


def _control_warning() -> str | None:
    """Why the steward area's control database is refused (damaged or lost), if it is."""
    from stewards import integrity, store

    return integrity.warning(store.control_path())


@api.get("/countries")
def countries() -> Response:
    ctx = begin(["include_aggregates", "q"])
    if request.args.get("q") is None:
        return ok(ctx, country_list(ctx.release_id, bool_param("include_aggregates")))
    frame = q.countries(ctx.cur, bool_param("include_aggregates"))  # ranked by the names people use
    return ok(ctx, country_search.answer(frame, release_names(ctx.release_id), request.args["q"]))


@memo(8)
def country_list(release_id: str, include_aggregates: bool) -> dict[str, object]:
    """Every area of a release, made once per worker and release."""
    frame = q.countries(cursor(release_id)[1], include_aggregates)
    return {"count": len(frame), "countries": records(frame)}


@api.get("/indicators")
def indicators() -> Response:
    ctx = begin()
    rows = with_updates(q.indicators(ctx.cur), ctx.cur)
    return ok(ctx, {"count": len(rows), "indicators": rows})


@api.get("/indicators/<indicator_id>")
def indicator(indicator_id: str) -> Response:
    ctx = begin()
    found = resolve("indicator", "indicator_id", indicator_id, per_release(ctx, "indicators", q.indicator_titles))
    return ok(ctx, {"indicator": with_updates(q.indicators(ctx.cur, found), ctx.cur)[0]})


@api.get("/observations")
def observations() -> Response:
    ctx = begin(OBSERVATION_PARAMS)
    return api_observations.answer(ctx, request.args, lambda: request.base_url)


@api.get("/scorecards/<iso3>")
def scorecard(iso3: str) -> Response:
    ctx = begin()
    code = resolve("country", "iso3", iso3, per_release(ctx, "countries", q.country_names))
    try:
        return ok(ctx, scorecard_body(ctx.release_id, code))
    except NoScorecard as error:
        country = q.country(ctx.cur, code)
        raise ApiError(404, "no_scorecard", error.reason, parameter="iso3", area_kind=country.get("area_kind"),
                       successors=country.get("successors")) from error  # fmt: skip


@memo(256)
def scorecard_body(release_id: str, code: str) -> dict[str, object]:
    """One area's scorecard answer, made once per worker and release (a release never changes once published):
    the read model runs dozens of queries, the largest cost among readers' requests (bench.soak's access log)."""
    cur = cursor(release_id)[1]
    country = q.country(cur, code)
    card = with_words(kept_scorecard(code, release_id))
    return {
        "country": country,
        "status_year": card["status_year"],
        "methodology_version": card["methodology_version"],
        "peer_groups": {kind: country.get(kind) for kind in q.PEER_KINDS},
        "indicator_scores": q.indicator_scores(cur, code, country),
        **q.aggregate_scores(cur, code),
        "themes": card["themes"],
        "principles": card["principles"],
    }


@api.get("/corridors/<origin>/<destination>")
def corridor(origin: str, destination: str) -> Response:
    ctx = begin()
    names = per_release(ctx, "countries", q.country_names)
    a = resolve("country", "origin", origin, names)
    b = resolve("country", "destination", destination, names)
    if a == b:
        raise bad_parameter("destination", f"origin and destination are the same country ({a})")
    return ok(ctx, corridor_body(ctx.release_id, a, b))


@memo(256)
def corridor_body(release_id: str, origin: str, destination: str) -> dict[str, object]:
    """One corridor's answer, made once per worker and release."""
    cur = cursor(release_id)[1]
    return {"origin": q.country(cur, origin), "destination": q.country(cur, destination),
            **q.corridor(cur, origin, destination)}  # fmt: skip


@api.get("/releases")
def release_list() -> Response:
    ctx = begin()
    current = releases.current_release_id()
    return ok(ctx, {"current": current, "releases": q.release_list(), "rollbacks": q.rollbacks()})


@api.get("/methodology")
def methodology() -> Response:
    ctx = begin()
    info = release_info(ctx.cur)
    return ok(ctx, {"status_year": info["status_year"], "methodology": info["methodology"]})


@api.get("/bulk.zip")
def bulk_current() -> Response:
    return _bulk(begin())


@api.get("/releases/<release_id>/bulk.zip")
def bulk_release(release_id: str) -> Response:
    if request.args.get("release"):
        raise bad_parameter("release", "give the release in the path or as ?release=, not both")
    begin()  # checks the query names
    found, cur = open_release(release_id)
    return _bulk(Ctx(found, cur, "", CACHE_PINNED))


def _bulk(ctx: Ctx) -> Response:
    """One ETag per release whichever URL asked (the same bytes)."""
    from warehouse.bulk import bulk_zip

    ctx.etag = f"{ctx.release_id}-bulk"
    if request.if_none_match and request.if_none_match.contains_weak(ctx.etag):
        raise NotModified(ctx.etag, ctx.cache_control)

    path = bulk_zip(ctx.release_id)
    response = send_file(path, mimetype="application/zip", as_attachment=True, download_name=path.name, etag=False)
    return finish(response, ctx)


@api.get("/briefings/<iso3>.pdf")
def briefing_pdf(iso3: str) -> Response:
    return _briefing(iso3, "pdf")


@api.get("/briefings/<iso3>.html")
def briefing_html(iso3: str) -> Response:
    return _briefing(iso3, "html")


def _briefing(iso3: str, kind: str) -> Response:
    from dashboard.api.briefing import briefing_file
    from dashboard.i18n import LANGS
    from warehouse.briefing import BriefingError
    from warehouse.scorecard import country_row, no_scorecard_reason

    ctx = begin(["lang"], extra_key=kind)
    lang = choice_param("lang", LANGS, "en")
    code = resolve("country", "iso3", iso3, per_release(ctx, "countries", q.country_names))
    area = country_row(ctx.cur, code) or {}
    if reason := no_scorecard_reason(area):
        raise ApiError(404, "no_scorecard", reason, parameter="iso3", area_kind=area.get("area_kind"),
                       successors=area.get("successors"))  # fmt: skip
    try:
        path = briefing_file(ctx.release_id, code, kind, lang or "en")
    except BriefingError as error:
        raise ApiError(503, "briefing_unavailable", str(error)) from error
    mimetype = "application/pdf" if kind == "pdf" else "text/html"
    name = f"lmm-briefing-{code}-{lang}-{ctx.release_id}.{kind}"
    response = send_file(path, mimetype=mimetype, download_name=name, etag=False)
    return finish(response, ctx)


@api.get("/openapi.json")
def openapi() -> Response:
    return json_response(openapi_document())


@api.get("/<path:rest>")
def unknown(rest: str) -> Response:
    raise ApiError(404, "not_found", f"no endpoint /api/v1/{rest[:100]}", endpoints=sorted(ENDPOINTS))


ENDPOINTS = {
    "/api/v1/health", "/api/v1/countries", "/api/v1/indicators", "/api/v1/indicators/{indicator_id}",
    "/api/v1/observations", "/api/v1/scorecards/{iso3}", "/api/v1/corridors/{origin}/{destination}",
    "/api/v1/releases", "/api/v1/methodology", "/api/v1/bulk.zip", "/api/v1/releases/{release_id}/bulk.zip",
    "/api/v1/briefings/{iso3}.pdf", "/api/v1/briefings/{iso3}.html", "/api/v1/openapi.json",
    *api_practices.ENDPOINTS, *api_sdmx.ENDPOINTS, *api_history.ENDPOINTS, *api_feeds.ENDPOINTS,
}  # fmt: skip


@api.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error.response()


@api.errorhandler(NotModified)
def _not_modified(error: NotModified) -> Response:
    return not_modified(error)


@api.errorhandler(NoReleaseError)
def _no_release(error: NoReleaseError) -> Response:
    return ApiError(503, "no_release", str(error)).response()


@api.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return http_error(error)
    log.exception("API bug on %s %s", request.method, request.full_path)
    return ApiError(500, "internal_error", "an internal error occurred; it has been logged").response()


def http_error(error: HTTPException) -> Response:
    """Routing and protocol errors (405, 413 body too large...) as JSON under /api/, as HTML elsewhere."""
    if not request.path.startswith("/api/"):
        return error  # type: ignore[return-value]
    code = error.code or 500
    response = ApiError(code, (error.name or "error").lower().replace(" ", "_"), error.description or "").response()
    if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def register(server: Flask) -> None:
    server.register_blueprint(api)
    server.register_error_handler(HTTPException, http_error)
    server.before_request(briefings_ahead.notice_request)  # a new release: its briefings rendered in the background
    fastlane.install(server)  # /observations from the index without Flask's machinery (same answers)
