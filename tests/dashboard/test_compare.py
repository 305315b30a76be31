"""/compare on the real release: values read independently with SQL, URL parsing (user groups, unknown codes),
bands never ranks, the table's search and its CSV, and the callbacks called as plain functions."""

from __future__ import annotations

import io
import re
import sys
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from tests.dashboard.layout_tree import find_component

TRIO = ["MEX", "PHL", "GHA"]
BAND_RE = re.compile(r"^(top 20%|20-40%|40-60%|60-80%|bottom 20%) of \d+ countries$")


def texts(component: object) -> list[str]:
    """Every string in a Dash component tree (children and title attributes)."""
    if component is None:
        return []
    if isinstance(component, str | int | float):
        return [str(component)]
    if isinstance(component, list | tuple):
        return [t for c in component for t in texts(c)]
    found = [str(getattr(component, "title", "") or "")]
    return found + texts(getattr(component, "children", None))


find = find_component  # the name tests/dashboard/test_framework.py imports


@pytest.fixture(scope="module")
def cmp(release_id: str):
    """The page module as the app registered it (dash.register_page needs the app first)."""
    import dash

    from dashboard.app import create_app

    create_app()
    name = next(key for key, p in dash.page_registry.items() if p["path"] == "/compare")
    return sys.modules[name]


@pytest.fixture(scope="module")
def ref(release_id: str):
    from dashboard.pages import _compare_selection as chosen

    return chosen.reference()


@pytest.fixture(scope="module")
def theme_ids(release_id: str) -> list[str]:
    from dashboard.queries import compare as q

    return list(q.themes()["theme_id"])


def latest_female_lfpr(codes: list[str]) -> pd.DataFrame:
    """Independently: the latest female value in or before the status year, straight from observations."""
    from warehouse.connection import cursor

    _, cur = cursor()
    sql = """SELECT country, arg_max(value, year) AS value, max(year) AS year FROM observations
             WHERE indicator_id = 'female_lfpr' AND sex = 'female' AND partner_country = '' AND year <= 2025
               AND list_contains(?, country) GROUP BY country"""
    return cur.execute(sql, [codes]).df().set_index("country")


def test_female_lfpr_values_match_the_observations(cmp, ref, theme_ids):
    from dashboard.pages import _compare_selection as chosen
    from dashboard.pages import _compare_view as view

    expected = latest_female_lfpr(TRIO)
    assert set(expected.index) == set(TRIO)
    frame = view.table_frame(chosen.resolve(",".join(TRIO), None, None, ref, theme_ids), None)
    rows = frame[frame["indicator_id"] == "female_lfpr"].set_index("country")
    for code in TRIO:
        assert rows.loc[code, "number"] == pytest.approx(expected.loc[code, "value"], abs=1e-4)
        assert int(rows.loc[code, "year"]) == int(expected.loc[code, "year"])
        assert rows.loc[code, "shown"] == f"{expected.loc[code, 'value']:.1f}%"


def test_heat_map_cells_carry_icon_value_year_and_label(cmp):
    messages, heat, figure, note, query = cmp.update_view(TRIO, None, "women", None)
    expected = latest_female_lfpr(["MEX"]).loc["MEX"]
    words = texts(heat)
    cell = next(t for t in words if t.startswith("Mexico, Female labour force participation rate, 15+"))
    assert f"{expected['value']:.1f}%" in cell and str(int(expected["year"])) in cell
    assert re.search(r"(✓ |! |!! |✗ )", cell) and re.search(r"Achieved|Challenges remain|challenges", cell)
    assert query == "?countries=MEX,PHL,GHA&theme=women"
    assert not any("Recruitment practices" in t for t in words)  # theme filter


def test_small_multiples_one_line_per_country(cmp):
    figure = cmp.update_view(TRIO, None, "women", None)[2]
    lfpr_axis = next(
        a["text"]
        for a in figure["layout"]["annotations"]
        if a["text"].startswith("Female labour force participation rate, 15+")
    )
    assert "(%)" in lfpr_axis
    names = {t["name"] for t in figure["data"]}
    assert {"Mexico (MEX)", "Philippines (PHL)", "Ghana (GHA)"} <= names
    assert all(t["mode"] == "lines+markers" for t in figure["data"])
    symbols = {t["legendgroup"]: t["marker"]["symbol"] for t in figure["data"]}
    assert len(set(symbols.values())) == 3  # countries differ by marker shape, not colour alone


def test_user_group_in_the_url_parses_and_round_trips(ref, theme_ids):
    from dashboard.pages import _compare_selection as q

    selection = q.resolve(None, "Andean partners:BOL, col,ECU,PER,XXX", None, ref, theme_ids)
    assert selection.group is not None and selection.group.kind == "user"
    assert selection.group.name == "Andean partners"
    assert selection.members == ("BOL", "COL", "ECU", "PER")
    assert selection.unknown == ("XXX",) and not selection.default
    query = q.query_string(selection)
    assert query == "?group=Andean%20partners:BOL,COL,ECU,PER"
    parsed = {k: v[0] for k, v in parse_qs(urlsplit(query).query).items()}
    again = q.resolve(parsed.get("countries"), parsed.get("group"), parsed.get("theme"), ref, theme_ids)
    assert again.members == selection.members and again.group == selection.group


def test_builtin_groups_by_name(ref, theme_ids):
    from dashboard.pages import _compare_selection as q

    selection = q.resolve("MEX", "south-eastern asia", None, ref, theme_ids)
    assert selection.group is not None and selection.group.kind == "un_subregion"
    assert selection.members[0] == "MEX" and "PHL" in selection.members
    assert q.resolve(None, "Low income", None, ref, theme_ids).group.kind == "income_group"  # type: ignore[union-attr]
    nowhere = q.resolve(None, "Atlantis", None, ref, theme_ids)
    assert nowhere.group is None and any("Atlantis" in p for p in nowhere.problems)


def test_shared_user_group_url_gives_the_view(cmp):
    view = cmp.layout(group="Andean:BOL,COL,ECU,PER,QQQ", theme="women")
    heat = find(view, "compare-heatmap-table")
    headers = [t for t in texts(heat.children[1])]  # type: ignore[union-attr]
    for name in ("Bolivia", "Colombia", "Ecuador", "Peru"):
        assert name in headers
    messages = " ".join(texts(find(view, "compare-messages")))
    assert "QQQ" in messages and "Your group: Andean (4 countries)" in messages
    assert find(view, "compare-group").value == "Andean:BOL,COL,ECU,PER"  # type: ignore[union-attr]
    assert find(view, "compare-theme").value == "women"  # type: ignore[union-attr]


def test_unknown_codes_are_named_and_the_rest_shown(cmp):
    view = cmp.layout(countries="MEX,XXX,wld")
    messages = " ".join(texts(find(view, "compare-messages")))
    assert "XXX" in messages and "WLD (World) is an aggregate" in messages
    assert "Mexico" in texts(find(view, "compare-heatmap-table"))
    assert find(view, "compare-countries").value == ["MEX"]  # type: ignore[union-attr]


def test_areas_without_a_scorecard_get_no_column_and_are_said_why(cmp):
    """Antarctica (no permanent population) and the USSR (historical) have no scorecard, as their profiles say: a
    column of "no data" was a statement about governments that do not exist. They are named, not shown."""
    from dashboard.i18n import use_lang

    with use_lang("es"):
        view = cmp.layout(countries="ATA,MEX,SUN,HMD")
    messages = " ".join(texts(find(view, "compare-messages")))
    assert "Antártida (ATA) no tiene población permanente" in messages and "(HMD) no tiene población" in messages
    assert "(SUN) es una zona histórica" in messages
    assert find(view, "compare-countries").value == ["MEX"]  # type: ignore[union-attr]
    options = {o["value"] for o in find(view, "compare-countries").options}  # type: ignore[union-attr]
    assert "MEX" in options and not {"ATA", "SUN", "YUG", "HMD"} & options
    others = cmp.layout(countries="PSE,XKX,PRI,CHI")  # a non-member state, a territory: they have scorecards
    assert find(others, "compare-countries").value == ["PSE", "XKX", "PRI", "CHI"]  # type: ignore[union-attr]
    assert not " ".join(texts(find(others, "compare-messages"))).strip()


def test_a_region_s_members_are_the_areas_with_a_scorecard(ref, release_id: str):
    from warehouse.connection import cursor

    _, cur = cursor()
    europe = {code for (code,) in cur.execute("SELECT iso3 FROM countries WHERE un_region = 'Europe'").fetchall()}
    assert {"SUN", "YUG", "CSK", "DDR", "SCG", "DEU", "UKR"} <= europe  # the reference table holds the old states
    members = set(ref.groups["europe"].members)
    assert "DEU" in members and "UKR" in members and not {"SUN", "YUG", "CSK", "DDR", "SCG"} & members
    assert len(members) == len(europe) - 5
    assert not {"HMD", "UMI"} & set(ref.groups["oceania"].members)  # uninhabited


def test_default_trio_with_a_note(cmp):
    view = cmp.layout()
    assert find(view, "compare-countries").value == TRIO  # type: ignore[union-attr]
    assert "No countries in the link" in " ".join(texts(find(view, "compare-messages")))


def test_ranks_only_as_bands_never_integers(cmp):
    from dashboard.pages import _compare_view as view

    rows = cmp.update_table(TRIO + ["DEU", "USA"], None, None, None, None)
    bands = [r["band"] for r in rows if r["band"]]
    assert bands and all(isinstance(b, str) and (BAND_RE.match(b) or b.startswith("not banded")) for b in bands)
    assert not [c for c in view.TABLE_COLUMNS if "rank" in c.id or "rank" in c.name.lower()]
    assert all(set(r) == {c.id for c in view.TABLE_COLUMNS} for r in rows)  # no hidden rank column shipped


def test_search_narrows_and_the_csv_is_what_is_shown(cmp):
    from dashboard.pages import _compare_view as view

    rows = cmp.update_table(TRIO, None, None, "ghana female labour", None)
    assert rows and all(r["name"] == "Ghana" and "female" in r["title"].lower() for r in rows)
    columns = [{"id": c.id, "name": c.name} for c in view.TABLE_COLUMNS]
    payload = cmp.download_table(1, rows, columns, "?countries=MEX,PHL,GHA", None)
    lines = payload["content"].splitlines()
    assert lines[0].startswith("\ufeffTheme,Indicator,")  # the header row first, UTF-8 with a byte-order mark
    csv = pd.read_csv(io.StringIO(payload["content"]))
    assert list(csv.columns) == [c.name for c in view.TABLE_COLUMNS] + ["Release", "About these rows"]
    assert set(csv["About these rows"].str.slice(0, 42)) == {"Labour Migration Policy Monitor, release r"}
    assert csv["About these rows"].iloc[0].split(". ", 1)[1].startswith("Compare")
    assert len(csv) == len(rows) and set(csv["Country"]) == {"Ghana"}
    assert "rank" not in " ".join(csv.columns).lower()


def test_make_group_turns_the_selection_into_a_named_group(cmp):
    options, value, countries = cmp.make_group(1, None, "Trio", TRIO, None)
    assert value == "Trio:MEX,PHL,GHA" and countries == []
    assert options[0] == {"label": "Your group: Trio (3 countries)", "value": "Trio:MEX,PHL,GHA"}


def test_cleared_controls_show_nothing_rather_than_the_default(cmp):
    messages, heat, figure, note, query = cmp.update_view([], None, "all", None)
    assert query == "" and figure["data"] == []
    assert "Pick at least one country" in " ".join(texts(messages))


def test_chart_data_download_has_the_drawn_values(cmp):
    payload = cmp.download_chart_data(1, TRIO, None, "women", None)
    csv = pd.read_csv(io.StringIO(payload["content"]), comment="#")
    lfpr = csv[(csv["indicator_id"] == "female_lfpr") & (csv["country"] == "MEX")]
    expected = latest_female_lfpr(["MEX"]).loc["MEX"]
    assert lfpr.loc[lfpr["year"].idxmax(), "value"] == pytest.approx(expected["value"], abs=1e-4)


def test_the_read_model_names_countries_in_english_the_page_in_the_readers_language(release_id: str):
    """queries.compare returns the release's names as data; the page names countries and groups in words."""
    from dashboard.i18n import use_lang
    from dashboard.pages import _compare_selection as chosen
    from dashboard.queries import compare as q

    with use_lang("fr"):
        data, words = q.reference(), chosen.reference()
        label = chosen.group_label(data.groups["sub-saharan africa"])
    assert (data.names["MEX"], words.names["MEX"]) == ("Mexico", "Mexique")
    assert data.groups["sub-saharan africa"].name == "Sub-Saharan Africa"
    assert label.startswith("Sous-région de l'ONU : Afrique subsaharienne (")
