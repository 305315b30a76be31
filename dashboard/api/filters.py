"""The filters of /api/v1/observations, shared with /api/v1/sdmx/data/<indicator>: indicator, country, year_from,
year_to, sex, partner, each checked with an error that names the parameter (404 with the closest ids for unknown
indicators and countries)."""

from __future__ import annotations

from flask import request

from dashboard.api import queries as q
from dashboard.api.common import (
    SEXES,
    YEAR_RANGE,
    Args,
    Ctx,
    bad_parameter,
    choice_param,
    int_param,
    per_release,
    resolve,
)


def observation_filters(
    ctx: Ctx, indicator: str | None, parameter: str = "indicator", args: Args | None = None
) -> dict[str, object]:
    """The checked filters; `indicator` is the raw id from the query or the path (`parameter` names it in errors);
    `args` the query (default: flask.request's)."""
    args = request.args if args is None else args
    year_from = int_param("year_from", *YEAR_RANGE, args=args)
    year_to = int_param("year_to", *YEAR_RANGE, args=args)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise bad_parameter("year_from", f"year_from ({year_from}) is after year_to ({year_to})")
    sex = choice_param("sex", SEXES, args=args)
    indicator_id = resolve("indicator", parameter, indicator, per_release(ctx, "indicators", q.indicator_titles))
    names = per_release(ctx, "countries", q.country_names)  # aggregates' values are only in the bulk zip
    country = _optional_country(args.get("country"), "country", names)
    partner = _optional_country(args.get("partner"), "partner", names)
    return {
        "indicator": indicator_id, "country": country, "year_from": year_from, "year_to": year_to,
        "sex": sex, "partner": partner,
    }  # fmt: skip


def _optional_country(raw: str | None, parameter: str, names: dict[str, str]) -> str | None:
    return None if raw is None or raw == "" else resolve("country", parameter, raw, names)
