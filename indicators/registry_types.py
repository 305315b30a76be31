"""The registry's own small types: `RegistryError` (a refusal located by file, indicator and field), `Guideline`,
and what the loader hands to the checks (where a value comes from, what an indicator may point at)."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.model import Principle, Source, Theme


class RegistryError(ValueError):
    """The registry data are wrong: the message names the file, the indicator (if any) and the field."""

    def __init__(self, file: str, problem: str, indicator: str | None = None, field: str | None = None):
        self.file, self.problem, self.indicator, self.field = file, problem, indicator, field
        where = file + (f": indicator {indicator!r}" if indicator else "") + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Guideline:
    """An MFLM guideline reference (e.g. "13.5") and the principle it sits under."""

    id: str
    principle: int
    gist: str
    verified: bool
    citation: str | None = None  # where the number and topic were checked (required when verified)


@dataclass(frozen=True)
class At:
    """Where a value comes from, to raise located errors."""

    file: str
    indicator: str | None = None

    def error(self, field: str | None, problem: str) -> RegistryError:
        return RegistryError(self.file, problem, self.indicator, field)


@dataclass(frozen=True)
class Refs:
    """What an indicator may point at."""

    themes: dict[str, Theme]
    principles: dict[int, Principle]
    guidelines: dict[str, Guideline]
    sources: dict[str, Source]
