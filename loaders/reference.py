"""country-codes + UNSD M49 + World Bank classifications in; one country table and a name/code crosswalk out.

Countries come from the ISO 3166 / M49 crosswalk (249 areas) plus World Bank economies without an ISO code
(Kosovo XKX, Channel Islands CHI). Aggregates (World, UN regions, World Bank regions and income groups) are kept
in the same table with `is_aggregate` set, so no loader ever mistakes one for a country.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.areas import un_member_codes, with_area_facts
from loaders.base import CountryModel, LoaderError, LoadResult, normalise_name, require_columns, sha256_of
from loaders.country_index import CountryIndex, aggregate_row
from loaders.wb_class import current_classes

SOURCE_ID = "country_codes"
CODES_FILE = "country-codes/country-codes.csv"
M49_FILE = "country-codes/UNSD-en_M49.csv"

# World Bank economies that have no ISO 3166 entry of their own.
WB_ONLY_ECONOMIES = {
    "XKX": ("Kosovo", 412, "Europe", "Southern Europe"),
    "CHI": ("Channel Islands", 830, "Europe", "Northern Europe"),
}
INCOME_ORDER = ["Low income", "Lower middle income", "Upper middle income", "High income"]


def _read_codes(raw_dir: Path) -> pd.DataFrame:
    path = raw_dir / CODES_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    require_columns(
        frame, ["ISO3166-1-Alpha-3", "ISO3166-1-Alpha-2", "M49", "CLDR display name", "Region Name"], path, 1
    )
    bad = frame[~frame["ISO3166-1-Alpha-3"].str.fullmatch(r"[A-Z]{3}")]
    if len(bad):
        raise LoaderError(
            path, f"ISO3 code of three letters, found {bad['ISO3166-1-Alpha-3'].iloc[0]!r}", row=int(bad.index[0]) + 2
        )
    return frame


def _wb_classes(raw_dir: Path) -> pd.DataFrame:
    """Region and income group per economy: World Bank FY2026 as published (loaders/wb_class.py: older files only
    for economies FY2026 does not list; a group FY2026 leaves blank stays blank)."""
    return current_classes(raw_dir)


def _country_rows(codes: pd.DataFrame) -> pd.DataFrame:
    # CLDR's short names read best ("Bolivia", "Côte d’Ivoire") except its initialisms "US" and "UK".
    spelled_out = {"US": "United States", "UK": "United Kingdom"}

    def name_of(row: pd.Series) -> str:
        cldr = row["CLDR display name"]
        return spelled_out.get(cldr, cldr) or row["UNTERM English Short"] or row["official_name_en"]

    return pd.DataFrame({
        "iso3": codes["ISO3166-1-Alpha-3"], "iso2": codes["ISO3166-1-Alpha-2"].replace("", None),
        "m49": pd.to_numeric(codes["M49"], errors="coerce").astype("Int64"), "name": codes.apply(name_of, axis=1),
        "un_region": codes["Region Name"].replace("", None), "un_subregion": codes["Sub-region Name"].replace("", None),
        "is_aggregate": False, "aggregate_kind": None,
    })  # fmt: skip


def _un_aggregates(raw_dir: Path) -> list[dict[str, object]]:
    m49 = pd.read_csv(raw_dir / M49_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rows: dict[str, dict[str, object]] = {}
    for level, kind in [
        ("Global", "world"),
        ("Region", "region"),
        ("Sub-region", "region"),
        ("Intermediate Region", "region"),
    ]:
        for code, name in m49[[f"{level} Code", f"{level} Name"]].drop_duplicates().itertuples(index=False):
            if code:
                rows[code] = aggregate_row(f"M{int(code):03d}", name, kind, m49=int(code))
    return list(rows.values())


def _wb_aggregates(classes: pd.DataFrame, known: set[str]) -> list[dict[str, object]]:
    groups = classes[classes.wb_region.isna() & ~classes.iso3.isin(known) & ~classes.iso3.isin(WB_ONLY_ECONOMIES)]
    income = {"HIC", "LIC", "LMC", "UMC", "LMY", "MIC", "INX"}
    return [
        aggregate_row(code, name, "world" if code == "WLD" else "income" if code in income else "region")
        for code, name in groups[["iso3", "wb_name"]].itertuples(index=False)
    ]


def load_countries(raw_dir: Path) -> tuple[CountryIndex, LoadResult]:
    """Build the country table and its index; the LoadResult carries the files' provenance."""
    codes = _read_codes(raw_dir)
    classes = _wb_classes(raw_dir)
    countries = _country_rows(codes)
    for code, (name, m49, region, subregion) in WB_ONLY_ECONOMIES.items():
        row = {
            "iso3": code,
            "iso2": None,
            "m49": m49,
            "name": name,
            "un_region": region,
            "un_subregion": subregion,
            "is_aggregate": False,
            "aggregate_kind": None,
        }
        countries = pd.concat([countries, pd.DataFrame([row])], ignore_index=True)
    countries = countries.merge(classes[["iso3", "wb_region", "income_group"]], on="iso3", how="left")
    independent = dict(zip(codes["ISO3166-1-Alpha-3"], codes["is_independent"] == "Yes", strict=True))
    independent["CHI"] = False  # the Channel Islands are Crown dependencies (the World Bank lists them together)
    un_members = un_member_codes(raw_dir, dict(zip(countries["iso2"], countries["iso3"], strict=True)))
    countries = with_area_facts(countries, independent, un_members)
    aggregates = pd.DataFrame(_un_aggregates(raw_dir) + _wb_aggregates(classes, set(countries.iso3)))
    table = CountryModel.validate(
        pd.concat([countries, aggregates], ignore_index=True)[list(CountryModel.to_schema().columns)], lazy=True
    )
    index = CountryIndex(table, aliases=_official_names(codes))
    files = {name: sha256_of(raw_dir / name) for name in [CODES_FILE, M49_FILE]}  # UN members: see un_treaties
    return index, LoadResult(source_id=SOURCE_ID, files=files, release_date="2026-05-15")


def _official_names(codes: pd.DataFrame) -> dict[str, str]:
    """Every English spelling the crosswalk carries (official, UNTERM short/formal, CLDR) -> ISO3."""
    names: dict[str, str] = {}
    for column in ["official_name_en", "UNTERM English Short", "UNTERM English Formal", "CLDR display name"]:
        for iso3, name in codes[["ISO3166-1-Alpha-3", column]].itertuples(index=False):
            if name:
                names.setdefault(normalise_name(name), iso3)
    return names
