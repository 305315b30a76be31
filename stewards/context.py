"""What validating an upload needs to know besides the file: the uploadable indicators, the registry's ids, the
release's countries, the steward's scope and today's date (stewards/validate.py builds it; the converters and
rules read it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from stewards.template import Allowed


@dataclass
class Context:
    allowed: dict[str, Allowed]
    registered: dict[str, str]  # every registry id -> its source ids (to explain why one is not uploadable)
    countries: dict[str, tuple[str, bool]]  # code -> (name, is_aggregate)
    scope: tuple[str, ...] | None  # the steward's countries; None for an admin
    today: date = field(default_factory=lambda: datetime.now(UTC).date())

    def country_label(self, code: str) -> str:
        name = self.countries.get(code, ("", False))[0]
        return f"{code} ({name})" if name else code
