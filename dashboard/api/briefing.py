"""A country's briefing pack as one self-contained HTML page (charts and map inlined as PNG data URIs), printed to
PDF by warehouse.briefing. Release, methodology and sources are in the @page footer of every printed page."""

from __future__ import annotations

from html import escape
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go

from dashboard.api import queries as q
from indicators.levels import COLOURED, LEVELS, STATUS_LABELS, TEXT_COLOUR
from warehouse import briefing
from warehouse.connection import cursor
from warehouse.read import release_info
from warehouse.scorecard import read_scorecard
from warehouse.scorecard_words import with_words

SERIES = ("female_lfpr", "remittance_cost")  # key charts: the country against its region's median over time
MAP_INDICATOR = "female_lfpr"
_SERIES_SQL = """
SELECT o.year, avg(o.value) FILTER (WHERE o.country = $country) AS value,
       median(o.value) AS peer_median, count(*) AS n
FROM observations o JOIN countries c ON c.iso3 = o.country
WHERE o.indicator_id = $indicator AND o.sex = $sex AND o.partner_country = '' AND c.un_region = $region
GROUP BY o.year HAVING count(*) >= 3 ORDER BY o.year
"""
_MAP_SQL = """
SELECT s.country, c.name, s.value, s.year, s.level, s.out_of_date
FROM indicator_scores s JOIN countries c ON c.iso3 = s.country
WHERE s.indicator_id = $indicator AND c.un_region = $region AND NOT c.is_aggregate
"""


def briefing_file(release_id: str, iso3: str, kind: str) -> Path:
    return briefing.briefing_file(release_id, iso3, kind, render_html)


def render_html(release_id: str, iso3: str) -> str:
    found, cur = cursor(release_id)
    info = release_info(cur)
    country = q.country(cur, iso3)
    card = with_words(read_scorecard(cur, iso3, found))  # the page's, the API's and the CLI's statements
    scores = pd.DataFrame(q.indicator_scores(cur, iso3, country))
    indicators = {row["indicator_id"]: row for row in q.indicators(cur)}
    used = sorted({s for s in scores["source_id"].dropna()} | {"country_codes", "wb_class"})
    sources = cur.execute(
        "SELECT * FROM sources WHERE list_contains($ids, source_id) ORDER BY title", {"ids": used}
    ).df()
    charts = [_score_chart(scores, str(country["name"]))]
    charts += [c for c in (_series_chart(cur, country, indicators[i]) for i in SERIES if i in indicators) if c]
    charts.append(_map(cur, country, indicators.get(MAP_INDICATOR)))
    return _page(found, info, country, card, [c for c in charts if c], sources)


def _badge(level: str | None, out_of_date: bool = False, value_label: str | None = None) -> str:
    style = q.level_style(level, out_of_date, value_label)
    if style is None:
        return '<span class="ctx">context (not scored)</span>'
    return f'<span class="badge" style="background:{style.colour};color:{TEXT_COLOUR}">{style.icon} {escape(style.label)}</span>'


def _value(row: pd.Series) -> str:
    if isinstance(row.get("value_label"), str) and row["value_label"]:
        return escape(row["value_label"].replace("_", " "))
    if pd.isna(row.get("value")):
        return "no data"
    return f"{_number(row['value'])} <small>{escape(str(row.get('unit') or ''))}</small>"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}".rstrip("0").rstrip(".")


def _peer(row: dict) -> str:
    peer = (row.get("peer_medians") or {}).get("un_region")
    if not peer or peer.get("median") is None:
        return ""
    return f"{_number(peer['median'])} <small>(n={peer['n']})</small>"


def _score_chart(scores: pd.DataFrame, name: str) -> tuple[str, str] | None:
    scored = scores[scores["score"].notna() & ~scores["out_of_date"].fillna(False).astype(bool)]
    if scored.empty:
        return None
    scored = scored.sort_values(["theme", "score"]).assign(label=lambda f: f["title"].map(_short))
    fig = go.Figure()
    for level in COLOURED:
        part = scored[scored["level"] == level]
        style = LEVELS[level]
        fig.add_bar(
            y=part["label"], x=part["score"], orientation="h", name=f"{style.icon} {style.label}",
            marker={"color": style.colour, "line": {"color": "#333", "width": 0.5}},
            text=[f"{style.icon} {s:.0f}" for s in part["score"]], textposition="outside",
        )  # fmt: skip
    height = 140 + 22 * len(scored)
    fig.update_layout(
        title=f"{name}: scores of the indicators with current data (0-100, 100 = target)",
        xaxis={"range": [0, 112], "title": "score"}, barmode="overlay", template="plotly_white",
        margin={"l": 10, "r": 10, "t": 50, "b": 40}, legend={"orientation": "h", "y": -0.12}, font={"size": 12},
        yaxis={"categoryorder": "array", "categoryarray": list(scored["label"]), "automargin": True},
    )  # fmt: skip
    alt = f"Bar chart of {len(scored)} indicator scores for {name}, coloured by level."
    return briefing.figure_data_uri(fig, width=900, height=height), alt


def _short(title: str, width: int = 55) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def _series_chart(cur: duckdb.DuckDBPyConnection, country: dict, indicator: dict) -> tuple[str, str] | None:
    sex = indicator.get("headline_sex") or "total"
    params = {"country": country["iso3"], "indicator": indicator["indicator_id"], "sex": sex}
    frame = cur.execute(_SERIES_SQL, {**params, "region": country["un_region"]}).df()
    if frame["value"].notna().sum() < 2:
        return None
    fig = go.Figure()
    fig.add_scatter(
        x=frame["year"],
        y=frame["peer_median"],
        name=f"{country['un_region']} median",
        line={"dash": "dot", "color": "#555"},
    )
    fig.add_scatter(
        x=frame["year"],
        y=frame["value"],
        name=country["name"],
        mode="lines+markers",
        line={"color": "#0072B2", "width": 3},
    )
    thresholds = indicator["thresholds"]
    if thresholds.get("green") is not None:
        fig.add_hline(
            y=thresholds["green"],
            line={"color": LEVELS["green"].colour, "dash": "dash"},
            annotation_text=f"{LEVELS['green'].icon} {LEVELS['green'].label} from {thresholds['green']:g}",
        )
    title = f"{indicator['title']} ({sex}, {indicator['unit']})"
    fig.update_layout(title=title[:110], template="plotly_white", margin={"l": 50, "r": 10, "t": 50, "b": 40},
                      legend={"orientation": "h", "y": -0.15}, font={"size": 12})  # fmt: skip
    alt = f"Line chart: {indicator['title']} for {country['name']} and the {country['un_region']} median by year."
    return briefing.figure_data_uri(fig, width=900, height=360), alt


def _map(cur: duckdb.DuckDBPyConnection, country: dict, indicator: dict | None) -> tuple[str, str] | None:
    if indicator is None or not country.get("un_region"):
        return None
    frame = cur.execute(_MAP_SQL, {"indicator": indicator["indicator_id"], "region": country["un_region"]}).df()
    frame["state"] = frame["level"].where(~frame["out_of_date"].fillna(False).astype(bool), "out_of_date")
    fig = go.Figure()
    for state in [*COLOURED, "no_data", "out_of_date"]:
        part = frame[frame["state"] == state]
        if part.empty:
            continue
        style = LEVELS[state] if state in LEVELS else STATUS_LABELS[state]  # type: ignore[index]
        fig.add_choropleth(
            locations=part["country"], z=[1] * len(part), locationmode="ISO-3", showscale=False,
            colorscale=[[0, style.colour], [1, style.colour]], name=f"{style.icon} {style.label}", showlegend=True,
            marker={"line": {"color": "#444", "width": 0.4}},
        )  # fmt: skip
    fig.add_choropleth(
        locations=[country["iso3"]], z=[1], locationmode="ISO-3", showscale=False, name=f"{country['name']} (outlined)",
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], marker={"line": {"color": "#000", "width": 2.5}},
    )  # fmt: skip
    fig.update_geos(projection_type="natural earth", fitbounds="locations", showcountries=True, countrycolor="#bbb",
                    showland=True, landcolor="#f4f4f4", showframe=False)  # fmt: skip
    fig.update_layout(title=f"{indicator['title']}: level across {country['un_region']}"[:110],
                      margin={"l": 0, "r": 0, "t": 50, "b": 0}, legend={"orientation": "h", "y": -0.02}, font={"size": 12})  # fmt: skip
    alt = f"Map of {country['un_region']}: level of {indicator['title']} per country; {country['name']} outlined."
    return briefing.figure_data_uri(fig, width=900, height=520), alt


def _table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _group_rows(groups: list[dict], key: str) -> list[list[str]]:
    """Themes or principles: number/id, title, level, the scorecard's sentence, coverage; then why it is missing."""
    rows = []
    for g in groups:
        scored = g["status"] == "scored"
        coverage = f"{g['n_with_data']} of {g['n_mapped']} index indicators" if g["n_mapped"] else "-"
        why = "".join(f"<li>{escape(m['text'])}</li>" for m in g["missing"]) if not scored else ""
        steward = f"<br><small>{escape(g['steward_text'])}</small>" if not scored and g.get("steward_text") else ""
        text = escape(g["text"]) + (f'<ul class="missing">{why}</ul>' if why else "") + steward
        rows.append([escape(str(g[key])), escape(g["title"]), _badge(g["level"] if scored else "no_data"), text,
                     coverage])  # fmt: skip
    return rows


def _scorecard(card: dict) -> str:
    parts = []
    for theme in card["themes"]:
        rows = [
            [escape(e["title"]), escape(e["display_value"]), "" if e["year"] is None else str(int(e["year"])),
             _entry_badge(e), escape(e["trend_text"]), _peer(e), escape(e["source_id"] or "")]
            for e in theme["indicators"]
        ]  # fmt: skip
        headers = ["Indicator", "Latest value", "Year", "Level", "Trend", "Region median", "Source"]
        parts.append(f"<h3>{escape(theme['title'])}</h3>" + _table(headers, rows, "score"))
    return "".join(parts)


def _entry_badge(entry: dict) -> str:
    """The scorecard's status words for one indicator (as the CLI, API and page say them)."""
    if entry["status"] == "scored":
        return _badge(entry["level"]) + ("" if entry["index"] else " <small>(supplementary)</small>")
    if entry["status"] == "context":
        return '<span class="ctx">context (not scored)</span>'
    return f'<span class="badge" style="background:#eee;color:{TEXT_COLOUR}">{escape(entry["level_text"])}</span>'


def _trend(trend: object) -> str:
    return "–" if not isinstance(trend, str) or trend == "not_available" else escape(trend.replace("_", " "))


def _footer_text(release_id: str, info: dict, country: dict, sources: pd.DataFrame) -> tuple[str, str]:
    first = (f"Labour Migration Policy Monitor · {country['name']} ({country['iso3']}) · release {release_id} · "
             f"methodology {info['methodology_version']} · status year {info['status_year']}")  # fmt: skip
    second = "Sources: " + "; ".join(sources["source_id"]) + " (full citations in the Sources section)"
    return first, second


def _css_string(*lines: str) -> str:
    """A CSS string literal; lines joined by the CSS newline escape (a raw newline would void the rule)."""
    return '"' + "\\A ".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def _page(release_id, info, country, card, charts, sources) -> str:
    first, second = _footer_text(release_id, info, country, sources)
    figures = "".join(f'<figure><img src="{uri}" alt="{escape(alt)}"></figure>' for uri, alt in charts)
    legend = " ".join(_badge(level) for level in [*COLOURED, "no_data"]) + " " + _badge("no_data", True)
    source_rows = [
        [escape(r.source_id), escape(str(r.title)), escape(str(r.publisher)), escape(str(r.licence)), escape(str(r.citation))]
        for r in sources.itertuples()
    ]  # fmt: skip
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(country["name"])} - country briefing - release {release_id}</title>
<style>{_CSS.replace("FOOTER", _css_string(first, second))}</style></head>
<body>
<header><p class="kicker">Labour Migration Policy Monitor · country briefing</p>
<h1>{escape(country["name"])} ({country["iso3"]})</h1>
<p>{escape(str(country.get("un_subregion") or ""))}, {escape(str(country.get("un_region") or ""))} ·
{escape(str(country.get("income_group") or ""))}. Release <b>{release_id}</b> of {info["created_at"][:10]},
status year {info["status_year"]}, methodology {info["methodology_version"]}.</p>
<p class="legend">Levels: {legend}. Colours always come with an icon and a label; missing values are shown as
no data, never as zero. Peer medians are for the UN region ({escape(str(country.get("un_region")))}).</p></header>
<h2>Themes</h2><p class="legend">A theme's score is the mean of its index indicators' scores (indicators whose public
data cover at least 80% of UN member states; the others are supplementary: shown, not counted); its level comes
from its two worst indicator levels (SDSN two-worst rule: green only if both are green, red only if both are red),
so weak indicators show. A score needs 80% of the index indicators and at least two of them; where there is none,
the reasons are listed.</p>
{_table(["Theme", "Title", "Level", "Result", "Coverage"], _group_rows(card["themes"], "theme"))}
{figures}
<h2>Scorecard</h2>{_scorecard(card)}
<h2>MFLM principles</h2>{_table(["No.", "Principle", "Level", "Result", "Coverage"], _group_rows(card["principles"], "principle"), "principles")}
<h2>Sources</h2>{_table(["Id", "Title", "Publisher", "Licence", "Citation"], source_rows, "sources")}
<footer class="screen-only"><p>{escape(first)}</p><p>{escape(second)}</p></footer>
</body></html>
"""


_CSS = """
@page { size: A4; margin: 14mm 12mm 22mm 12mm;
  @bottom-left { content: FOOTER; width: 160mm; font: 7pt "DejaVu Sans", sans-serif; color: #333; white-space: pre-wrap; vertical-align: top; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); width: 24mm; text-align: right; font: 7pt "DejaVu Sans", sans-serif; vertical-align: top; } }
body { font: 9.5pt/1.35 "DejaVu Sans", "Liberation Sans", sans-serif; color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 20pt; margin: 0 0 4px; } h2 { font-size: 13pt; margin: 14px 0 6px; border-bottom: 1px solid #999; }
h3 { font-size: 10.5pt; margin: 10px 0 4px; } .kicker { color: #555; margin: 0; text-transform: uppercase; font-size: 8pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 6px; }
th, td { border-bottom: 1px solid #ddd; padding: 2px 4px; text-align: left; vertical-align: top; }
th { background: #eee; font-size: 8.5pt; } td { font-size: 8.5pt; } tr { break-inside: avoid; }
table.sources td { font-size: 7.5pt; } small { color: #555; }
.badge { display: inline-block; padding: 0 5px; border-radius: 3px; border: 1px solid #555; white-space: nowrap; font-size: 8pt; }
.ctx { color: #555; font-style: italic; font-size: 8pt; }
figure { margin: 8px 0; break-inside: avoid; } figure img { width: 100%; height: auto; }
.legend { font-size: 8.5pt; }
footer.screen-only { margin-top: 16px; border-top: 1px solid #999; font-size: 8pt; color: #333; }
@media print { footer.screen-only { display: none; } }
"""
