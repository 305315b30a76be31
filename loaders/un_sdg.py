"""UN SDG Global Database series (open-numbers DDF long CSVs) in; tidy SDG observations and aggregates out.

Mapping (series -> indicator_id, slice kept, unit); each series is one file `ddf--datapoints--<series>--by--<dims>.csv`:

| indicator_id                  | series          | slice kept                                   | unit               |
|-------------------------------|-----------------|----------------------------------------------|--------------------|
| recruitment_cost_months       | sl_emp_rcost_mo | migratory_status=migper, sex by sex          | months of earnings |
| sdg1072_all, sdg1072_d1..d6   | sg_cpa_migrs    | policy_domains=alldomains, domain1..domain6  | category 1-4       |
| labour_rights_compliance      | sl_lbr_ntlcpl   | migratory_status=notspec (the only one)      | score 0-10         |
| injury_rate_migrant_gap       | sl_emp_injur    | DERIVED migper / nonmig rate, sex by sex     | ratio              |
| social_protection_coverage    | si_cov_benfts   | sex by sex                                   | %                  |
| pension_coverage              | si_cov_pensn    | sex by sex                                   | %                  |
| women_managers                | ic_gen_mgtl     | age=notspec (the only one), sex=female       | %                  |
| informal_employment_women     | sl_isv_ifem     | activity=total, sex=female                   | %                  |
| remittance_cost               | si_rmt_cost     | (no dimension)                               | %                  |
| remittances_gdp               | bx_trf_pwkr     | (no dimension)                               | %                  |
| migrant_deaths                | sm_dth_migr     | (no dimension)                               | persons            |

Not read: sg_cpa_migrp (10.7.2 as the % of countries per region: a different measure than the per-country
category, published for aggregates only), sl_isv_ifem_19icls, sl_emp_ftlinjur and the other si_cov_* series.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from loaders.base import (
    NO_PARTNER,
    LoaderError,
    LoadResult,
    ObservationModel,
    is_missing,
    require_columns,
    sha256_of,
)
from loaders.reference import CountryIndex

SOURCE_ID = "un_sdg"
FOLDER = "sdg-unstats-ddf"
GEO_FILE = f"{FOLDER}/ddf--entities--geo_area.csv"
# The publisher (UNSD) states no per-series date here; the date is the open-numbers build commit (SOURCE.txt).
RELEASE_DATE = "2023-12-17 (open-numbers build commit date)"

SEX = {"bothsex": "total", "female": "female", "male": "male"}
BY_SEX = ("bothsex", "female", "male")
# SDG 10.7.2 categories as the series description states them (1 = worst, 4 = best).
CATEGORY_LABELS = {1: "Requires further progress", 2: "Partially meets", 3: "Meets", 4: "Fully meets"}
# sg_cpa_migrs publishes "N" (not applicable) for territories the 10.7.2 survey did not cover: no value, no row.
NOT_APPLICABLE = "N"
# Tie-break should a (country, year, sex) slice ever hold several rows differing only in nature or observation
# status (none does in the 2023-12-17 build): the country's own figure before adjusted, estimated, modelled ones.
NATURE_PREFERENCE = ["c", "ca", "e", "m", "g", "n"]

# M49 codes the crosswalk does not know and that group countries: kept apart as aggregates ("M" + M49).
AGGREGATE_KINDS: dict[str, tuple[int, ...]] = {
    "world": (1, 935, 936, 937),
    "income": (910, 911, 912, 913, 914),  # World Bank income groups as UNSD codes them
    "region": (62, 127, 135, 223, 420, 485, 487, 513, 518, 527, 543, 636, 738, 746, 747, 753, *range(901, 910)),
    "other": (97, 198, 199, 432, 514, 515, 593, 722, 889, 915, 916, 938, *range(923, 935)),
}
AGGREGATE_KIND = {code: kind for kind, codes in AGGREGATE_KINDS.items() for code in codes}
# Parts of a country, former countries and residual areas: neither a country nor a group of countries.
NOT_A_COUNTRY = {369, 370, 530, 577, 680, 736, 827, 828, 829, 835, 836, 890, 891, 896, 920, 99041}


@dataclass(frozen=True)
class Slice:
    """One indicator taken from one series: the dimension values kept and the unit code the series must carry."""

    indicator_id: str
    series: str
    unit_code: str
    unit: str
    keep: dict[str, str] = field(default_factory=dict)
    sexes: tuple[str, ...] | None = None  # None: the series has no sex dimension (sex = total)
    ordinal: bool = False


SLICES = [
    Slice("recruitment_cost_months", "sl_emp_rcost_mo", "mo_earn", "months of earnings", {"migratory_status": "migper"}, BY_SEX),
    Slice("sdg1072_all", "sg_cpa_migrs", "number", "category 1-4", {"policy_domains": "alldomains"}, ordinal=True),
    *[Slice(f"sdg1072_d{n}", "sg_cpa_migrs", "number", "category 1-4", {"policy_domains": f"domain{n}"}, ordinal=True) for n in range(1, 7)],
    # 0 = full compliance, 10 = worst (ILO 8.8.2 methodology); migratory_status is always notspec.
    Slice("labour_rights_compliance", "sl_lbr_ntlcpl", "score", "score 0-10", {"migratory_status": "notspec"}),
    Slice("social_protection_coverage", "si_cov_benfts", "percent", "%", sexes=BY_SEX),
    Slice("pension_coverage", "si_cov_pensn", "percent", "%", sexes=BY_SEX),
    # The entity file lists a 15+ age code, but ic_gen_mgtl only uses age=notspec (all ages): that is the total.
    Slice("women_managers", "ic_gen_mgtl", "percent", "%", {"age": "notspec"}, ("female",)),
    # 13th-ICLS file, not sl_isv_ifem_19icls: it is the SDG 8.3.1 series with the wide coverage (178 areas, 2000-
    # 2022, against 77 areas for the 19th-ICLS total); mixing the two definitions would break comparability.
    Slice("informal_employment_women", "sl_isv_ifem", "percent", "%", {"activity": "total"}, ("female",)),
    Slice("remittance_cost", "si_rmt_cost", "percent", "%"),
    Slice("remittances_gdp", "bx_trf_pwkr", "percent", "%"),
    Slice("migrant_deaths", "sm_dth_migr", "number", "persons"),
]  # fmt: skip
INJURY = Slice("injury_rate_migrant_gap", "sl_emp_injur", "per_100000_emp", "ratio", sexes=BY_SEX)
KEY = ["indicator_id", "geo_area", "year", "sex"]


class _Files:
    """Reads each series file once (every value as text), checks its keys and remembers its digest."""

    def __init__(self, raw_dir: Path):
        self.raw_dir = raw_dir
        self.frames: dict[str, pd.DataFrame] = {}
        self.digests: dict[str, str] = {}

    def series(self, piece: Slice) -> tuple[str, pd.DataFrame]:
        matches = sorted((self.raw_dir / FOLDER).glob(f"ddf--datapoints--{piece.series}--by--*.csv"))
        if len(matches) != 1:
            raise LoaderError(
                self.raw_dir / FOLDER, f"one file ddf--datapoints--{piece.series}--by--*.csv, found {len(matches)}"
            )
        name = f"{FOLDER}/{matches[0].name}"
        if name not in self.frames:
            self.frames[name] = self._read(matches[0])
        frame = self.frames[name]
        require_columns(
            frame,
            ["geo_area", "nature", "units", "year", piece.series, *piece.keep, *(["sex"] if piece.sexes else [])],
            matches[0],
            1,
        )
        return name, frame

    def _read(self, path: Path) -> pd.DataFrame:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        self.digests[f"{FOLDER}/{path.name}"] = sha256_of(path)
        for column in ["geo_area", "year"]:
            if column in frame.columns:
                bad = ~frame[column].str.fullmatch(r"\d+")
                if bad.any():
                    row = int(bad.idxmax())
                    raise LoaderError(
                        path, f"an integer {column}, found {frame[column].iloc[row]!r}", row=row + 2, column=column
                    )
        return frame


def _slice_rows(piece: Slice, name: str, frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The rows of one slice with a value: geo_area, year, sex, value, value_label, flags (text until resolved)."""
    keep = pd.Series(True, index=frame.index)
    for column, code in piece.keep.items():
        keep &= frame[column] == code
    if piece.sexes:
        keep &= frame["sex"].isin(piece.sexes)
    missing = frame[piece.series].map(is_missing) | ((frame[piece.series] == NOT_APPLICABLE) & piece.ordinal)
    rows = frame[keep & ~missing]
    _check_units(rows, piece, path)
    values = pd.to_numeric(rows[piece.series], errors="coerce")
    if piece.ordinal:
        values = values.where(values.isin(list(CATEGORY_LABELS)))
    if values.isna().any():
        row = int(values.isna().idxmax())
        raise LoaderError(
            path,
            f"a {'category 1-4' if piece.ordinal else 'number'}, found {rows.at[row, piece.series]!r}",
            row=row + 2,
            column=piece.series,
        )
    return pd.DataFrame({
        "indicator_id": piece.indicator_id, "geo_area": rows["geo_area"].astype(int), "year": rows["year"].astype(int),
        "sex": rows["sex"].map(SEX) if piece.sexes else "total", "value": values.astype(float),
        "value_label": values.map(CATEGORY_LABELS) if piece.ordinal else None, "unit": piece.unit,
        "flags": _flags(rows), "file": name,
    })  # fmt: skip


def _check_units(rows: pd.DataFrame, piece: Slice, path: Path) -> None:
    """A unit other than the expected one would change what the value means: stop rather than mix units."""
    other = rows["units"] != piece.unit_code
    if other.any():
        row = int(other.idxmax())
        raise LoaderError(
            path,
            f"units {piece.unit_code!r} for {piece.series}, found {rows.at[row, 'units']!r}",
            row=row + 2,
            column="units",
        )


def _flags(rows: pd.DataFrame) -> pd.Series:
    flags = "nature=" + rows["nature"]
    if "observation_status" in rows.columns:
        flags = flags + ";obs_status=" + rows["observation_status"]
    return flags


def _injury_gap(files: _Files) -> pd.DataFrame:
    """Non-fatal injury rate of migrants over that of non-migrants, same area, year and sex, where both exist."""
    name, frame = files.series(INJURY)
    path = files.raw_dir / name
    require_columns(frame, ["migratory_status", "observation_status"], path, 1)
    rates = {
        status: _slice_rows(replace(INJURY, keep={"migratory_status": status}), name, frame, path)
        for status in ("migper", "nonmig")
    }
    both = rates["migper"].merge(rates["nonmig"][KEY + ["value", "flags"]], on=KEY, suffixes=("", "_non"))
    both = both[both["value_non"] > 0]  # a zero non-migrant rate (e.g. Georgia 2021, all zero) has no ratio
    both["value"] = both["value"] / both["value_non"]
    both["flags"] = [
        "derived=migper/nonmig;" + _merge_flags(a, b) for a, b in zip(both["flags"], both["flags_non"], strict=True)
    ]
    return both.drop(columns=["value_non", "flags_non"])


def _merge_flags(migrant: str, non_migrant: str) -> str:
    """'nature=c;obs_status=a' twice -> the same string; a flag that differs shows both values ('nature=c/e')."""
    parts = []
    for a, b in zip(migrant.split(";"), non_migrant.split(";"), strict=True):
        parts.append(a if a == b else f"{a}/{b.split('=', 1)[1]}")
    return ";".join(parts)


def _one_per_key(rows: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per key, the most direct nature first (see NATURE_PREFERENCE); the file's order breaks ties."""
    nature = rows["flags"].str.extract(r"nature=([a-z]+)", expand=False)
    rank = nature.map({code: i for i, code in enumerate(NATURE_PREFERENCE)}).fillna(len(NATURE_PREFERENCE))
    ordered = rows.assign(_rank=rank).sort_values([*KEY, "_rank"], kind="stable")
    return ordered.drop_duplicates(KEY).drop(columns="_rank").reset_index(drop=True)


def _geo_names(raw_dir: Path) -> dict[int, str]:
    geo = pd.read_csv(raw_dir / GEO_FILE, dtype=str, keep_default_na=False)
    require_columns(geo, ["geo_area", "name"], raw_dir / GEO_FILE, 1)
    return {int(code): name for code, name in zip(geo["geo_area"], geo["name"], strict=True) if code.isdigit()}


def _classify(
    m49s: list[int], countries: CountryIndex, names: dict[int, str]
) -> tuple[dict[int, str | None], dict[int, str]]:
    """M49 -> area code (None when unknown), and M49 -> reason for every code that is not a country."""
    codes: dict[int, str | None] = {}
    reasons: dict[int, str] = {}
    for m49 in m49s:
        code = countries.from_m49(m49)
        if code is None and m49 in AGGREGATE_KIND:
            code = countries.add_aggregate(m49, names.get(m49, f"M49 {m49}"), AGGREGATE_KIND[m49])
        codes[m49] = code
        if code is None or not countries.is_country(code):
            reasons[m49] = "aggregate" if code else "not_a_country" if m49 in NOT_A_COUNTRY else "unmatched"
    return codes, reasons


def _resolve(rows: pd.DataFrame, countries: CountryIndex, raw_dir: Path) -> tuple[pd.DataFrame, ...]:
    """Split the rows into countries and aggregates by their M49 code; every other code is reported."""
    names = _geo_names(raw_dir)
    codes, reasons = _classify(sorted(int(m) for m in rows["geo_area"].unique()), countries, names)
    rows = rows.assign(country=rows["geo_area"].map(codes), partner_country=NO_PARTNER, source_id=SOURCE_ID)
    reported = rows[rows["geo_area"].isin(list(reasons))].drop_duplicates(["file", "geo_area"])
    unmatched = pd.DataFrame({
        "source_id": SOURCE_ID, "file": reported["file"],
        "key": [f"{m49} ({names.get(m49, '?')})" for m49 in reported["geo_area"]],
        "reason": reported["geo_area"].map(reasons),
    })  # fmt: skip
    kept = rows[rows["country"].notna()][list(ObservationModel.to_schema().columns)]
    is_country = kept["country"].map(countries.is_country).astype(bool)
    return kept[is_country], kept[~is_country], unmatched


def load(raw_dir: Path, countries: CountryIndex) -> LoadResult:
    """The SDG series listed in SLICES (+ the derived injury gap) in; observations, aggregates, unmatched out."""
    files = _Files(raw_dir)
    parts = []
    for piece in SLICES:
        name, frame = files.series(piece)
        parts.append(_slice_rows(piece, name, frame, raw_dir / name))
    parts.append(_injury_gap(files))
    rows = _one_per_key(pd.concat(parts, ignore_index=True))
    observations, aggregates, unmatched = _resolve(rows, countries, raw_dir)
    digests = {**files.digests, GEO_FILE: sha256_of(raw_dir / GEO_FILE)}
    result = LoadResult(SOURCE_ID, files=dict(sorted(digests.items())), release_date=RELEASE_DATE)
    result.observations = observations.reset_index(drop=True)
    result.aggregate_observations = aggregates.reset_index(drop=True)
    result.unmatched = unmatched.reset_index(drop=True)
    return result.validated()
