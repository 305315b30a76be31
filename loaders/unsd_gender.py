"""UNSD Minimum Set of Gender Indicators extracts (xlsx) in; ILO gender-convention ratifications and LFPR 15+ out.

QI_1 / QI_2 are UNSD's compilation of ILO NORMLEX (extracted 1 June 2021): every ratifying country is listed, so the
lists are complete (absence = not ratified as of 2021). I_3 gives national LFPR by sex with the survey used.
Not loaded: IV_3 (women in management) is SDG 5.5.2, which the un_sdg loader reads as `women_managers` from the
SDG database itself; loading this older extract too would duplicate the same series. QI_3 / QI_4 (maternity leave
length and pay, 2017) are outside the monitor's indicators.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pandas as pd

from loaders.base import NO_PARTNER, EventModel, LoaderError, LoadResult, is_missing, require_columns, sha256_of
from loaders.reference import CountryIndex

SOURCE_ID = "unsd_gender"
FOLDER = "unsd-gender-minset"
# Ratification file -> the ILO conventions it may hold (its MINSET_SERIES_DESC names them).
RATIFICATION_FILES = {"QI_1__Id2261786_data.xlsx": {100, 111}, "QI_2__Ia18d1dbf_data.xlsx": {156, 175, 177, 183}}
LFPR_FILE = "I_3__Ia7751861_data.xlsx"
RELEASE_DATE = "2021"  # SOURCE_YEAR as stated in every row (NORMLEX extracted 1 June 2021, ILOSTAT 21 May 2021)
AREA_COLUMNS = ["REF_AREA", "REF_AREA_DESC", "ISO3"]
RATIFICATION_COLUMNS = [
    *AREA_COLUMNS,
    "MINSET_SERIES_DESC",
    "TIME_PERIOD",
    "TIME_DETAIL",
    "VALUE_CATEGORY_DESC",
    "SOURCE_YEAR",
]
LFPR_COLUMNS = AREA_COLUMNS + ["SEX", "AGE", "TIME_PERIOD", "OBS_VALUE", "NATURE", "SOURCE_DETAIL"]
CONVENTION = re.compile(r"ILO convention (\d+)")
STATUS = {"Ratified, in force": "in_force", "Ratified, not in force": "not_in_force"}
SEXES = {"_T": "total", "F": "female", "M": "male"}
SKIPPED_SEXES = {"_O"}  # "Other" (India PLFS, 2 rows): the monitor's sexes are total / female / male
# When a country-year has several surveys, one is kept for every sex and for the ratio, so female, male and
# female/male come from the same survey: labour force surveys first (the ILO's preferred source), then household
# and income surveys, censuses, estimates and registers; ties by survey name. (The 2021 extract has one per year.)
SURVEY_PREFERENCE = ["LFS", "HS", "HIES", "PC", "OE", "ADM-PR", "ADM", "OS"]


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The QI_1, QI_2 and I_3 workbooks in; events with complete event lists and LFPR observations out."""
    folder = raw_dir / FOLDER
    names = [*RATIFICATION_FILES, LFPR_FILE]
    files = {f"{FOLDER}/{name}": sha256_of(folder / name) for name in names}
    result = LoadResult(source_id=SOURCE_ID, files=files, release_date=RELEASE_DATE)
    events, lists, unmatched = [], [], []
    for name, conventions in RATIFICATION_FILES.items():
        frame = _read(folder / name, RATIFICATION_COLUMNS)
        file_events, file_unmatched = _ratifications(frame, conventions, folder / name, countries)
        events.append(file_events)
        lists.append(_event_lists(file_events, frame))
        unmatched.append(file_unmatched)
    lfpr = _read(folder / LFPR_FILE, LFPR_COLUMNS)
    observations, lfpr_unmatched = _lfpr(lfpr, folder / LFPR_FILE, countries)
    is_country = observations.country.map(countries.is_country)
    result.observations, result.aggregate_observations = observations[is_country], observations[~is_country]
    result.events, result.event_lists = pd.concat(events, ignore_index=True), pd.concat(lists, ignore_index=True)
    result.unmatched = pd.concat([*unmatched, lfpr_unmatched], ignore_index=True)
    return result.validated()


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    frame = pd.read_excel(path, engine="calamine", dtype=str)
    require_columns(frame, columns, path, row=1)
    frame["line"] = frame.index + 2  # spreadsheet row; the header is row 1
    return frame


def _areas(frame: pd.DataFrame, path: Path, countries: CountryIndex) -> tuple[pd.Series, pd.DataFrame]:
    """M49 REF_AREA -> area code (ISO3 column as fallback); the areas that resolve to nothing are reported."""

    def code(row: pd.Series) -> str | None:
        found = countries.from_m49(row.REF_AREA) if not is_missing(row.REF_AREA) else None
        return found or (row.ISO3 if row.ISO3 in countries.iso3 else None)

    codes = frame.apply(code, axis=1)
    lost = frame[codes.isna()]
    aggregate = codes.notna() & ~codes.map(lambda c: isinstance(c, str) and countries.is_country(c))
    keys = [f"{r.REF_AREA} {r.REF_AREA_DESC}" for r in lost.itertuples()] + sorted(set(codes[aggregate]))
    reasons = ["unmatched"] * len(lost) + ["aggregate"] * len(set(codes[aggregate]))
    unmatched = pd.DataFrame({"source_id": SOURCE_ID, "file": f"{FOLDER}/{path.name}", "key": keys, "reason": reasons})
    return codes, unmatched.drop_duplicates()


def _ratifications(
    frame: pd.DataFrame, conventions: set[int], path: Path, countries: CountryIndex
) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes, unmatched = _areas(frame, path, countries)
    keep = codes.map(lambda c: isinstance(c, str) and countries.is_country(c))
    rows = [
        _ratification(row, code, conventions, path)
        for (_, row), code in zip(frame[keep].iterrows(), codes[keep], strict=True)
    ]
    return pd.DataFrame(rows, columns=list(EventModel.to_schema().columns)).astype({"year": "Int64"}), unmatched


def _ratification(row: pd.Series, country: str, conventions: set[int], path: Path) -> dict[str, object]:
    match = CONVENTION.search(str(row.MINSET_SERIES_DESC))
    if not match or int(match.group(1)) not in conventions:
        expected = f"a series naming ILO convention {sorted(conventions)}, found {row.MINSET_SERIES_DESC!r}"
        raise LoaderError(path, expected, row=row.line, column="MINSET_SERIES_DESC")
    if row.VALUE_CATEGORY_DESC not in STATUS:
        expected = f"a status in {sorted(STATUS)}, found {row.VALUE_CATEGORY_DESC!r}"
        raise LoaderError(path, expected, row=row.line, column="VALUE_CATEGORY_DESC")
    date = _date(row.TIME_DETAIL, path, row.line)
    year = int(date[:4]) if date else _int(row.TIME_PERIOD, path, row.line, "TIME_PERIOD")
    comment = row.get("COMMENT_OBS")
    note = row.VALUE_CATEGORY_DESC + ("" if is_missing(comment) else f"; {comment}")
    return {
        "indicator_id": f"ilo_c{int(match.group(1)):03d}", "country": country, "partner_country": NO_PARTNER,
        "event_date": date, "year": year, "status": STATUS[row.VALUE_CATEGORY_DESC], "note": note,
        "source_id": SOURCE_ID,
    }  # fmt: skip


def _date(cell: object, path: Path, line: int) -> str | None:
    """TIME_DETAIL '1969-08-22 00:00:00' -> '1969-08-22'."""
    if is_missing(cell):
        return None
    text = str(cell).strip()[:10]
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise LoaderError(
            path, f"a ratification date YYYY-MM-DD, found {cell!r}", row=line, column="TIME_DETAIL"
        ) from None


def _int(cell: object, path: Path, line: int, column: str) -> int:
    try:
        return int(str(cell).strip())
    except ValueError:
        raise LoaderError(path, f"a whole number, found {cell!r}", row=line, column=column) from None


def _event_lists(events: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    as_of = str(frame.SOURCE_YEAR.dropna().max())
    note = "UNSD compilation of ILO NORMLEX (extracted 1 June 2021): every ratifying country is listed"
    counts = events.indicator_id.value_counts().sort_index()
    return pd.DataFrame({
        "indicator_id": counts.index, "source_id": SOURCE_ID, "complete": True, "as_of": as_of,
        "stated_total": pd.array([None] * len(counts), dtype="Int64"), "rows": counts.to_numpy(), "note": note,
    })  # fmt: skip


def _lfpr(frame: pd.DataFrame, path: Path, countries: CountryIndex) -> tuple[pd.DataFrame, pd.DataFrame]:
    """LFPR 15+ by sex from one survey per area-year, and the female/male ratio from that same survey."""
    if not (frame.AGE == "Y_GE15").any():
        raise LoaderError(path, "rows for ages 15+ (AGE 'Y_GE15')", column="AGE")
    frame = frame[(frame.AGE == "Y_GE15") & ~frame.SEX.isin(SKIPPED_SEXES) & ~frame.OBS_VALUE.map(is_missing)]
    unknown = frame[~frame.SEX.isin(SEXES)]
    if len(unknown):
        first = unknown.iloc[0]
        raise LoaderError(path, f"SEX in {sorted(SEXES)}, found {first.SEX!r}", row=first.line, column="SEX")
    codes, unmatched = _areas(frame, path, countries)
    frame = frame.assign(country=codes)[codes.notna()]
    frame = frame.assign(
        year=[_int(v, path, line, "TIME_PERIOD") for v, line in zip(frame.TIME_PERIOD, frame.line, strict=True)],
        value=[_float(v, path, line) for v, line in zip(frame.OBS_VALUE, frame.line, strict=True)],
        survey=frame.SOURCE_DETAIL.fillna("").str.replace(";", ","),
    )
    frame = _one_survey(frame)
    national = _observations(frame, "lfpr_national", frame.SEX.map(SEXES), frame.value, "%")
    national["flags"] = "nature=" + frame.NATURE.fillna("") + ";survey=" + frame.survey
    return pd.concat([national, _ratio(frame)], ignore_index=True), unmatched


def _float(cell: object, path: Path, line: int) -> float:
    try:
        return float(str(cell).strip())
    except ValueError:
        raise LoaderError(path, f"a number, found {cell!r}", row=line, column="OBS_VALUE") from None


def _one_survey(frame: pd.DataFrame) -> pd.DataFrame:
    kind = frame.survey.str.split(" - ").str[1].fillna("")
    rank = kind.map(lambda k: SURVEY_PREFERENCE.index(k) if k in SURVEY_PREFERENCE else len(SURVEY_PREFERENCE))
    ordered = frame.assign(rank=rank).sort_values(["country", "year", "rank", "survey"])
    chosen = ordered.drop_duplicates(["country", "year"])[["country", "year", "survey"]]
    return frame.merge(chosen, on=["country", "year", "survey"])


def _ratio(frame: pd.DataFrame) -> pd.DataFrame:
    wide = frame.pivot_table(index=["country", "year", "survey"], columns="SEX", values="value", aggfunc="first")
    wide = wide.reindex(columns=["F", "M"]).dropna()
    wide = wide[wide.M > 0].reset_index()
    ratio = _observations(
        wide, "lfpr_ratio_fm", pd.Series("total", index=wide.index), 100 * wide.F / wide.M, "ratio x100"
    )
    ratio["flags"] = "derived=female/male;survey=" + wide.survey
    return ratio


def _observations(frame: pd.DataFrame, indicator: str, sex: pd.Series, value: pd.Series, unit: str) -> pd.DataFrame:
    return pd.DataFrame({
        "indicator_id": indicator, "country": frame.country, "year": frame.year, "sex": sex,
        "partner_country": NO_PARTNER, "value": value.astype(float), "value_label": None, "unit": unit,
        "source_id": SOURCE_ID, "flags": "",
    })  # fmt: skip
