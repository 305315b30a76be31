"""`/practices/<id>?release=...`: one practice: what it does, evidence of results, what made it work, what may not
transfer, its sources (each fact's [n] links to one), who submitted it, and the indicators it is linked to with
their trend since the practice started (context, not proof of effect)."""

from __future__ import annotations

import difflib
from typing import Any

import dash
from dash import dcc, html

from dashboard.pages import _practice_view as view
from dashboard.pages._practice_charts import indicators_section
from dashboard.queries import practices as q
from warehouse.connection import NoReleaseError
from warehouse.releases import ReleaseError

FIELD_WORDS = {
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
SECTIONS = [
    ("summary", "What it does"),
    ("evidence", "Evidence of results"),
    ("success_factors", "What made it work"),
    ("transfer_limits", "What may not transfer"),
    ("notes", "Where sources disagree"),
]


def _title(practice_id: str | None = None, **_: object) -> str:
    return f"{(practice_id or '')[:60]} · Good practices · Labour Migration Policy Monitor"


dash.register_page(
    __name__,
    path_template="/practices/<practice_id>",
    title=_title,
    description="A good practice: what it does, its evidence, its sources, and the indicators it relates to.",
)


def _one(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if value not in (None, "") else None


def layout(practice_id: str | None = None, release: object = None, **_query: object) -> html.Div:
    pid = (_one(practice_id) or "")[:80]
    try:
        release_id, found = q.practice(pid, _one(release))
    except (NoReleaseError, ReleaseError) as error:
        return html.Div([html.H1("Release not available"), html.P(str(error), role="alert")], className="practice-page")
    if found is None:
        return not_found(pid, _one(release))
    return page(found, release_id, _one(release))


def not_found(pid: str, release: str | None) -> html.Div:
    _, frame = q.practices(release)
    names = dict(zip(frame["practice_id"], frame["name"], strict=True)) if len(frame) else {}
    close = difflib.get_close_matches(pid.lower(), list(names), n=3, cutoff=0.4)
    items = [html.Li(dcc.Link(names[c], href=f"/practices/{c}")) for c in close]
    return html.Div(
        [
            html.H1("Practice not found"),
            html.P(f"There is no practice “{pid}” in this release.", id="practice-unknown"),
            html.Ul(items) if items else html.P(""),
            html.P(dcc.Link("All practices", href="/practices")),
        ],
        className="practice-page",
    )


def page(rec: dict[str, Any], release_id: str, release: str | None) -> html.Div:
    numbers = {s["ref"]: i for i, s in enumerate(rec["source_list"], 1)}
    body: list[Any] = []
    for field, heading in SECTIONS:
        if not view._missing(rec.get(field)):
            body.append(
                html.Section(
                    [html.H2(heading), html.P(view.cited(rec[field], numbers))],
                    id=f"practice-{field.replace('_', '-')}",
                    className="practice-section",
                )
            )
            if field == "evidence":
                body.append(_evidence_links(rec["source_list"], numbers))
    return html.Div(
        [
            html.P(dcc.Link("← All practices", href="/practices"), className="no-print"),
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
                dcc.Link(f"{c['name'] or c['country']} ({c['country']})", href=f"/country/{c['country']}"),
                f" ({view.ROLE_WORDS[c['role']]})" if view.ROLE_WORDS.get(c["role"]) else "",
            ]
        )
        for c in rec["country_list"]
    ]
    principles = [
        dcc.Link(f"{p['principle']}. {p['title']}", href=f"/framework#principle-{p['principle']}")
        for p in rec["principle_list"]
    ]
    themes = [dcc.Link(str(t["title"] or t["theme"]), href=f"/practices?theme={t['theme']}") for t in rec["theme_list"]]
    gcm = [f"{n}. {view.GCM_OBJECTIVES.get(int(n), '')}" for n in str(rec.get("gcm_objectives") or "").split(",") if n]
    pairs: list[tuple[str, Any]] = [
        ("Countries", _joined(places)),
        ("Institution", view.cited(rec["institution"], numbers)),
        ("Years active", view.years_text(rec)),
        ("Themes", _joined(themes) or "none"),
        ("MFLM principles (editors' reading)", _joined(principles)),
        ("Global Compact for Migration objectives", "; ".join(gcm) or "none given"),
        ("Submitted by", [f"{rec['submitted_by']} ", html.Span(_role(rec), className="badge practice-role")]),
        ("Provenance", _provenance(str(rec.get("provenance") or ""), release_id)),
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
    return "data steward" if rec.get("submitted_role") == "steward" else "editor"


def _provenance(text: str, release_id: str) -> list[Any]:
    parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
    if "submission" in parts:
        where = f"submitted through the steward workflow (submission {parts['submission']}), reviewed and published"
    else:
        where = f"editorial file {parts.get('file', '?')}, version {parts.get('version', '?')}"
    return [where, " · release ", html.Code(release_id, id="practice-release")]


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
    return html.Div([html.H3("Evidence links"), html.Ul(links)], className="practice-evidence-links")


def _left_out(rec: dict[str, Any]) -> html.Section | html.Div:
    items = [x for x in str(rec.get("left_out") or "").split("; ") if x]
    if not items:
        return html.Div()
    return html.Section(
        [html.H2("Left out for lack of a source"), html.Ul([html.Li(x) for x in items])],
        id="practice-left-out",
        className="practice-section",
    )


def sources_section(sources: list[dict[str, Any]]) -> html.Section:
    items = []
    for s in sources:
        supports = ", ".join(FIELD_WORDS.get(f, f) for f in str(s["supports"] or "").split(",") if f)
        items.append(
            html.Li(
                [
                    html.A(str(s["title"]), href=str(s["url"]), rel="noopener noreferrer", target="_blank"),
                    f". {s['publisher']}. Accessed {s['accessed']}."
                    if s["publisher"]
                    else f". Accessed {s['accessed']}.",
                    html.Span(" Evidence of results." if s["kind"] == "evidence" else "", className="source-kind"),
                    html.Br(),
                    html.Span(f"Source of: {supports}." if supports else "", className="source-supports"),
                ],
                id=f"source-{s['ref']}",
            )
        )
    return html.Section(
        [html.H2("Sources"), html.Ol(items, className="practice-sources")],
        id="practice-sources",
        className="practice-section",
    )
