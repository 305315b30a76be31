"""`/country/<ISO3>`: queries, tiles, aggregates, CSV and the page layout as plain functions on the real release
built from the bundled seed. Expected values are read independently (SQL on observations, events and event_lists;
published figures pinned), never from the page's own code."""

from __future__ import annotations

import importlib
import io
import itertools
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree

import dash
import pandas as pd
import pytest
from dash import dcc

from dashboard.components import provenance as prov
from dashboard.components import tile as t
from dashboard.queries import country as q
from warehouse.connection import cursor


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    """The page module, imported under a Dash app that has no other pages (register_page needs an app)."""
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    return importlib.import_module("dashboard.pages.country")


@pytest.fixture(scope="module")
def mex(release_id: str) -> q.Profile:
    found = q.profile("MEX", release_id)
    assert found is not None
    return found


SVG = "{http://www.w3.org/2000/svg}"


def sql(release_id: str, query: str, params: list[object]) -> list[tuple]:
    _, cur = cursor(release_id)
    return cur.execute(query, params).fetchall()


def row_of(prof: q.Profile, indicator: str) -> dict:
    return next(r for r in prof.tiles if r["indicator_id"] == indicator)


def walk(component: object) -> Iterator[object]:
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def find(layout: object, ident: str) -> Any:
    return next(c for c in walk(layout) if getattr(c, "id", None) == ident)


def text(component: object) -> str:
    parts = [c for c in walk(component)]
    out = []
    for c in parts:
        children = getattr(c, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if isinstance(child, str | int | float):
                out.append(str(child))
    return " ".join(out)


def test_mex_female_lfpr_is_the_published_2023_value(release_id: str, mex: q.Profile) -> None:
    latest = sql(
        release_id,
        "SELECT value, year FROM observations WHERE indicator_id = 'female_lfpr' AND country = 'MEX'"
        " AND sex = 'female' AND partner_country = '' ORDER BY year DESC LIMIT 1",
        [],
    )
    assert latest == [(pytest.approx(47.317), 2023)]  # WDI SL.TLF.CACT.FE.ZS, ILO modelled estimate
    row = row_of(mex, "female_lfpr")
    assert (row["value"], row["year"], row["out_of_date"]) == (pytest.approx(47.317), 2023, False)
    assert t.value_text(row) == "47.3 %" and t.year_text(row) == "2023"
    assert t.level_words(row) in {"Achieved", "Challenges remain", "Significant challenges", "Major challenges"}
    assert prov.provenance(row["source_id"], row["flags"], row["out_of_date"]).kind == "modelled"
    assert mex.series["female_lfpr"][-1] == (2023, pytest.approx(47.317))


def test_mex_female_lfpr_peer_medians_come_from_peer_stats(release_id: str, mex: q.Profile) -> None:
    (median, q1, q3, n) = sql(
        release_id,
        "SELECT median, q1, q3, n FROM peer_stats WHERE indicator_id = 'female_lfpr' AND group_kind = 'un_region'"
        ' AND "group" = ?',
        ["Americas"],
    )[0]
    words = t.peer_text(row_of(mex, "female_lfpr"), "region")
    assert words == (
        f"Americas (region) median {median:.1f} %; the middle half of its {n} countries lie between {q1:.1f} and {q3:.1f}"
    )
    assert str(t.peer_text(row_of(mex, "female_lfpr"), "income")).startswith(
        "Upper middle income (income group) median"
    )


def test_partial_ilo_list_shows_not_known_not_not_ratified(release_id: str, mex: q.Profile) -> None:
    complete = sql(release_id, "SELECT complete FROM event_lists WHERE indicator_id = 'ilo_c097'", [])
    listed = sql(release_id, "SELECT count(*) FROM events WHERE indicator_id = 'ilo_c097' AND country = 'MEX'", [])
    assert complete == [(False,)] and listed == [(0,)]  # partial list, Mexico absent from it
    row = row_of(mex, "ilo_c097")
    assert t.status_key(row) == "not_known"
    assert t.value_text(row) == "Not known" and t.level_words(row) == "Not known"
    assert "not as not ratified" in t.not_known_text(row) and "of 54 ratifications stated" in t.not_known_text(row)


def test_an_old_complete_list_absence_is_not_known_since_its_date(mex: q.Profile) -> None:
    row = row_of(mex, "ilo_c156")  # UNSD's C156 list (2021) names every ratifying country: Mexico is absent
    assert t.value_text(row) == "Not known since 2021" and t.level_words(row) == "Not known"
    assert "Absent from the complete list of 2021" in t.not_known_text(row)


def test_a_principle_without_public_data_says_so_and_what_would_measure_it(page, mex: q.Profile) -> None:
    section = find(page.layout(iso3="MEX", group="principle"), "principle-13")
    shown = text(section)
    assert "Not measured by public data" in shown and "What would measure it:" in shown
    assert "fee_ban_law" not in shown and "Recruitment fees charged to workers are prohibited" in shown
    assert "score" not in shown.split("What would measure")[0]


def test_a_theme_without_a_score_lists_what_is_missing_and_why(page) -> None:
    layout = page.layout(iso3="TWN")  # Taiwan: outside the UN lists; no SDG 8.8.2 value
    section = find(layout, "theme-recruitment")
    shown = text(section)
    assert "No score: 0 of 1 index indicators have current data for this country" in shown
    assert (
        "National compliance with labour rights (SDG 8.8.2): the public source has no value for this country" in shown
    )
    assert "A national data steward could submit" in shown and "Go to the steward area" in shown


def test_layout_renders_real_countries(page, release_id: str) -> None:
    for iso3 in ("MEX", "GHA", "PHL", "DEU", "USA"):
        layout = page.layout(iso3=iso3)
        assert layout.className == "country-page" and getattr(layout, "data-iso3") == iso3
        name = sql(release_id, "SELECT name FROM countries WHERE iso3 = ?", [iso3])[0][0]
        assert name in text(find(layout, "country-name"))
        assert "Situation in" in text(layout) and release_id in text(find(layout, "country-release"))
        assert find(layout, "tile-female_lfpr") is not None
        assert find(layout, "country-events") is not None


def test_group_comes_from_the_url(page) -> None:
    principle = page.layout(iso3="MEX", group="principle")
    assert getattr(principle, "data-group") == "principle" and find(principle, "principle-15") is not None
    ids = [getattr(c, "id", None) for c in walk(principle) if getattr(c, "id", None)]
    assert len(ids) == len(set(ids))  # an indicator under two principles gets two tiles with distinct ids
    assert find(principle, "tile-female_lfpr-p1") is not None and find(principle, "tile-female_lfpr-p4") is not None
    assert getattr(page.layout(iso3="MEX", group="nonsense"), "data-group") == "theme"
    assert getattr(page.layout(iso3="MEX", group=["principle", "theme"]), "data-group") == "principle"
    assert find(page.layout(iso3="mex"), "tile-female_lfpr") is not None  # lower case is the same country


def test_unknown_code_and_aggregate_are_explained(page) -> None:
    unknown = page.layout(iso3="XXX")
    assert "no country with the code “XXX”" in text(find(unknown, "country-unknown"))
    near = text(page.layout(iso3="Mexico"))
    assert "Mexico (MEX)" in near
    world = text(find(page.layout(iso3="WLD"), "country-aggregate"))
    assert "an aggregate" in world and "not a country" in world


def test_csv_has_every_tile_of_the_view(page, release_id: str, mex: q.Profile) -> None:
    for group in ("theme", "principle"):
        payload = page.scorecard_download("MEX", group, release_id)
        lines = payload["content"].splitlines()
        assert lines[0].startswith("\ufeff") and lines[0].endswith(",Release,About these rows")
        frame = pd.read_csv(io.StringIO(payload["content"]))
        expected = len(mex.tiles) if group == "theme" else sum(len(g.rows) for g in page.view_groups(mex, group))
        assert len(frame) == expected
        lfpr = frame[frame["indicator_id"] == "female_lfpr"].iloc[0]
        assert (lfpr["value"], lfpr["year"], lfpr["unit"]) == (pytest.approx(47.317), 2023, "%")
        assert lfpr["provenance"] == "Modelled" and lfpr["region_group"] == "Americas"
        assert set(frame["release"]) == {release_id}
    assert payload["filename"] == f"scorecard_MEX_principle_{release_id}.csv"


def test_timeline_has_dated_ratifications_and_reforms(mex: q.Profile, release_id: str) -> None:
    dated = sql(release_id, "SELECT event_date FROM events WHERE country = 'MEX' AND indicator_id = 'ilo_c100'", [])
    assert dated == [("1952-08-23",)]
    kinds = {(e["indicator_id"], e["status"], e["year"]) for e in mex.events}
    assert ("ilo_c100", "in_force", 1952) in kinds and ("dual_citizenship_acceptance", "reform", 1998) in kinds


def svg_of(img: Any) -> ElementTree.Element:
    """The SVG document inside an image's data: URI."""
    assert img.src.startswith("data:image/svg+xml,")
    return ElementTree.fromstring(unquote(img.src.removeprefix("data:image/svg+xml,")))


def share(value: float, values: list[float]) -> float:
    """Where `value` sits between the smallest and the largest of `values` (0 to 1)."""
    return (value - min(values)) / (max(values) - min(values))


def test_sparkline_is_an_svg_image_of_the_series(mex: q.Profile) -> None:
    points = mex.series["female_lfpr"]
    assert points[0][0] == 1990 and points[-1] == (2023, pytest.approx(47.317))
    spark = t.sparkline(points, "%", "Female LFPR")
    image, span = spark.children  # type: ignore[union-attr]
    first = f"{t.format_number(points[0][1])} %"
    assert image.alt == f"Female LFPR: 1990 {first} to 2023 47.3 %"  # the words a screen reader gets
    assert span.children == "1990-2023" and getattr(span, "aria-hidden") == "true"  # shown; the alt says it
    svg = svg_of(image)
    line = svg.find(f"{SVG}polyline")
    assert line is not None
    drawn = [tuple(map(float, pair.split(","))) for pair in line.attrib["points"].split()]
    assert len(drawn) == len(points)
    years, values = [p[0] for p in points], [p[1] for p in points]
    xs, ys = [d[0] for d in drawn], [d[1] for d in drawn]
    for (year, value), x, y in zip(points, xs, ys, strict=True):  # x follows the year, y the value (upside down)
        assert share(x, xs) == pytest.approx(share(year, years), abs=1e-3)
        assert 1 - share(y, ys) == pytest.approx(share(value, values), abs=1e-3)
    dot = svg.find(f"{SVG}path")
    assert dot is not None and dot.attrib["d"] == f"M{xs[-1]:g} {ys[-1]:g}h0"  # the last point is marked
    assert t.sparkline(points[:1], "%", "Female LFPR") is None


def test_profile_draws_no_plotly_graph(page) -> None:
    """Sparklines and the timeline are images drawn on the server: the profile never loads plotly.js."""
    layout = page.layout(iso3="MEX")
    assert not [c for c in walk(layout) if isinstance(c, dcc.Graph)]
    assert len([c for c in walk(layout) if getattr(c, "className", None) == "spark-graph"]) >= 10


def test_timeline_image_places_every_event(page, mex: q.Profile) -> None:
    image = find(page.layout(iso3="MEX"), "country-timeline-graph")
    assert image.alt == f"Timeline of {len(mex.events)} legal events; listed beside the chart."
    svg = svg_of(image)
    labels = {(el.text or ""): float(el.attrib["x"]) for el in svg.iter(f"{SVG}text")}
    assert {"Ratifications", "Dual-citizenship reforms", "C100", "CEDAW", "Dual citizenship"} <= set(labels)
    diamonds = [el for el in svg.iter(f"{SVG}path") if el.attrib["d"].endswith("z")]
    assert len(diamonds) == len(mex.events)
    assert labels["1950"] < labels["C100"] < labels["1960"]  # ratified 1952-08-23
    assert labels["1980"] < labels["CEDAW"] < labels["1990"]  # 1981


def test_timeline_labels_of_one_year_take_rows_of_their_own() -> None:
    from dashboard.components.timeline import LABEL_CHAR_WIDTH, label_rows

    apart = label_rows([(100.0, "C100"), (300.0, "C111"), (500.0, "CEDAW"), (650.0, "ICCPR")])
    assert [row for *_, row in apart] == [0, 1, 0, 1]  # far apart: above, below, above, below as before
    together = label_rows([(600.0, "ICESCR"), (600.0, "ICCPR"), (601.0, "ICRMW"), (200.0, "C100")])
    assert [row for *_, row in together] == [1, 0, 3, 0]  # in the order given; C100, first from the left, above
    crowded = label_rows([(400.0, "C97")] * 5)
    assert sorted(row for *_, row in crowded) == [0, 0, 1, 2, 3]  # five in one spot: four rows, then the first
    for placed in (apart, together):
        for (x1, w1, r1), (x2, w2, r2) in itertools.combinations(placed, 2):
            assert r1 != r2 or abs(x1 - x2) >= LABEL_CHAR_WIDTH * (len(w1) + len(w2)) / 2


def test_the_timeline_of_a_country_with_three_treaties_in_one_year_prints_each_name_apart(page) -> None:
    svg = svg_of(find(page.layout(iso3="GHA"), "country-timeline-graph"))
    names = [(float(el.attrib["x"]), float(el.attrib["y"]), el.text) for el in svg.iter(f"{SVG}text")
             if el.attrib.get("font-size") == "11"]  # fmt: skip
    assert {"ICCPR", "ICESCR", "ICRMW"} <= {words for *_, words in names}
    same_year = [(x, y) for x, y, words in names if words in ("ICCPR", "ICESCR", "ICRMW")]
    assert len({y for _, y in same_year}) == 3  # ratified in 2000: three rows, not one name over another


def test_more_than_three_events_at_one_spot_get_one_label_that_counts_them() -> None:
    from dashboard.components.timeline import clustered

    def words(n: int) -> str:
        return f"{n} ratifications"

    three = [(300.0, "ICCPR"), (300.0, "ICESCR"), (305.0, "ICRMW"), (500.0, "C100")]
    assert clustered(three, words) == three  # three can be named, each on its row
    nine = [(100.0 + i, f"C{i}") for i in range(9)] + [(400.0, "C177")]
    assert clustered(nine, words) == [(104.0, "9 ratifications"), (400.0, "C177")]


def test_a_successor_state_s_ratifications_of_one_day_are_counted_not_printed_over_each_other(page) -> None:
    svg = svg_of(find(page.layout(iso3="BIH"), "country-timeline-graph"))
    names = [el.text for el in svg.iter(f"{SVG}text") if el.attrib.get("font-size") == "11"]
    assert "9 ratifications" in names  # 1993: C097, C100, C102, C111, C143, C156, CEDAW, ICCPR, ICESCR
    assert "ICRMW" in names and "C100" not in names
    diamonds = [el for el in svg.iter(f"{SVG}path") if el.attrib["d"].endswith("z")]
    assert len(diamonds) == 15  # every event still has its diamond


def test_a_label_at_the_chart_s_edge_is_moved_in_not_cut_off() -> None:
    from dashboard.components.timeline import LABEL_CHAR_WIDTH, within

    shown = within([(695.0, "Double nationalité"), (92.0, "C100"), (400.0, "CEDAW")], 90.0, 700.0)
    assert shown[2] == (400.0, "CEDAW")  # room on both sides: centred on its event
    for x, words in shown:
        half = LABEL_CHAR_WIDTH * len(words) / 2
        assert 90.0 <= x - half and x + half <= 700.0
    assert shown[0][0] < 695.0 and shown[1][0] > 92.0


def reform_texts(svg: ElementTree.Element) -> list[str]:
    return [el.text or "" for el in svg.iter(f"{SVG}text")]


def test_a_reform_after_globalcit_s_coding_is_in_the_reforms_lane_in_the_reader_s_language(page) -> None:
    """Germany's StARModG (in force 2024-06-27) is an event of the L05 indicator: a dual-citizenship reform, said in
    Spanish from the categories' translations, never "dual_citizenship_emigrants" among the ratifications."""
    from dashboard.i18n import use_lang
    from indicators import i18n

    with use_lang("es"):
        layout = page.layout(iso3="DEU")
    svg = svg_of(find(layout, "country-timeline-graph"))
    texts = reform_texts(svg)
    assert "Reformas de la doble nacionalidad" in texts and "Doble nacionalidad" in texts
    assert not [words for words in texts if "dual_citizenship" in words]
    reform = next(el for el in svg.iter(f"{SVG}path") if el.attrib.get("fill") == "#B3480B")  # the reforms' colour
    assert reform.attrib["d"].endswith("z")
    listed = text(find(layout, "country-events"))
    before = i18n.category("es", "dual_citizenship_emigrants", "2")  # GLOBALCIT's L05 for 2024: lost, with exceptions
    after = i18n.category("es", "dual_citizenship_emigrants", "0")  # the author's 2026 table: kept
    assert before and after and f"de «{before}» a «{after}»" in listed
    assert "en vigor desde el 27 jun 2024" in listed and "StARModG" in listed
    assert "loss on acquiring" not in listed and ": reform" not in listed


@pytest.mark.parametrize(("lang", "gone", "shown"), [("es", "ICCPR", "PIDCP"), ("fr", "ICESCR", "PIDESC")])
def test_a_coded_reform_and_the_covenants_are_named_in_the_reader_s_language(page, lang, gone, shown) -> None:
    """The Philippines accepted dual citizenship fully in 2004 (GLOBALCIT: immigrants only in 2003)."""
    from dashboard.i18n import use_lang
    from indicators import i18n

    with use_lang(lang):
        layout = page.layout(iso3="PHL")
    texts = reform_texts(svg_of(find(layout, "country-timeline-graph")))
    assert shown in texts and gone not in texts
    listed = text(find(layout, "country-events"))
    before, after = (i18n.category(lang, "dual_citizenship_acceptance", code) for code in ("2", "3"))
    assert before and after and before in listed and after in listed
    assert "immigrants only" not in listed and "full acceptance" not in listed


def test_a_historical_area_s_values_are_named_by_the_category_table_in_the_reader_s_language(page) -> None:
    """The USSR's 1992 GLOBALCIT codes (dualcit_comb 1, L05 0) by the registry's labels, translated, as every other
    categorical value is; its name in French too (CLDR has none for SUN)."""
    from dashboard.i18n import use_lang
    from indicators import i18n

    with use_lang("fr"):
        layout = page.layout(iso3="SUN")
    table = text(next(c for c in walk(layout) if getattr(c, "className", None) == "data-table historical-values"))
    assert f"{i18n.category('fr', 'dual_citizenship_acceptance', '1')} 1992" in table
    assert f"{i18n.category('fr', 'dual_citizenship_emigrants', '0')} 1992" in table
    assert "emigrants only" not in table and "URSS (Union soviétique) (SUN)" in text(layout)
    english = text(
        next(
            c for c in walk(page.layout(iso3="SUN")) if getattr(c, "className", None) == "data-table historical-values"
        )
    )
    assert "Accepted for emigrants only" in english


def test_context_indicators_have_no_colour(mex: q.Profile) -> None:
    row = row_of(mex, "migrant_stock")
    assert t.status_key(row) is None and t.level_words(row) == "Context: not scored" and t.trend_text(row) == ""
    assert t.tile(row).className == "tile tile-context"  # type: ignore[attr-defined]


def test_out_of_date_and_no_data_words(mex: q.Profile) -> None:
    old = row_of(mex, "female_lfpr_longrun")  # OWID series ends in 2016
    assert t.year_text(old) == "value from 2016 (out of date)"
    none = row_of(mex, "recruitment_cost_months")
    assert (t.value_text(none), t.year_text(none), t.level_words(none)) == ("No data", "", "No data")


@pytest.mark.parametrize(
    ("source", "flags", "old", "kind", "words"),
    [
        ("wb_wdi", "estimate=ILO modelled", False, "modelled", "Modelled"),
        ("un_sdg", "nature=e;obs_status=a", False, "estimated", "Estimated"),
        ("undesa_ims", "type_of_data=I R", False, "estimated", "Estimated"),
        ("un_sdg", "nature=c;obs_status=a", True, "official", "Official, out of date"),
        (
            "steward",
            "submitted_by=Ministry of Labour;submission=7",
            False,
            "submitted",
            "Submitted by Ministry of Labour",
        ),
        (
            "steward",
            "submitted_by=INEGI Mexico;submission=s1;cited_source=INEGI ENADID 2023;note=provisional",
            False,
            "submitted",
            "Submitted by INEGI Mexico, citing INEGI ENADID 2023",
        ),
    ],
)
def test_provenance_kinds(source: str, flags: str, old: bool, kind: str, words: str) -> None:
    found = prov.provenance(source, flags, old)
    assert found.kind == kind and prov.provenance_text(found) == words
    badge = prov.provenance_badge(source, flags, old, "A source")
    assert badge.children[0].href == f"/sources#{source}"


def test_number_formats() -> None:
    assert [t.format_number(v) for v in (47.317, 4.39, 287.0, 1197624.0)] == ["47.3", "4.39", "287", "1,197,624"]
    assert t.with_unit(57.1, "ratio x100") == "57.1 (ratio x100)" and t.with_unit(3, "agreements") == "3 agreements"


def test_release_in_the_url_is_kept(page, release_id: str) -> None:
    cited = page.layout(iso3="MEX", release=release_id)
    assert release_id in text(find(cited, "country-release"))
    assert find(cited, "country-group-principle").href == f"/country/MEX?group=principle&release={release_id}"
    assert find(cited, "country-state").data["release"] == release_id
    missing = page.layout(iso3="MEX", release="r19990101T000000000Z")
    assert "Release not available" in text(missing)


def test_the_profiles_scores_and_aggregates_are_the_release_tables_rows(release_id: str) -> None:
    """Every area with a profile: its scores and theme/principle aggregates (sliced from the rows kept per release)
    are its rows of indicator_scores, theme_scores and principle_scores, read here by SQL of their own."""
    _, cur = cursor(release_id)
    fields = ", ".join(q.SCORE_FIELDS)
    checked = 0
    for (iso3,) in cur.execute("SELECT iso3 FROM countries ORDER BY iso3").fetchall():
        found = q.profile(iso3, release_id)
        if found is None:
            continue
        result = cur.execute(f"SELECT {fields} FROM indicator_scores WHERE country = ?", [iso3])
        expected = {row[0]: dict(zip(q.SCORE_FIELDS, row, strict=True)) for row in result.fetchall()}
        assert q.scores_of(release_id, iso3) == expected, iso3
        result = cur.execute(
            "SELECT 'theme', theme, score, level, coverage, n_with_data, n_mapped FROM theme_scores WHERE country = $c "
            "UNION ALL SELECT 'principle', CAST(principle AS VARCHAR), score, level, coverage, n_with_data, n_mapped "
            "FROM principle_scores WHERE country = $c",
            {"c": iso3},
        )
        names = ("kind", "key", "score", "level", "coverage", "n_with_data", "n_mapped")
        aggregates = {(r[0], r[1]): dict(zip(names, r, strict=True)) for r in result.fetchall()}
        assert found.aggregates == aggregates, iso3
        checked += 1
    assert checked > 150
