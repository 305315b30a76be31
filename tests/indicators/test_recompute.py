"""Every stored score of the real release, recomputed from the methodology export and the release's tables alone.

Independent of the scoring code path: nothing from `indicators` is imported. The methodology comes from
`lmm methodology --format json` (a subprocess); observations, events, event lists and countries are read with SQL.
The arithmetic below is written again from the exported numbers and rule texts (SDSN normalisation, the midpoint
colour split, category tables, the recency window, the trend rule, event statuses with the ILO 12-month rule, the
two-worst colour and the coverage threshold). Any difference with indicator_scores, principle_scores, theme_scores
or peer_stats fails the test.
"""

from __future__ import annotations

import calendar
import json
import math
import re
import subprocess
import sys
from collections import defaultdict
from fractions import Fraction
from typing import Any, NamedTuple

import pandas as pd
import pytest

from tests.conftest import ROOT

Row = dict[str, Any]


@pytest.fixture(scope="module")
def method(release_id: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "lmm.cli", "methodology", "--format", "json", "--release", release_id]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def tables(release_id: str) -> dict[str, pd.DataFrame]:
    from warehouse.connection import cursor

    _, cur = cursor(release_id)
    names = ["observations", "events", "event_lists", "countries", "indicator_scores", "principle_scores",
             "theme_scores", "peer_stats"]  # fmt: skip
    return {name: cur.execute(f'SELECT * FROM "{name}"').df() for name in names}


def missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))  # type: ignore[call-overload]


def text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- per indicator: values ------------------------------------------------------------------------------------------


def scoreable(ind: Row) -> bool:
    """Not context, and with thresholds (continuous) or a category table (the others)."""
    if ind["direction"] == "context":
        return False
    return ind["thresholds"] is not None if ind["type"] == "continuous" else bool(ind["categories"])


def normalised(x: Any, th: Row) -> Any:
    """100 x (x - lower_bound) / (optimum - lower_bound), clipped to [0, 100] (floats or exact fractions)."""
    return min(100, max(0, 100 * (x - th["lower_bound"]) / (th["optimum"] - th["lower_bound"])))


def colour(x: float, th: Row) -> str:
    """Green at or beyond green, red strictly beyond red, the band between split at its midpoint (midpoint: yellow)."""
    sign = 1.0 if th["optimum"] > th["lower_bound"] else -1.0
    sx, sg, sr = sign * x, sign * th["green"], sign * th["red"]
    if sx >= sg:
        return "green"
    if sx < sr:
        return "red"
    return "yellow" if sx >= (sg + sr) / 2 else "orange"


def category(ind: Row, code: object) -> Row | None:
    """Table row by exact code, then by label (case-insensitive)."""
    wanted = str(int(code)) if isinstance(code, float) and code.is_integer() else str(code).strip()
    for cat in ind["categories"] or []:
        if cat["code"] == wanted:
            return cat
    return next((c for c in ind["categories"] or [] if c["label"].casefold() == wanted.casefold()), None)


def code_of(ind: Row, label: object, value: object) -> str:
    """A published category's code: its label (as code, then as label), else its numeric value."""
    candidates = [c for c in (label, value) if not missing(c)]
    for candidate in candidates:
        cat = category(ind, candidate)
        if cat is not None:
            return cat["code"]
    assert not ind["categories"], f"{ind['id']}: {candidates} not in its table"
    return str(candidates[0])


def exact(value: float) -> Fraction:
    """The published decimal exactly (the shortest repr of the stored float), so rule boundaries are not float noise."""
    return Fraction(repr(float(value)))


def trend_of(points: list[tuple[int, float, str]], ind: Row, year: int, rules: Row) -> str:
    """points: (year, value, flags) of the latest value's source, in the trend window, sorted by year.
    Exact rational arithmetic: a slope exactly on a boundary (e.g. -0.1) is decided by the rule, not by rounding."""
    breaks = [y for y, _, flags in points if rules["break_flag"] in (flags or "")]
    pts = [(y, v) for y, v, _ in points if not breaks or y >= max(breaks)]
    if len(pts) < rules["min_points"] or pts[-1][0] - pts[0][0] < rules["min_span"]:
        return "not_available"
    th = {k: exact(v) for k, v in ind["thresholds"].items()}
    xs = [Fraction(y - year) for y, _ in pts]
    ss = [normalised(exact(v), th) for _, v in pts]
    xm, sm = sum(xs) / len(xs), sum(ss) / len(ss)
    slope = sum((x - xm) * (s - sm) for x, s in zip(xs, ss, strict=True)) / sum((x - xm) ** 2 for x in xs)
    required = (normalised(th["green"], th) - ss[0]) / max(rules["target_year"] - pts[0][0], 1)
    t = exact(rules["tolerance"])
    if slope < -t:
        return "decreasing"
    if colour(pts[-1][1], ind["thresholds"]) == "green" or (slope >= required and slope > t):
        return "on_track"
    return "moderately_improving" if slope > required / 2 and slope > t else "stagnating"


def value_rows(obs: pd.DataFrame, ind: Row, iso3: set[str], year: int, rules: Row) -> dict[str, Row]:
    """country -> recomputed score row of one continuous/categorical/ordinal indicator."""
    rows = obs[(obs["indicator_id"] == ind["id"]) & obs["country"].isin(iso3) & (obs["partner_country"] == "")]
    rows = rows[(rows["year"] <= year) & (rows["sex"] == ind["headline_sex"])]
    has = rows["value"].notna() if ind["type"] == "continuous" else rows["value"].notna() | rows["value_label"].notna()
    out = {}
    for country, group in rows[has].sort_values("year").groupby("country"):
        records = group.to_dict("records")
        last = records[-1]
        old = last["year"] < year - ind["recency_window"] or superseded(last["flags"], year, rules)
        row = {"value": last["value"], "value_label": last["value_label"], "year": last["year"], "out_of_date": old,
               "source_id": last["source_id"], "flags": last["flags"], "trend": "not_available",
               "changed_year": None, "score": None, "level": None}  # fmt: skip
        if ind["type"] == "continuous":
            _continuous(row, records, ind, year, rules)
        else:
            _categorical(row, records, ind, rules)
        out[str(country)] = row
    return out


def superseded(flags: object, year: int, rules: Row) -> bool:
    """A reform the source records after the value, in force by the status year (flag later_change=YYYY-MM-DD)."""
    found = re.search(re.escape(rules["recency"]["later_change_flag"]) + r"(\d{4})-", text(flags))
    return found is not None and int(found.group(1)) <= year


def suspect(flags: object, rules: Row) -> bool:
    return rules["suspect"]["flag"] in text(flags)


def _continuous(row: Row, records: list[Row], ind: Row, year: int, rules: Row) -> None:
    if not scoreable(ind):
        return
    if row["out_of_date"] or suspect(row["flags"], rules):
        row["level"] = "no_data"
        return
    row["score"], row["level"] = normalised(row["value"], ind["thresholds"]), colour(row["value"], ind["thresholds"])
    window = year - ind["trend_window"]
    points = [(r["year"], r["value"], r["flags"]) for r in records
              if r["source_id"] == row["source_id"] and not suspect(r["flags"], rules)]  # fmt: skip
    row["trend"] = trend_of([p for p in points if p[0] >= window], ind, year, rules["trend"])


def _categorical(row: Row, records: list[Row], ind: Row, rules: Row) -> None:
    codes = [code_of(ind, r["value_label"], r["value"]) for r in records]
    changes = [r["year"] for r, prev, code in zip(records[1:], codes, codes[1:], strict=False) if code != prev]
    row["changed_year"] = max(changes) if changes else None
    if not scoreable(ind):
        return
    if row["out_of_date"] or suspect(row["flags"], rules):
        row["level"] = "no_data"
        return
    cat = category(ind, codes[-1])
    assert cat is not None
    row["score"], row["level"] = cat["score"], cat["level"]


# --- per indicator: events ------------------------------------------------------------------------------------------


class Rec(NamedTuple):
    year: int | None
    date: str
    status: str
    source_id: str
    derived: bool = False


def plus_months(date: str, months: int) -> str | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date)
    if match is None:
        return None
    total = int(match[1]) * 12 + int(match[2]) - 1 + months
    year, month = divmod(total, 12)
    day = min(int(match[3]), calendar.monthrange(year, month + 1)[1])
    return f"{year:04d}-{month + 1:02d}-{day:02d}"


def entry_into_force(records: list[Rec], months: int) -> list[Rec]:
    """ILO final clause: a dated not_in_force is in force `months` later, unless an explicit record falls between."""
    added = []
    for reg in records:
        due = plus_months(reg.date, months) if reg.status == "not_in_force" else None
        if due is None or reg.year is None:
            continue
        end, start = int(due[:4]), reg.year
        between = [r for r in records if r.year is not None and
                   (reg.date < r.date <= due if r.date else start < r.year <= end)]  # fmt: skip
        if not between:
            added.append(Rec(end, due, "in_force", reg.source_id, True))
    return records + added


def derive(records: list[Rec], year: int, complete: bool, un: bool, as_of: int | None, ev: Row) -> tuple:
    """(status, changed_year, deciding record) by the exported event rule, steps 1-5."""
    vocabulary = set(ev["un_statuses"] if un else ev["ilo_statuses"])
    checked = lambda status: status if status in vocabulary else "not_known"  # noqa: E731
    none_yet = "no_action" if un else "not_ratified"
    if not un:
        records = entry_into_force(records, ev["entry_into_force"]["months"])
    order = lambda r: (r.year or 0, r.date, ev["precedence"].get(r.status, -1))  # noqa: E731
    dated = sorted((r for r in records if r.year is not None), key=order)
    past = [r for r in dated if r.year <= year]  # type: ignore[operator]
    undated = [r for r in records if r.year is None]
    newer = bool(past) and as_of is not None and (past[-1].year or 0) > as_of
    if undated and (as_of is None or year >= as_of) and not newer:
        last = max(undated, key=order)
        return checked(last.status), None, last
    if past:
        status = checked(past[-1].status)
        return status, None if status == "not_known" else past[-1].year, past[-1]
    if undated:
        only_none = un and all(r.status == "no_action" for r in undated)
        return ("no_action" if only_none else "not_known"), None, undated[0]
    if dated:
        opens = dated[0].status in ev["first_steps"]["un" if un else "ilo"]
        return (none_yet if opens else "not_known"), None, None
    return (none_yet if complete else "not_known"), None, None


def list_year(value: object) -> int | None:
    years = [int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", str(value))] if not missing(value) else []
    return max(years) if years else None


def tolerance_of(method: Row, sources: list[str]) -> int | None:
    """The absence tolerance: the smallest over the indicator's lists' sources (default where not named)."""
    years = method["absence_tolerance_years"]
    found = [years.get(s, years.get("default")) for s in sources] or [years.get("default")]
    found = [y for y in found if y is not None]
    return min(found) if found else None


def event_rows(events: pd.DataFrame, lists: pd.DataFrame, ind: Row, iso3: list[str], year: int, ev: Row,
               method: Row, members: dict[str, set[str]]) -> dict:  # fmt: skip
    """country -> recomputed score row of one event indicator."""
    mine = lists[lists["indicator_id"] == ind["id"]]
    universe = members.get(ind.get("universe") or "")
    tolerance = tolerance_of(method, sorted(set(mine["source_id"].astype(str))))
    dated_texts = sorted((list_year(t) or 0, str(t)) for t in mine["as_of"] if not missing(t))
    as_of_text = dated_texts[-1][1] if dated_texts else ""
    complete = bool(mine["complete"].any())
    years = [y for y in map(list_year, mine["as_of"]) if y is not None]
    complete_years = [y for y in map(list_year, mine.loc[mine["complete"].astype(bool), "as_of"]) if y is not None]
    as_of, complete_as_of = max(years, default=None), max(complete_years, default=None)
    sources = ";".join(sorted(set(mine["source_id"].astype(str))))
    valid = min(year, as_of) if as_of is not None else year
    absent = min(year, complete_as_of) if complete_as_of is not None else valid
    by_country: dict[str, list[Rec]] = defaultdict(list)
    for r in events[(events["indicator_id"] == ind["id"]) & (events["partner_country"].fillna("") == "")].to_dict(
        "records"
    ):
        date = text(r["event_date"])
        dated = int(date[:4]) if date else (None if missing(r["year"]) else int(r["year"]))
        by_country[r["country"]].append(
            Rec(dated, date, r["status"], "" if missing(r["source_id"]) else r["source_id"])
        )
    out = {}
    for country in iso3:
        records = by_country.get(country, [])
        if not records and universe is not None and country not in universe:
            status, changed, rec, valid_for, flags = ev["not_applicable"], None, None, valid, ""
        else:
            status, changed, rec = derive(records, year, complete, ind["event_style"] == "un", as_of, ev)
            valid_for = max(valid if records else absent, changed or 0)
            flags = f"{ev['derived_flag']}={rec.date}" if rec is not None and rec.derived else ""
            from_list = rec is None or rec.year is None
            if (
                status in ev["absence_statuses"]
                and from_list
                and tolerance is not None
                and year > valid_for + tolerance
            ):
                status, flags = "not_known", f"{ev['stale_flag']}={as_of_text or valid_for};last_stated={status}"
        row = {"value": None, "value_label": status, "year": valid_for, "changed_year": changed, "flags": flags,
               "out_of_date": False, "trend": "not_available",
               "source_id": rec.source_id if rec is not None and rec.source_id else sources}  # fmt: skip
        row["score"], row["level"] = event_score(ind, status)
        out[country] = row
    return out


def event_score(ind: Row, status: str) -> tuple[float | None, str | None]:
    unknown = status in ("not_known", "not_applicable")
    if not scoreable(ind):
        return None, "no_data" if unknown else None
    cat = category(ind, status)
    if cat is None:
        assert unknown, f"{ind['id']}: status {status} not in its table"
        return None, "no_data"
    return cat["score"], cat["level"]


# --- the whole release ----------------------------------------------------------------------------------------------


EMPTY = {"value": None, "value_label": None, "year": None, "out_of_date": False, "score": None, "level": "no_data",
         "trend": "not_available", "changed_year": None, "source_id": None, "flags": None}  # fmt: skip


def recompute_indicator_scores(method: Row, t: dict[str, pd.DataFrame]) -> tuple[dict[tuple[str, str], Row], list]:
    """(country, indicator) -> row, and the indicators kept (corridor-shaped ones have no country rows)."""
    year, rules = int(method["status_year"]), method["rules"]
    countries = t["countries"]
    scored = ~countries["is_aggregate"].fillna(False).astype(bool) & ~countries["area_kind"].isin(["uninhabited",
                                                                                                    "historical"])  # fmt: skip
    iso3 = sorted(countries.loc[scored, "iso3"].astype(str).unique())
    members = {"un_members": set(countries.loc[countries["un_member"], "iso3"]),
               "ilo_members": set(countries.loc[countries["ilo_member"], "iso3"])}  # fmt: skip
    obs, events = t["observations"], t["events"]
    present = set(obs.loc[obs["partner_country"].fillna("") == "", "indicator_id"])
    present |= set(events.loc[events["partner_country"].fillna("") == "", "indicator_id"])
    inds = [{"id": key, **entry} for key, entry in method["indicators"].items()]
    kept = [i for i in inds if "partner_country" not in i["disaggregations"] or i["id"] in present]
    out: dict[tuple[str, str], Row] = {}
    for ind in kept:
        if ind["type"] == "event":
            found = event_rows(events, t["event_lists"], ind, iso3, year, rules["events"], method, members)
        else:
            found = value_rows(obs, ind, set(iso3), year, rules)
        for country in iso3:
            out[(country, ind["id"])] = found.get(country, EMPTY)
    return out, kept


def two_worst(levels: list[str], order: list[str]) -> str:
    """Mean rank of the two worst, rounded to the worse; red only when both worst are red."""
    ranks = sorted((order.index(lv) for lv in levels if lv in order), reverse=True)
    worst, nxt = ranks[0], ranks[1] if len(ranks) > 1 else ranks[0]
    if worst == nxt:
        return order[worst]
    mean = (worst + nxt) / 2
    rank = int(mean) + (1 if mean % 1 else 0)
    return order[min(rank, len(order) - 2)]


def index_ids(scores: dict, kept: list[Row], method: Row, members: set[str]) -> set[str]:
    """Index indicators: scored for at least the rule's share of UN members; a combined code never beside the
    indicators it is built from."""
    share = method["index_rule"]["share_of_un_members"]
    ok = {i["id"] for i in kept if scoreable(i)
          and sum(1 for c in members if not missing(scores[(c, i["id"])]["score"])) / len(members) >= share - 1e-9}  # fmt: skip
    return {i for i in ok if not set(method["indicators"][i]["built_from"]) & ok}


def recompute_aggregates(scores: dict, kept: list[Row], method: Row, key: str, members: set[str]) -> dict:
    agg = method["rules"]["aggregation"]
    index = index_ids(scores, kept, method, members)
    assert index == {k for k, v in method["index"].items() if v["index"]}, "the index recorded with the release"
    mapping: dict[Any, list[Row]] = defaultdict(list)
    for ind in (i for i in kept if i["id"] in index):
        for group in ind["principles"] if key == "principle" else [ind["theme"]]:
            mapping[group].append(ind)
    out = {}
    for country in sorted({c for c, _ in scores}):
        for group, all_inds in mapping.items():
            inds = [i for i in all_inds if scores[(country, i["id"])]["value_label"] != "not_applicable"]
            if not inds:
                continue
            rows = [(scores[(country, i["id"])], i["weight"]) for i in inds]
            present = [(r["score"], r["level"], w) for r, w in rows if not missing(r["score"])]
            coverage = len(present) / len(inds)
            ok = len(present) >= agg["min_indicators"] and coverage >= method["coverage_threshold"] - agg[
                "comparison_tolerance"]  # fmt: skip
            score = sum(s * w for s, _, w in present) / sum(w for _, _, w in present) if ok else None
            level = two_worst([lv for _, lv, _ in present], agg["colour_order"]) if ok else "no_data"
            out[(country, group)] = {"score": score, "level": level, "coverage": coverage,
                                     "n_with_data": len(present), "n_mapped": len(inds)}  # fmt: skip
    return out


def quantile(values: list[float], q: float) -> float:
    data = sorted(values)
    pos = q * (len(data) - 1)
    low = math.floor(pos)
    return data[low] + (data[min(low + 1, len(data) - 1)] - data[low]) * (pos - low)


def recompute_peers(scores: dict, kept: list[Row], method: Row, countries: pd.DataFrame) -> dict:
    peers = method["rules"]["peers"]
    own = countries[countries["iso3"].isin({c for c, _ in scores})]
    members = {(kind, str(g)): set(own.loc[own[kind] == g, "iso3"]) for kind in peers["group_kinds"]
               for g in own[kind].dropna().unique()}  # fmt: skip
    out = {}
    for ind in (i for i in kept if i["type"] in ("continuous", "ordinal")):
        for (kind, group), iso3 in members.items():
            rows = [scores[(c, ind["id"])] for c in iso3]
            values = [float(r["value"]) for r in rows
                      if not missing(r["value"]) and not r["out_of_date"] and not suspect(r["flags"], method["rules"])]  # fmt: skip
            enough = len(values) >= peers["min_peers"]
            stats = [quantile(values, q) if enough else None for q in (0.5, 0.25, 0.75)]
            out[(ind["id"], kind, group)] = dict(zip(["median", "q1", "q3"], stats, strict=True)) | {"n": len(values)}
    return out


# --- comparison -----------------------------------------------------------------------------------------------------


def same(a: object, b: object) -> bool:
    if missing(a) or missing(b):
        return missing(a) and missing(b)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def differences(expected: dict, stored: pd.DataFrame, keys: list[str], columns: list[str]) -> list[str]:
    rows = {tuple(r[k] for k in keys): r for r in stored.to_dict("records")}
    problems = [f"{key}: not stored" for key in expected.keys() - rows.keys()]
    problems += [f"{key}: stored but not recomputed" for key in rows.keys() - expected.keys()]
    for key in expected.keys() & rows.keys():
        problems += [f"{key} {c}: recomputed {expected[key][c]!r}, stored {rows[key][c]!r}"
                     for c in columns if not same(expected[key][c], rows[key][c])]  # fmt: skip
    return sorted(problems)


@pytest.fixture(scope="module")
def recomputed(method, tables) -> tuple[dict, list[Row]]:
    return recompute_indicator_scores(method, tables)


def test_the_export_is_self_sufficient(method) -> None:
    rules = method["rules"]
    assert {"levels", "trend", "aggregation", "events", "peers"} <= set(rules)
    assert rules["events"]["entry_into_force"]["months"] == 12
    assert all("event_style" in i for i in method["indicators"].values() if i["type"] == "event")
    assert method["status_year"] == 2025


def test_every_indicator_score_recomputes(recomputed, tables) -> None:
    scores, _ = recomputed
    assert len(scores) == len(tables["indicator_scores"]) > 10_000
    columns = ["value", "value_label", "year", "out_of_date", "score", "level", "trend", "changed_year", "source_id",
               "flags"]  # fmt: skip
    problems = differences(scores, tables["indicator_scores"], ["country", "indicator_id"], columns)
    assert not problems, f"{len(problems)} differences, e.g.\n" + "\n".join(problems[:20])


def test_the_ilo_entry_into_force_rule_is_in_the_stored_scores(recomputed) -> None:
    scores, _ = recomputed
    assert (scores[("MEX", "ilo_c189")]["value_label"], scores[("MEX", "ilo_c189")]["changed_year"]) == (
        "in_force",
        2021,
    )
    assert scores[("NAM", "ilo_c189")]["value_label"] == "not_in_force", "undated: nothing to derive from"


@pytest.mark.parametrize(("key", "table"), [("principle", "principle_scores"), ("theme", "theme_scores")])
def test_every_aggregate_recomputes(recomputed, tables, method, key: str, table: str) -> None:
    scores, kept = recomputed
    countries = tables["countries"]
    expected = recompute_aggregates(scores, kept, method, key, set(countries.loc[countries["un_member"], "iso3"]))
    stored = tables[table].astype({key: int} if key == "principle" else {})
    columns = ["score", "level", "coverage", "n_with_data", "n_mapped"]
    problems = differences(expected, stored, ["country", key], columns)
    assert not problems, f"{len(problems)} differences, e.g.\n" + "\n".join(problems[:20])
    below = [row for row in expected.values() if row["coverage"] < method["coverage_threshold"] - 1e-9]
    assert below and all(row["score"] is None for row in below), "no aggregate below the coverage threshold"


def test_every_peer_statistic_recomputes(recomputed, tables, method) -> None:
    scores, kept = recomputed
    expected = recompute_peers(scores, kept, method, tables["countries"])
    problems = differences(expected, tables["peer_stats"], ["indicator_id", "group_kind", "group"],
                           ["median", "q1", "q3", "n"])  # fmt: skip
    assert not problems, f"{len(problems)} differences, e.g.\n" + "\n".join(problems[:20])
