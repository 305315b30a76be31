"""`/api/v1/sdmx/structure` (SDMX-ML 2.1 structure message) and `/api/v1/sdmx/data/<indicator>` (SDMX-CSV 2.0, the
filters of /api/v1/observations): the release's SDMX, the same bytes as structure.sdmx.xml and the indicator's rows
of observations.sdmx2.csv in the bulk zip. Routes added to the API blueprint by dashboard/api/routes.py."""

from __future__ import annotations

from flask import Blueprint, Response

from dashboard.api.common import Ctx, begin, finish, per_release
from dashboard.api.filters import observation_filters
from warehouse.read import export_rows
from warehouse.sdmx import Structure, build_structure
from warehouse.sdmx_csv import MEDIA_TYPE as DATA_MEDIA_TYPE
from warehouse.sdmx_csv import sdmx_frame, to_csv
from warehouse.sdmx_xml import MEDIA_TYPE as STRUCTURE_MEDIA_TYPE
from warehouse.sdmx_xml import structure_message

DATA_PARAMS = ("country", "year_from", "year_to", "sex", "partner")
ENDPOINTS = {"/api/v1/sdmx/structure", "/api/v1/sdmx/data/{indicator}"}


def add_routes(api: Blueprint) -> None:
    api.add_url_rule("/sdmx/structure", view_func=structure, methods=["GET"])
    api.add_url_rule("/sdmx/data/<indicator>", view_func=data, methods=["GET"])


def release_structure(ctx: Ctx) -> Structure:
    """The release's SDMX structure, built once per process and release."""
    return per_release(ctx, "sdmx-structure", lambda cur: build_structure(cur, ctx.release_id))


def structure() -> Response:
    ctx = begin()
    body = per_release(ctx, "sdmx-structure-xml", lambda _: structure_message(release_structure(ctx)))
    response = Response(body, content_type=f"{STRUCTURE_MEDIA_TYPE}; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="lmm-structure-{ctx.release_id}.xml"'
    return finish(response, ctx)


def data(indicator: str) -> Response:
    ctx = begin(DATA_PARAMS)
    filters = observation_filters(ctx, indicator, parameter="indicator")
    frame, left_out = sdmx_frame(export_rows(ctx.cur, **filters), release_structure(ctx))  # type: ignore[arg-type]
    response = Response(to_csv(frame), content_type=f"{DATA_MEDIA_TYPE}; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="lmm-{filters["indicator"]}-{ctx.release_id}.csv"'
    response.headers["X-LMM-Count"] = str(len(frame))
    response.headers["X-LMM-Left-Out"] = str(left_out)  # events without a known year: SDMX needs a TIME_PERIOD
    return finish(response, ctx)
