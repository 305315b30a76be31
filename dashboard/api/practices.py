"""`/api/v1/practices` and `/api/v1/practices/<id>`: the good-practice library of a release (?release= for an earlier
one), filtered like the /practices page. Routes added to the API blueprint by dashboard/api/routes.py."""

from __future__ import annotations

from flask import Blueprint, Response, request

from dashboard.api import queries as aq
from dashboard.api.common import bad_parameter, begin, choice_param, int_param, ok, per_release, resolve
from warehouse import practices as pq

PRACTICE_PARAMS = ("q", "theme", "principle", "country", "region")
ENDPOINTS = {"/api/v1/practices", "/api/v1/practices/{practice_id}"}


def practice_list() -> Response:
    ctx = begin(PRACTICE_PARAMS)
    search = request.args.get("q") or None
    if search is not None and len(search) > 100:
        raise bad_parameter("q", "q is too long (at most 100 characters)")
    theme = choice_param("theme", per_release(ctx, "practice-themes", pq.theme_ids))
    principle = int_param("principle", 1, 15)
    country = request.args.get("country")
    if country:
        country = resolve("country", "country", country, per_release(ctx, "countries", aq.country_names))
    region = _region(request.args.get("region"), per_release(ctx, "practice-regions", pq.regions))
    frame = pq.filter_practices(
        pq.list_frame(ctx.cur), search, theme, None if principle is None else str(principle), country, region
    )
    query = {"q": search, "theme": theme, "principle": principle, "country": country or None, "region": region}
    rows = [pq.summary_json(r) for r in frame.to_dict("records")]
    return ok(ctx, {"count": len(rows), "query": {k: v for k, v in query.items() if v is not None}, "practices": rows})


def _region(raw: str | None, regions: list[str]) -> str | None:
    if not raw:
        return None
    found = {r.casefold(): r for r in regions}.get(raw.strip().casefold())
    if found is None:
        raise bad_parameter(
            "region", f"region must be a UN region ({', '.join(regions)}), not {raw[:40]!r}", allowed=regions
        )
    return found


def practice_one(practice_id: str) -> Response:
    ctx = begin()
    found = resolve("practice", "practice_id", practice_id, per_release(ctx, "practices", pq.practice_names))
    rec = pq.record(ctx.cur, found)
    assert rec is not None  # resolve() only returns ids of this release
    return ok(ctx, {"practice": pq.record_json(rec)})


def add_routes(api: Blueprint) -> None:
    api.add_url_rule("/practices", "practices", practice_list, methods=["GET"])
    api.add_url_rule("/practices/<practice_id>", "practice", practice_one, methods=["GET"])
