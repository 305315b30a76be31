"""The country table and the UN treaty status file in; the same table with what each area is out: UN and ILO
membership (the universes of ratification lists), territories, uninhabited areas and historical areas.

- UN member states: the 193 rows of the UN Treaty Collection status files (un-hr-treaties/SOURCE.txt: "193 UN
  member states per file", non-members excluded by design). UN membership has not changed since South Sudan (2011).
- ILO member States (187): the UN members except the seven that have not joined the ILO, plus the Cook Islands,
  an ILO member that is not a UN member (ILO, "Member States", ilo.org: 187 member States). The seven are listed
  below; the methodology marks this list as the project's reading until checked against ilo.org.
- Uninhabited areas (no permanent population) get no scorecard: the profile and the API say why.
- Historical areas (ISO 3166-3: codes withdrawn when the state dissolved or merged) keep the values sources publish
  for them (GLOBALCIT back to 1960, IAB corridors): they are areas with `area_kind` 'historical' and successors.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.base import LoaderError, require_columns

UN_MEMBERS_FILE = "un-hr-treaties/hr_status_icmw.csv"
UN_ISO2_FIXES = {"TP": "TL"}  # the file keeps East Timor's withdrawn ISO code
NOT_ILO_MEMBERS = frozenset({"AND", "BTN", "LIE", "FSM", "MCO", "NRU", "PRK"})
ILO_NOT_UN_MEMBERS = frozenset({"COK"})
UNINHABITED = frozenset({"ATA", "BVT", "HMD", "SGS", "ATF", "UMI", "IOT"})
# former alpha-3 code -> (name, ISO 3166-3 code, M49, UN region, sub-region, successors, years)
HISTORICAL = {
    "CSK": ("Czechoslovakia", "CSHH", 200, "Europe", "Eastern Europe", "CZE,SVK", "1918-1992"),
    "DDR": ("German Democratic Republic", "DDDE", 278, "Europe", "Western Europe", "DEU", "1949-1990"),
    "SUN": ("USSR (Soviet Union)", "SUHH", 810, "Europe", "Eastern Europe",
            "ARM,AZE,BLR,EST,GEO,KAZ,KGZ,LTU,LVA,MDA,RUS,TJK,TKM,UKR,UZB", "1922-1991"),
    "YUG": ("Yugoslavia", "YUCS", 890, "Europe", "Southern Europe", "BIH,HRV,MKD,MNE,SRB,SVN,XKX", "1918-2003"),
    "SCG": ("Serbia and Montenegro", "CSXX", 891, "Europe", "Southern Europe", "MNE,SRB,XKX", "2003-2006"),
}  # fmt: skip
AREA_KINDS = ("state", "territory", "uninhabited", "historical")


def un_member_codes(raw_dir: Path, iso2_to_iso3: dict[str, str]) -> set[str]:
    """ISO3 codes of the UN member states listed in the UN treaty status file (193 rows)."""
    path = raw_dir / UN_MEMBERS_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    require_columns(frame, ["iso2", "member"], path, 1)
    codes = set()
    for row, (iso2, name) in enumerate(zip(frame["iso2"], frame["member"], strict=True), start=2):
        iso3 = iso2_to_iso3.get(UN_ISO2_FIXES.get(iso2.strip(), iso2.strip()))
        if iso3 is None:
            raise LoaderError(path, f"an ISO2 code of a UN member state, found {iso2!r} ({name})", row=row)
        codes.add(iso3)
    if len(codes) != 193:
        raise LoaderError(path, f"193 UN member states, found {len(codes)}")
    return codes


def historical_rows() -> pd.DataFrame:
    rows = [
        {"iso3": code, "iso2": None, "m49": m49, "name": name, "un_region": region, "un_subregion": sub,
         "is_aggregate": False, "aggregate_kind": None, "area_kind": "historical", "iso3166_3": iso3166_3,
         "successors": successors, "years": years}
        for code, (name, iso3166_3, m49, region, sub, successors, years) in HISTORICAL.items()
    ]  # fmt: skip
    return pd.DataFrame(rows)


def with_area_facts(countries: pd.DataFrame, independent: dict[str, bool], un_members: set[str]) -> pd.DataFrame:
    """The country rows (not aggregates) plus historical areas, each with area_kind, un_member and ilo_member.

    independent: ISO3 -> whether the crosswalk says the area is independent (a state) rather than a territory.
    """
    out = countries.copy()
    kind = out["iso3"].map(lambda code: "state" if independent.get(code, True) else "territory")
    out["area_kind"] = kind.where(~out["iso3"].isin(UNINHABITED), "uninhabited")
    out = pd.concat([out, historical_rows()], ignore_index=True)
    out["un_member"] = out["iso3"].isin(un_members)
    out["ilo_member"] = (out["un_member"] & ~out["iso3"].isin(NOT_ILO_MEMBERS)) | out["iso3"].isin(ILO_NOT_UN_MEMBERS)
    return out
