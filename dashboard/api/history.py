"""`/api/v1/history?indicator=<id>&country=<ISO3>[&year=]`: every value a series has had in each kept release, with
the release, the source, and the submission, institution and cited source where a steward supplied it. Routes added
to the API blueprint by dashboard/api/routes.py."""

from __future__ import annotations

from flask import Blueprint, Response, request

from dashboard.api import queries as q
from dashboard.api.common import YEAR_RANGE, begin, int_param, ok, per_release, resolve
from warehouse.history import value_history

PARAMS = ("indicator", "country", "year")
ENDPOINTS = {"/api/v1/history"}


def history() -> Response:
    ctx = begin(PARAMS)
    indicator = resolve("indicator", "indicator", request.args.get("indicator"),
                        per_release(ctx, "indicators", q.indicator_titles))  # fmt: skip
    country = resolve("country", "country", request.args.get("country"), per_release(ctx, "countries", q.country_names))
    year = int_param("year", *YEAR_RANGE)
    rows = value_history(indicator, country, year)
    query = {"indicator": indicator, "country": country, **({"year": year} if year is not None else {})}
    kept = sorted({str(r["release"]) for r in rows})
    return ok(ctx, {"query": query, "releases": kept, "count": len(rows), "values": rows})


def add_routes(api: Blueprint) -> None:
    api.add_url_rule("/history", "history", history, methods=["GET"])
