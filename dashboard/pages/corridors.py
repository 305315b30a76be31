"""`/corridors?origin=PHL` or `/corridors?destination=QAT`: the corridor explorer. A country's corridors ranked by
the 2021 migrant stock (KNOMAD, both sexes) and by remittances (KNOMAD 2021, a third-party copy, every value
marked), each linking to /corridor/<ORIGIN>/<DEST>; the choice lives in the URL, so a copied link is shareable."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from dashboard.components.attrs import with_attrs
from dashboard.components.downloads import csv_download
from dashboard.components.provenance import provenance_badge
from dashboard.i18n import dropdown_labels, href, percent, t
from dashboard.i18n.names import country_name
from dashboard.pages._corridor_common import (
    corridor_link,
    flag_words,
    money_cell,
    persons,
    successor_links,
    third_party_note,
)
from dashboard.pages._corridor_sections import MODELLED
from dashboard.pages._corridor_view import dropdown_options
from dashboard.pages._query import pinned_layout
from dashboard.queries.corridors import ROLES, Ranking, ranking
from dashboard.queries.country import ReleaseTables, find, release_tables
from warehouse.releases import ReleaseError

SHOWN = 25  # rows per ranking unless ?all=1
SOURCES = ("knomad_migration", "knomad_remittances")

dash.register_page(
    __name__,
    path="/corridors",
    title=lambda **_: t("app.page_title", page=t("corridors.title")),
    description=lambda **_: t("corridors.description"),
)


def _one(value: object) -> str:
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value or "").strip()[:40]


@pinned_layout(32)  # ?release= resolved once; a layout per release, language and URL
def layout(origin: object = None, destination: object = None, release: object = None, all: object = None,
           **_query: object) -> html.Div:  # fmt: skip
    role, code = (
        ("destination", _one(destination)) if _one(destination) and not _one(origin) else ("origin", _one(origin))
    )
    try:
        return render(role, code.upper(), _one(release) or None, _one(all) == "1")
    except ReleaseError as error:
        return html.Div([html.H1(t("release.not_available")), html.P(str(error))], className="corridors-page")


def render(role: str, code: str, release: str | None, show_all: bool = False) -> html.Div:
    """The main callback of the page: the controls, then the two rankings of the chosen country (one query)."""
    tables, _ = release_tables(release)
    head = [html.H1(t("corridors.title")), html.P(t("corridors.intro"), className="corridor-note"),
            controls(role, code, dropdown_options(tables, release))]  # fmt: skip
    problem = _problem(tables, code)
    found = None if problem else ranking(code, role, release)
    if found is None:
        head.append(dcc.Store(id="corridors-state", data=None))
        return html.Div(head + [html.Div(problem, id="corridors-problem")], className="corridors-page")
    state = {"role": role, "code": code, "release": found.release_id}
    return html.Div(head + [dcc.Store(id="corridors-state", data=state), *body(found, show_all, release)],
                    className="corridors-page")  # fmt: skip


def _problem(tables: ReleaseTables, code: str) -> Any:
    if not code:
        return html.P(t("corridors.choose"))
    ref, matches = find(tables, code)
    if ref is not None and ref.is_aggregate:
        return html.P(t("corridors.aggregate", name=ref.name, code=ref.iso3))
    if ref is None:
        close = ", ".join(f"{c.name} ({c.iso3})" for c in matches) or t("corridor.none")
        return html.P(t("corridors.unknown", code=code, close=close))
    return None


def controls(role: str, code: str, options: list[dict[str, str]]) -> html.Div:
    known = {o["value"] for o in options}
    roles = [{"label": t(f"corridors.role.{r}"), "value": r} for r in ROLES]
    return html.Div(
        [
            html.Fieldset(
                [
                    html.Legend(t("corridors.as")),
                    dcc.RadioItems(id="corridors-role", options=roles, value=role, inline=True, className="radio-row"),
                ],
                className="control",
            ),  # fmt: skip
            html.Div(
                [
                    html.Label(t("corridors.country"), htmlFor="corridors-country"),
                    dcc.Dropdown(
                        id="corridors-country",
                        options=options,
                        value=code if code in known else None,
                        clearable=False,
                        placeholder=t("corridors.choose"),
                        labels=dropdown_labels(),
                    ),
                ],
                className="control",
            ),  # fmt: skip
            html.Button(t("country.download"), id="corridors-csv", className="button", type="button"),
            dcc.Download(id="corridors-download"),
        ],
        className="controls corridor-controls",
    )


def body(found: Ranking, show_all: bool, pinned: str | None = None) -> list[Any]:
    """The two rankings; `pinned` is the release named in the URL (kept on every link), None for the current."""
    ref, local = found.country, country_name(found.country.iso3, found.country.name)
    stock, money = found.by_stock(), found.by_money()
    if not stock and not money:
        return [_nothing(found)]
    total = sum(r["stock"] for r in stock)
    out: list[Any] = [
        html.H2(t(f"corridors.by_stock.{found.role}", name=local, code=ref.iso3)),
        html.P(
            t(f"corridors.summary.{found.role}", n=len(stock), total=persons(total), name=local),
            className="corridor-note",
            id="corridors-summary",
        ),  # fmt: skip
        _table(found, stock[: None if show_all else SHOWN], "stock", total, pinned),
        html.H2(t(f"corridors.by_money.{found.role}", name=local, code=ref.iso3)),
        _table(found, money[: None if show_all else SHOWN], "money", total, pinned),
        *third_party_note(money, "money_flags"),
        html.P(t("corridors.money_note"), className="corridor-note"),
    ]
    if not show_all and max(len(stock), len(money)) > SHOWN:
        params = {found.role: ref.iso3, "all": "1"} | ({"release": pinned} if pinned else {})
        out.append(html.P(dcc.Link(t("corridors.show_all", n=max(len(stock), len(money))),
                                   href=href(f"/corridors?{urlencode(params)}"), id="corridors-show-all")))  # fmt: skip
    badges = [provenance_badge(s, MODELLED if n else "", False, found.tables.sources.get(s))
              for n, s in enumerate(SOURCES)]  # fmt: skip
    return out + [html.Div(badges, className="corridor-badges")]


def _nothing(found: Ranking) -> html.P:
    ref = found.country
    if ref.area_kind == "historical":
        names = {c.iso3: c.name for c in found.tables.countries.values()}
        links = successor_links(ref.successors, names)
        return html.P([t("corridors.historical", name=ref.name, code=ref.iso3), " ", *links, "."],
                      id="corridors-historical")  # fmt: skip
    return html.P(t("corridors.none", name=ref.name), id="corridors-none")


def _table(found: Ranking, rows: list[dict[str, Any]], by: str, total: float, pinned: str | None) -> html.Div:
    """One ranking: rank, partner (linked to the corridor page), migrants, share of all, remittances, flags."""
    partner_role = "destination" if found.role == "origin" else "origin"
    money_col = t(f"corridors.money_col.{found.role}")
    head = [t("corridors.rank"), t(f"corridor.label.{partner_role}")]
    head += [t("corridors.stock_col"), t("corridors.share_col"), money_col] if by == "stock" else [
        money_col, t("corridors.stock_col"), t("corridors.share_col")]  # fmt: skip
    head.append(t("corridor.flags"))
    body = [_row(found, n + 1, r, by, total, pinned) for n, r in enumerate(rows)]
    caption = t(f"corridors.caption.{by}", year=_year(rows, by))
    table = html.Table(
        [html.Caption(caption, className="visually-hidden"),
         html.Thead(html.Tr([html.Th(h, scope="col", className="num" if i > 1 and i < 5 else None)
                             for i, h in enumerate(head)])), html.Tbody(body)],
        id=f"corridors-by-{by}", className="data-table compact corridor-table corridors-ranking",
    )  # fmt: skip
    shown = with_attrs(html.P(caption, className="ranking-caption"), {"aria-hidden": "true"})  # the caption, on screen
    return html.Div([shown, html.Div(table, className="table-scroll")])  # a narrow screen scrolls the table alone


def _year(rows: list[dict[str, Any]], by: str) -> str:
    years = sorted({r["stock_year" if by == "stock" else "money_year"] for r in rows} - {None})
    return ", ".join(str(y) for y in years) or "-"


def _row(found: Ranking, rank: int, r: dict[str, Any], by: str, total: float, pinned: str | None) -> html.Tr:
    ref = found.tables.countries.get(r["partner"])
    name = f"{country_name(r['partner'], ref.name if ref else r['partner'])} ({r['partner']})"
    pair = (found.country.iso3, r["partner"]) if found.role == "origin" else (r["partner"], found.country.iso3)
    stock = html.Td(persons(r["stock"]), className="num" + (" no-data" if r["stock"] is None else ""))
    share = html.Td("" if r["stock"] is None or not total else percent(r["stock"] / total, decimals=1), className="num")
    money = money_cell(r, "money", "money_flags")
    flags = flag_words(r["stock_flags"], skip=("break",)) + flag_words(r["money_flags"],
                                                                       skip=("third_party_copy", "estimate"))  # fmt: skip
    cells = [stock, share, money] if by == "stock" else [money, stock, share]
    return html.Tr([html.Td(rank, className="num"), html.Td(corridor_link(pair[0], pair[1], name, pinned)), *cells,
                    html.Td("; ".join(flags), className="flags")])  # fmt: skip


def ranking_frame(found: Ranking) -> pd.DataFrame:
    """Every corridor of the country (not only those shown), ranked by stock, with years, sources and flags."""
    stock_rank = {r["partner"]: n + 1 for n, r in enumerate(found.by_stock())}
    money_rank = {r["partner"]: n + 1 for n, r in enumerate(found.by_money())}
    rows = [{"country": found.country.iso3, "role": found.role, "partner_country": r["partner"],
             "rank_by_stock": stock_rank.get(r["partner"]), "rank_by_remittances": money_rank.get(r["partner"]),
             "migrant_stock": r["stock"], "stock_year": r["stock_year"], "stock_source": SOURCES[0] if r["stock"] is not None else None,
             "stock_flags": r["stock_flags"], "remittances_usd_million": r["money"], "remittances_year": r["money_year"],
             "remittances_source": SOURCES[1] if r["money"] is not None else None, "remittances_flags": r["money_flags"]}
            for r in found.rows]  # fmt: skip
    return pd.DataFrame(rows).assign(release=found.release_id)


@dash.callback(
    Output("url", "search", allow_duplicate=True),
    Input("corridors-role", "value"),
    Input("corridors-country", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def choose(role: str | None, code: str | None, search: str | None) -> object:
    """A new role or country goes into the query string (release and language kept); the page redraws from it."""
    if not code or role not in ROLES:
        return no_update
    kept = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k not in ("origin", "destination", "all")]
    target = "?" + urlencode([(role, code), *kept])
    return no_update if target == (search or "") else target


@dash.callback(
    Output("corridors-download", "data"),
    Input("corridors-csv", "n_clicks"),
    State("corridors-state", "data"),
    prevent_initial_call=True,
)
def download_csv(n_clicks: int | None, state: dict[str, str] | None) -> object:
    if not state:
        return no_update
    found = ranking(state["code"], state["role"], state["release"])
    if found is None:
        return no_update
    note = t(f"corridors.csv_note.{found.role}", name=found.country.name, code=found.country.iso3)
    filename = f"corridors_{found.role}_{found.country.iso3}_{found.release_id}.csv"
    return csv_download(ranking_frame(found), filename, found.release_id, note)
