"""A country's briefing pack as one self-contained HTML page in English, Spanish or French (charts drawn inline as
SVG by dashboard/api/briefing_charts.py), printed to PDF by warehouse.briefing. Release, methodology and sources
are in the @page footer of every printed page.

The statements come from the one scorecard read model (warehouse/scorecard.py) with the words of
dashboard/api/briefing_words.py: what the CLI and API say in English, what the profile page says in Spanish and
French. `facts()` reads a country once (language-free); `render()` writes it in a language, so the render-ahead job
(dashboard/api/briefings_ahead.py) reads each country once for its three languages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from dashboard.api import briefing_charts as charts
from dashboard.api import queries as q
from dashboard.api.briefing_words import card_words
from dashboard.i18n import date as local_date
from dashboard.i18n import group_text, ind_text, t, theme_text, unit_text, use_lang
from indicators.levels import COLOURED, LEVELS, TEXT_COLOUR
from warehouse import briefing
from warehouse.connection import cursor
from warehouse.read import release_info
from warehouse.scorecard import read_scorecard, read_scorecards

SERIES = ("female_lfpr", "remittance_cost")  # key charts: the country against its region's median over time
MAP_INDICATOR = "female_lfpr"
LEGEND = [*COLOURED, "no_data"]
_SERIES_SQL = """
SELECT o.year, avg(o.value) FILTER (WHERE o.country = $country) AS value,
       median(o.value) AS peer_median, count(*) AS n
FROM observations o JOIN countries c ON c.iso3 = o.country
WHERE o.indicator_id = $indicator AND o.sex = $sex AND o.partner_country = '' AND c.un_region = $region
GROUP BY o.year HAVING count(*) >= 3 ORDER BY o.year
"""
_MAP_SQL = """
SELECT s.country, s.level, s.out_of_date
FROM indicator_scores s JOIN countries c ON c.iso3 = s.country
WHERE s.indicator_id = $indicator AND c.un_region = $region AND NOT c.is_aggregate ORDER BY s.country
"""


_ALL_MEDIANS_SQL = """
SELECT c.un_region, o.year, median(o.value), count(*)
FROM observations o JOIN countries c ON c.iso3 = o.country
WHERE o.indicator_id = $indicator AND o.sex = $sex AND o.partner_country = '' AND c.un_region IS NOT NULL
GROUP BY c.un_region, o.year HAVING count(*) >= 3
"""
_ALL_VALUES_SQL = """
SELECT o.country, o.year, avg(o.value)
FROM observations o JOIN countries c ON c.iso3 = o.country
WHERE o.indicator_id = $indicator AND o.sex = $sex AND o.partner_country = '' AND c.un_region IS NOT NULL
GROUP BY o.country, o.year
"""
_ALL_MAP_SQL = """
SELECT c.un_region, s.country, s.level, s.out_of_date
FROM indicator_scores s JOIN countries c ON c.iso3 = s.country
WHERE s.indicator_id = $indicator AND c.un_region IS NOT NULL AND NOT c.is_aggregate ORDER BY s.country
"""
_COUNTRIES_SQL = """
SELECT iso3, name, un_region, un_subregion, wb_region, income_group, area_kind, un_member, ilo_member, successors
FROM countries WHERE list_contains($codes, iso3)
"""


@dataclass
class Facts:
    """One country's briefing, read once, in no language yet."""

    release_id: str
    info: dict[str, Any]
    country: dict[str, Any]
    card: dict[str, Any]  # the scorecard read model's, unchanged
    sources: list[dict[str, Any]]
    indicators: dict[str, dict[str, Any]]
    series: dict[str, charts.Series]  # indicator -> the country's and the region's median by year (2+ values)
    map_states: dict[str, str]  # the region's countries -> level or out_of_date (MAP_INDICATOR)


def briefing_file(release_id: str, iso3: str, kind: str, lang: str = "en") -> Path:
    return briefing.briefing_file(release_id, iso3, kind, render_html, lang)


def render_html(release_id: str, iso3: str, lang: str = "en") -> str:
    return render(facts(release_id, iso3), lang)


def facts(release_id: str, iso3: str) -> Facts:
    """Everything the briefing shows (NoScorecard for an area without a scorecard)."""
    found, cur = cursor(release_id)
    card = read_scorecard(cur, iso3, found)
    country = q.country(cur, iso3)
    indicators = {str(row["indicator_id"]): row for row in q.indicators(cur)}
    used = sorted(_used_sources(card))
    sources = q_records(cur, "SELECT * FROM sources WHERE list_contains($ids, source_id) ORDER BY title", {"ids": used})
    series = {i: s for i in SERIES if i in indicators and (s := _series(cur, country, indicators[i])) is not None}
    return Facts(found, release_info(cur), country, card, sources, indicators, series, _map_states(cur, country))


def q_records(cur, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    result = cur.execute(sql, params)
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def facts_all(release_id: str, codes: list[str]) -> dict[str, Facts]:
    """The facts of many areas (those of `codes` with a scorecard) in one pass: each table read once for all of them
    rather than once per area (~10 queries per area); each the same Facts as facts() gives. For the render-ahead job,
    which keeps them for as long as it runs."""
    found, cur = cursor(release_id)
    cards = read_scorecards(cur, codes, found)
    frame = cur.execute(_COUNTRIES_SQL, {"codes": sorted(cards)}).df()
    countries = {row["iso3"]: row for row in json.loads(frame.to_json(orient="records"))}
    indicators = {str(row["indicator_id"]): row for row in q.indicators(cur)}
    sources = q_records(cur, "SELECT * FROM sources ORDER BY title", {})
    series = {i: _all_series(cur, indicators[i]) for i in SERIES if i in indicators}
    maps = _all_map_states(cur)
    info = release_info(cur)
    out = {}
    for iso3, card in cards.items():
        country = countries[iso3]
        used = _used_sources(card)
        mine = {i: s for i, by_region in series.items() if (s := _series_of(by_region, country)) is not None}
        out[iso3] = Facts(found, info, country, card, [s for s in sources if s["source_id"] in used], indicators,
                          mine, maps.get(country.get("un_region") or "", {}) if country.get("un_region") else {})  # fmt: skip
    return out


def _used_sources(card: dict[str, Any]) -> set[str]:
    entries = [e for theme in card["themes"] for e in theme["indicators"]]
    return {s for e in entries for s in str(e["source_id"] or "").split(";") if s} | {"country_codes", "wb_class"}


def _all_series(cur, indicator: dict[str, Any]) -> tuple[dict, dict]:
    """An indicator's regional medians by (region, year) with 3+ values, and each country's value by (country, year):
    _SERIES_SQL's answer for every country at once."""
    params = {"indicator": indicator["indicator_id"], "sex": indicator.get("headline_sex") or "total"}
    medians = {
        (region, int(year)): (median, n) for region, year, median, n in cur.execute(_ALL_MEDIANS_SQL, params).fetchall()
    }
    values = {(iso3, int(year)): value for iso3, year, value in cur.execute(_ALL_VALUES_SQL, params).fetchall()}
    return medians, values


def _series_of(by_region: tuple[dict, dict], country: dict[str, Any]) -> charts.Series | None:
    region = country.get("un_region")
    if not region:
        return None
    medians, values = by_region
    years = sorted(year for r, year in medians if r == region)
    rows = [(year, values.get((country["iso3"], year)), *medians[(region, year)]) for year in years]
    if sum(value is not None for _, value, _, _ in rows) < 2:
        return None
    return charts.Series([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])


def _all_map_states(cur) -> dict[str, dict[str, str]]:
    """Each region's _map_states."""
    out: dict[str, dict[str, str]] = {}
    for region, code, level, old in cur.execute(_ALL_MAP_SQL, {"indicator": MAP_INDICATOR}).fetchall():
        out.setdefault(region, {})[code] = "out_of_date" if old else (level or "no_data")
    return out


def _series(cur, country: dict[str, Any], indicator: dict[str, Any]) -> charts.Series | None:
    if not country.get("un_region"):
        return None
    sex = indicator.get("headline_sex") or "total"
    params = {"country": country["iso3"], "indicator": indicator["indicator_id"], "sex": sex,
              "region": country["un_region"]}  # fmt: skip
    rows = cur.execute(_SERIES_SQL, params).fetchall()
    if sum(value is not None for _, value, _, _ in rows) < 2:
        return None
    return charts.Series([int(r[0]) for r in rows], [r[1] for r in rows], [r[2] for r in rows])


def _map_states(cur, country: dict[str, Any]) -> dict[str, str]:
    if not country.get("un_region"):
        return {}
    rows = cur.execute(_MAP_SQL, {"indicator": MAP_INDICATOR, "region": country["un_region"]}).fetchall()
    return {code: "out_of_date" if old else (level or "no_data") for code, level, old in rows}


# --- writing it in a language ------------------------------------------------------------------------------------


def render(f: Facts, lang: str) -> str:
    with use_lang(lang):
        from dashboard.i18n.names import country_name

        card = card_words(f.card, lang)
        name = country_name(f.country["iso3"], str(f.country["name"]), f.release_id)
        figures = [
            c for c in (_score_chart(card, name, lang), *_series_charts(f, name, lang), _map(f, name, lang)) if c
        ]
        return _page(f, card, name, figures, lang)


def _style(key: str | None):
    from dashboard.components.levels import style_of

    return style_of(key)


def _badge(key: str | None) -> str:
    style = _style(key)
    return (f'<span class="badge" style="background:{style.colour};color:{TEXT_COLOUR}">{style.icon} '
            f"{escape(style.label)}</span>")  # fmt: skip


def _number(value: float, lang: str) -> str:
    if lang != "en":
        from dashboard.components.tile import format_number

        return format_number(value)
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}".rstrip("0").rstrip(".")


def _peer(entry: dict[str, Any], lang: str) -> str:
    peer = (entry.get("peer_medians") or {}).get("un_region")
    if not peer or peer.get("median") is None:
        return ""
    return f"{_number(peer['median'], lang)} <small>(n={peer['n']})</small>"


def _score_chart(card: dict[str, Any], name: str, lang: str) -> str:
    entries = [e for theme in card["themes"] for e in theme["indicators"]]
    scored = sorted((e for e in entries if e["score"] is not None and not e["out_of_date"]),
                    key=lambda e: (e["theme"], e["score"]))  # fmt: skip
    if not scored:
        return ""
    bars = [charts.Bar(_short(ind_text(e["indicator_id"], "title", e["title"])), float(e["score"]), _style(e["level"]))
            for e in scored]  # fmt: skip
    alt = t("briefing.chart.scores_alt", lang, n=len(scored), name=name)
    return charts.score_chart(
        bars, t("briefing.chart.scores", lang, name=name), t("briefing.chart.score_axis", lang), alt
    )


def _short(title: str, width: int = 50) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def _series_charts(f: Facts, name: str, lang: str) -> list[str]:
    out = []
    region = group_text(f.country.get("un_region"))
    for indicator_id, series in f.series.items():
        indicator = f.indicators[indicator_id]
        title = ind_text(indicator_id, "title", indicator["title"])
        sex = t(f"briefing.sex.{indicator.get('headline_sex') or 'total'}", lang)
        green = indicator["thresholds"].get("green")
        words = t("briefing.chart.threshold", lang, icon=LEVELS["green"].icon, label=_style("green").label,
                       value=_number(green, lang)) if green is not None else ""  # fmt: skip
        chart_title = t("briefing.chart.series", lang, title=title, sex=sex, unit=unit_text(indicator["unit"]))[:110]
        alt = t("briefing.chart.series_alt", lang, title=title, name=name, region=region)
        names = (name, t("briefing.chart.median", lang, region=region))
        out.append(charts.series_chart(series, (green, words) if green is not None else None, names, chart_title, alt))
    return out


def _map(f: Facts, name: str, lang: str) -> str:
    indicator = f.indicators.get(MAP_INDICATOR)
    if indicator is None or not f.map_states:
        return ""
    order = [*COLOURED, "no_data", "out_of_date"]
    states = {code: _style(state) for code, state in sorted(f.map_states.items(), key=lambda s: order.index(s[1]))}
    title = ind_text(MAP_INDICATOR, "title", indicator["title"])
    region = group_text(f.country["un_region"])
    return charts.region_map(
        states, f.country["iso3"], t("briefing.chart.map", lang, title=title, region=region)[:110],
        t("briefing.chart.outlined", lang, name=name), t("briefing.chart.map_alt", lang, region=region, title=title, name=name),
    )  # fmt: skip


def _table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _group_rows(groups: list[dict], key: str, lang: str) -> list[list[str]]:
    """Themes or principles: number/id, title, level, the scorecard's sentence, coverage; then why it is missing."""
    rows = []
    for g in groups:
        scored = g["status"] == "scored"
        coverage = t("briefing.coverage", lang, n=g["n_with_data"], of=g["n_mapped"]) if g["n_mapped"] else "-"
        why = "".join(f"<li>{escape(m['text'])}</li>" for m in g["missing"]) if not scored else ""
        steward = f"<br><small>{escape(g['steward_text'])}</small>" if not scored and g.get("steward_text") else ""
        text = escape(g["text"]) + (f'<ul class="missing">{why}</ul>' if why else "") + steward
        title = theme_text(g[key], "title", g["title"]) if key == "theme" else _principle_title(g)
        rows.append([escape(str(g[key])), escape(title), _badge(g["level"] if scored else "no_data"), text,
                     escape(coverage)])  # fmt: skip
    return rows


def _principle_title(group: dict[str, Any]) -> str:
    from dashboard.i18n import principle_text

    return principle_text(group["principle"], "title", group["title"])


def _scorecard(card: dict, lang: str) -> str:
    parts = []
    headers = [
        t(f"briefing.head.{k}", lang) for k in ("indicator", "value", "year", "level", "trend", "median", "source")
    ]
    for theme in card["themes"]:
        rows = [
            [escape(ind_text(e["indicator_id"], "title", e["title"])), escape(e["display_value"]),
             escape(e["year_text"]), _entry_badge(e, lang), escape(e["trend_text"]), _peer(e, lang),
             escape(e["source_id"] or "")]
            for e in theme["indicators"]
        ]  # fmt: skip
        title = theme_text(theme["theme"], "title", theme["title"])
        parts.append(f"<h3>{escape(title)}</h3>" + _table(headers, rows, "score"))
    return "".join(parts)


def _entry_badge(entry: dict, lang: str) -> str:
    """The scorecard's status words for one indicator (as the CLI and API say them in English, as the page in
    Spanish and French)."""
    if entry["status"] == "scored":
        return _badge(entry["level"]) + (
            "" if entry["index"] else f" <small>{t('briefing.supplementary', lang)}</small>"
        )
    if entry["status"] == "context":
        return f'<span class="ctx">{escape(t("briefing.context", lang))}</span>'
    return f'<span class="badge" style="background:#eee;color:{TEXT_COLOUR}">{escape(entry["level_text"])}</span>'


def _css_string(*lines: str) -> str:
    """A CSS string literal; lines joined by the CSS newline escape (a raw newline would void the rule)."""
    return '"' + "\\A ".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def _page(f: Facts, card: dict, name: str, figures: list[str], lang: str) -> str:
    country, info, release_id = f.country, f.info, f.release_id
    app = t("app.title")
    first = t("briefing.footer", lang, app=app, name=name, iso3=country["iso3"], release=release_id,
                   version=info["methodology_version"], year=info["status_year"])  # fmt: skip
    second = t("briefing.footer_sources", lang, ids="; ".join(s["source_id"] for s in f.sources))
    region = group_text(country.get("un_region"))
    regions = ", ".join(str(group_text(x)) for x in (country.get("un_subregion"), country.get("un_region")) if x)
    where = " · ".join(escape(x) for x in (regions, str(group_text(country.get("income_group")) or "")) if x)
    created = str(info["created_at"])[:10] if lang == "en" else local_date(str(info["created_at"]), lang)
    place = t("briefing.place", lang, where=where, release=release_id, date=created, year=info["status_year"],
              version=info["methodology_version"])  # fmt: skip
    badges = " ".join(_badge(level) for level in LEGEND) + " " + _badge("out_of_date")
    source_rows = [[escape(str(s[k] or "")) for k in ("source_id", "title", "publisher", "licence", "citation")]
                   for s in f.sources]  # fmt: skip
    theme_heads = [t(f"briefing.head.{k}", lang) for k in ("theme", "title", "level", "result", "coverage")]
    principle_heads = [t(f"briefing.head.{k}", lang) for k in ("number", "principle", "level", "result", "coverage")]
    source_heads = [t(f"briefing.head.{k}", lang) for k in ("id", "title", "publisher", "licence", "citation")]
    css = _CSS.replace("FOOTER", _css_string(first, second)).replace("PAGE_OF", t("briefing.page_of", lang))
    body = "".join(f"<figure>{svg}</figure>" for svg in figures)
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{escape(t("briefing.doc_title", lang, name=name, release=release_id))}</title>
<style>{css}</style></head>
<body>
<header><p class="kicker">{escape(t("briefing.kicker", lang, app=app))}</p>
<h1>{escape(name)} ({country["iso3"]})</h1>
<p>{place}</p>
<p class="legend">{t("briefing.legend", lang, badges=badges, region=escape(str(region)))}</p></header>
<h2>{escape(t("briefing.themes", lang))}</h2><p class="legend">{escape(t("briefing.themes_note", lang))}</p>
{_table(theme_heads, _group_rows(card["themes"], "theme", lang))}
{body}
<h2>{escape(t("briefing.scorecard", lang))}</h2>{_scorecard(card, lang)}
<h2>{escape(t("briefing.principles", lang))}</h2>{_table(principle_heads, _group_rows(card["principles"], "principle", lang), "principles")}
<h2>{escape(t("briefing.sources", lang))}</h2>{_table(source_heads, source_rows, "sources")}
<footer class="screen-only"><p>{escape(first)}</p><p>{escape(second)}</p></footer>
</body></html>
"""


_CSS = """
@page { size: A4; margin: 14mm 12mm 22mm 12mm;
  @bottom-left { content: FOOTER; width: 160mm; font: 7pt "DejaVu Sans", sans-serif; color: #333; white-space: pre-wrap; vertical-align: top; }
  @bottom-right { content: PAGE_OF; width: 24mm; text-align: right; font: 7pt "DejaVu Sans", sans-serif; vertical-align: top; } }
body { font: 9.5pt/1.35 "DejaVu Sans", "Liberation Sans", sans-serif; color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 20pt; margin: 0 0 4px; } h2 { font-size: 13pt; margin: 14px 0 6px; border-bottom: 1px solid #999; }
h3 { font-size: 10.5pt; margin: 10px 0 4px; } .kicker { color: #555; margin: 0; text-transform: uppercase; font-size: 8pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 6px; }
th, td { border-bottom: 1px solid #ddd; padding: 2px 4px; text-align: left; vertical-align: top; }
th { background: #eee; font-size: 8.5pt; } td { font-size: 8.5pt; } tr { break-inside: avoid; }
table.sources td { font-size: 7.5pt; } small { color: #555; }
.badge { display: inline-block; padding: 0 5px; border-radius: 3px; border: 1px solid #555; white-space: nowrap; font-size: 8pt; }
.ctx { color: #555; font-style: italic; font-size: 8pt; }
figure { margin: 8px 0; break-inside: avoid; } figure svg { width: 100%; height: auto; }
.legend { font-size: 8.5pt; }
footer.screen-only { margin-top: 16px; border-top: 1px solid #999; font-size: 8pt; color: #333; }
@media print { footer.screen-only { display: none; } }
"""
