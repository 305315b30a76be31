"""The contract every loader follows: tidy frames, their pandera models, provenance and located errors.

A loader module exposes `load(raw_dir, countries) -> LoadResult`. It parses the publisher's original file,
keeps the publisher's per-value flags, separates aggregates from countries, reports every name or code it could
not match, and stops with a `LoaderError` naming file, row and what was expected when the layout is not the one
it knows.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

# Cells publishers use for "no value". Missing is never zero.
MISSING_TOKENS = frozenset({"", "..", "...", "NA", "N/A", "n/a", "~", "nan", "NaN", "None"})
SEXES = ("total", "female", "male")
NO_PARTNER = ""  # observations that are not corridor-shaped carry an empty partner_country
AREA_CODE = r"^[A-Z0-9]{3,6}$"  # ISO3 for countries; WB aggregate codes; "M" + M49 for UN aggregates
PARTNER_CODE = r"^([A-Z]{3})?$"


class LoaderError(Exception):
    """A source file does not have the layout its loader expects."""

    def __init__(self, file: Path | str, expected: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.expected = str(file), row, column, expected
        where = Path(self.file).name
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {expected}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def normalise_name(name: str) -> str:
    """Country names compared without accents, case, punctuation or 'the'."""
    text = str(name).replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace("'", "")
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    words = [w for w in text.split() if w not in {"the", "of", "and"}]
    return " ".join(words)


def is_missing(cell: object) -> bool:
    if cell is None:
        return True
    if isinstance(cell, float) and pd.isna(cell):
        return True
    return str(cell).strip() in MISSING_TOKENS


class ObservationModel(pa.DataFrameModel):
    """One published value: indicator x country x year (x sex x partner country)."""

    indicator_id: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    country: Series[str] = pa.Field(str_matches=AREA_CODE, description="ISO3; aggregates: WB code or M + M49")
    year: Series[int] = pa.Field(ge=1800, le=2100)
    sex: Series[str] = pa.Field(isin=list(SEXES))
    partner_country: Series[str] = pa.Field(str_matches=PARTNER_CODE, description="corridor partner or ''")
    value: Series[float] = pa.Field(nullable=True, description="numeric value; null only for purely categorical")
    value_label: Series[str] = pa.Field(nullable=True, description="category label or the value as published")
    unit: Series[str]
    source_id: Series[str]
    flags: Series[str] = pa.Field(description="publisher's per-value flags, 'key=value;...' ('' when none)")

    class Config:
        strict = True
        coerce = True
        unique = ["indicator_id", "country", "year", "sex", "partner_country"]


class EventModel(pa.DataFrameModel):
    """A dated legal act: a ratification, a denunciation, a law reform."""

    indicator_id: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    country: Series[str] = pa.Field(str_matches=AREA_CODE)
    partner_country: Series[str] = pa.Field(str_matches=PARTNER_CODE)
    event_date: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{4}-\d{2}-\d{2}$", description="ISO date")
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1800, le=2100)
    status: Series[str] = pa.Field(
        isin=["in_force", "not_in_force", "denounced", "party", "signatory", "no_action", "reform", "signed"]
    )
    note: Series[str] = pa.Field(nullable=True)
    source_id: Series[str]

    class Config:
        strict = True
        coerce = True


class EventListModel(pa.DataFrameModel):
    """Whether a source's list of events for one instrument is complete (absence = not ratified) or not."""

    indicator_id: Series[str]
    source_id: Series[str]
    complete: Series[bool]
    as_of: Series[str] = pa.Field(nullable=True, description="date or period the list is valid for")
    stated_total: Series[pd.Int64Dtype] = pa.Field(nullable=True, description="publisher's stated count")
    rows: Series[int] = pa.Field(ge=0)
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class CountryModel(pa.DataFrameModel):
    """The single reference table of countries and aggregates."""

    iso3: Series[str] = pa.Field(unique=True, str_matches=AREA_CODE)
    iso2: Series[str] = pa.Field(nullable=True)
    m49: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    name: Series[str]
    un_region: Series[str] = pa.Field(nullable=True)
    un_subregion: Series[str] = pa.Field(nullable=True)
    wb_region: Series[str] = pa.Field(nullable=True)
    income_group: Series[str] = pa.Field(nullable=True)
    is_aggregate: Series[bool]
    aggregate_kind: Series[str] = pa.Field(nullable=True, description="world / region / income / other")
    area_kind: Series[str] = pa.Field(
        nullable=True, isin=["state", "territory", "uninhabited", "historical"], description="null for aggregates"
    )
    un_member: Series[bool] = pa.Field(description="a UN member state (the universe of UN treaty lists)")
    ilo_member: Series[bool] = pa.Field(description="an ILO member State (the universe of ILO ratification lists)")
    iso3166_3: Series[str] = pa.Field(nullable=True, description="historical areas: the ISO 3166-3 code")
    successors: Series[str] = pa.Field(
        nullable=True, description="historical areas: successor ISO3 codes, comma-separated"
    )
    years: Series[str] = pa.Field(nullable=True, description="historical areas: the years the area existed")

    class Config:
        strict = True
        coerce = True


class UnmatchedModel(pa.DataFrameModel):
    """A name or code from a source that did not map to a country, kept for the report."""

    source_id: Series[str]
    file: Series[str]
    key: Series[str] = pa.Field(description="the name or code as published")
    reason: Series[str] = pa.Field(isin=["unmatched", "aggregate", "not_a_country"])

    class Config:
        strict = True
        coerce = True


@dataclass
class LoadResult:
    """What one loader emits: tidy frames plus provenance of the files they came from."""

    source_id: str
    files: dict[str, str]  # file name -> sha256
    release_date: str | None  # publisher's release or "last updated" date, as stated
    observations: pd.DataFrame = field(default_factory=lambda: empty_frame(ObservationModel))
    aggregate_observations: pd.DataFrame = field(default_factory=lambda: empty_frame(ObservationModel))
    events: pd.DataFrame = field(default_factory=lambda: empty_frame(EventModel))
    event_lists: pd.DataFrame = field(default_factory=lambda: empty_frame(EventListModel))
    unmatched: pd.DataFrame = field(default_factory=lambda: empty_frame(UnmatchedModel))

    def validated(self) -> LoadResult:
        """Check every frame against its model (all failures at once)."""
        self.observations = ObservationModel.validate(self.observations, lazy=True)
        self.aggregate_observations = ObservationModel.validate(self.aggregate_observations, lazy=True)
        self.events = EventModel.validate(self.events, lazy=True)
        self.event_lists = EventListModel.validate(self.event_lists, lazy=True)
        self.unmatched = UnmatchedModel.validate(self.unmatched.drop_duplicates(), lazy=True)
        return self


def empty_frame(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    columns = list(model.to_schema().columns)
    return pd.DataFrame({name: pd.Series([], dtype="object") for name in columns})


def require_columns(frame: pd.DataFrame, expected: list[str], file: Path, row: int) -> None:
    """Stop when the header does not hold what the loader reads (renamed or moved columns)."""
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise LoaderError(file, f"expected columns {missing} in the header; found {list(frame.columns)[:12]}", row=row)
