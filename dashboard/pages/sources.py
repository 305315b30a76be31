"""`/sources`: every source with publisher, licence (flagged when not verified), citation, link, release dates, file
checksums, what it feeds and how many values it gives, and the names and codes kept apart from the countries.
Each source is a section with id=<source_id>, so any page can link to /sources#<source_id>."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard.components.downloads import csv_download
from dashboard.i18n import current_lang, date, href, ind_text, number, source_text, t, use_lang
from dashboard.memo import memo
from dashboard.pages._query import one, pinned_layout, view_release
from dashboard.queries import source_list as q
from warehouse.connection import NoReleaseError

dash.register_page(
    __name__,
    path="/sources",
    title=lambda **_: t("app.page_title", page=t("sources.title")),
    description=lambda **_: t("sources.description"),
)

LICENCE_WARNING = "Licence not verified: check before redistributing."  # English; shown as sources.licence_warning
REASONS = ("aggregate", "not_a_country", "unmatched")  # words: reason.* (why a name is kept apart)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


@pinned_layout(4)  # ?release= resolved once; a layout per release, language and URL
def layout(release: str | None = None, **_other: str) -> html.Div:
    release = one(release)
    try:
        data = page_data(release)
    except NoReleaseError as exc:
        return html.Div([html.H1(t("sources.title")), html.P(str(exc), role="alert", className="notice-error")])
    with use_lang(current_lang()):  # the request's language looked up once, not once per text
        parts = q.per_source(data)
        return html.Div(
            [
                html.H1(t("sources.title")),
                html.P(t("sources.lede"), className="lede"),
                summary_table(parts),
                html.Div(
                    html.Button(t("sources.csv"), id="sources-csv-button", className="button"),
                    className="button-row",
                ),
                dcc.Download(id="sources-csv"),
                html.Div([source_section(p) for p in parts], id="sources-list"),
                dcc.Store(id="sources-release", data=view_release(release)),
                html.Span(id="sources-scrolled", hidden=True),
            ],
            className="sources-page",
        )


def page_data(release: str | None) -> dict[str, pd.DataFrame]:
    """Every frame the page draws, one query each."""
    return {
        "sources": q.sources(release),
        "files": q.files(release),
        "indicators": q.indicators(release),
        "unmatched": q.unmatched(release),
        "usage": q.usage(release),
    }


def _licence(row: Mapping[str, object]) -> list[object]:
    parts: list[object] = [_text(row["licence"]) or t("sources.not_stated")]
    if not bool(row.get("licence_verified")):
        parts += [" ", html.Span(f"⚠ {t('sources.licence_warning')}", className="licence-warning")]
    return parts


def _no_values(p: q.SourceParts) -> str:
    return t("sources.none_yet") if p.feeds else t("sources.reference_only")


def _values(p: q.SourceParts) -> str:
    return number(int(p.usage["values"])) if p.usage is not None else _no_values(p)


def summary_table(parts: list[q.SourceParts]) -> html.Table:
    status = {True: t("sources.stated"), False: t("sources.not_verified")}
    rows = [html.Tr([html.Th(html.A(p.row["title"], href=f"#{p.sid}"), scope="row"), html.Td(p.row["publisher"]),
                     html.Td(status[bool(p.row["licence_verified"])]), html.Td(_values(p))])
            for p in parts]  # fmt: skip
    head = html.Tr([html.Th(t(f"sources.head.{h}"), scope="col") for h in ("source", "publisher", "licence", "values")])
    return html.Table([html.Caption(t("home.tile.n_sources", n=len(parts))), html.Thead(head), html.Tbody(rows)],
                      className="data-table", id="sources-summary")  # fmt: skip


def source_section(p: q.SourceParts) -> html.Section:
    row = p.row
    dates = sorted({_text(f["release_date"]) for f in p.files if _text(f["release_date"])})
    facts: list[tuple[str, Any]] = [
        (t("sources.fact.id"), html.Code(p.sid)),
        (t("sources.head.publisher"), _text(row["publisher"])),
        (t("sources.fact.licence"), _licence(row)),
        (t("sources.fact.citation"), _text(row["citation"])),
        (
            t("sources.fact.link"),
            html.A(_text(row["url"]), href=_text(row["url"])) if _text(row["url"]) else t("corridor.none"),
        ),
        (t("sources.fact.dates"), "; ".join(_date(d) for d in dates) if dates else t("sources.dates_not_stated")),
        (t("sources.fact.in_release"), _usage_text(p) or _no_values(p)),
        (t("col.note"), source_text(p.sid, "note", _text(row["note"]))),
    ]
    items = [part for label, value in facts if value for part in (html.Dt(label), html.Dd(value))]
    return html.Section(
        [html.H2(_text(row["title"])), html.Dl(items, className="about"), _feeds(p), _files(p.files), _unmatched(p)],
        id=p.sid,
        className="source",
        tabIndex="-1",
    )  # fmt: skip


def _date(value: object) -> str:
    return _dates(_text(value), current_lang())


@memo(256)
def _dates(value: str, lang: str) -> str:
    """A release date in the language's pattern (Babel's formatting is most of a file row's cost: kept)."""
    return date(value, lang)


def _usage_text(p: q.SourceParts) -> str:
    u = p.usage
    if u is None:
        return ""
    return t("sources.usage", values=number(int(u["values"])), countries=int(u["countries"]), first=int(u["first_year"]),
             last=int(u["last_year"]))  # fmt: skip


def _feeds(p: q.SourceParts) -> html.Div:
    if not p.feeds:
        return html.Div(html.P(t("sources.feeds_none")))
    context = t("sources.context")
    items = [html.Li([html.A(ind_text(r["indicator_id"], "title", r["title"]), href=href(f"/indicator/{r['indicator_id']}")),
                      "" if r["scored"] else context])
             for r in p.feeds]  # fmt: skip
    heading = t("sources.feeds_one") if len(p.feeds) == 1 else t("sources.feeds", n=len(p.feeds))
    return html.Div([html.H3(heading), html.Ul(items)])


def _files(files: list[dict[str, Any]]) -> html.Details | html.Div:
    if not files:
        return html.Div()
    rows = [html.Tr([html.Td(f["file"]), html.Td(_date(f["release_date"])), html.Td(f["sha256"], className="checksum")])
            for f in files]  # fmt: skip
    head = html.Tr([html.Th(h, scope="col") for h in (t("sources.file"), t("sources.release_date"), "SHA-256")])
    table = html.Table([html.Thead(head), html.Tbody(rows)], className="data-table compact")
    return html.Details([html.Summary(t("sources.files", n=len(files))), table], className="files", open=True)


def _unmatched(p: q.SourceParts) -> html.Details | html.Div:
    """The names and codes kept apart: one row per reason and file listing them (a source may keep hundreds of
    aggregates apart: a row each was most of the page)."""
    if not p.unmatched:
        return html.Div(html.P(t("sources.all_matched")), className="unmatched-none")
    groups: dict[tuple[str, str], list[str]] = {}
    for r in p.unmatched:
        groups.setdefault((str(r["reason"]), str(r["file"])), []).append(str(r["key"]))
    counts = Counter(str(r["reason"]) for r in p.unmatched)
    summary = t("sources.kept_apart", n=len(p.unmatched),
                counts=", ".join(f"{n} {_reason_short(reason)}" for reason, n in sorted(counts.items())))  # fmt: skip
    rows = [html.Tr([html.Td(_listed(keys)), html.Td(_reason(reason)), html.Td(file)])
            for (reason, file), keys in sorted(groups.items())]  # fmt: skip
    head = html.Tr([html.Th(h, scope="col") for h in (t("sources.as_published"), t("sources.why"), t("sources.file"))])
    table = html.Table([html.Thead(head), html.Tbody(rows)], className="data-table compact")
    return html.Details([html.Summary(summary), table], className="unmatched", id=f"{p.sid}-unmatched")


def _listed(keys: list[str]) -> list[str]:
    """Names as separate texts with '; ' between them (a name may hold a comma: "Korea, Rep.")."""
    return [part for i, key in enumerate(sorted(keys)) for part in (("; ", key) if i else (key,))]


def _reason(reason: str) -> str:
    return t(f"reason.{reason}") if reason in REASONS else reason


def _reason_short(reason: str) -> str:
    return t(f"reason.short.{reason}") if reason in REASONS else reason.replace("_", " ")


def source_list_frame(data: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The list as a table (one row per source) for the CSV download."""
    rows = []
    for p in q.per_source(data):
        r = p.row
        rows.append({"source_id": p.sid, "title": r["title"], "publisher": r["publisher"], "licence": r["licence"],
                     "licence_verified": bool(r["licence_verified"]), "citation": r["citation"], "url": r["url"],
                     "release_dates": "; ".join(sorted({_text(f["release_date"]) for f in p.files
                                                        if _text(f["release_date"])})),
                     "files": len(p.files), "values": int(p.usage["values"]) if p.usage is not None else 0,
                     "feeds": ", ".join(str(f["indicator_id"]) for f in p.feeds)})  # fmt: skip
    return pd.DataFrame(rows)


@callback(
    Output("sources-csv", "data"),
    Input("sources-csv-button", "n_clicks"),
    State("sources-release", "data"),
    prevent_initial_call=True,
)
def download_sources(_clicks: int | None, release: str | None) -> dict[str, object]:
    frame = source_list_frame(page_data(release))
    return csv_download(frame, "sources.csv", q.release_id(release), t("sources.csv_note"))


# A link to /sources#<id> arrives before the page is drawn: scroll to the section once it exists.
clientside_callback(
    """function (children) {
        const id = decodeURIComponent(window.location.hash.slice(1));
        const target = id && document.getElementById(id);
        if (target) { setTimeout(function () { target.scrollIntoView(); target.focus({preventScroll: true}); }, 0); }
        return id || "";
    }""",
    Output("sources-scrolled", "children"),
    Input("sources-list", "children"),
)
