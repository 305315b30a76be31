"""The heat map's cells take their colour from compare.css (td.heat-<level>) instead of a style per cell: the CSS
holds exactly the level colours of indicators/levels.py, and a cell carries no style unless its level has no class."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.components.heatmap import CLASS_COLOURED, HeatCell, heat_cell

CSS = Path(__file__).resolve().parents[2] / "dashboard" / "assets" / "compare.css"


def test_compare_css_colours_every_level_as_indicators_levels_does() -> None:
    rules = dict(re.findall(r"td\.heat-(\w+) \{ background-color: (#[0-9A-Fa-f]{6}); \}", CSS.read_text()))
    assert {k: v.upper() for k, v in rules.items()} == {k: v.upper() for k, v in CLASS_COLOURED.items()}


def test_a_cell_is_coloured_by_its_class_and_an_unknown_level_keeps_its_colour_inline() -> None:
    green = heat_cell(HeatCell("green", "52.9%", 2023), "Women's LFPR", "Mexico")
    assert green.className == "heat-cell heat-green" and getattr(green, "style", None) is None
    assert green.title == "Mexico, Women's LFPR: ✓ 52.9% (2023 · Achieved)"
    empty = heat_cell(None, "Row", "Column")
    assert empty.className == "heat-cell heat-no_data" and getattr(empty, "style", None) is None
    odd = heat_cell(HeatCell("something_new", ""), "Row", "Column")
    assert odd.style == {"backgroundColor": "#D9D9D9", "color": "#000000"}  # as no_data, drawn inline
