"""A practice file's text cells in (the practice template); practice records plus every problem (row, column, value,
message) out, and what the records would change in the current release (new practice or replacement).

Same path as figures: the upload is kept as received, validated cell by cell, the steward confirms, an admin
approves, and the publish job merges the records into the next release (loaders.practices.merge_practices) with
the steward's institution as `submitted_by`.
"""

from __future__ import annotations

import difflib
import json
import re
from datetime import date
from typing import Any

import pandas as pd

from loaders.practices import ACTIVITIES, FACT_FIELDS, SLUG, citation_problems, tables_from_records
from stewards.budget import Budget, BudgetError
from stewards.hygiene import hygiene_problems
from stewards.i18n import say
from stewards.practice_template import LIST_SEPARATORS, PRACTICE_COLUMNS, SOURCE_COLUMNS
from stewards.problems import Report, problems
from stewards.upload import RawTable
from stewards.validate import Context, _country_message, _formulas

TEXT_LIMIT = 4000
URL = re.compile(r"^https?://\S+$")
DIFF_FIELDS = (
    "name",
    "institution",
    "start_year",
    "end_year",
    "activity",
    "summary",
    "evidence",
    "themes",
    "principles",
)
Issue = tuple[int, str, str]  # (spreadsheet row, column, message)
MAX_ROWS = 1000  # a practice file describes a few programmes; each row is checked on its own (~ms)


def check(
    table: RawTable, ctx: Context, submitted_by: str, budget: Budget | None = None
) -> tuple[pd.DataFrame, Report]:
    """(rows to store: row, practice_id, record as JSON; every problem, by row and column)."""
    from indicators.registry import load_registry

    budget = budget or Budget.from_settings()
    if len(table.frame) > MAX_ROWS:
        raise BudgetError(say("budget.practice_rows", rows=f"{len(table.frame):,}", limit=f"{MAX_ROWS:,}"))
    registry = load_registry()
    cells = table.frame.copy()
    for (row, column), _formula in table.formulas.items():
        cells.loc[row, column] = ""
    groups: dict[str, list[int]] = {}
    for row in cells.index:
        groups.setdefault(cells.at[row, "practice_id"].strip().lower(), []).append(int(row))
    issues: list[Issue] = []
    stored = []
    for pid, rows in groups.items():
        record, found = _record(pid, rows, cells, ctx, registry, submitted_by)
        issues += found
        if record is not None:
            stored.append({"row": rows[0], "practice_id": pid, "record": json.dumps(record, ensure_ascii=False)})
        budget.check_time(table.filename, "checking each practice")
    frames = [_formulas(table), *hygiene_problems(table.frame, budget)]
    frames += [problems([r], c, m) for r, c, m in issues]
    report = Report(frames, table)
    rows = pd.DataFrame(stored, columns=["row", "practice_id", "record"])
    return (rows if report.ok else rows.iloc[0:0]), report


def _record(
    pid: str, rows: list[int], cells: pd.DataFrame, ctx: Context, registry: Any, submitted_by: str
) -> tuple[dict[str, Any] | None, list[Issue]]:
    first = rows[0]
    issues: list[Issue] = []

    def cell(column: str, row: int = first) -> str:
        return str(cells.at[row, column]).strip()

    def need(column: str) -> str:
        if not cell(column):
            issues.append((first, column, say(f"practice.{column}_empty")))
        return cell(column)

    if not pid:
        issues.append((first, "practice_id", say("practice.id_empty")))
    elif not re.fullmatch(SLUG, pid):
        issues.append((first, "practice_id", say("practice.id_slug")))
    for row in rows[1:]:
        for column in PRACTICE_COLUMNS:
            if column not in SOURCE_COLUMNS and column != "practice_id" and cell(column, row):
                issues.append((row, column, say("practice.source_row", practice=repr(pid), first=first)))
    countries = _countries(cell("countries"), first, ctx, issues)
    _not_theirs(pid, first, ctx, issues)
    years = {k: _year(cell(k), first, k, issues) for k in ("start_year", "end_year")}
    if years["start_year"] and years["end_year"] and years["end_year"] < years["start_year"]:
        issues.append((first, "end_year", say("practice.end_before_start", end=years["end_year"],
                                              start=years["start_year"])))  # fmt: skip
    activity = cell("activity").lower() or ("ended" if years["end_year"] else "unknown")
    if activity not in ACTIVITIES:
        issues.append((first, "activity", say("practice.activity")))
    record: dict[str, Any] = {
        "practice_id": pid,
        "name": need("name"),
        "name_en": cell("name_en") or None,
        "countries": [{"iso3": c, "role": "lead" if i == 0 else "partner"} for i, c in enumerate(countries)],
        "institution": need("institution"),
        **years,
        "activity": activity,
        "status_as_of": None,
        "themes": _ids(cell("themes"), first, "themes", set(registry.themes), issues),
        "principles": _numbers(cell("principles"), first, "principles", 15, issues, required=True),
        "gcm_objectives": _numbers(cell("gcm_objectives"), first, "gcm_objectives", 23, issues),
        "summary": need("summary"),
        "notes": None,
        "left_out": [],
        "submitted_by": submitted_by,
        "submitted_role": "steward",
    }
    for column in ("evidence", "success_factors", "transfer_limits"):
        record[column] = cell(column) or None
    for column in ("name", "institution", "summary", "evidence", "success_factors", "transfer_limits"):
        if len(cell(column)) > TEXT_LIMIT:
            issues.append((first, column, say("problem.too_long", column=column, limit=TEXT_LIMIT)))
    known = set(registry.indicators)
    aims = _ids(cell("aims_to_move"), first, "aims_to_move", known, issues)
    context = [i for i in _ids(cell("indicators"), first, "indicators", known, issues) if i not in aims]
    record["indicators"] = [{"indicator_id": i, "relation": "aims_to_move", "why": None, "ref": "s1"} for i in aims]
    record["indicators"] += [{"indicator_id": i, "relation": "context", "why": None, "ref": None} for i in context]
    record["citations"] = _citations(rows, cells, record, issues)
    if issues:
        return None, issues
    issues += [
        (first, field if field in PRACTICE_COLUMNS else "", problem) for field, problem in citation_problems(record)
    ]
    try:
        tables_from_records([record], [("steward", "submission=pending")])
    except Exception as error:  # pandera's report: a safety net behind the checks above
        issues.append((first, "", say("practice.tables", error=str(error)[:300])))
    return (None if issues else record), issues


def _countries(text: str, row: int, ctx: Context, issues: list[Issue]) -> list[str]:
    codes = [c.upper() for c in re.split(LIST_SEPARATORS, text) if c]
    if not codes:
        issues.append((row, "countries", say("practice.countries_empty")))
        return []
    bad = [c for c in codes if c not in ctx.countries or ctx.countries[c][1]]
    for code in bad:
        issues.append((row, "countries", _country_message(code, code, ctx)))
    if not bad and ctx.scope is not None and codes[0] not in ctx.scope:
        yours = ", ".join(ctx.scope)
        issues.append((row, "countries", say("practice.lead_country", own=yours, country=ctx.country_label(codes[0]))))
    return list(dict.fromkeys(codes))


def _not_theirs(pid: str, row: int, ctx: Context, issues: list[Issue]) -> None:
    """A steward may replace a published practice only when one of its countries is theirs."""
    from warehouse.connection import cursor
    from warehouse.practices import countries_of

    if ctx.scope is None or not pid:
        return
    published = countries_of(cursor()[1], pid)
    if published and not set(published) & set(ctx.scope):
        issues.append((row, "practice_id", say("practice.not_theirs", practice=repr(pid),
                                               countries=", ".join(published))))  # fmt: skip


def _year(text: str, row: int, column: str, issues: list[Issue]) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d{4}(\.0)?", text) or not 1800 <= int(float(text)) <= date.today().year:
        issues.append((row, column, say("practice.year", column=column, latest=date.today().year)))
        return None
    return int(float(text))


def _ids(text: str, row: int, column: str, known: set[str], issues: list[Issue]) -> list[str]:
    ids = [t.lower().split(":")[0] for t in re.split(LIST_SEPARATORS, text) if t]
    for item in [i for i in ids if i not in known]:
        close = difflib.get_close_matches(item, sorted(known), n=2, cutoff=0.5)
        if close:
            issues.append((row, column, say("practice.unknown_id_closest", id=repr(item), column=column,
                                            closest=", ".join(close))))  # fmt: skip
        else:
            issues.append((row, column, say("practice.unknown_id", id=repr(item), column=column)))
    return list(dict.fromkeys(i for i in ids if i in known))


def _numbers(text: str, row: int, column: str, top: int, issues: list[Issue], required: bool = False) -> list[int]:
    parts = [t.split(":")[0] for t in re.split(LIST_SEPARATORS, text) if t]
    bad = [p for p in parts if not p.isdigit() or not 1 <= int(p) <= top]
    if bad or (required and not parts):
        issues.append((row, column, say("practice.numbers", column=column, top=top)))
    return list(dict.fromkeys(int(p) for p in parts if p.isdigit() and 1 <= int(p) <= top))


def _citations(rows: list[int], cells: pd.DataFrame, record: dict[str, Any], issues: list[Issue]) -> list[dict]:
    """One citation per row (the steward vouches for every filled fact with them), plus the evidence links."""
    facts = [f for f in FACT_FIELDS if record.get(f) not in (None, "", "unknown")]
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rows, 1):
        title, url, accessed = (
            str(cells.at[row, c]).strip() for c in ("source_title", "source_url", "source_accessed")
        )
        if not title:
            issues.append((row, "source_title", say("practice.source_title")))
        if not URL.match(url):
            issues.append((row, "source_url", say("practice.source_url")))
        if not _valid_date(accessed):
            issues.append((row, "source_accessed", say("practice.source_accessed")))
        publisher = str(cells.at[row, "source_publisher"]).strip() or None
        out.append(
            {
                "ref": f"s{i}",
                "title": title,
                "publisher": publisher,
                "url": url,
                "accessed": accessed[:10],
                "kind": "source",
                "supports": facts,
            }
        )
    links = [u for u in re.split(r"[;\s]+", str(cells.at[rows[0], "evidence_links"])) if u]
    for j, url in enumerate(links, 1):
        if not URL.match(url):
            issues.append((rows[0], "evidence_links", f"{url[:60]!r} is not a web address (http:// or https://)"))
        out.append(
            {
                "ref": f"e{j}",
                "title": url,
                "publisher": None,
                "url": url,
                "accessed": out[0]["accessed"],
                "kind": "evidence",
                "supports": ["evidence"],
            }
        )
    return out


def _valid_date(text: str) -> bool:
    try:
        return date.fromisoformat(text[:10]) <= date.today() and len(text) in (10, 19)
    except ValueError:
        return False


def practice_diff(rows: pd.DataFrame) -> dict[str, Any]:
    """What the records change in the current release: a new practice, or the replacement of a published one."""
    from warehouse.connection import cursor
    from warehouse.practices import record as published

    release_id, cur = cursor()
    items = []
    for text in rows["record"]:
        rec = json.loads(text)
        old = published(cur, rec["practice_id"])
        new = {**rec, "themes": ",".join(rec["themes"]), "principles": ",".join(map(str, rec["principles"]))}
        changed = [] if old is None else [f for f in DIFF_FIELDS if _text(old.get(f)) != _text(new.get(f))]
        items.append(
            {
                "practice_id": rec["practice_id"],
                "name": rec["name"],
                "countries": ", ".join(c["iso3"] for c in rec["countries"]),
                "change": "new practice" if old is None else "replaces the published record",
                "fields_changed": ", ".join(changed),
                "sources": len(rec["citations"]),
            }
        )
    replaced = sum(1 for i in items if i["change"] != "new practice")
    counts = {"rows": len(items), "new_practices": len(items) - replaced, "replaced_practices": replaced}
    return {"kind": "practices", "release": release_id, "counts": counts, "practices": items, "series": []}


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) or value is pd.NA else str(value)
