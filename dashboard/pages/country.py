"""`/country/<ISO3>`: the scorecard of one country, by theme or by MFLM principle (?group=theme|principle), with
theme aggregates, legal events timeline, print layout and a CSV of exactly what is shown (?release= for a citation)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from dashboard.components.downloads import csv_download
from dashboard.components.levels import legend, level_badge, style_of
from dashboard.components.tile import (
    aggregate_words,
    csv_row,
    format_number,
    history_link,
    missing,
    table_label,
    tile,
    tile_body,
    with_attrs,
)
from dashboard.components.timeline import timeline
from dashboard.i18n import (
    area_text,
    current_lang,
    group_text,
    href,
    ind_text,
    missing_text,
    parts,
    percent,
    principle_text,
    t,
    theme_text,
    use_lang,
)
from dashboard.i18n.names import country_name
from dashboard.pages._country_corridors import corridor_sections
from dashboard.pages._practice_view import country_section
from dashboard.pages._query import one, pinned_layout
from dashboard.queries import indicator as q_indicator
from dashboard.queries.country import CountryRef, Profile, historical_areas, lookup, no_scorecard, profile
from dashboard.queries.sexes import Pair, women_and_men
from indicators.levels import format_code
from warehouse.practices import of_country
from warehouse.releases import ReleaseError

GROUPS = {"theme": "By theme", "principle": "By MFLM principle"}  # shown as country.group.*


def _title(iso3: str | None = None, **_: object) -> str:
    return t("app.page_title", page=t("country.tab_title", code=(iso3 or "").upper()[:12]))


dash.register_page(
    __name__,
    path_template="/country/<iso3>",
    title=_title,
    description=lambda **_: t("country.description"),
)


@pinned_layout(32)  # ?release= resolved once; a layout per release, language and URL
def layout(iso3: str | None = None, group: object = None, release: object = None, **_query: object) -> html.Div:
    grouping = one(group) or "theme"
    grouping = grouping if grouping in GROUPS else "theme"
    code = (one(iso3) or "")[:40]
    try:
        with use_lang(current_lang()):  # the request's language looked up once, not once per text (~1,500 a page)
            return render(code, grouping, one(release))
    except ReleaseError as error:
        return html.Div([html.H1(t("release.not_available")), html.P(str(error))], className="country-page")


def render(code: str, group: str, release: str | None) -> html.Div:
    """The main callback of the page: lookup, one query per section, tiles."""
    ref, matches = lookup(code, release)
    if ref is None:
        return unknown_page(code, matches)
    if ref.is_aggregate:
        return aggregate_page(ref)
    unscored = no_scorecard(ref.iso3, release)
    if unscored is not None:
        return unscored_page(*unscored)
    prof = profile(ref.iso3, release)
    return unknown_page(code, []) if prof is None else profile_page(prof, group, release)


def unscored_page(area: Mapping[str, Any], reason: str, values: Sequence[Mapping[str, Any]]) -> html.Div:
    """An uninhabited area (no scorecard, and why) or a historical one (why, its successors, its values)."""
    kind = area.get("area_kind")
    body: list[Any] = [
        html.H1(f"{country_name(area['iso3'], area['name'])} ({area['iso3']})"),
        html.P(
            t(f"country.unscored.{kind}", years=area.get("years") or "", code=area.get("iso3166_3") or ""),
            id="country-unscored",
        ),  # fmt: skip
    ]
    successors = [c for c in (area.get("successors") or "").split(",") if c]
    if successors:
        links = [dcc.Link(country_name(c, c), href=href(f"/country/{c}")) for c in successors]
        body.append(html.P([t("country.successors"), " ", *_joined(links)], id="country-successors"))
    if values:
        body += [html.H2(t("country.historical_values")), historical_table(values)]
    body.append(html.P(dcc.Link(t("country.back"), href=href("/"))))
    return with_attrs(html.Div(body, className="country-page country-missing"), {"data-reason": reason})


def _joined(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for n, item in enumerate(items):
        out += ([", "] if n else []) + [item]
    return out


def historical_table(values: Sequence[Mapping[str, Any]]) -> html.Table:
    """The latest value per indicator (and corridor partner) of a historical area, with year and source."""
    head = html.Tr([html.Th(t(k)) for k in ("table.indicator", "table.value", "table.year", "table.source")])
    rows = [
        html.Tr([
            html.Td(ind_text(v["indicator_id"], "title", v["title"]) + (f" → {v['partner_country']}"
                                                                          if v.get("partner_country") else "")),
            html.Td(_historical_value(v)),
            html.Td(str(v["year"])), html.Td(v["source_id"]),
        ])
        for v in values
    ]  # fmt: skip
    return html.Table([html.Thead(head), html.Tbody(rows)], className="data-table historical-values")


def _historical_value(v: Mapping[str, Any]) -> str:
    """A category by its table's label in the reader's language (GLOBALCIT's code 1: "Accepted for emigrants
    only"), else the publisher's label; a number with its unit."""
    if not v.get("value_label"):
        return f"{v['value']:,.4g} {v.get('unit') or ''}".strip()
    code = str(v["value_label"]) if missing(v.get("value")) else format_code(v["value"])
    return table_label(str(v["indicator_id"]), code) or str(v["value_label"])


def unknown_page(code: str, matches: list[CountryRef]) -> html.Div:
    suggestions: Any = (
        html.Ul([html.Li(dcc.Link(f"{c.name} ({c.iso3})", href=href(f"/country/{c.iso3}"))) for c in matches])
        if matches
        else html.P(parts("country.no_match", link=dcc.Link(t("country.overview"), href=href("/"))))
    )
    return html.Div(
        [
            html.H1(t("country.not_found")),
            html.P(t("country.unknown", code=code), id="country-unknown"),
            html.H2(t("country.did_you_mean")),
            suggestions,
        ],
        className="country-page country-missing",
    )


def aggregate_page(ref: CountryRef) -> html.Div:
    kind = f" ({ref.aggregate_kind})" if ref.aggregate_kind else ""
    return html.Div(
        [
            html.H1(f"{ref.name} ({ref.iso3})"),
            html.P(t("country.aggregate", name=ref.name, kind=kind), id="country-aggregate"),
            html.P(dcc.Link(t("country.back"), href=href("/"))),
        ],
        className="country-page country-missing",
    )


def _href(iso3: str, group: str, release: str | None) -> str:
    query = {"group": group, **({"release": release} if release else {})}
    return href(f"/country/{iso3}?{urlencode(query)}")


def profile_page(prof: Profile, group: str, release: str | None) -> html.Div:
    body = sections(prof, group)
    titles = {ind["indicator_id"]: ind["title"] for ind in prof.tables.indicators}
    page = html.Div(
        [
            dcc.Store(id="country-state", data={"iso3": prof.country.iso3, "group": group, "release": prof.release_id}),
            header(prof, group, release),
            toolbar(prof.country.iso3, group, release),
            html.Div(legend(), className="country-legend"),
            html.Div(body, id="country-scorecard", className=f"country-scorecard group-{group}"),
            html.Section(
                [html.H2(t("timeline.list_label")), timeline(prof.events, titles, "country")],
                id="country-events",
                className="country-section",
            ),
            country_section(prof.country.iso3, of_country(prof.country.iso3, prof.release_id)),
            *corridor_sections(prof),
            *historical_sections(prof),
        ],
        className="country-page",
    )
    return with_attrs(page, {"data-iso3": prof.country.iso3, "data-group": group})


def historical_sections(prof: Profile) -> list[html.Section]:
    """The historical areas this country succeeds, with their values marked historical (e.g. Yugoslavia)."""
    out = []
    for ref, values in historical_areas(prof.country.iso3, prof.release_id):
        title = t("country.historical_title", name=country_name(ref.iso3, ref.name), code=ref.iso3)
        link = dcc.Link(title, href=href(f"/country/{ref.iso3}"))
        body = [html.H2(link), html.P(t("country.historical_note")), historical_table(values)] if values else []
        out.append(html.Section(body, id=f"historical-{ref.iso3}", className="country-section historical"))
    return [s for s in out if s.children]


def header(prof: Profile, group: str, release: str | None) -> html.Header:
    ref, tables = prof.country, prof.tables
    theme_view = "" if group == "theme" else _href(ref.iso3, "theme", release)  # the sections are in that view
    where = " · ".join(group_text(x) for x in (ref.un_region, ref.un_subregion) if x) or t("country.no_region")
    themes = [
        html.Li(
            [
                html.A(
                    theme_text(th["theme"], "title", th["title"]),
                    href=f"{theme_view}#theme-{th['theme']}",
                    className="agg-name",
                ),  # fmt: skip
                " ",
                aggregate_view(
                    prof.aggregates.get(("theme", th["theme"])),
                    tables.coverage_threshold,
                    prof.group("theme", th["theme"]),
                    prof.card["min_indicators"],
                ),
            ],
            className="agg-item",
        )
        for th in tables.themes
    ]
    return html.Header(
        [
            html.H1(
                [country_name(ref.iso3, ref.name), " ", html.Span(f"({ref.iso3})", className="country-code")],
                id="country-name",
            ),  # fmt: skip
            html.P(
                [f"{where} · ", html.Span(group_text(ref.income_group) or t("country.no_income"), className="income")]
            ),
            html.P(
                parts(
                    "country.release",
                    release=html.Code(tables.release_id, id="country-release"),
                    year=tables.status_year,
                    version=tables.methodology_version,
                ),
                className="country-release",
            ),  # fmt: skip
            html.P(principle_summary(prof), id="country-principle-summary", className="principle-summary"),
            html.H2(t("country.themes"), className="visually-hidden"),
            html.Ul(themes, id="country-themes", className="agg-list"),
            html.P(t("country.level_rule"), id="country-level-rule", className="note"),
        ],
        className="country-header",
    )


def principle_summary(prof: Profile) -> str:
    """One line on the MFLM principles: how many are scored and at which levels, and why the others are not
    ("Scored on 6 of 15 MFLM principles: 4 ✓ Achieved, 2 ! Challenges remain; not scored: 5 not measured by public
    data, 4 too little data")."""
    numbers = [str(p["principle"]) for p in prof.tables.principles]
    scored = [a for n in numbers if (a := prof.aggregates.get(("principle", n))) and a.get("score") is not None]
    counts = Counter(str(a["level"]) for a in scored)
    levels = ", ".join(f"{counts[lv]} {style_of(lv).icon} {style_of(lv).label}" for lv in LEVEL_ORDER if counts[lv])
    statuses = Counter((prof.group("principle", n) or {}).get("status") for n in numbers)
    unmeasured = statuses.get("not_measured", 0)
    rest = len(numbers) - len(scored) - unmeasured
    head = t("country.principles_scored", n=len(scored), of=len(numbers), levels=levels or t("country.none_scored"))
    tail = [t("country.principles_unmeasured", n=unmeasured)] if unmeasured else []
    tail += [t("country.principles_little_data", n=rest)] if rest > 0 else []
    return head + (t("country.principles_not_scored", reasons=", ".join(tail)) if tail else ".")


LEVEL_ORDER = ("green", "yellow", "orange", "red")


def aggregate_view(agg: Mapping[str, Any] | None, threshold: float, group: Mapping[str, Any] | None = None,
                   minimum: int = 2) -> html.Span:  # fmt: skip
    """Level badge with the score, or why there is none in words (the scorecard's status: below coverage, a
    single indicator, not measured by public data)."""
    if agg is None or agg.get("score") is None:
        if group is not None:
            words = t(f"scorecard.status.{group['status']}", n=group.get("n_with_data") or 0,
                      of=group.get("n_mapped") or 0, needed=percent(threshold), minimum=minimum)  # fmt: skip
            return html.Span(words, className="agg-coverage")
        return html.Span(aggregate_words(agg, threshold), className="agg-coverage")
    words = aggregate_words(agg, threshold)
    score = t("country.score", score=f"{agg['score']:.0f}")
    return html.Span([level_badge(agg["level"], score), " ", words.split("; ", 1)[-1]])


def toolbar(iso3: str, group: str, release: str | None) -> html.Div:
    switch = [
        with_attrs(html.Span(t(f"country.group.{key}"), className="toggle toggle-active"), {"aria-current": "true"})
        if key == group
        else dcc.Link(
            t(f"country.group.{key}"), href=_href(iso3, key, release), className="toggle", id=f"country-group-{key}"
        )  # fmt: skip
        for key in GROUPS
    ]
    return html.Div(
        [
            with_attrs(html.Div(switch, className="toggle-group", role="group"), {"aria-label": t("country.group_by")}),
            html.Button(t("country.print"), id="country-print", className="button", type="button"),
            html.A(
                t("country.briefing"),
                href=briefing_href(iso3, release),
                id="country-briefing",
                className="button",
                download="",
            ),
            html.Button(t("country.download"), id="country-csv", className="button", type="button"),
            dcc.Download(id="country-download"),
            html.Span(id="country-print-status", className="visually-hidden"),
        ],
        className="country-toolbar no-print",
    )


def briefing_href(iso3: str, release: str | None) -> str:
    """The country's briefing PDF in the page's language, pinned to the release the page shows."""
    query = {"lang": current_lang(), **({"release": release} if release else {})}
    return f"/api/v1/briefings/{iso3}.pdf?{urlencode(query)}"


def women_and_men_line(iso3: str, ind: str, pair: Pair | None) -> list[html.P]:
    """'Women 44.8 · men 62 (gap -17.2), 2020', linked to the indicator's chart of both for this country; nothing
    for an indicator not published for both sexes (or not a value)."""
    found = q_indicator.find_indicator(ind)
    if pair is None or found is None or found.type != "continuous":
        return []
    gap = pair.female - pair.male
    words = t("tile.women_men", women=format_number(pair.female), men=format_number(pair.male),
              gap=("+" if gap > 0 else "") + format_number(round(gap, 4)), year=pair.year)  # fmt: skip
    link = dcc.Link(words, href=href(f"/indicator/{ind}?sex=both&countries={iso3}"))
    return [html.P(link, className="tile-note tile-sexes")]


def _tiles(prof: Profile, rows: list[Mapping[str, Any]], suffix: str, bodies: dict[str, list],
           pairs: Mapping[str, Pair]) -> list[html.Article]:  # fmt: skip
    """Tiles of one section; an indicator shown in several sections is built once (`bodies`), ids stay unique."""
    out = []
    for row in rows:
        ind = row["indicator_id"]
        if ind not in bodies:
            link = history_link(prof.country.iso3, row)  # the tile's "history of this value"
            sexes = women_and_men_line(prof.country.iso3, ind, pairs.get(ind))
            bodies[ind] = tile_body(row, prof.series.get(ind, ())) + sexes + ([link] if link is not None else [])
        out.append(tile(row, body=bodies[ind], suffix=suffix))
    return out


def _grids(prof: Profile, rows: list[Mapping[str, Any]], suffix: str, bodies: dict[str, list],
           pairs: Mapping[str, Pair]) -> list[Any]:  # fmt: skip
    scored = [r for r in rows if r["scored"]]
    context = [r for r in rows if not r["scored"]]
    out: list[Any] = [html.Div(_tiles(prof, scored, suffix, bodies, pairs), className="tile-grid")] if scored else []
    if context:
        out += [
            html.H4(t("country.context"), className="context-heading"),
            html.Div(_tiles(prof, context, suffix, bodies, pairs), className="tile-grid"),
        ]
    return out


class Group(NamedTuple):
    """One section of the scorecard as shown: a theme or a principle, its aggregate and its tiles."""

    key: str  # section id: theme-recruitment, principle-13
    title: str
    aggregate: Mapping[str, Any] | None
    rows: list[Mapping[str, Any]]
    source: Mapping[str, Any]  # the theme or principle record


def view_groups(prof: Profile, group: str) -> list[Group]:
    """The sections of the view in the order shown; the page and its CSV both come from here."""
    if group == "theme":
        return [
            Group(
                f"theme-{th['theme']}",
                theme_text(th["theme"], "title", th["title"]),
                prof.aggregates.get(("theme", th["theme"])),
                [r for r in prof.tiles if r["theme"] == th["theme"]],
                th,
            )
            for th in prof.tables.themes
        ]
    by_id = {r["indicator_id"]: r for r in prof.tiles}
    return [
        Group(
            f"principle-{p['principle']}",
            t("country.principle", n=p["principle"], title=principle_text(p["principle"], "title", p["title"])),
            prof.aggregates.get(("principle", str(p["principle"]))),
            [by_id[i] for i in (p["indicators"] or []) if i in by_id],
            p,
        )
        for p in prof.tables.principles
    ]


def sections(prof: Profile, group: str) -> list[Any]:
    out: list[Any] = []
    area = None
    bodies: dict[str, list] = {}
    pairs = women_and_men(prof.country.iso3, int(prof.tables.status_year), prof.release_id)  # once per profile
    for g in view_groups(prof, group):
        head: list[Any] = []
        if group == "principle" and g.source["area"] != area:
            area = g.source["area"]
            head.append(html.H2(t("country.area", area=area, title=area_text(area, g.source["area_title"])),
                                className="area-heading"))  # fmt: skip
        head.append(html.H2(g.title) if group == "theme" else html.H3(g.title))
        if g.source.get("gist"):
            head.append(
                html.P(principle_text(g.source["principle"], "gist", g.source["gist"]), className="principle-gist")
            )
        kind, key = g.key.split("-", 1)
        model = prof.group(kind, key)
        if g.rows and (model is None or model["status"] == "scored"):
            head.append(
                html.P(aggregate_view(g.aggregate, prof.tables.coverage_threshold), className="section-aggregate")
            )
        head += explanation(prof, model, g.key)
        if g.source.get("caveat"):
            caveat = theme_text(g.source["theme"], "caveat", g.source["caveat"])
            head.append(html.P([html.Strong(t("country.normative")), caveat], className="theme-caveat"))
        suffix = "" if group == "theme" else f"-p{g.source['principle']}"  # an indicator sits under several principles
        body = _grids(prof, g.rows, suffix, bodies, pairs) or [html.P(t("country.none_mapped"))]
        out.append(html.Section(head + body, id=g.key, className=f"country-section section-{group}"))
    return out


def explanation(prof: Profile, group: Mapping[str, Any] | None, section: str) -> list[Any]:
    """Why a theme or principle has no score, in words: which index indicators are missing for this country and
    why, and what a national data steward could submit (with a link to the steward area)."""
    if group is None or group["status"] == "scored":
        return []
    titles = {
        ind["indicator_id"]: ind_text(ind["indicator_id"], "title", ind["title"]) for ind in prof.tables.indicators
    }
    status = group["status"]
    text = t(f"scorecard.status.{status}", n=group.get("n_with_data") or 0, of=group.get("n_mapped") or 0,
             needed=percent(prof.card["coverage_threshold"]), minimum=prof.card["min_indicators"])  # fmt: skip
    out: list[Any] = [html.P(text, className="missing-status section-aggregate")]
    if status == "not_measured" and group.get("would_measure"):
        would = principle_text(group["principle"], "would_measure", group["would_measure"])
        out.append(html.P([html.Strong(t("scorecard.would_measure")), " ", would], className="missing-would"))
    items = [html.Li(f"{titles.get(m['indicator_id'], m['title'])}: {missing_text(m)}") for m in group["missing"]]
    if items:
        out.append(html.Ul(items, className="missing-list", id=f"missing-{section}"))
    submit = [titles.get(i, i) for i in group.get("steward_could_submit") or []]
    if submit:
        out.append(html.P([t("scorecard.steward", items="; ".join(submit)), " ",
                           dcc.Link(t("scorecard.steward_link"), href=href("/steward"))], className="missing-steward"))  # fmt: skip
    return [html.Div(out, className="missing-explained")]


def scorecard_frame(prof: Profile, group: str) -> pd.DataFrame:
    """Every tile of the view as a CSV row, with its section, the section's aggregate and the release."""
    threshold = prof.tables.coverage_threshold
    rows = [
        {"section": g.title, "section_aggregate": aggregate_words(g.aggregate, threshold), **csv_row(r)}
        for g in view_groups(prof, group)
        for r in g.rows
    ]
    return pd.DataFrame(rows).assign(release=prof.release_id, status_year=prof.tables.status_year)


def scorecard_download(iso3: str, group: str, release_id: str) -> dict[str, object]:
    """The CSV of the scorecard as shown (one row per tile, in the order shown)."""
    prof = profile(iso3, release_id)
    if prof is None:
        raise ValueError(f"no country {iso3!r} in release {release_id}")
    frame = scorecard_frame(prof, group)
    note = t("country.csv_note", name=country_name(iso3, prof.country.name), code=iso3, group=t(f"country.group.{group}").lower(),
             year=prof.tables.status_year)  # fmt: skip
    return csv_download(frame, f"scorecard_{iso3}_{group}_{release_id}.csv", release_id, note)


@dash.callback(
    Output("country-download", "data"),
    Input("country-csv", "n_clicks"),
    State("country-state", "data"),
    prevent_initial_call=True,
)
def download_csv(n_clicks: int | None, state: dict[str, str]) -> dict[str, object]:
    return scorecard_download(state["iso3"], state.get("group", "theme"), state["release"])


dash.clientside_callback(  # the status text comes from the page's strings (assets/i18n.js)
    "function (n) { if (n) { window.print(); } return n ? ((window.lmmText && window.lmmText('print_opened')) || "
    "'Print dialog opened') : ''; }",
    Output("country-print-status", "children"),
    Input("country-print", "n_clicks"),
    prevent_initial_call=True,
)
