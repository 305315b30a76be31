"""aria-* and data-* attributes on Dash components (Dash serialises them; its typed signatures do not name them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from dash.development.base_component import Component

C = TypeVar("C", bound=Component)


def with_attrs(component: C, attrs: Mapping[str, str]) -> C:
    for name, value in attrs.items():
        setattr(component, name, value)
    return component
