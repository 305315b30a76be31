"""Pieces shared by the corridor page, the corridor explorer and the profile's corridor sections: per-value flags in
words (the remittance matrix's third-party-copy flag is shown wherever a remittance value appears), persons and
US$ millions written out ("no data" when missing, never 0), and links to corridor pages and successors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from dashboard.components.attrs import with_attrs
from dashboard.components.provenance import parse_flags
from dashboard.components.tile import format_number, missing
from dashboard.i18n import href, number, t
from dashboard.i18n.names import country_name

THIRD_PARTY = "third_party_copy"
WORDED = ("third_party_copy", "assumed_zero", "break")  # flags said in the interface's words (corridor.flag.*)


def flag_words(flags: str | None, skip: tuple[str, ...] = ()) -> list[str]:
    """A value's flags in words, one sentence each ("Third-party copy: not verified against the publisher's
    file"); keys in `skip` are left out (said once elsewhere)."""
    out = []
    parsed = parse_flags(flags)
    for key, value in parsed.items():
        if key in skip or (key == "nature" and "estimate" in parsed):  # the estimate's sentence says what nature=e says
            continue
        if key in WORDED:
            out.append(t(f"corridor.flag.{key}"))
        elif key == "estimate":
            out.append(t("corridor.flag.estimate", what=value))
        elif key == "suspect":
            out.append(t("corridor.flag.suspect", reason=value))
        elif key == "origin_by" and value in ("citizenship", "country_of_birth"):
            out.append(t(f"corridor.flag.origin_by.{value}"))
        else:
            out.append(f"{key}: {value}" if value else key)
    return out


def is_third_party(flags: str | None) -> bool:
    return THIRD_PARTY in parse_flags(flags)


def third_party_mark(flags: str | None) -> list[Any]:
    """A visible † after a remittance value from the third-party copy (its words in the title and the table's
    footnote); nothing for a value without that flag."""
    if not is_third_party(flags):
        return []
    mark = html.Span("†", className="flag-mark", title=t("corridor.flag.third_party_copy"))
    return [with_attrs(mark, {"aria-label": t("corridor.flag.third_party_copy")})]


def persons(value: float | None) -> str:
    """A migrant stock written out; "no data" when missing (never 0)."""
    return t("corridor.no_data") if missing(value) else format_number(float(value))


def millions(value: float | None) -> str:
    """A remittance flow in US$ million with one decimal; "no data" when missing (never 0)."""
    if missing(value):
        return t("corridor.no_data")
    return number(float(value), decimals=1)


def money_cell(row: Mapping[str, Any] | None, value_key: str = "value", flags_key: str = "flags") -> html.Td:
    """A table cell with a remittance value and its third-party mark (one component: tables of them are long)."""
    if row is None or missing(row.get(value_key)):
        return html.Td(t("corridor.no_data"), className="num no-data")
    if not is_third_party(row.get(flags_key)):
        return html.Td(millions(row[value_key]), className="num")
    return html.Td(f"{millions(row[value_key])} †", className="num flagged", title=t("corridor.flag.third_party_copy"))


def third_party_note(rows: Sequence[Mapping[str, Any]], flags_key: str = "flags") -> list[Any]:
    """The footnote that spells out the † mark, when any shown value carries it."""
    if not any(is_third_party(r.get(flags_key)) for r in rows):
        return []
    return [html.P(["† ", t("corridor.flag.third_party_copy")], className="flag-note")]


def corridor_link(origin: str, dest: str, text: str, release: str | None = None) -> dcc.Link:
    query = f"?release={release}" if release else ""
    return dcc.Link(text, href=href(f"/corridor/{origin}/{dest}{query}"))


def joined(items: list[Any], sep: str = ", ") -> list[Any]:
    out: list[Any] = []
    for n, item in enumerate(items):
        out += ([sep] if n else []) + [item]
    return out


def successor_links(successors: str | None, names: Mapping[str, str], partner: str | None = None,
                    as_origin: bool = True) -> list[Any]:  # fmt: skip
    """Links to a historical area's successors: their profiles, or with `partner` their corridors with it."""
    out = []
    for code in [c for c in (successors or "").split(",") if c]:
        text = f"{country_name(code, names.get(code, code))} ({code})"
        if partner is None:
            out.append(dcc.Link(text, href=href(f"/country/{code}")))
        else:
            pair = (code, partner) if as_origin else (partner, code)
            out.append(corridor_link(pair[0], pair[1], text))
    return joined(out)
