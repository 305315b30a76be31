"""The rows /api/v1/observations serves, held in memory per process and release, and written as JSON from there:
~0.05 ms for one country's rows, ~0.8 ms for 1,000 rows, where DuckDB's scan and sort plus the JSON encoding of
dicts take ~1.4 ms and ~6 ms.

Built once per release in a background thread from the SQL of `lmm export` (api_queries.observation_table, one
indicator at a time), so its rows, values and order are the export's. Each column is dictionary-encoded: numpy codes
into its distinct values, each written once as JSON (floats kept as numbers, written per request): ~12 bytes a row,
~4 MB in all for the bundled seed's 167,000 rows. Filters act on the codes with the SQL's semantics (a NULL matches
no filter). Until the index is ready (~0.5 s after the first request for the release), when its build failed, and
for a release of more than MAX_ROWS rows, the API runs the SQL itself: the same bytes, slower.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.api import queries as q
from warehouse.connection import NoReleaseError, cursor

log = logging.getLogger(__name__)
MAX_ROWS = 5_000_000  # ~60 MB per process; a larger release is read from DuckDB on each request
KEPT = 3  # releases indexed at once per process: the current one, the one before a publish, one pinned citation
START_AFTER_S = 0.1  # the build takes both cores and the GIL for ~0.3 s: not while the first request is answered
EQUALITY_FILTERS = {"sex": "sex", "partner": "partner_country"}  # API filter -> column (country: a span of its own)
Spans = dict[tuple[str, object], tuple[int, int]]  # (indicator, None or a country) -> its rows [start, stop)


@dataclass(frozen=True)
class ObservationIndex:
    """One release's observation rows: each indicator's rows in the export's order, one indicator after another."""

    template: str  # one row as JSON with %s for each column's value, as json.dumps writes a row's dict
    codes: dict[str, np.ndarray]  # column -> the code of each row
    texts: dict[str, list[str]]  # column -> each code's value as JSON (not the float columns)
    floats: dict[str, np.ndarray]  # float column -> each code's value, rounded as observation_rows does; NaN: null
    lookup: dict[str, dict[object, int]]  # equality-filtered column -> value -> code
    spans: Spans
    years: np.ndarray  # the year of each year code as a float (NaN for none fails every comparison, as NULL does)

    def json_rows(self, filters: dict[str, object], limit: int, offset: int) -> list[str]:
        """Each row api_queries.observation_rows returns for the same filters, limit and offset, as json.dumps
        writes it."""
        positions = self._matching(filters, offset + limit)[offset : offset + limit]
        columns = [self._column(name, positions) for name in self.codes]
        return [self.template % row for row in zip(*columns, strict=True)]

    def _column(self, name: str, positions: np.ndarray) -> list[str]:
        codes = self.codes[name][positions]
        if name in self.floats:
            return ["null" if value != value else repr(value) for value in self.floats[name][codes].tolist()]
        texts = self.texts[name]
        return [texts[code] for code in codes.tolist()]

    def _matching(self, filters: dict[str, object], enough: int) -> np.ndarray:
        """Positions of the indicator's rows that pass every filter, in order (at least the first `enough`)."""
        start, stop = self.spans.get((str(filters["indicator"]), filters.get("country")), (0, 0))
        keep = np.ones(stop - start, dtype=bool)
        for parameter, column in EQUALITY_FILTERS.items():
            if filters.get(parameter) is not None:
                keep &= self.codes[column][start:stop] == self.lookup[column].get(filters[parameter], -1)
        low, high = filters.get("year_from"), filters.get("year_to")
        if low is not None or high is not None:
            years = self.years[self.codes["year"][start:stop]]
            keep &= (years >= (-np.inf if low is None else low)) & (years <= (np.inf if high is None else high))
        if keep.all():  # no filter beyond the indicator and country (or none that drops a row): the first rows
            return np.arange(start, min(stop, start + enough))
        return np.flatnonzero(keep) + start


def build(cur: duckdb.DuckDBPyConnection) -> ObservationIndex | None:
    """The index of the release `cur` reads; None when it has no rows, more than MAX_ROWS or an infinite value."""
    whole, spans = _read(cur)
    if whole is None:
        return None
    template = "{" + ", ".join(f"{json.dumps(name)}: %s" for name in whole.column_names) + "}"
    codes, values = {}, {}
    for name in whole.column_names:
        encoded = pc.dictionary_encode(whole[name].combine_chunks(), null_encoding="encode")
        values[name] = [q.json_number(value) for value in encoded.dictionary.to_pylist()]
        codes[name] = encoded.indices.to_numpy().astype(np.min_scalar_type(len(values[name])))
    floats = {name: np.array(v, dtype=float) for name, v in values.items() if pa.types.is_floating(whole[name].type)}
    if any(np.isinf(column).any() for column in floats.values()):
        return None  # json.dumps refuses it (allow_nan=False): the SQL path answers with that error
    texts = {name: [json.dumps(v, ensure_ascii=False) for v in values[name]] for name in codes if name not in floats}
    spans.update(_country_spans(spans, codes["country"], values["country"]))
    lookup = {name: {value: code for code, value in enumerate(values[name])} for name in EQUALITY_FILTERS.values()}
    years = np.array([math.nan if year is None else year for year in values["year"]], dtype=float)
    return ObservationIndex(template, codes, texts, floats, lookup, spans, years)


def _read(cur: duckdb.DuckDBPyConnection) -> tuple[pa.Table | None, Spans]:
    """Every indicator's rows one after another, and where each indicator's are (None: none, or too many)."""
    kinds = q.indicator_types(cur)
    tables: list[pa.Table] = []
    spans: Spans = {}
    start = 0
    for indicator in sorted(kinds):
        tables.append(q.observation_table(cur, kinds[indicator], indicator))
        spans[(indicator, None)] = (start, start + tables[-1].num_rows)
        start += tables[-1].num_rows
        if start > MAX_ROWS:
            return None, spans
    return (pa.concat_tables(tables) if start else None), spans


def _country_spans(spans: Spans, codes: np.ndarray, countries: list[object]) -> Spans:
    """(indicator, country) -> its rows: the SQL orders each indicator's rows by country first, so they are together
    (checked: a country met twice in one indicator is a bug, not a slower path)."""
    out: Spans = {}
    for (indicator, _), (start, stop) in spans.items():
        if start == stop:
            continue
        ends = [*(np.flatnonzero(codes[start + 1 : stop] != codes[start : stop - 1]) + start + 1).tolist(), stop]
        for first, end in zip([start, *ends[:-1]], ends, strict=True):
            key = (indicator, countries[codes[first]])
            if key in out:
                raise AssertionError(f"{key}: rows not together; has the order of the observations SQL changed?")
            if key[1] is not None:  # a NULL country matches no country filter
                out[key] = (first, end)
    return out


# --- one index per release and process, built in the background --------------------------------------------------

_LOCK = threading.Lock()
_READY: dict[str, ObservationIndex | None] = {}  # built, most recently used last (None: the SQL serves it)
_BUILDING: dict[str, threading.Thread] = {}


def ready(release_id: str) -> ObservationIndex | None:
    """The release's index when built; else None, and the first call starts building it."""
    with _LOCK:
        if release_id in _READY:
            _READY[release_id] = _READY.pop(release_id)
            return _READY[release_id]
        if release_id in _BUILDING and _BUILDING[release_id].is_alive():
            return None
        try:  # opened here, in the request's context: a thread may run after LMM_DATA_DIR changed (tests)
            _, cur = cursor(release_id)
        except NoReleaseError:  # gone since the request opened it
            return None
        # not a daemon: the interpreter waits for it at exit (DuckDB aborts the process when it exits mid-query)
        builder = threading.Thread(target=_build_in_background, args=(release_id, cur), daemon=False)
        _BUILDING[release_id] = builder  # a builder lost to a fork is not alive: the next call starts another
        builder.start()
    return None


def _build_in_background(release_id: str, cur: duckdb.DuckDBPyConnection) -> None:
    time.sleep(START_AFTER_S)  # the request that started the build is answered first, not slowed by it
    try:
        index = build(cur)
    except Exception:  # a bug, or the release went away: requests keep reading the SQL
        log.exception("observations of release %s not indexed; the API reads them from DuckDB", release_id)
        index = None
    finally:
        cur.close()
    with _LOCK:
        _BUILDING.pop(release_id, None)
        _READY[release_id] = index
        while len(_READY) > KEPT:
            del _READY[next(iter(_READY))]
