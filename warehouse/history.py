"""One series (indicator, country, optional year) in; every value it has had in each kept release out, oldest
release first, with the release's publication, whether a rollback withdrew it, the source, and the steward's
submission, institution and cited source where a steward supplied the value (from its flags)."""

from __future__ import annotations

import math

from warehouse import releases
from warehouse.connection import cursor
from warehouse.errors import NoReleaseError

COLUMNS = ["year", "sex", "partner_country", "value", "value_label", "unit", "source_id", "flags"]


def value_history(indicator_id: str, country: str, year: int | None = None) -> list[dict[str, object]]:
    """Every value of the series in every kept release (a release that cannot be opened is left out)."""
    published = {h.release_id: h for h in releases.read_history() if h.action == "publish"}
    undone = releases.withdrawn()
    out: list[dict[str, object]] = []
    for release_id in sorted(releases.list_release_ids()):
        try:
            rows = _release_rows(release_id, indicator_id, country, year)
        except NoReleaseError:
            continue
        entry = published.get(release_id)
        about = {"release": release_id, "published_at": entry.at if entry else None,
                 "withdrawn": release_id in undone}  # fmt: skip
        out.extend(about | _row(r) for r in rows)
    return out


def _release_rows(release_id: str, indicator_id: str, country: str, year: int | None) -> list[tuple]:
    _, cur = cursor(release_id)
    sql = (f"SELECT {', '.join(COLUMNS)} FROM observations WHERE indicator_id = ? AND country = ?"  # noqa: S608
           + (" AND year = ?" if year is not None else "") + " ORDER BY year, sex, partner_country")  # fmt: skip
    return cur.execute(sql, [indicator_id, country, *([year] if year is not None else [])]).fetchall()


def _row(r: tuple) -> dict[str, object]:
    rec = dict(zip(COLUMNS, r, strict=True))
    flags = parse_flags(rec.pop("flags"))
    value = rec["value"]
    rec["value"] = None if value is None or (isinstance(value, float) and math.isnan(value)) else value
    rec["partner_country"] = rec["partner_country"] or None
    steward = rec["source_id"] == "steward" or "submitted_by" in flags
    rec |= {
        "submission": flags.get("submission") if steward else None,
        "institution": flags.get("submitted_by") if steward else None,
        "cited_source": flags.get("cited_source") if steward else None,
    }
    return rec


def parse_flags(flags: str | None) -> dict[str, str]:
    """'key=value;key=value' -> dict (the flags' format; a part without '=' is kept with an empty value)."""
    parts = [p for p in (flags or "").split(";") if p.strip()]
    pairs = [p.split("=", 1) if "=" in p else [p, ""] for p in parts]
    return {k.strip(): v.strip() for k, v in pairs}


def country_changes(iso3: str) -> list[dict[str, object]]:
    """For each kept release after the first, how the country's values differ from the kept release before it:
    {release, added, changed, removed, indicators (ids touched)}; releases that changed nothing are left out."""
    kept = sorted(releases.list_release_ids())
    frames = {}
    for release_id in kept:
        try:
            _, cur = cursor(release_id)
        except NoReleaseError:
            continue
        sql = "SELECT indicator_id, year, sex, partner_country, value, value_label FROM observations WHERE country = ?"
        rows = cur.execute(sql, [iso3]).fetchall()
        frames[release_id] = {tuple(r[:4]): (r[4], r[5]) for r in rows}
    out: list[dict[str, object]] = []
    ids = list(frames)
    for before, after in zip(ids, ids[1:], strict=False):
        old, new = frames[before], frames[after]
        added = [k for k in new if k not in old]
        removed = [k for k in old if k not in new]
        changed = [k for k in new if k in old and not _same(new[k], old[k])]
        if added or removed or changed:
            touched = sorted({str(k[0]) for k in (*added, *removed, *changed)})
            out.append({"release": after, "previous": before, "added": len(added), "changed": len(changed),
                        "removed": len(removed), "indicators": touched})  # fmt: skip
    return out


def _same(a: tuple, b: tuple) -> bool:
    (va, la), (vb, lb) = a, b
    if la != lb:
        return False
    if va is None or vb is None:
        return va is vb
    return math.isclose(float(va), float(vb), rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(va) and math.isnan(vb))
