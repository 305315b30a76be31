"""`GET /api/v1/countries?q=<text>`: the countries a text names, ranked best first (warehouse/country_search.py),
each with the name it matched and how (code, exact, prefix, word, contains)."""

from __future__ import annotations

import pandas as pd

from dashboard.api.common import ApiError, records
from warehouse.country_search import Names, search

MAX_QUERY = 100  # characters
MAX_HITS = 20


def answer(frame: pd.DataFrame, names: Names, text: str) -> dict[str, object]:
    """The listed countries (`frame`, aggregates only when asked for) that `text` names, best first."""
    if len(text) > MAX_QUERY:
        raise ApiError(400, "bad_parameter", f"q is longer than {MAX_QUERY} characters", parameter="q")
    hits = search(names, text, limit=MAX_HITS)
    rows = {row["iso3"]: row for row in records(frame)}
    found = [{**rows[h.iso3], "matched": h.matched, "match": h.match} for h in hits if h.iso3 in rows]
    return {"q": text, "count": len(found), "countries": found}
