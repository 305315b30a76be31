"""The web app's use of the one memo (warehouse/memo.py): results that hold words are kept per reader's language too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from dashboard.i18n import current_lang
from warehouse.memo import memo as _memo

F = TypeVar("F", bound=Callable[..., Any])


def memo(maxsize: int, by_language: bool = False) -> Callable[[F], F]:
    """`warehouse.memo.memo`, keyed by the reader's language as well when `by_language`."""
    return _memo(maxsize, current_lang if by_language else None)
