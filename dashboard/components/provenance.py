"""Provenance badge of one value: official / estimated / modelled / submitted by <institution> / out of date, read
from its source id, the publisher's per-value flags and the recency check, linking to the source on /sources."""

from __future__ import annotations

from typing import NamedTuple

from dash import html

from dashboard.i18n import href, t
from dashboard.memo import memo

KINDS = ("official", "estimated", "modelled", "submitted")  # words: provenance.kind.* / provenance.help.*
# Publisher flags that say estimated / modelled (SDG `nature` and `obs_status`, UN DESA `type_of_data=I`,
# WDI's "ILO modelled" note).
_ESTIMATED = {("nature", "e"), ("obs_status", "e"), ("nature", "ca")}
_MODELLED = {("nature", "m")}


class Provenance(NamedTuple):
    kind: str  # official / estimated / modelled / submitted
    text: str  # what the badge says
    out_of_date: bool
    source_id: str | None


def parse_flags(flags: str | None) -> dict[str, str]:
    """'key=value;key=value' -> dict ('' or None -> {}); a part without '=' is kept with an empty value."""
    parts = [p for p in (flags or "").split(";") if p.strip()]
    pairs = [p.split("=", 1) if "=" in p else [p, ""] for p in parts]
    return {k.strip(): v.strip() for k, v in pairs}


def provenance(source_id: str | None, flags: str | None, out_of_date: bool | None) -> Provenance:
    """The kind of a value from its source and flags (steward submissions first, then modelled, estimated)."""
    parsed = parse_flags(flags)
    lowered = {(k.casefold(), v.casefold()) for k, v in parsed.items()}
    if source_id == "steward" or "submitted_by" in parsed:
        institution = parsed.get("submitted_by") or t("provenance.a_steward")
        cited = parsed.get("cited_source")  # the source the steward cited, shown with the institution
        text = t("provenance.submitted_cited", institution=institution, source=cited) if cited else None
        return Provenance(
            "submitted", text or t("provenance.submitted_by", institution=institution), bool(out_of_date), source_id
        )
    if lowered & _MODELLED or "modelled" in parsed.get("estimate", "").casefold():
        kind = "modelled"
    elif lowered & _ESTIMATED or "I" in parsed.get("type_of_data", "").split():
        kind = "estimated"
    else:
        kind = "official"
    return Provenance(kind, t(f"provenance.kind.{kind}"), bool(out_of_date), source_id)


def provenance_text(prov: Provenance) -> str:
    """Plain words for tables and CSV: "Modelled", "Official, out of date"."""
    return prov.text + (t("provenance.out_of_date_suffix") if prov.out_of_date else "")


FLAG_KEYS = ("estimate", "break", "third_party_copy", "assumed_zero", "suspect")  # words: valueflag.*


def value_flags(source_id: str | None, flags: str | None) -> str:
    """A value's flags in words for a table cell or a download: its kind when not official (estimated, modelled,
    submitted by ...), then break in series, third-party copy, assumed zero, model estimate, suspect, each with the
    publisher's note; '' for a plain official value."""
    if not isinstance(source_id, str) or not source_id:
        return ""
    flags = flags if isinstance(flags, str) else None
    prov = provenance(source_id, flags, False)
    parsed = parse_flags(flags)
    words = [] if prov.kind == "official" else [prov.text]
    if prov.kind in ("estimated", "modelled") and parsed.get("estimate"):  # "Modelled (ILO modelled)", said once
        words = [f"{prov.text} ({parsed.pop('estimate')})"]
    words += [t(f"valueflag.{key}", what=parsed[key]) for key in FLAG_KEYS if key in parsed]
    return "; ".join(words)


@memo(1024, by_language=True)
def provenance_badge(
    source_id: str | None,
    flags: str | None,
    out_of_date: bool | None,
    source_title: str | None = None,
    label: str | None = None,
) -> html.Span:
    """Badge(s) linking to /sources#<source_id> ("No source" without one); `label` replaces the kind's words
    (e.g. "Partial list" for a status the source's list cannot tell). Kept per arguments and language: most tiles
    of a profile carry one of a few badges (shared, never changed)."""
    if not source_id:
        return html.Span(t("provenance.no_source"), className="prov-badge prov-none")
    prov = provenance(source_id, flags, out_of_date)
    title = t("provenance.title", help=t(f"provenance.help.{prov.kind}"), source=source_title or source_id)
    text = label or prov.text
    link = html.A(text, href=href(f"/sources#{source_id}"), className=f"prov-badge prov-{prov.kind}", title=title)
    label = t("provenance.aria", text=text, source=source_title or source_id)
    setattr(link, "aria-label", label)  # noqa: B010 (a hyphenated prop)
    parts: list[html.A | html.Span] = [link]
    if prov.out_of_date:
        parts.append(
            html.Span(t("level.out_of_date"), className="prov-badge prov-out-of-date", title=t("provenance.older"))
        )
    return html.Span(parts, className="prov")
