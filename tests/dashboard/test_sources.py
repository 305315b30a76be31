"""/sources on the real release: every source with its licence (flagged when not verified), anchors, what each
feeds, checksums, and the names kept apart (e.g. IAB's "Unknown")."""

from __future__ import annotations

import io
import sys

import pandas as pd
import pytest

from tests.dashboard.test_compare import find, texts


@pytest.fixture(scope="module")
def src(release_id: str):
    import dash

    from dashboard.app import create_app

    create_app()
    name = next(key for key, p in dash.page_registry.items() if p["path"] == "/sources")
    return sys.modules[name]


@pytest.fixture(scope="module")
def sources(release_id: str) -> pd.DataFrame:
    from warehouse.connection import cursor

    _, cur = cursor()
    return cur.execute("SELECT source_id, licence, licence_verified FROM sources").df()


def test_every_source_has_a_section_with_its_licence(src, sources):
    view = src.layout()
    for row in sources.itertuples():
        section = find(view, row.source_id)
        assert section is not None, row.source_id
        words = " ".join(texts(section))
        assert "Licence" in words and row.licence in words
        assert (src.LICENCE_WARNING in words) == (not row.licence_verified)


def test_a_source_s_note_is_in_the_reader_s_language(src):
    """The caveat a reader must not miss (a partial list: absent is not known, never not ratified) in Spanish; the
    source's title stays as published."""
    from dashboard.i18n import use_lang

    with use_lang("es"):
        words = " ".join(texts(find(src.layout(), "ilo_normlex")))
    assert "Un país ausente del archivo es «desconocido», no «no ratificado»" in words
    assert "ILO ratifications of C097" in words and "A country absent" not in words


def test_summary_links_to_the_anchors(src, sources):
    summary = find(src.layout(), "sources-summary")
    rows = summary.children[2].children  # type: ignore[union-attr]
    hrefs = {row.children[0].children.href for row in rows}
    assert hrefs == {f"#{sid}" for sid in sources["source_id"]}


def test_names_kept_apart_are_listed_per_source(src):
    section = find(src.layout(), "iab_brain_drain")
    details = find(section, "iab_brain_drain-unmatched")
    words = texts(details)
    assert "Unknown" in words  # IAB's origin not stated ("Serbia and Montenegro" is the historical area SCG)
    assert any(w.startswith("Names and codes kept apart from the countries: 1") for w in words)
    un_sdg = " ".join(texts(find(src.layout(), "un_sdg-unmatched")))
    assert "aggregate" in un_sdg


def test_what_each_source_feeds_and_its_checksums(src):
    view = src.layout()
    wdi = " ".join(texts(find(view, "wb_wdi")))
    assert "Female labour force participation rate, 15+ (ILO modelled)" in wdi
    assert "22e470592b7b81eb09ea620d2ae72743de92fdfe6f4c91ce671129da9147bbaf" in wdi and "2025-03-24" in wdi
    assert "reference data only" in " ".join(texts(find(view, "country_codes")))


def test_source_list_csv(src, sources):
    payload = src.download_sources(1, None)
    csv = pd.read_csv(io.StringIO(payload["content"]), comment="#")
    assert set(csv["source_id"]) == set(sources["source_id"]) and csv["licence"].notna().all()
    assert "female_lfpr" in csv.set_index("source_id").loc["wb_wdi", "feeds"]
