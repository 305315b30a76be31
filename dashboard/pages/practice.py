"""`/practices/<id>?release=...`: one practice: what it does, evidence of results, what made it work, what may not
transfer, its sources (each fact's [n] links to one), who submitted it, and the indicators it is linked to with
their trend since the practice started (context, not proof of effect)."""

from __future__ import annotations

import difflib
from typing import Any

import dash
from dash import dcc, html

from dashboard.i18n import href, principle_text, t, theme_text
from dashboard.i18n.names import country_name
from dashboard.pages import _practice_view as view
from dashboard.pages._practice_charts import indicators_section
from dashboard.pages._query import one, pinned_layout
from warehouse import practices as q
from warehouse.connection import NoReleaseError
from warehouse.releases import ReleaseError

FIELD_WORDS = {  # shown as practices.field.*
    "name": "name",
    "institution": "institution",
    "start_year": "start year",
    "end_year": "end year",
    "activity": "status",
    "status_as_of": "status date",
    "summary": "what it does",
    "evidence": "evidence",
    "success_factors": "what made it work",
    "transfer_limits": "what may not transfer",
    "notes": "notes",
}
SECTIONS = [  # headings: practices.section.*
    ("summary", "What it does"),
    ("evidence", "Evidence of results"),
    ("success_factors", "What made it work"),
    ("transfer_limits", "What may not transfer"),
    ("notes", "Where sources disagree"),
]


def _title(practice_id: str | None = None, **_: object) -> str:
    return t("app.page_title", page=f"{(practice_id or '')[:60]} · {t('practices.title')}")


dash.register_page(
    __name__,
    path_template="/practices/<practice_id>",
    title=_title,
    description=lambda **_: t("practices.one_description"),
)


@pinned_layout(16)  # ?release= resolved once; a layout per release, language and URL
def layout(practice_id: str | None = None, release: object = None, **_query: object) -> html.Div:
    pid = (one(practice_id) or "")[:80]
    try:
        release_id, found = q.practice(pid, one(release))
    except (NoReleaseError, ReleaseError) as error:
        return html.Div(
            [html.H1(t("release.not_available")), html.P(str(error), role="alert")], className="practice-page"
        )
    if found is None:
        return not_found(pid, one(release))
    return page(found, release_id, one(release))


def not_found(pid: str, release: str | None) -> html.Div:
    _, frame = q.practices(release)
    names = dict(zip(frame["practice_id"], frame["name"], strict=True)) if len(frame) else {}
    close = difflib.get_close_matches(pid.lower(), list(names), n=3, cutoff=0.4)
    items = [html.Li(dcc.Link(names[c], href=href(f"/practices/{c}"))) for c in close]
    return html.Div(
        [
            html.H1(t("practices.not_found")),
            html.P(t("practices.unknown", id=pid), id="practice-unknown"),
            html.Ul(items) if items else html.P(""),
            html.P(dcc.Link(t("practices.all"), href=href("/practices"))),
        ],
        className="practice-page",
    )


def page(rec: dict[str, Any], release_id: str, release: str | None) -> html.Div:
    numbers = {s["ref"]: i for i, s in enumerate(rec["source_list"], 1)}
    body: list[Any] = []
    for field, _heading in SECTIONS:
        if not view._missing(rec.get(field)):
            body.append(
                html.Section(
                    [html.H2(t(f"practices.section.{field}")), html.P(view.cited(rec[field], numbers))],
                    id=f"practice-{field.replace('_', '-')}",
                    className="practice-section",
                )
            )
            if field == "evidence":
                body.append(_evidence_links(rec["source_list"], numbers))
    return html.Div(
        [
            html.P(dcc.Link(f"← {t('practices.all')}", href=href("/practices")), className="no-print"),
            html.H1(
                [
                    str(rec["name"]),
                    *(
                        [html.Span(f" ({rec['name_en']})", className="practice-name-en")]
                        if not view._missing(rec.get("name_en"))
                        else []
                    ),
                ],
                id="practice-name",
            ),
            facts(rec, numbers, release_id),
            *body,
            _left_out(rec),
            indicators_section(rec, release),
            sources_section(rec["source_list"]),
        ],
        className="practice-page",
        id="practice-page",
    )


def facts(rec: dict[str, Any], numbers: dict[str, int], release_id: str) -> html.Dl:
    places = [
        html.Span(
            [
                dcc.Link(
                    f"{country_name(c['country'], c['name'] or c['country'])} ({c['country']})",
                    href=href(f"/country/{c['country']}"),
                ),  # fmt: skip
                f" ({view.role_words(c['role'])})" if view.role_words(c["role"]) else "",
            ]
        )
        for c in rec["country_list"]
    ]
    principles = [
        dcc.Link(
            f"{p['principle']}. {principle_text(p['principle'], 'title', p['title'])}",
            href=href(f"/framework#principle-{p['principle']}"),
        )  # fmt: skip
        for p in rec["principle_list"]
    ]
    themes = [dcc.Link(str(theme_text(th["theme"], "title", th["title"]) or th["theme"]),
                       href=href(f"/practices?theme={th['theme']}")) for th in rec["theme_list"]]  # fmt: skip
    gcm = [f"{n}. {view.gcm_objective(int(n))}" for n in str(rec.get("gcm_objectives") or "").split(",") if n]
    pairs: list[tuple[str, Any]] = [
        (t("col.countries"), _joined(places)),
        (t("practices.fact.institution"), view.cited(rec["institution"], numbers)),
        (t("practices.fact.years"), view.years_text(rec)),
        (t("practices.fact.themes"), _joined(themes) or t("corridor.none")),
        (t("practices.fact.principles"), _joined(principles)),
        (t("practices.fact.gcm"), "; ".join(gcm) or t("practices.fact.none_given")),
        (
            t("practices.fact.submitted_by"),
            [f"{rec['submitted_by']} ", html.Span(_role(rec), className="badge practice-role")],
        ),
        (t("practices.fact.provenance"), _provenance(str(rec.get("provenance") or ""), release_id)),
    ]
    return html.Dl(
        [item for label, value in pairs for item in (html.Dt(label), html.Dd(value))],
        className="practice-facts",
        id="practice-facts",
    )


def _joined(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for i, item in enumerate(items):
        out += ([", "] if i else []) + [item]
    return out


def _role(rec: dict[str, Any]) -> str:
    return t("practices.by_steward") if rec.get("submitted_role") == "steward" else t("practices.by_editor")


def _provenance(text: str, release_id: str) -> list[Any]:
    parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
    if "submission" in parts:
        where = t("practices.via_steward", id=parts["submission"])
    else:
        where = t("practices.editorial_file", file=parts.get("file", "?"), version=parts.get("version", "?"))
    return [where, f" · {t('home.tile.release').lower()} ", html.Code(release_id, id="practice-release")]


def _evidence_links(sources: list[dict[str, Any]], numbers: dict[str, int]) -> html.Div:
    links = [
        html.Li(
            [
                html.A(str(s["title"]), href=str(s["url"]), rel="noopener noreferrer", target="_blank"),
                f" ({s['publisher']}) [{numbers[s['ref']]}]",
            ]
        )
        for s in sources
        if s["kind"] == "evidence"
    ]
    if not links:
        return html.Div()
    return html.Div([html.H3(t("practices.evidence_links")), html.Ul(links)], className="practice-evidence-links")


def _left_out(rec: dict[str, Any]) -> html.Section | html.Div:
    items = [x for x in str(rec.get("left_out") or "").split("; ") if x]
    if not items:
        return html.Div()
    return html.Section(
        [html.H2(t("practices.left_out")), html.Ul([html.Li(x) for x in items])],
        id="practice-left-out",
        className="practice-section",
    )


def sources_section(sources: list[dict[str, Any]]) -> html.Section:
    items = []
    for s in sources:
        supports = ", ".join(t(f"practices.field.{f}") if f in FIELD_WORDS else f
                             for f in str(s["supports"] or "").split(",") if f)  # fmt: skip
        items.append(
            html.Li(
                [
                    html.A(str(s["title"]), href=str(s["url"]), rel="noopener noreferrer", target="_blank"),
                    f". {s['publisher']}. {t('practices.accessed', date=s['accessed'])}"
                    if s["publisher"]
                    else f". {t('practices.accessed', date=s['accessed'])}",
                    html.Span(t("practices.evidence_kind") if s["kind"] == "evidence" else "", className="source-kind"),
                    html.Br(),
                    html.Span(
                        t("practices.source_of", fields=supports) if supports else "", className="source-supports"
                    ),
                ],
                id=f"source-{s['ref']}",
            )
        )
    return html.Section(
        [html.H2(t("nav.sources")), html.Ol(items, className="practice-sources")],
        id="practice-sources",
        className="practice-section",
    )
