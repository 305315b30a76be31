"""Women and men on one chart of `/indicator/<id>`, with the gap between them: offered (sex=both) wherever a
continuous indicator is published for both sexes. Lines per country (or the median of all countries when none is
chosen), men dashed and women solid in the same colour, the space between them shaded; the table and the caption
give the gap (women minus men) in each year both have a value. The year's table shows the total (or the headline
series) with women's, men's and the gap as extra columns; the map colours each country by the gap, on a diverging
scale, where both values are current (missing or out of date on either side stays grey, never zero).

(A leading underscore keeps Dash Pages from taking this module for a page.)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.components.datatable import Column
from dashboard.components.map import CURRENT
from dashboard.i18n import ind_text, t, unit_text
from dashboard.pages import _indicator_words as words
from dashboard.pages._status_words import format_number
from dashboard.queries import indicator as q
from indicators.aggregate import MIN_PEERS
from indicators.levels import STATUS_LABELS
from indicators.model import Indicator

BOTH = "both"  # the sex switch's "women and men" choice (words: sex.both)
PALETTE = ("#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#88CCEE", "#CC6677", "#DDCC77")
FILLS = ("rgba(51,34,136,0.15)", "rgba(17,119,51,0.15)", "rgba(136,34,85,0.15)", "rgba(68,170,153,0.15)",
         "rgba(153,153,51,0.15)", "rgba(170,68,153,0.15)", "rgba(136,204,238,0.2)", "rgba(204,102,119,0.15)",
         "rgba(221,204,119,0.2)")  # fmt: skip


def choices(ind: Indicator, sexes: list[str]) -> list[str]:
    """The sex switch's choices: the published slices, plus "women and men" when both are published (values)."""
    both = ind.type == "continuous" and {"female", "male"} <= set(sexes)
    return [*sexes, BOTH] if both else sexes


def base_sex(ind: Indicator, sex: str, sexes: list[str]) -> str:
    """The slice the map and the year's table colour by: the chosen one, or with both the total (else headline)."""
    if sex != BOTH:
        return sex
    return "total" if "total" in sexes else ind.headline_sex


def series(ind: Indicator, countries: list[str], release: str | None) -> pd.DataFrame:
    """name, year, female, male, gap (women minus men; missing where either is), by series name and year."""
    sides = []
    for sex in ("female", "male"):
        if countries:
            rows = words.country_series(ind, countries, sex, release)[["name", "year", "value"]]
        else:
            rows = q.all_country_medians(ind, sex, release)[["year", "value"]].assign(name=t("chart.all_countries"))
        sides.append(rows.groupby(["name", "year"], as_index=False)["value"].mean().rename(columns={"value": sex}))
    both = sides[0].merge(sides[1], on=["name", "year"], how="outer").sort_values(["name", "year"])
    return both.assign(gap=(both["female"] - both["male"]).round(4)).reset_index(drop=True)


def _trace(i: int, name: str, sex: str, s: pd.DataFrame, unit: str) -> dict[str, Any]:
    kept = s[s[sex].notna()]
    label = t("chart.both_trace", name=name, sex=t(f"sex.{sex}"))
    trace: dict[str, Any] = {
        "type": "scatter", "mode": "lines+markers", "name": label, "x": kept["year"].tolist(),
        "y": kept[sex].tolist(), "legendgroup": name,
        "line": {"color": PALETTE[i % len(PALETTE)], "dash": "solid" if sex == "female" else "dash"},
        "marker": {"symbol": "circle" if sex == "female" else "square", "size": 6},
        "hovertemplate": f"<b>{label}</b><br>%{{x}}: %{{y}} {unit}<extra></extra>",
    }  # fmt: skip
    if sex == "female":
        trace.update(fill="tonexty", fillcolor=FILLS[i % len(FILLS)])
    return trace


def traces(ind: Indicator, rows: pd.DataFrame) -> list[dict[str, Any]]:
    unit = unit_text(ind.unit)
    return [
        _trace(i, str(name), sex, s, unit)
        for i, (name, s) in enumerate(rows.groupby("name", sort=True))
        for sex in ("male", "female")  # men first: the women's line shades down to it (the gap)
    ]


def caption(ind: Indicator, rows: pd.DataFrame, what: str) -> str:
    """Each series' latest year with both values: women, men and the gap."""
    title = ind_text(ind.id, "title", ind.title)
    paired = rows[rows["gap"].notna()]
    if paired.empty:
        return t("chart.both_empty", title=title)
    parts = [
        t("chart.both_part", name=name, year=int(s.iloc[-1]["year"]), women=format_number(s.iloc[-1]["female"]),
          men=format_number(s.iloc[-1]["male"]), gap=_signed(s.iloc[-1]["gap"]))
        for name, s in paired.groupby("name", sort=True)
    ]  # fmt: skip
    return t("chart.both_caption", title=title, unit=unit_text(ind.unit), what=what, parts="; ".join(parts))


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + format_number(value)


def parts(ind: Indicator, countries: list[str], release: str | None):
    """(traces, title, caption, plotted data, its columns) of the women-and-men chart."""
    rows = series(ind, countries, release)
    what = t("chart.selected") if countries else t("chart.all_median", n=MIN_PEERS)
    columns = [Column("name", t("col.country") if countries else t("col.series")),
               Column("year", t("col.year"), numeric=True), Column("female", t("sex.female"), numeric=True),
               Column("male", t("sex.male"), numeric=True), Column("gap", t("col.gap"), numeric=True),
               Column("unit", t("col.unit"))]  # fmt: skip
    title = t("chart.both_title", title=ind_text(ind.id, "title", ind.title), what=what)
    return traces(ind, rows), title, caption(ind, rows, what), rows.assign(unit=unit_text(ind.unit)), columns


def with_sexes(frame: pd.DataFrame, ind: Indicator, year: int, release: str | None) -> pd.DataFrame:
    """The year's status frame with each country's women's and men's value (same year rules) and the gap."""
    out = frame.copy()
    for sex in ("female", "male"):
        side = words.status_frame(ind, year, sex, release).set_index("iso3")
        out[sex] = pd.to_numeric(out["iso3"].map(side["value"]), errors="coerce").astype("float64")
        out[f"{sex}_level"] = out["iso3"].map(side["level"]).fillna("no_data")
        out[f"{sex}_year"] = pd.to_numeric(out["iso3"].map(side["year"]), errors="coerce")
    out["gap"] = (out["female"] - out["male"]).round(4)  # no float noise (-51.98999...) in the table
    return out


def sex_columns() -> list[Column]:
    return [Column("female", t("sex.female"), numeric=True), Column("male", t("sex.male"), numeric=True),
            Column("gap", t("col.gap"), numeric=True, description=t("indicator.col.gap_help"))]  # fmt: skip


def gap_map_frame(frame: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """The map's frame for women and men (from `with_sexes`): `value` the gap where both values are current (level
    CURRENT), else the first status either side has (out of date, suspect), else no data; the hover says both."""
    unit, points = unit_text(ind.unit), gap_unit(ind)
    rows = []
    for row in frame.itertuples(index=False):
        both = not (pd.isna(row.female) or pd.isna(row.male))
        statuses = [lv for lv in (row.female_level, row.male_level) if lv in STATUS_LABELS]
        level = (statuses[0] if statuses else CURRENT) if both else "no_data"
        same_year = both and row.female_year == row.male_year
        text = _gap_text(row, unit, points, same_year) if both else ""
        year = row.female_year if same_year else None  # else each value says its own year in the text
        rows.append((row.iso3, row.name, level, text, year, row.gap if level == CURRENT else None))
    return pd.DataFrame(rows, columns=["iso3", "name", "level", "value_text", "year", "value"])


def _gap_text(row: Any, unit: str, points: str, same_year: bool) -> str:
    """'Women 40 % · men 60 % · gap -20 percentage points', each value with its year when the two years differ."""
    women, men = (f"{format_number(value)} {unit}".strip() + ("" if same_year else f" ({int(year)})")
                  for value, year in ((row.female, row.female_year), (row.male, row.male_year)))  # fmt: skip
    return t("map.gap_value", women=women, men=men, gap=f"{_signed(row.gap)} {points}".strip())


def gap_unit(ind: Indicator) -> str:
    """The gap's unit: percentage points for a percentage, else the indicator's unit."""
    return t("map.gap_points") if ind.unit.strip() == "%" else unit_text(ind.unit)


def gap_legend(shown: bool) -> str:
    return t("map.gap_legend") if shown else ""
