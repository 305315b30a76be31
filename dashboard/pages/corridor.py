"""`/corridor/<ORIGIN>/<DEST>`: both ends of a migration corridor: migrant stocks by sex over time (chart + table),
agreements and recruitment costs between the two, each side's dual-nationality rules, and an asymmetry note.
The sections are built by _corridor_view.py; this module registers the page and holds its layout, its callbacks
and its CSV."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from dashboard.components.downloads import csv_download
from dashboard.components.tile import status_key, value_text
from dashboard.i18n import t
from dashboard.i18n.names import country_name
from dashboard.pages import _corridor_view as view
from dashboard.pages._query import one, pinned_layout
from dashboard.queries.corridor import REMITTANCE_INDICATOR, STOCK_INDICATOR, Corridor, corridor, counted, principles
from dashboard.queries.country import Record, ReleaseTables, find, release_tables
from warehouse.releases import ReleaseError


def _title(origin: str | None = None, dest: str | None = None, **_: object) -> str:
    page = t("corridor.tab_title", origin=(origin or "")[:3].upper(), dest=(dest or "")[:3].upper())
    return t("app.page_title", page=page)


dash.register_page(
    __name__,
    path="/corridor/MEX/USA",
    path_template="/corridor/<origin>/<dest>",
    redirect_from=["/corridor"],
    title=_title,
    description=lambda **_: t("corridor.description"),
)


def _code(value: object) -> str:
    return (one(value) or "").strip()[:40].upper()


@pinned_layout(16)  # ?release= resolved once; a layout per release, language and URL
def layout(origin: object = None, dest: object = None, release: object = None, **_query: object) -> html.Div:
    release_id = one(release) or None
    try:
        return render(_code(origin), _code(dest), release_id)
    except ReleaseError as error:
        return html.Div([html.H1(t("release.not_available")), html.P(str(error))], className="corridor-page")


def render(origin: str, dest: str, release: str | None) -> html.Div:
    """The main callback of the page: both ends, one query per section."""
    tables, _ = release_tables(release)
    options = view.dropdown_options(tables, release)
    problems = [_problem(tables, origin, "origin"), _problem(tables, dest, "destination")]
    problems = [p for p in problems if p]
    if not problems and origin == dest:
        problems = [html.P(t("corridor.same"))]
    found = None if problems else _localised(corridor(origin, dest, tables.release_id))
    state = {"origin": origin, "dest": dest, "release": found.release_id} if found else None
    head = [
        html.H1(_heading(found, origin, dest)),
        view.controls(origin, dest, options, release),
        dcc.Store(id="corridor-state", data=state),
    ]
    if found is None:
        return html.Div(head + [html.Div(problems, id="corridor-problem")], className="corridor-page")
    return html.Div(head + view.corridor_body(found), className="corridor-page")


def _localised(found: Corridor | None) -> Corridor | None:
    """Both ends named in the reader's language."""
    if found is None:
        return None
    o, d = found.origin, found.dest
    return replace(
        found, origin=replace(o, name=country_name(o.iso3, o.name)), dest=replace(d, name=country_name(d.iso3, d.name))
    )


def _problem(tables: ReleaseTables, code: str, role: str) -> Any:
    """A sentence (with close matches) when a code is not a country of the release; None when it is. `role` is
    origin or destination."""
    if code in ("", "NONE"):
        return html.P(t(f"corridor.choose_{role}"))
    ref, matches = find(tables, code)
    if ref is not None and ref.is_aggregate:
        return html.P(t("corridor.aggregate", name=ref.name, code=ref.iso3, role=t(f"corridor.role.{role}")))
    if ref is None:
        close = ", ".join(f"{c.name} ({c.iso3})" for c in matches) or t("corridor.none")
        return html.P(t("corridor.unknown", code=code, role=t(f"corridor.role.{role}"), close=close))
    return None


def _heading(found: Corridor | None, origin: str, dest: str) -> str:
    if found is None:
        return t("corridor.title")
    return t("corridor.heading", origin=found.origin.name, o=origin, dest=found.dest.name, d=dest)


@dash.callback(
    Output("url", "pathname", allow_duplicate=True),
    Input("corridor-origin", "value"),
    Input("corridor-dest", "value"),
    State("url", "pathname"),
    prevent_initial_call=True,
)
def choose(origin: str | None, dest: str | None, pathname: str | None) -> object:
    """A new origin or destination goes into the URL (the page redraws from it; the query string is kept)."""
    if not origin or not dest:
        return no_update
    target = f"/corridor/{origin}/{dest}"
    return no_update if target == pathname else target  # the query (and with it ?lang=) is kept


@dash.callback(
    Output("corridor-download", "data"),
    Input("corridor-csv", "n_clicks"),
    State("corridor-state", "data"),
    prevent_initial_call=True,
)
def download_csv(n_clicks: int | None, state: dict[str, str] | None) -> object:
    if not state:
        return no_update
    found = _localised(corridor(state["origin"], state["dest"], state["release"]))
    if found is None:
        return no_update
    note = t("corridor.csv_note", origin=found.origin.name, dest=found.dest.name)
    filename = f"corridor_{found.origin.iso3}_{found.dest.iso3}_{found.release_id}.csv"
    return csv_download(corridor_frame(found), filename, found.release_id, note)


def corridor_frame(found: Corridor) -> pd.DataFrame:
    """Everything the page shows, long format: stock rows (both sources, with their flags), remittances in both
    directions (a missing one as a row without value: no data), agreements, recruitment, each side's rules and
    its scorecard on the corridor's principles; `value_shown` in the reader's words."""
    o, d = found.origin.iso3, found.dest.iso3
    stock = [{"section": "migrant stock", "indicator": STOCK_INDICATOR, "country": o, "partner_country": d, **r,
              "value": counted(r), "value_shown": t("level.no_data") if counted(r) is None else None}
             for r in found.stock]  # fmt: skip
    money = [_remittance_row(found, receiver, sender) for receiver, sender in ((o, d), (d, o))]
    pair = [{"section": "agreements and recruitment", "indicator": r["indicator_id"], **r}
            for r in found.agreements + found.recruitment]  # fmt: skip
    rules = [
        {"section": "rules", "indicator": r["indicator_id"], "country": iso3, "year": r["year"], "value": r["value"],
         "value_shown": value_text(r), "level": status_key(r) or "context", "source_id": r["source_id"],
         "flags": r["flags"]}
        for iso3, rows in found.rules.items() for r in rows
    ]  # fmt: skip
    frame = pd.DataFrame(stock + money + pair + rules + _card_rows(found)).drop(
        columns=["indicator_id"], errors="ignore"
    )
    return frame.assign(release=found.release_id)


def _remittance_row(found: Corridor, receiver: str, sender: str) -> Record:
    row = found.received(receiver)
    base = {"section": "remittances", "indicator": REMITTANCE_INDICATOR, "country": receiver,
            "partner_country": sender}  # fmt: skip
    if row is None:
        return {**base, "value": None, "value_shown": t("level.no_data")}
    keep = ("year", "sex", "value", "unit", "source_id", "flags")
    return {**base, **{k: row[k] for k in keep}}


def _card_rows(found: Corridor) -> list[Record]:
    out = []
    for iso3, card in found.cards.items():
        if "no_scorecard" in card:
            out.append({"section": "scorecard", "country": iso3, "status": "no scorecard",
                        "value_shown": card["no_scorecard"]})  # fmt: skip
            continue
        for number, group in principles(card).items():
            missing = "; ".join(f"{m['indicator_id']}: {m['reason']}" for m in group["missing"])
            out.append({"section": "scorecard", "indicator": f"principle {number}", "country": iso3,
                        "value": group["score"], "level": group["level"], "status": group["status"],
                        "missing": missing or None})  # fmt: skip
    return out
