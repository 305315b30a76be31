"""GLOBALCIT loader: codes pinned from the original CSV (csv module), NA kept missing, reforms derived, bad layouts located."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from loaders import globalcit
from loaders.base import LoaderError, is_missing
from loaders.reference import load_countries


@pytest.fixture(scope="module")
def countries(raw_dir: Path):
    return load_countries(raw_dir)[0]


@pytest.fixture(scope="module")
def result(raw_dir: Path, countries):
    return globalcit.load(raw_dir, countries)


@pytest.fixture(scope="module")
def original(raw_dir: Path) -> dict[tuple[str, int], dict[str, str]]:
    """The raw rows by (iso3, year), read with the csv module (independent of the loader's pandas read)."""
    with open(raw_dir / globalcit.DATA_FILE, newline="", encoding="utf-8") as handle:
        return {(row["iso3"], int(row["year"])): row for row in csv.DictReader(handle)}


def observation(result, indicator: str, country: str, year: int) -> pd.Series | None:
    obs = result.observations
    hit = obs[(obs.indicator_id == indicator) & (obs.country == country) & (obs.year == year)]
    assert len(hit) <= 1
    return hit.iloc[0] if len(hit) else None


# dualcit_comb read by hand from data_v3.1_country-year.csv; the second block is the year before a coded reform.
DUALCIT = {
    ("MEX", 2024): 1, ("PHL", 2024): 3, ("GHA", 2024): 3, ("DEU", 2024): 0, ("USA", 2024): 3,
    ("MEX", 1997): 0, ("PHL", 2003): 2, ("GHA", 1996): 2, ("USA", 1986): 2, ("NLD", 1997): 2,
}  # fmt: skip
# Reforms after GLOBALCIT's last coded year (1 January 2024), dated in the author's readme_original.txt, read by hand.
LATER = {"DEU": "2024-06-27", "UKR": "2026-01-16"}


def flags_of(country: str, year: int, base: str) -> str:
    return base + (f";later_change={LATER[country]}" if country in LATER and year == 2024 else "")


@pytest.mark.parametrize(("key", "code"), DUALCIT.items())
def test_dual_citizenship_acceptance_pinned(result, original, key, code):
    assert original[key]["dualcit_comb"] == str(code)
    found = observation(result, "dual_citizenship_acceptance", *key)
    assert found is not None and found.value == code
    assert found.value_label == globalcit.DUALCIT[str(code)]
    assert (found.sex, found.unit, found["flags"]) == ("total", "category 0-3", flags_of(*key, "dataset=v3.1"))


def test_na_stays_missing(result, original):
    assert original[("GHA", 1960)]["dualcit_comb"] == "NA"
    assert observation(result, "dual_citizenship_acceptance", "GHA", 1960) is None
    assert original[("SSD", 1990)]["L05_cat"] == "NA"
    assert observation(result, "dual_citizenship_emigrants", "SSD", 1990) is None
    assert not result.observations.value_label.isna().any()


# (country, L05_cat, L05_bin, label start) in 2024, read by hand.
@pytest.mark.parametrize(
    ("country", "code", "binary", "label"),
    [("USA", 0, "0", "kept"), ("DEU", 2, "1", "lost except where the law names exceptions (2"),
     ("MEX", 6, "0", "kept by citizens by birth"), ("PHL", 3, "0", "kept by citizens by birth"),
     ("JPN", 1, "1", "lost (1"), ("UKR", 4, "1", "lost (4")],
)  # fmt: skip
def test_l05_pinned(result, original, country, code, binary, label):
    row = original[(country, 2024)]
    assert (row["L05_cat"], row["L05_bin"]) == (str(code), binary)
    found = observation(result, "dual_citizenship_emigrants", country, 2024)
    assert found.value == code and found.value_label.startswith(label)
    assert found["flags"] == flags_of(country, 2024, f"dataset=v3.1;L05_bin={binary}")


# (country, A06b_cat, label start) in 2024, read by hand; 9 = no residence-based naturalisation has no scale value.
@pytest.mark.parametrize(
    ("country", "code", "label"),
    [("USA", 0, "not required"), ("GHA", 0, "not required"), ("DEU", 2, "required with exceptions"),
     ("ESP", 1, "required in law but not effective"), ("MEX", 3, "required"), ("CHN", 9, "Not applicable")],
)  # fmt: skip
def test_naturalisation_renunciation_pinned(result, original, country, code, label):
    assert original[(country, 2024)]["A06b_cat"] == str(code)
    found = observation(result, "naturalisation_renunciation", country, 2024)
    assert found.value_label.startswith(label)
    assert math.isnan(found.value) if code == 9 else found.value == code


@pytest.mark.parametrize(
    ("country", "year", "note"),
    [("MEX", 1998, "from no dual citizenship acceptance to emigrants only"),
     ("PHL", 2004, "from immigrants only to full acceptance"), ("GHA", 1997, "from immigrants only to full acceptance"),
     ("USA", 1987, "from immigrants only to full acceptance"),
     ("NLD", 1998, "from immigrants only to no dual citizenship acceptance")],
)  # fmt: skip
def test_reform_events(result, original, country, year, note):
    assert original[(country, year - 1)]["dualcit_comb"] != original[(country, year)]["dualcit_comb"]
    events = result.events[(result.events.country == country) & (result.events.year == year)]
    assert len(events) == 1
    event = events.iloc[0]
    assert (event.indicator_id, event.status, event.note) == ("dual_citizenship_acceptance", "reform", note)
    assert pd.isna(event.event_date)


def test_no_reform_where_the_code_never_changes(result, original):
    # Germany's 2024 reform (in force 27 June 2024) is after v3.1's last coding date (1 January 2024): it is an
    # event of the L05 indicator (test_later_reforms), never a change of the combined code.
    assert {original[("DEU", y)]["dualcit_comb"] for y in range(1960, 2025)} == {"0"}
    assert not ((result.events.country == "DEU") & (result.events.indicator_id == "dual_citizenship_acceptance")).any()
    # A gap of NA years is not a reform: GHA goes NA (1960) -> 2, then 2 -> 3 in 1997 only.
    assert list(result.events[result.events.country == "GHA"].year) == [1997]


def test_former_states_are_kept_as_historical_areas(result, original):
    """ISO 3166-3 areas (loaders/areas.py): their values load under the former alpha-3 codes, none unmatched."""
    assert result.unmatched.empty
    assert original[("YUG", 1980)]["dualcit_comb"] != "NA"
    yug = result.observations[(result.observations.country == "YUG") & (result.observations.year == 1980)]
    combined = yug[yug.indicator_id == "dual_citizenship_acceptance"]
    assert combined.value.iloc[0] == float(original[("YUG", 1980)]["dualcit_comb"])
    assert set(result.observations.country) >= {"CSK", "DDR", "SCG", "SUN", "YUG"}
    assert len(result.aggregate_observations) == 0


def test_provenance(result):
    assert result.release_date == "v3.1 (2025)"
    assert list(result.files) == [globalcit.DATA_FILE, globalcit.AUTHOR_TABLE, globalcit.AUTHOR_README]


def test_later_reforms(result, original):
    """The last coded values before a reform the author records are flagged with its date, all three indicators,
    that year only; the reform is a dated event with both L05 categories in GLOBALCIT's words."""
    flagged = result.observations[result.observations["flags"].str.contains("later_change=")]
    assert sorted(set(zip(flagged.country, flagged.year, strict=True))) == [("DEU", 2024), ("UKR", 2024)]
    assert len(flagged) == 6 and set(flagged.indicator_id) == set(globalcit.INDICATORS)
    dated = result.events[result.events.event_date.notna()].set_index("country")
    assert dict(dated.event_date) == LATER
    assert set(dated.indicator_id) == {"dual_citizenship_emigrants"} and set(dated.status) == {"reform"}
    assert original[("DEU", 2024)]["L05_cat"] == "2"
    assert "from lost except where the law names exceptions (2" in dated.note["DEU"]
    assert "to kept (0: no provision)" in dated.note["DEU"] and "StARModG" in dated.note["DEU"]
    assert (
        "from lost (4" in dated.note["UKR"] and "to lost except where the law names exceptions (5" in dated.note["UKR"]
    )
    assert list(dated.year) == [2024, 2026]


def test_every_reform_note_reads_back_as_the_codes_of_the_file(raw_dir: Path, result, original):
    """A page in Spanish or French says what a reform changed from the codes in its note: each note the loader
    writes gives back the file's codes (the combined code of the year before and of the reform's year; Germany's
    and Ukraine's L05 categories, GLOBALCIT's last coded one and the author's 2026 one)."""
    with open(raw_dir / globalcit.AUTHOR_TABLE, newline="", encoding="utf-8") as handle:
        author = {row["iso3"]: row["l05_cat"] for row in csv.DictReader(handle)}
    for event in result.events.itertuples():
        parts = globalcit.read_reform_note(event.note)
        assert parts is not None, event.note
        if event.indicator_id == "dual_citizenship_acceptance":
            earlier = max(y for (c, y), row in original.items() if c == event.country and y < event.year
                          and not is_missing(row["dualcit_comb"]))  # fmt: skip
            assert parts == {"before": original[(event.country, earlier)]["dualcit_comb"],
                             "after": original[(event.country, event.year)]["dualcit_comb"]}  # fmt: skip
        else:
            assert parts["before"] == original[(event.country, 2024)]["L05_cat"] != parts["after"]
            assert (parts["after"], parts["date"]) == (author[event.country], LATER[event.country])
    assert globalcit.read_reform_note("Constitutional amendment allows dual citizenship") is None  # a steward's note


def copy_raw(raw_dir: Path, tmp_path: Path) -> Path:
    shutil.copytree(raw_dir / "globalcit", tmp_path / "globalcit")
    return tmp_path / globalcit.DATA_FILE


def test_an_undated_override_stops_the_load(raw_dir, countries, tmp_path):
    """The table says Germany's L05 changed, the readme no longer dates it: the loader names the readme."""
    copy_raw(raw_dir, tmp_path)
    readme = tmp_path / globalcit.AUTHOR_README
    readme.write_text(readme.read_text(encoding="utf-8").replace("in force 27 June 2024", "since mid-2024"))
    with pytest.raises(LoaderError) as error:
        globalcit.load(tmp_path, countries)
    assert "readme_original.txt" in str(error.value) and "Germany" in str(error.value)


def test_a_table_change_the_readme_does_not_name_stops_the_load(raw_dir, countries, tmp_path):
    copy_raw(raw_dir, tmp_path)
    table = tmp_path / globalcit.AUTHOR_TABLE
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("ALB,"))
    lines[at] = lines[at].replace("ALB,Albania,0,", "ALB,Albania,1,")
    table.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(LoaderError) as error:
        globalcit.load(tmp_path, countries)
    assert "Albania" in str(error.value)


def test_renamed_column_is_located(raw_dir, countries, tmp_path):
    target = copy_raw(raw_dir, tmp_path)
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace(",dualcit_comb\n", ",dualcit\n", 1), encoding="utf-8")
    with pytest.raises(LoaderError) as error:
        globalcit.load(tmp_path, countries)
    assert error.value.row == 1 and "data_v3.1_country-year.csv" in str(error.value)
    assert "dualcit_comb" in str(error.value)


def test_unknown_code_is_located(raw_dir, countries, tmp_path):
    target = copy_raw(raw_dir, tmp_path)
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[9].startswith("AF,AFG,") and lines[9].endswith(",1\n")
    lines[9] = lines[9][:-2] + "7\n"  # line 10 of the file: dualcit_comb 1 -> 7
    target.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(LoaderError) as error:
        globalcit.load(tmp_path, countries)
    assert (error.value.row, error.value.column) == (10, "dualcit_comb")
    assert "'7'" in str(error.value) and "data_v3.1_country-year.csv, row 10" in str(error.value)
