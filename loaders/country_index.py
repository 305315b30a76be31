"""The country table in; lookups from ISO2/ISO3/M49 codes and names to the project's area codes out, remembering
aggregates a source adds (loaders/reference.py builds the table; every loader resolves its names through this)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from loaders.base import CountryModel, normalise_name


@dataclass
class CountryIndex:
    """Resolve ISO2/ISO3/M49 codes and names to the project's area codes; remember what did not match."""

    table: pd.DataFrame
    aliases: dict[str, str] = field(default_factory=dict)  # normalised name -> code
    extra_aggregates: list[dict[str, object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        countries = self.table[~self.table.is_aggregate]
        self.iso3 = set(self.table.iso3)
        self.country_iso3 = set(countries.iso3)
        self.by_iso2 = {r.iso2: r.iso3 for r in countries.itertuples() if isinstance(r.iso2, str) and r.iso2}
        self.by_m49 = {int(r.m49): r.iso3 for r in self.table.itertuples() if pd.notna(r.m49)}
        self.by_name = dict(self.aliases)
        for row in self.table.itertuples():
            self.by_name.setdefault(normalise_name(row.name), row.iso3)

    def add_names(self, names: dict[str, str]) -> None:
        """Extra spellings (name -> ISO3 or aggregate code) a source uses."""
        for name, code in names.items():
            self.by_name[normalise_name(name)] = code

    def is_country(self, code: str) -> bool:
        return code in self.country_iso3

    def from_name(self, name: str) -> str | None:
        return self.by_name.get(normalise_name(name))

    def from_iso2(self, iso2: str) -> str | None:
        return self.by_iso2.get(str(iso2).strip().upper())

    def from_m49(self, m49: int | str) -> str | None:
        try:
            return self.by_m49.get(int(m49))
        except ValueError:
            return None

    def add_aggregate(self, m49: int, name: str, kind: str = "other") -> str:
        """Register a UN aggregate a source publishes (e.g. an SDG region); its code is 'M' + M49."""
        code = f"M{int(m49):03d}"
        if code not in self.iso3:
            self.extra_aggregates.append(aggregate_row(code, name, kind, m49=int(m49)))
            self.iso3.add(code)
            self.by_m49[int(m49)] = code
        return code

    def full_table(self) -> pd.DataFrame:
        extra = pd.DataFrame(self.extra_aggregates, columns=self.table.columns)
        return CountryModel.validate(pd.concat([self.table, extra], ignore_index=True), lazy=True)


def aggregate_row(code: str, name: str, kind: str, m49: int | None = None) -> dict[str, object]:
    return {
        "iso3": code, "iso2": None, "m49": m49, "name": name, "un_region": None, "un_subregion": None,
        "wb_region": None, "income_group": None, "is_aggregate": True, "aggregate_kind": kind, "area_kind": None,
        "un_member": False, "ilo_member": False, "iso3166_3": None, "successors": None, "years": None,
    }  # fmt: skip
