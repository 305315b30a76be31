"""Numbers are written as Babel writes them: dashboard/i18n `number` does Babel's steps itself (Babel's own
formatting took ~8 ms of a profile's ~60), so it is compared with Babel's `format_decimal` on thousands of values
drawn with a fixed seed: every magnitude, both signs, zeros, halves at the rounding digit, ints and floats."""

from __future__ import annotations

import random
import zlib

import pytest
from babel.numbers import format_decimal

from dashboard.i18n import number


def _values(seed: int, n: int = 600) -> list[float | int]:
    rng = random.Random(seed)
    values: list[float | int] = [0, 0.0, -0.0, 1, -1, 0.5, 1.5, 2.5, 0.0005, 0.0015, -0.0004, 999.9995, 1e15, -1e-9]
    for _ in range(n):
        magnitude = 10 ** rng.randint(-6, 14)
        sign = rng.choice((1, -1))
        values.append(sign * rng.random() * magnitude)
        values.append(sign * rng.randint(0, magnitude) if magnitude >= 1 else sign * magnitude)
        values.append(sign * (rng.randint(0, 10**6) + 0.5) / 10 ** rng.randint(0, 4))  # halves at a rounding digit
        values.append(round(sign * rng.random() * 100, rng.randint(0, 4)))
    return values


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
@pytest.mark.parametrize(("decimals", "grouping"), [(None, True), (None, False), (0, True), (1, True), (2, False)])
def test_numbers_are_written_as_babel_writes_them(lang: str, decimals: int | None, grouping: bool) -> None:
    if decimals is None:
        pattern = "#,##0.###" if grouping else "0.###"
    else:
        pattern = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals else "")
    for value in _values(seed=zlib.crc32(f"{lang} {decimals} {grouping}".encode())):  # fixed: hash() of a str is not
        expected = format_decimal(value, format=pattern, locale=lang, group_separator=grouping)
        if not any(digit in "123456789" for digit in expected):  # rounds to zero: "0", never Babel's "-0"
            expected = expected.lstrip("-")
        assert number(value, lang, decimals, grouping) == expected, (value, pattern, lang)


def test_examples_in_each_language() -> None:
    assert [number(1234.5, lang) for lang in ("en", "es", "fr")] == ["1,234.5", "1.234,5", "1\u202f234,5"]
    assert number(-0.25, "en", 1) == "-0.2" and number(float("inf"), "en") == "∞"
    assert number(-0.0001, "fr") == number(-0.0, "en") == "0", "a value that rounds to zero has no minus sign"
