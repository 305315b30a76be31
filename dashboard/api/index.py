"""The rows /api/v1/observations serves, held in memory per process and release, and written as JSON or CSV from
there: ~0.05 ms for one country's rows, ~0.8 ms for 1,000 rows, where DuckDB's scan and sort plus the JSON encoding
of dicts take ~1.4 ms and ~6 ms (and pandas' CSV of the same frame ~45 ms for one country, ~100 ms for a whole
indicator).

Built once per release in a background thread from the SQL of `lmm export` (api_queries.observation_table, one
indicator at a time), so its rows, values and order are the export's. Each column is dictionary-encoded: numpy codes
into its distinct values, each written once as JSON and once as a CSV field as pandas writes it after
warehouse.safe_csv (a request only looks texts up and joins them): ~12 bytes a row plus the texts, ~10 MB in all
for the bundled seed's 207,000 rows. Filters act on the codes with the SQL's semantics (a NULL matches no
filter). Until the index is ready (~0.5 s after the first request for the release), when its build failed, and
for a release of more than MAX_ROWS rows, the API runs the SQL itself: the same bytes, slower.
"""

from __future__ import annotations

import csv
import io
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
from warehouse.read import EXPORT_COLUMNS
from warehouse.safe_csv import neutralise

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
    texts: dict[str, np.ndarray]  # column -> each code's value as JSON (floats rounded as observation_rows does)
    csv_texts: dict[str, np.ndarray]  # column -> each code's CSV field, as pandas writes it after safe_csv
    lookup: dict[str, dict[object, int]]  # equality-filtered column -> value -> code
    spans: Spans
    years: np.ndarray  # the year of each year code as a float (NaN for none fails every comparison, as NULL does)

    def json_rows(self, filters: dict[str, object], limit: int, offset: int) -> list[str]:
        """Each row api_queries.observation_rows returns for the same filters, limit and offset, as json.dumps
        writes it."""
        positions = self._matching(filters, offset + limit)[offset : offset + limit]
        columns = [self.texts[name][codes[positions]].tolist() for name, codes in self.codes.items()]
        return list(map(self.template.__mod__, zip(*columns, strict=True)))

    def csv_lines(self, filters: dict[str, object], limit: int, offset: int) -> list[str]:
        """The lines (without the header and line ends) of `neutralise_frame(export_rows(...)).to_csv(index=False)`
        for the same filters, limit and offset."""
        positions = self._matching(filters, offset + limit)[offset : offset + limit]
        columns = [self.csv_texts[name][codes[positions]].tolist() for name, codes in self.codes.items()]
        return list(map(",".join, zip(*columns, strict=True)))

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
    if whole.column_names != EXPORT_COLUMNS:
        raise AssertionError(f"{whole.column_names}: not the export's columns; has the observations SQL changed?")
    template = "{" + ", ".join(f"{json.dumps(name)}: %s" for name in whole.column_names) + "}"
    codes, values, raw = {}, {}, {}
    for name in whole.column_names:
        encoded = pc.dictionary_encode(whole[name].combine_chunks(), null_encoding="encode")
        raw[name] = encoded.dictionary.to_pylist()
        values[name] = [q.json_number(value) for value in raw[name]]
        codes[name] = encoded.indices.to_numpy().astype(np.min_scalar_type(len(values[name])))
    floats = {name for name in codes if pa.types.is_floating(whole[name].type)}
    if any(v is not None and math.isinf(v) for name in floats for v in raw[name]):
        return None  # json.dumps refuses it (allow_nan=False): the SQL path answers with that error
    texts = {name: _texts(values[name], name in floats, json_text) for name in codes}
    csv_texts = {name: _texts(raw[name], name in floats, csv_field, texts[name]) for name in codes}
    spans.update(_country_spans(spans, codes["country"], values["country"]))
    lookup = {name: {value: code for code, value in enumerate(values[name])} for name in EQUALITY_FILTERS.values()}
    years = np.array([math.nan if year is None else year for year in values["year"]], dtype=float)
    return ObservationIndex(template, codes, texts, csv_texts, lookup, spans, years)


def _texts(values: list[object], floats: bool, write, same: np.ndarray | None = None) -> np.ndarray:
    """Each distinct value written once (floats as json.dumps and pandas write them: repr); a text equal to the
    one in `same` shares its object (a float's JSON and CSV texts are mostly the same string)."""
    out = np.empty(len(values), dtype=object)
    for code, value in enumerate(values):
        text = _float_text(value, write) if floats else write(value)
        out[code] = same[code] if same is not None and same[code] == text else text
    return out


def _float_text(value: object, write) -> str:
    missing = value is None or value != value
    if write is csv_field:
        return "" if missing else repr(value)
    return "null" if missing else repr(value)


def json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


_QUOTED = frozenset(',"\n\r')  # what makes the csv module (pandas' writer, QUOTE_MINIMAL) quote a field


def csv_field(value: object) -> str:
    """One cell as `neutralise_frame(frame).to_csv()` writes it: nothing for a missing value, text neutralised
    (warehouse.safe_csv) and quoted only where the csv module would."""
    if value is None:
        return ""
    text = str(neutralise(value))
    if not _QUOTED.intersection(text):
        return text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([text])
    return out.getvalue()[:-1]


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
