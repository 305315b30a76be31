"""Atom feeds so ministries and delegates can follow updates: `/api/v1/releases.atom` (every published release and
rollback, with what changed and the steward submissions it carried) and `/api/v1/countries/<iso3>/releases.atom`
(the kept releases that changed a country's values: how many added, changed, removed, which indicators), in
English, Spanish or French (`?lang=en|es|fr`, default en; the words in dashboard/i18n under `feed`). Routes added to
the API blueprint by dashboard/api/routes.py."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flask import Blueprint, Response, request

from dashboard.api import queries as q
from dashboard.api.common import Ctx, begin, choice_param, finish, per_release, resolve
from dashboard.i18n import LANGS, number, t
from stewards import store
from warehouse import releases
from warehouse.history import country_changes

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
ENDPOINTS = {"/api/v1/releases.atom", "/api/v1/countries/{iso3}/releases.atom"}
TITLE = "Labour Migration Policy Monitor"


def _lang() -> str:
    return choice_param("lang", LANGS, "en") or "en"


def _count(value: object, lang: str) -> str:
    """A count written as the language writes numbers (1,234 / 1.234 / 1 234)."""
    return number(int(str(value)), lang)


def _submissions_by_release() -> dict[str, list[store.Submission]]:
    out: dict[str, list[store.Submission]] = {}
    try:
        subs = store.list_submissions(None, limit=100000)
    except Exception:  # noqa: BLE001 (a feed without the control database still lists the releases)
        return out
    for sub in subs:
        if sub.release_id and sub.status == "published":
            out.setdefault(sub.release_id, []).append(sub)
    return out


def _feed(ctx: Ctx, title: str, self_url: str, entries: list[dict[str, str]], lang: str) -> Response:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    for tag, text in (("title", title), ("id", f"tag:lmm,2026:{self_url}"),
                      ("updated", entries[0]["updated"] if entries else "1970-01-01T00:00:00+00:00")):  # fmt: skip
        ET.SubElement(feed, f"{{{ATOM}}}{tag}").text = text
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = TITLE
    for e in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        for tag in ("title", "id", "updated"):
            ET.SubElement(entry, f"{{{ATOM}}}{tag}").text = e[tag]
        ET.SubElement(entry, f"{{{ATOM}}}link", href=e["link"])
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = e["content"]
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return finish(Response('<?xml version="1.0" encoding="utf-8"?>\n' + body, content_type=MEDIA_TYPE), ctx)


def _carried(subs: list[store.Submission], lang: str) -> str:
    parts = [t("signoff.feed.carried_one", lang, institution=s.institution or s.user_name, n=_count(s.rows, lang),
               id=s.id) for s in subs]  # fmt: skip
    return (" " + t("signoff.feed.carried", lang, submissions="; ".join(parts))) if parts else ""


def _published(h: releases.HistoryEntry, lang: str) -> str:
    """What a publish changed, in the language (the reason as recorded); the recorded summary when it has no counts."""
    counts = h.changes if isinstance(h.changes, dict) else {}
    if "observations" not in counts or "submissions" not in counts:
        return f"{h.summary}."
    reason = h.summary.rsplit(": ", 1)[0]
    return t("signoff.feed.published", lang, reason=reason, observations=_count(counts["observations"], lang),
             submissions=_count(counts["submissions"], lang))  # fmt: skip


def releases_feed() -> Response:
    ctx = begin(["lang"])
    lang = _lang()
    by_release = _submissions_by_release()
    entries = []
    for h in reversed(releases.read_history()):
        if h.action == "rollback":
            title = t("signoff.feed.rolled_back_title", lang, release=h.release_id)
            content = t("signoff.feed.rolled_back", lang, actor=h.actor, release=h.release_id)
        else:
            title = t("signoff.feed.published_title", lang, release=h.release_id)
            content = _published(h, lang) + _carried(by_release.get(h.release_id, []), lang)
        entries.append({"title": title, "id": f"tag:lmm,2026:{h.action}/{h.release_id}/{h.at}", "updated": h.at,
                        "link": f"/api/v1/releases/{h.release_id}/bulk.zip", "content": content})  # fmt: skip
    return _feed(
        ctx, t("signoff.feed.title", lang, site=t("app.title", lang)), request.full_path.rstrip("?"), entries, lang
    )


def country_feed(iso3: str) -> Response:
    ctx = begin(["lang"])
    lang = _lang()
    country = resolve("country", "iso3", iso3, per_release(ctx, "countries", q.country_names))
    published = {h.release_id: h for h in releases.read_history() if h.action == "publish"}
    by_release = _submissions_by_release()
    entries = []
    for c in reversed(country_changes(country)):
        rid = str(c["release"])
        at = published[rid].at if rid in published else "1970-01-01T00:00:00+00:00"
        subs = [s for s in by_release.get(rid, []) if country in _countries(s)]
        touched = ", ".join(str(i) for i in c["indicators"])  # type: ignore[attr-defined]
        content = t("signoff.feed.country_changes", lang, previous=c["previous"], added=_count(c["added"], lang),
                    changed=_count(c["changed"], lang), removed=_count(c["removed"], lang),
                    indicators=touched) + _carried(subs, lang)  # fmt: skip
        entries.append({"title": t("signoff.feed.country_title", lang, release=rid, country=country),
                        "id": f"tag:lmm,2026:{country}/{rid}", "updated": at,
                        "link": f"/country/{country}" + ("" if lang == "en" else f"?lang={lang}"),
                        "content": content})  # fmt: skip
    return _feed(ctx, f"{t('app.title', lang)}: {country}", request.full_path.rstrip("?"), entries, lang)


def _countries(sub: store.Submission) -> set[str]:
    return {str(s.get("country")) for s in (sub.diff or {}).get("series", [])} or set(
        store.submission_rows(sub.id)["country"]
    )


def add_routes(api: Blueprint) -> None:
    api.add_url_rule("/releases.atom", "releases_feed", releases_feed, methods=["GET"])
    api.add_url_rule("/countries/<iso3>/releases.atom", "country_feed", country_feed, methods=["GET"])
