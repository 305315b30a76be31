"""ILO partial ratification loader: events pinned from the CSV (csv module), partial lists say so, bad rows located."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from loaders import ilo_normlex
from loaders.base import LoaderError
from loaders.reference import load_countries


@pytest.fixture(scope="module")
def countries(raw_dir: Path):
    return load_countries(raw_dir)[0]


@pytest.fixture(scope="module")
def result(raw_dir: Path, countries):
    return ilo_normlex.load(raw_dir, countries)


@pytest.fixture(scope="module")
def original(raw_dir: Path) -> list[dict[str, str]]:
    with open(raw_dir / ilo_normlex.DATA_FILE, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def raw_row(original, instrument: str, name: str) -> dict[str, str]:
    hits = [r for r in original if r["instrument"] == instrument and r["country_name"] == name]
    assert len(hits) == 1
    return hits[0]


def event(result, indicator: str, country: str) -> pd.Series:
    hit = result.events[(result.events.indicator_id == indicator) & (result.events.country == country)]
    assert len(hit) == 1, (indicator, country, len(hit))
    return hit.iloc[0]


def listing(result, indicator: str) -> pd.Series:
    rows = result.event_lists[result.event_lists.indicator_id == indicator]
    assert len(rows) == 1
    return rows.iloc[0]


# (instrument, name in the file, ISO3, date, year, status) read by hand from ilo_ratifications.csv.
@pytest.mark.parametrize(
    ("instrument", "name", "iso3", "date", "year", "status"),
    [("C097", "Albania", "ALB", "2005-03-02", 2005, "in_force"),
     ("C097", "Congo", "COG", "2023-10-26", 2023, "not_in_force"),
     ("C189", "Mexico", "MEX", "2020-07-03", 2020, "not_in_force"),
     ("C189", "Philippines", "PHL", "2012-09-05", 2012, "in_force"),
     ("C189", "Namibia", "NAM", None, None, "not_in_force"),
     ("C190", "United Kingdom", "GBR", "2022-03-07", 2022, "not_in_force"),
     ("C143", "Albania", "ALB", None, 2006, "party"),
     ("C118", "Turkey", "TUR", None, None, "party"),
     ("C118", "Zaire", "COD", None, None, "party"),
     ("P029", "Niger", "NER", None, None, "in_force")],
)  # fmt: skip
def test_events_pinned(result, original, instrument, name, iso3, date, year, status):
    raw = raw_row(original, instrument, name)
    assert raw["ratification_date"] == (date or (str(year) if year else ""))
    found = event(result, ilo_normlex.INSTRUMENTS[instrument], iso3)
    assert (found.status, found.year if pd.notna(found.year) else None) == (status, year)
    assert (found.event_date if pd.notna(found.event_date) else None) == date
    assert raw["source_url"] in found.note


def test_notes_keep_the_publisher_qualifications(result, original):
    assert "Has excluded the provisions of Annex II" in raw_row(original, "C097", "Algeria")["note"]
    assert "Has excluded the provisions of Annex II" in event(result, "ilo_c097", "DZA").note
    assert "Not registered with ILO (per source)" in event(result, "ilo_c189", "NAM").note
    assert event(result, "ilo_c143", "ALB").note.startswith("status not stated by source; year only")


def test_absent_from_partial_list_is_not_known(result, original):
    assert not [r for r in original if r["instrument"] == "C181" and r["country_name"] == "Germany"]
    assert not ((result.events.indicator_id == "ilo_c181") & (result.events.country == "DEU")).any()
    c181 = listing(result, "ilo_c181")
    assert (c181.complete, c181.stated_total, c181.rows, c181.as_of) == (False, 37, 32, "2023-03")


def test_c189_is_the_only_complete_list(result):
    c189 = listing(result, "ilo_c189")
    assert (c189.complete, c189.as_of, c189.stated_total, c189.rows) == (True, "2020-10", 35, 32)
    assert "Oct 2020" in c189.note and "35" in c189.note
    assert set(result.event_lists[result.event_lists.complete].indicator_id) == {"ilo_c189"}


def test_every_instrument_listed_with_its_stated_total(result, original):
    lists = result.event_lists.set_index("indicator_id")
    assert set(lists.index) == set(ilo_normlex.INSTRUMENTS.values())
    assert lists.loc["ilo_c157", "rows"] == 0 and lists.loc["ilo_c157", "stated_total"] == 4
    assert pd.isna(lists.loc["ilo_c118", "stated_total"])
    expected = {"ilo_c097": 54, "ilo_c143": 23, "ilo_c102": 65, "ilo_c190": 39, "ilo_p029": 47}
    assert {k: lists.loc[k, "stated_total"] for k in expected} == expected
    per_file = pd.Series([r["instrument"] for r in original]).value_counts()
    assert lists.loc["ilo_c097", "rows"] == per_file["C097"] == 31


def test_unmatched_names_reported(result, countries, original):
    names = {r["country_name"] for r in original}
    unresolved = {n for n in names if not (countries.from_name(n) and countries.is_country(countries.from_name(n)))}
    assert unresolved == {"Republic of Vietnam"} == set(result.unmatched.key)
    assert len(result.events) == len(original) - 1


def test_every_status_text_is_mapped(original):
    assert {r["status"].strip().lower() for r in original} <= set(ilo_normlex.STATUS)


def write_copy(original, tmp_path: Path, change) -> None:
    target = tmp_path / ilo_normlex.DATA_FILE
    target.parent.mkdir(parents=True)
    rows = [dict(r) for r in original]
    change(rows)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_unknown_status_names_the_row(original, countries, tmp_path):
    write_copy(original, tmp_path, lambda rows: rows[40].update(status="Ratifiée"))
    with pytest.raises(LoaderError) as error:
        ilo_normlex.load(tmp_path, countries)
    assert (error.value.row, error.value.column) == (42, "status")
    assert "ilo_ratifications.csv, row 42" in str(error.value) and "'Ratifiée'" in str(error.value)


def test_bad_date_names_the_row(original, countries, tmp_path):
    write_copy(original, tmp_path, lambda rows: rows[3].update(ratification_date="25/05/1976"))
    with pytest.raises(LoaderError, match=r"row 5.*YYYY-MM-DD"):
        ilo_normlex.load(tmp_path, countries)


def test_missing_column_is_located(original, countries, tmp_path):
    def rename(rows):
        for row in rows:
            row["state"] = row.pop("status")

    write_copy(original, tmp_path, rename)
    with pytest.raises(LoaderError, match=r"ilo_ratifications.csv, row 1: expected columns \['status'\]"):
        ilo_normlex.load(tmp_path, countries)
