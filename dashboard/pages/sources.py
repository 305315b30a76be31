"""`/sources`: every source with publisher, licence (flagged when not verified), citation, link, release dates, file
checksums, what it feeds and how many values it gives, and the names and codes kept apart from the countries.
Each source is a section with id=<source_id>, so any page can link to /sources#<source_id>."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard.components.downloads import csv_download
from dashboard.i18n import date, href, ind_text, number, t
from dashboard.pages._memo import memo_layout
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


def _one(value: object) -> str | None:
    if isinstance(value, list):
        value = value[-1] if value else None
    return str(value).strip() if value else None


@memo_layout(4)  # a layout per release, language and URL (see _memo.py)
def layout(release: str | None = None, **_other: str) -> html.Div:
    release = _one(release)
    try:
        data = page_data(release)
    except NoReleaseError as exc:
        return html.Div([html.H1(t("sources.title")), html.P(str(exc), role="alert", className="notice-error")])
    sources = data["sources"]
    return html.Div(
        [
            html.H1(t("sources.title")),
            html.P(t("sources.lede"), className="lede"),
            summary_table(sources, data["usage"], data["indicators"]),
            html.Div(
                html.Button(t("sources.csv"), id="sources-csv-button", className="button"),
                className="button-row",
            ),
            dcc.Download(id="sources-csv"),
            html.Div([source_section(r, data) for r in sources.to_dict("records")], id="sources-list"),
            dcc.Store(id="sources-release", data=release),
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


def _no_values(sid: str, indicators: pd.DataFrame) -> str:
    return t("sources.none_yet") if len(q.feeds(sid, indicators)) else t("sources.reference_only")


def summary_table(sources: pd.DataFrame, usage: pd.DataFrame, feeds: pd.DataFrame) -> html.Table:
    counts = usage.set_index("source_id")
    rows = []
    for r in sources.to_dict("records"):
        used = counts.loc[r["source_id"]] if r["source_id"] in counts.index else None
        values = number(int(used["values"])) if used is not None else _no_values(str(r["source_id"]), feeds)
        status = t("sources.stated") if bool(r["licence_verified"]) else t("sources.not_verified")
        rows.append(html.Tr([html.Th(html.A(r["title"], href=f"#{r['source_id']}"), scope="row"),
                             html.Td(r["publisher"]), html.Td(status), html.Td(values)]))  # fmt: skip
    head = html.Tr([html.Th(t(f"sources.head.{h}"), scope="col") for h in ("source", "publisher", "licence", "values")])
    return html.Table([html.Caption(t("home.tile.n_sources", n=len(sources))), html.Thead(head), html.Tbody(rows)],
                      className="data-table", id="sources-summary")  # fmt: skip


def source_section(row: Mapping[str, object], data: Mapping[str, pd.DataFrame]) -> html.Section:
    sid = str(row["source_id"])
    files = data["files"][data["files"]["source_id"] == sid]
    dates = sorted({_text(d) for d in files["release_date"] if _text(d)})
    facts: list[tuple[str, Any]] = [
        (t("sources.fact.id"), html.Code(sid)),
        (t("sources.head.publisher"), _text(row["publisher"])),
        (t("sources.fact.licence"), _licence(row)),
        (t("sources.fact.citation"), _text(row["citation"])),
        (
            t("sources.fact.link"),
            html.A(_text(row["url"]), href=_text(row["url"])) if _text(row["url"]) else t("corridor.none"),
        ),
        (t("sources.fact.dates"), "; ".join(date(d) for d in dates) if dates else t("sources.dates_not_stated")),
        (t("sources.fact.in_release"), _usage_text(sid, data["usage"]) or _no_values(sid, data["indicators"])),
        (t("col.note"), _text(row["note"])),
    ]
    items = [part for label, value in facts if value for part in (html.Dt(label), html.Dd(value))]
    return html.Section(
        [html.H2(_text(row["title"])), html.Dl(items, className="about"), _feeds(sid, data["indicators"]),
         _files(files), _unmatched(sid, data["unmatched"])],
        id=sid,
        className="source",
        tabIndex="-1",
    )  # fmt: skip


def _usage_text(sid: str, usage: pd.DataFrame) -> str:
    used = usage[usage["source_id"] == sid]
    if used.empty:
        return ""
    u = used.iloc[0]
    return t("sources.usage", values=number(int(u["values"])), countries=int(u["countries"]), first=int(u["first_year"]),
             last=int(u["last_year"]))  # fmt: skip


def _feeds(sid: str, indicators: pd.DataFrame) -> html.Div:
    fed = q.feeds(sid, indicators)
    if fed.empty:
        return html.Div(html.P(t("sources.feeds_none")))
    items = [html.Li([html.A(ind_text(r.indicator_id, "title", r.title), href=href(f"/indicator/{r.indicator_id}")),
                      "" if r.scored else t("sources.context")])
             for r in fed.itertuples()]  # fmt: skip
    heading = t("sources.feeds_one") if len(fed) == 1 else t("sources.feeds", n=len(fed))
    return html.Div([html.H3(heading), html.Ul(items)])


def _files(files: pd.DataFrame) -> html.Details | html.Div:
    if files.empty:
        return html.Div()
    rows = [html.Tr([html.Td(r.file), html.Td(date(_text(r.release_date))), html.Td(r.sha256, className="checksum")])
            for r in files.itertuples()]  # fmt: skip
    head = html.Tr([html.Th(h, scope="col") for h in (t("sources.file"), t("sources.release_date"), "SHA-256")])
    table = html.Table([html.Thead(head), html.Tbody(rows)], className="data-table compact")
    return html.Details([html.Summary(t("sources.files", n=len(files))), table], className="files", open=True)


def _unmatched(sid: str, unmatched: pd.DataFrame) -> html.Details | html.Div:
    kept = unmatched[unmatched["source_id"] == sid]
    if kept.empty:
        return html.Div(html.P(t("sources.all_matched")), className="unmatched-none")
    counts = ", ".join(
        f"{n} {_reason_short(reason)}" for reason, n in kept["reason"].value_counts().sort_index().items()
    )
    rows = [html.Tr([html.Td(r.key), html.Td(_reason(r.reason)), html.Td(r.file)]) for r in kept.itertuples()]
    head = html.Tr([html.Th(h, scope="col") for h in (t("sources.as_published"), t("sources.why"), t("sources.file"))])
    table = html.Table([html.Thead(head), html.Tbody(rows)], className="data-table compact")
    summary = t("sources.kept_apart", n=len(kept), counts=counts)
    return html.Details([html.Summary(summary), table], className="unmatched", id=f"{sid}-unmatched")


def _reason(reason: str) -> str:
    return t(f"reason.{reason}") if reason in REASONS else reason


def _reason_short(reason: str) -> str:
    return t(f"reason.short.{reason}") if reason in REASONS else reason.replace("_", " ")


def source_list_frame(data: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The list as a table (one row per source) for the CSV download."""
    files, usage = data["files"], data["usage"].set_index("source_id")
    rows = []
    for r in data["sources"].to_dict("records"):
        sid = r["source_id"]
        own = files[files["source_id"] == sid]
        rows.append({"source_id": sid, "title": r["title"], "publisher": r["publisher"], "licence": r["licence"],
                     "licence_verified": bool(r["licence_verified"]), "citation": r["citation"], "url": r["url"],
                     "release_dates": "; ".join(sorted({_text(d) for d in own["release_date"] if _text(d)})),
                     "files": len(own), "values": int(usage.loc[sid, "values"]) if sid in usage.index else 0,
                     "feeds": ", ".join(q.feeds(sid, data["indicators"])["indicator_id"])})  # fmt: skip
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
