"""A value's flags as the release stores them ("estimate=modelled;suspect=<reason>;...") in; one flag's value out
(pure, no I/O). Read by the pages' tiles and the corridor read model alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def flag_value(row: Mapping[str, Any], prefix: str) -> str | None:
    """The value of the first flag starting with `prefix` ("not_known_since=2022-08-25;..." -> "2022-08-25")."""
    parts = [p for p in str(row.get("flags") or "").split(";") if p.startswith(prefix)]
    return parts[0][len(prefix) :] if parts else None
