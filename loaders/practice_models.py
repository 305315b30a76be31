"""The pandera models of the release's practice tables (loaders/practices.py builds them; the release holds them)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

ACTIVITIES = ("ongoing", "ended", "unknown")
RELATIONS = ("aims_to_move", "context")
ROLES = ("lead", "partner", "host")
KINDS = ("source", "evidence")
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
EDITORIAL = "editorial"  # source_id of the editorial records; as a text marker [editorial]: the editors' own reading


class PracticeModel(pa.DataFrameModel):
    """One practice: what it does, when, who runs it, its evidence and provenance."""

    practice_id: Series[str] = pa.Field(str_matches=SLUG, unique=True)
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    name_en: Series[str] = pa.Field(nullable=True)
    institution: Series[str] = pa.Field(str_length={"min_value": 1})
    start_year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1800, le=2100)
    end_year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1800, le=2100)
    activity: Series[str] = pa.Field(isin=list(ACTIVITIES))
    status_as_of: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1800, le=2100)
    countries: Series[str] = pa.Field(description="ISO3 codes, comma-separated (practice_countries is tidy)")
    themes: Series[str] = pa.Field(description="theme ids, comma-separated ('' when none)")
    principles: Series[str] = pa.Field(description="MFLM principle numbers, comma-separated")
    gcm_objectives: Series[str] = pa.Field(description="Global Compact for Migration objectives, comma-separated")
    summary: Series[str] = pa.Field(str_length={"min_value": 1})
    evidence: Series[str] = pa.Field(nullable=True)
    success_factors: Series[str] = pa.Field(nullable=True)
    transfer_limits: Series[str] = pa.Field(nullable=True)
    notes: Series[str] = pa.Field(nullable=True)
    left_out: Series[str] = pa.Field(description="facts left out for lack of a source, '; '-separated")
    submitted_by: Series[str] = pa.Field(str_length={"min_value": 1})
    submitted_role: Series[str] = pa.Field(isin=["editor", "steward"])
    status: Series[str] = pa.Field(isin=["published"])
    source_id: Series[str] = pa.Field(isin=[EDITORIAL, "steward"])
    provenance: Series[str] = pa.Field(description="'key=value;...': file, version, sha256 or submission")

    @pa.dataframe_check
    @classmethod
    def ends_after_start(cls, frame: pd.DataFrame) -> Series[bool]:
        both = frame["start_year"].notna() & frame["end_year"].notna()
        return ~both | (frame["end_year"] >= frame["start_year"]).fillna(True)

    class Config:
        strict = True
        coerce = True


class PracticeCountryModel(pa.DataFrameModel):
    practice_id: Series[str] = pa.Field(str_matches=SLUG)
    country: Series[str] = pa.Field(str_matches=r"^[A-Z]{3}$")
    role: Series[str] = pa.Field(isin=list(ROLES))
    position: Series[int] = pa.Field(ge=1)

    class Config:
        strict = True
        coerce = True
        unique = ["practice_id", "country"]


class PracticePrincipleModel(pa.DataFrameModel):
    practice_id: Series[str] = pa.Field(str_matches=SLUG)
    principle: Series[int] = pa.Field(ge=1, le=15)

    class Config:
        strict = True
        coerce = True
        unique = ["practice_id", "principle"]


class PracticeThemeModel(pa.DataFrameModel):
    practice_id: Series[str] = pa.Field(str_matches=SLUG)
    theme: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")

    class Config:
        strict = True
        coerce = True
        unique = ["practice_id", "theme"]


class PracticeIndicatorModel(pa.DataFrameModel):
    practice_id: Series[str] = pa.Field(str_matches=SLUG)
    indicator_id: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    relation: Series[str] = pa.Field(isin=list(RELATIONS))
    why: Series[str] = pa.Field(nullable=True)
    ref: Series[str] = pa.Field(nullable=True, description="the citation stating the aim or the link")

    class Config:
        strict = True
        coerce = True
        unique = ["practice_id", "indicator_id"]


class PracticeSourceModel(pa.DataFrameModel):
    practice_id: Series[str] = pa.Field(str_matches=SLUG)
    ref: Series[str] = pa.Field(str_matches=r"^[a-z0-9][a-z0-9\-]*$")
    position: Series[int] = pa.Field(ge=1)
    kind: Series[str] = pa.Field(isin=list(KINDS))
    title: Series[str] = pa.Field(str_length={"min_value": 1})
    publisher: Series[str] = pa.Field(nullable=True)
    url: Series[str] = pa.Field(str_matches=r"^https?://\S+$")
    accessed: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}-\d{2}$")
    supports: Series[str] = pa.Field(description="fields whose facts this source gives, comma-separated")

    class Config:
        strict = True
        coerce = True
        unique = ["practice_id", "ref"]


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "practices": PracticeModel,
    "practice_countries": PracticeCountryModel,
    "practice_principles": PracticePrincipleModel,
    "practice_themes": PracticeThemeModel,
    "practice_indicators": PracticeIndicatorModel,
    "practice_sources": PracticeSourceModel,
}
PRACTICE_TABLES = list(MODELS)


def columns(table: str) -> list[str]:
    return list(MODELS[table].to_schema().columns)
