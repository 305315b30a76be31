"""The answer of GET /api/v1/observations for a checked request context: JSON (the rows of `lmm export --format
json`) or CSV (`neutralise_frame(export_rows(...)).to_csv()`), one page of at most `limit` rows with a `next` link.

Rows come from the release's index in memory once built (dashboard/api/index.py); until then, and for a release
too large to index, from DuckDB: the same bytes either way (tests/api/test_api_index.py). Both the Flask route
(dashboard/api/routes.py) and the fast lane (dashboard/api/fastlane.py) answer through `answer()`, so they cannot
differ in body or headers.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Response

from dashboard.api import index as api_index
from dashboard.api import queries as q
from dashboard.api.common import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_OFFSET,
    Args,
    Ctx,
    choice_param,
    finish,
    int_param,
    json_response_with_rows,
    json_text,
    per_release,
)
from dashboard.api.filters import observation_filters
from warehouse.read import EXPORT_COLUMNS, export_rows
from warehouse.safe_csv import neutralise_frame

PARAMS = ("indicator", "country", "year_from", "year_to", "sex", "partner", "format", "limit", "offset")
CSV_HEADER = ",".join(EXPORT_COLUMNS)


def answer(ctx: Ctx, args: Args, base_url: Callable[[], str]) -> Response:
    """The page the query asks for (ApiError naming the parameter when it is wrong); `base_url` gives the request's
    URL without its query, for the next page's link (asked for only when there is a next page)."""
    filters = observation_filters(ctx, args.get("indicator"), args=args)
    too_large = f"limit is at most {MAX_LIMIT:,} rows per page"
    limit = int_param("limit", 1, MAX_LIMIT, DEFAULT_LIMIT, too_large=too_large, args=args)
    offset = int_param("offset", 0, MAX_OFFSET, 0, args=args)
    fmt = choice_param("format", ("json", "csv"), "json", args=args)
    assert limit is not None and offset is not None
    if fmt == "json":
        return _json(ctx, filters, limit, offset, args, base_url)
    return _csv(ctx, filters, limit, offset, args, base_url)


def _json(
    ctx: Ctx, filters: dict[str, object], limit: int, offset: int, args: Args, base_url: Callable[[], str]
) -> Response:
    rows = _json_rows(ctx, filters, limit + 1, offset)  # one extra row says whether more follow
    next_url = page_url(args, base_url, offset + limit) if len(rows) > limit else None
    rows = rows[:limit]
    head = {"release": ctx.release_id, "query": filters, "limit": limit, "offset": offset, "count": len(rows)}
    head["next"] = next_url
    response = json_response_with_rows(head, rows, ctx)
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response


def _json_rows(ctx: Ctx, filters: dict[str, object], limit: int, offset: int) -> list[str]:
    """The rows as JSON objects: from the index once built, until then from DuckDB, read as tuples."""
    index = api_index.ready(ctx.release_id)
    if index is not None:
        return index.json_rows(filters, limit, offset)
    kind = per_release(ctx, "indicator_types", q.indicator_types).get(str(filters["indicator"]))
    return [json_text(row) for row in q.observation_rows(ctx.cur, kind, filters, limit, offset)]


def _csv(
    ctx: Ctx, filters: dict[str, object], limit: int, offset: int, args: Args, base_url: Callable[[], str]
) -> Response:
    text, count, more = _csv_text(ctx, filters, limit, offset)
    response = Response(text, mimetype="text/csv")
    name = f"lmm-{filters['indicator']}-{ctx.release_id}.csv"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["X-LMM-Count"] = str(count)
    if more:
        response.headers["Link"] = f'<{page_url(args, base_url, offset + limit)}>; rel="next"'
    return finish(response, ctx)


def _csv_text(ctx: Ctx, filters: dict[str, object], limit: int, offset: int) -> tuple[str, int, bool]:
    """(CSV, rows in it, whether more follow): from the index's CSV fields once built, else pandas' writer."""
    index = api_index.ready(ctx.release_id)
    if index is not None:
        lines = index.csv_lines(filters, limit + 1, offset)
        return "\n".join([CSV_HEADER, *lines[:limit]]) + "\n", min(len(lines), limit), len(lines) > limit
    frame = export_rows(ctx.cur, **filters, limit=limit + 1, offset=offset)  # type: ignore[arg-type]
    return neutralise_frame(frame.iloc[:limit]).to_csv(index=False), min(len(frame), limit), len(frame) > limit


def page_url(args: Args, base_url: Callable[[], str], offset: int) -> str:
    query = {k: v for k, v in args.items() if k != "offset"}
    query["offset"] = str(offset)
    return f"{base_url()}?{urlencode(query)}"
