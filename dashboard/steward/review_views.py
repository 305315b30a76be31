"""What the steward pages add for a review worth signing: the submitted values and warnings of a submission, the
reasons it was sent back, its correction links, its withdrawal, and what approve / reject / roll back will change."""

from __future__ import annotations

from dashboard.i18n import ind_text, unit_text
from dashboard.i18n.names import country_name
from dashboard.steward.review_api import closed_round_words, shown_warnings
from indicators.registry import load_registry
from stewards import review, store, value_warnings
from stewards.accounts import User
from warehouse import releases


def submission_context(user: User, sub: store.Submission) -> dict[str, object]:
    """Template values for the submission page (all empty for a file that was refused or is being checked)."""
    figures = sub.status not in ("invalid", "validating") and (sub.diff or {}).get("kind") != "practices"
    warnings = shown_warnings(sub) if figures else []
    given = review.notes(sub.id, "justification")
    return {
        "indicator_title": indicator_title,
        "values": [
            v | {"indicator": ind_text(v["indicator_id"], "title", v["indicator"]), "unit": unit_text(v["unit"])}
            for v in review.submitted_values(sub)
        ]
        if figures
        else [],
        "warnings": value_warnings.with_justifications(warnings, given),
        "warning_rules": value_warnings.RULES,
        "returned": list(review.notes(sub.id, "return").items()),
        "corrects": next(iter(review.notes(sub.id, "corrects")), None),
        "corrected_by": review.corrected_by(sub.id),
        "withdrawn_in": review.withdrawn_in(sub),
        "effect": {"n": sub.rows, "release": releases.current_release_id() or ""},
        "closed_round": closed_round_words(sub),
    }


def indicator_title(indicator_id: object) -> str:
    """An indicator's title in the reader's language (English when not translated; its id when not registered)."""
    ind = load_registry().indicators.get(str(indicator_id))
    return str(ind_text(indicator_id, "title", ind.title if ind else str(indicator_id)))


def series_words(key: str, names: dict[str, str]) -> dict[str, str]:
    """'recruitment_cost_months|GTM' -> its indicator's title, id, country code and country name (reader's language)."""
    indicator_id, _, country = key.partition("|")
    code = country.split("|")[0]
    return {"id": indicator_id, "title": indicator_title(indicator_id), "code": code,
            "country": country_name(code, names.get(code, code))}  # fmt: skip


def rollback_effects(release_ids: list[str]) -> dict[str, dict[str, int]]:
    """For each release a rollback could go back to: how many published submissions (and their values) it would
    withdraw, i.e. those published in a later release that is still served."""
    published = [s for s in store.list_submissions(None, limit=10000) if s.status == "published" and s.release_id]
    undone = store.rolled_back_releases()
    live = [s for s in published if s.release_id not in undone]
    out = {}
    for rid in release_ids:
        later = [s for s in live if str(s.release_id) > rid]
        out[rid] = {"submissions": len(later), "values": sum(s.rows for s in later)}
    return out


def rounds_view(user: User, names: dict[str, str]) -> list[dict[str, object]]:
    """The reporting rounds a user sees on the home page: a steward the open ones holding their countries (with the
    days left and k of n expected series submitted, the missing ones in words; `names`: iso3 -> English name); an
    admin every round."""
    from stewards import rounds

    out = []
    for rnd in rounds.list_rounds():
        scope = None if user.is_admin else user.countries
        if not rnd.is_open() and not user.is_admin:
            continue
        expected, done = rounds.progress(rnd, scope)
        if not expected:
            continue
        missing = [series_words(k, names) for k in expected if k not in done]
        out.append({"id": rnd.id, "name": rnd.name, "deadline": rnd.deadline, "open": rnd.is_open(),
                    "days": rnd.days_left(), "expected": len(expected), "done": len(done), "missing": missing})  # fmt: skip
    return out
