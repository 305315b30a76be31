"""UN treaty status loader: statuses pinned from the original files, complete lists, inconsistent rows located."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lmm.config import raw_dir
from loaders import un_treaties
from loaders.base import LoaderError
from loaders.reference import CountryIndex, load_countries

RAW = raw_dir()
FOLDER = RAW / "un-hr-treaties"

pytestmark = pytest.mark.skipif(not FOLDER.exists(), reason=f"raw treaty folder {FOLDER} is absent")


@pytest.fixture(scope="module")
def countries() -> CountryIndex:
    return load_countries(RAW)[0]


@pytest.fixture(scope="module")
def result(countries):
    return un_treaties.load(RAW, countries)


def event(result, indicator: str, country: str) -> dict:
    hit = result.events[(result.events.indicator_id == indicator) & (result.events.country == country)]
    assert len(hit) == 1, (indicator, country, len(hit))
    row = hit.iloc[0]
    return {"status": row.status, "year": None if pd.isna(row.year) else int(row.year), "note": row.note}


# Read from the CSVs by hand (grep on the original files).
@pytest.mark.parametrize(
    ("indicator", "country", "status", "year"),
    [("un_icrmw", "MEX", "party", 1999), ("un_icrmw", "PHL", "party", 1995), ("un_icrmw", "TCD", "party", 2022),
     ("un_icrmw", "TLS", "party", 2004), ("un_icrmw", "ARM", "signatory", None), ("un_icrmw", "DEU", "no_action", None),
     ("un_icrmw", "USA", "no_action", None), ("un_icrmw", "NAM", "no_action", None),
     ("un_cedaw", "NAM", "party", 1992), ("un_cedaw", "KOR", "party", 1984), ("un_cedaw", "SSD", "party", 2015),
     ("un_cedaw", "TLS", "party", 2003), ("un_cedaw", "USA", "signatory", None), ("un_cedaw", "IRN", "no_action", None)],
)  # fmt: skip
def test_statuses_pinned(result, indicator, country, status, year):
    found = event(result, indicator, country)
    assert (found["status"], found["year"]) == (status, year)


def test_publisher_notes_kept(result):
    assert event(result, "un_cedaw", "KOR")["note"] == "as Republic of Korea"
    assert event(result, "un_icrmw", "TLS")["note"] == "Found as Timor-Leste in the UN Treaty Collection"
    assert event(result, "un_icrmw", "MEX")["note"] is None or pd.isna(event(result, "un_icrmw", "MEX")["note"])


@pytest.mark.parametrize(("file", "indicator"), list(un_treaties.TREATY_FILES.items()))
def test_counts_match_independent_read(result, file, indicator):
    original = pd.read_csv(FOLDER / file, dtype=str, keep_default_na=False)
    ours = result.events[result.events.indicator_id == indicator]
    published = original.status.map({"state party": "party", "signatory state": "signatory", "no action": "no_action"})
    assert ours.status.value_counts().to_dict() == published.value_counts().to_dict()
    assert len(ours) == len(original) == 193 and ours.country.is_unique
    parties = ours[ours.status == "party"]
    assert parties.year.notna().all() and ours[ours.status != "party"].year.isna().all()
    assert ours.event_date.isna().all()


def test_source_counts(result):
    icrmw = result.events[result.events.indicator_id == "un_icrmw"].status.value_counts().to_dict()
    cedaw = result.events[result.events.indicator_id == "un_cedaw"].status.value_counts().to_dict()
    assert icrmw == {"no_action": 125, "party": 57, "signatory": 11}
    assert cedaw == {"party": 187, "no_action": 4, "signatory": 2}


def test_event_lists_complete(result):
    lists = result.event_lists.set_index("indicator_id")
    assert lists.loc["un_icrmw", "stated_total"] == 57 and lists.loc["un_cedaw", "stated_total"] == 187
    assert lists.complete.all() and (lists.rows == 193).all() and (lists.as_of == "2022-08-25").all()
    assert "commit date" in lists.loc["un_icrmw", "note"]
    assert result.unmatched.empty and result.release_date == "2022-08-25"


# Bad layouts: a copy of one file, broken one way each time.
def broken_copy(tmp_path: Path, edit, file: str = "hr_status_icmw.csv") -> Path:
    target = tmp_path / "un-hr-treaties"
    target.mkdir()
    for name in un_treaties.TREATY_FILES:
        (target / name).write_bytes((FOLDER / name).read_bytes())
    lines = (FOLDER / file).read_text(encoding="utf-8").split("\n")
    (target / file).write_text("\n".join(edit(lines)), encoding="utf-8")
    return tmp_path


def replace_line(number: int, old: str, new: str):
    """Edit the 1-based CSV line `number`."""

    def edit(lines: list[str]) -> list[str]:
        assert old in lines[number - 1]
        lines[number - 1] = lines[number - 1].replace(old, new)
        return lines

    return edit


def test_status_columns_disagree(tmp_path, countries):
    raw = broken_copy(tmp_path, replace_line(65, "DE,Germany,0,,0,1", "DE,Germany,1,,0,1"))
    with pytest.raises(LoaderError, match=r"hr_status_icmw.csv, row 65: status 'no action' needs the 0/1 columns"):
        un_treaties.load(raw, countries)


def test_party_without_year(tmp_path, countries):
    raw = broken_copy(tmp_path, replace_line(111, "1,1999,0,0", "1,,0,0"))
    with pytest.raises(LoaderError, match=r"row 111, column 'year ratification or accession'"):
        un_treaties.load(raw, countries)


def test_unknown_status(tmp_path, countries):
    raw = broken_copy(tmp_path, replace_line(133, "signatory state", "signed"), file="hr_status_cedaw.csv")
    with pytest.raises(LoaderError, match=r"hr_status_cedaw.csv, row 133, column 'status': expected status in"):
        un_treaties.load(raw, countries)


def test_renamed_column(tmp_path, countries):
    raw = broken_copy(tmp_path, replace_line(1, "state party,", "party,"))
    with pytest.raises(LoaderError, match=r"hr_status_icmw.csv, row 1: expected columns \['state party'\]"):
        un_treaties.load(raw, countries)


def test_dropped_member_breaks_completeness(tmp_path, countries):
    raw = broken_copy(tmp_path, lambda lines: lines[:1] + lines[2:])
    with pytest.raises(LoaderError, match="expected 193 UN member states, found 192"):
        un_treaties.load(raw, countries)


def test_unknown_code_reported(tmp_path, countries):
    raw = broken_copy(tmp_path, lambda lines: lines[:1] + ["QQ,Atlantis,0,,0,1,no action,\r"] + lines[2:])
    result = un_treaties.load(raw, countries)
    assert result.unmatched.key.tolist() == ["QQ"] and result.unmatched.reason.tolist() == ["unmatched"]
    assert "AFG" not in set(result.events[result.events.indicator_id == "un_icrmw"].country)
