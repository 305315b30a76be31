"""UN human rights treaty status CSVs (world-politics-datalab, one row per UN member) in; ratification events out.

Each file lists all 193 UN member states with one of three statuses, so the list is complete: a member with
"no action" is a known absence and is emitted as a `no_action` event. Only the year of ratification or accession
is given, so `event_date` stays None. Non-member parties (e.g. the State of Palestine) are excluded by design.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from loaders.base import NO_PARTNER, EventListModel, EventModel, LoaderError, LoadResult, sha256_of
from loaders.reference import CountryIndex

SOURCE_ID = "un_treaties"
FOLDER = "un-hr-treaties"
# The repository has no release; its last commit (2022-08-25) is the date the statuses are valid for.
AS_OF = "2022-08-25"
UN_MEMBERS = 193
# file -> indicator id. The other 14 files (CAT, CRC, OP-CEDAW, ...) have no indicator in the catalogue yet.
TREATY_FILES = {
    "hr_status_icmw.csv": "un_icrmw",
    "hr_status_cedaw.csv": "un_cedaw",
    "hr_status_icescr.csv": "un_icescr",
    "hr_status_iccpr.csv": "un_iccpr",
}
COLUMNS = ["iso2", "member", "state party", "year ratification or accession", "signatory", "no action", "status"]
# status as published -> (event status, the 0/1 column that must be 1 for it)
STATUSES = {
    "state party": ("party", "state party"),
    "signatory state": ("signatory", "signatory"),
    "no action": ("no_action", "no action"),
}
# Codes the files use that ISO 3166 no longer has: TP (East Timor) was replaced by TL in 2002.
OLD_ISO2 = {"TP": "TLS"}


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The treaty folder in; events, one event list per treaty and unmatched codes out."""
    files: dict[str, str] = {}
    events: list[pd.DataFrame] = []
    lists: list[dict[str, object]] = []
    unmatched: list[dict[str, str]] = []
    for file_name, indicator_id in TREATY_FILES.items():
        path = raw_dir / FOLDER / file_name
        files[f"{FOLDER}/{file_name}"] = sha256_of(path)
        frame, parties = parse_status_file(path, indicator_id, countries, unmatched)
        events.append(frame)
        lists.append(_event_list(indicator_id, parties, len(frame)))
    result = LoadResult(SOURCE_ID, files=files, release_date=AS_OF)
    result.events = pd.concat(events, ignore_index=True)
    result.event_lists = pd.DataFrame(lists, columns=list(EventListModel.to_schema().columns))
    result.unmatched = pd.DataFrame(unmatched, columns=["source_id", "file", "key", "reason"])
    return result.validated()


def parse_status_file(
    path: Path, indicator_id: str, countries: CountryIndex, unmatched: list[dict[str, str]]
) -> tuple[pd.DataFrame, int]:
    """One hr_status_*.csv in; its events (one per member state) and the number of state parties out."""
    records: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    count = 0
    # keep every cell as text: Namibia's ISO2 code "NA" is not a missing value here
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise LoaderError(path, f"expected columns {missing} in the header; found {reader.fieldnames}", row=1)
        for row in reader:
            count, line = count + 1, reader.line_num
            status, year = _check_row(path, line, row)
            iso3 = _resolve(row, countries)
            if iso3 is None:
                unmatched.append(
                    {"source_id": SOURCE_ID, "file": f"{FOLDER}/{path.name}", "key": row["iso2"], "reason": "unmatched"}
                )
                continue
            if iso3 in seen:
                raise LoaderError(path, f"{iso3} listed twice (first on row {seen[iso3]})", row=line, column="iso2")
            seen[iso3] = line
            records.append(_event(indicator_id, iso3, status, year, _note(row)))
    if count != UN_MEMBERS:
        raise LoaderError(path, f"expected {UN_MEMBERS} UN member states, found {count} rows")
    parties = sum(1 for r in records if r["status"] == "party")
    return pd.DataFrame(records, columns=list(EventModel.to_schema().columns)), parties


def _check_row(path: Path, line: int, row: dict[str, str]) -> tuple[str, int | None]:
    """The 0/1 columns, the status text and the year must tell the same story."""
    text = (row["status"] or "").strip()
    if text not in STATUSES:
        raise LoaderError(path, f"expected status in {list(STATUSES)}, found {text!r}", row=line, column="status")
    status, flag_column = STATUSES[text]
    flags = {c: (row[c] or "").strip() for c in ["state party", "signatory", "no action"]}
    expected = {c: "1" if c == flag_column else "0" for c in flags}
    if flags != expected and not _party_with_blank_dummy(text, flags, row):
        raise LoaderError(path, f"status {text!r} needs the 0/1 columns {expected}, found {flags}", row=line)
    year_text = (row["year ratification or accession"] or "").strip()
    if (status == "party") != bool(year_text) or (year_text and not year_text.isdigit()):
        raise LoaderError(
            path, f"a year only and always for state parties; found {year_text!r} for {text!r}", row=line,
            column="year ratification or accession",
        )  # fmt: skip
    return status, int(year_text) if year_text else None


def _party_with_blank_dummy(text: str, flags: dict[str, str], row: dict[str, str]) -> bool:
    """The one slip the files hold (ICESCR, Moldova): status 'state party' with its year, every 0/1 column 0.
    Status and year agree, so the row is read as a party and its note says the column was 0 (see `_note`)."""
    year = (row["year ratification or accession"] or "").strip()
    return text == "state party" and year.isdigit() and set(flags.values()) == {"0"}


def _note(row: dict[str, str]) -> str | None:
    note = (row.get("note") or "").strip()
    if _party_with_blank_dummy((row["status"] or "").strip(), {c: (row[c] or "").strip() for c in
                               ["state party", "signatory", "no action"]}, row):  # fmt: skip
        note = "; ".join(filter(None, [note, "the file's 'state party' column reads 0; status and year say party"]))
    return note or None


def _resolve(row: dict[str, str], countries: CountryIndex) -> str | None:
    iso2 = (row["iso2"] or "").strip().upper()
    return countries.from_iso2(iso2) or OLD_ISO2.get(iso2) or countries.from_name(row["member"] or "")


def _event(indicator_id: str, iso3: str, status: str, year: int | None, note: str | None) -> dict[str, object]:
    return {
        "indicator_id": indicator_id, "country": iso3, "partner_country": NO_PARTNER, "event_date": None,
        "year": year, "status": status, "note": note, "source_id": SOURCE_ID,
    }  # fmt: skip


def _event_list(indicator_id: str, parties: int, rows: int) -> dict[str, object]:
    note = (
        f"All {UN_MEMBERS} UN member states, each as party, signatory or no action (absence = not ratified); "
        "non-member states are excluded by design. as_of is the commit date of the compiling repository "
        "(world-politics-datalab/humanrights-treaties-ratification-status), not a UN Treaty Collection date; "
        "stated_total counts the members marked 'state party'."
    )
    return {
        "indicator_id": indicator_id, "source_id": SOURCE_ID, "complete": True, "as_of": AS_OF,
        "stated_total": parties, "rows": rows, "note": note,
    }  # fmt: skip
