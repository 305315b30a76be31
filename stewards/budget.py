"""The settings in; the limits one upload is read and checked within out, and the refusal that names one.

Every limit is enforced while the file is read, before the work it bounds is done: columns and rows from the header
and the line count (CSV) or the cell references (XLSX), unpacked bytes counted while unpacking, XML depth scanned
before a part is parsed. Time and memory are bounded by the validation job that runs a large file (checking.py);
a file small enough to be checked in the web worker cannot exceed them (its size bounds its cost).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from lmm.config import setting
from stewards.i18n import say

MB = 1024 * 1024


class UploadError(ValueError):
    """The whole file is refused; the message says why and what to do."""


class BudgetError(UploadError):
    """The file is refused because it exceeds a limit; the message names the limit, its setting and where."""


class CheckOutside(BudgetError):
    """A workbook small enough to be checked in the web worker unpacks to more than that allows: the job checks it."""


@dataclass(frozen=True)
class Budget:
    columns: int = 256
    rows: int = 500_000
    cells: int = 5_000_000
    cell_chars: int = 32_767
    unpacked: int = 64 * MB
    xml_depth: int = 64
    seconds: float = 10.0
    memory: int = 500 * MB
    inline_unpacked: int | None = None  # checked in the web worker: unpacking past this hands the file to the job
    started: float = field(default_factory=time.monotonic, compare=False)

    @classmethod
    def from_settings(cls) -> Budget:
        def number(name: str) -> float:
            return float(setting(name))

        return cls(
            columns=int(number("LMM_UPLOAD_MAX_COLUMNS")), rows=int(number("LMM_UPLOAD_MAX_ROWS")),
            cells=int(number("LMM_UPLOAD_MAX_CELLS")), cell_chars=int(number("LMM_UPLOAD_MAX_CELL_CHARS")),
            unpacked=int(number("LMM_UNPACKED_LIMIT_MB") * MB), xml_depth=int(number("LMM_UPLOAD_XML_DEPTH")),
            seconds=number("LMM_VALIDATION_SECONDS"), memory=int(number("LMM_VALIDATION_MB") * MB),
        )  # fmt: skip

    def check_time(self, filename: str, step: str) -> None:
        """Refuse when the check has run longer than its time budget (between steps; the job is also killed)."""
        if time.monotonic() - self.started > self.seconds:
            raise BudgetError(too_slow(filename, self.seconds, step))

    def check_shape(self, filename: str, rows: int, columns: int, where: str) -> None:
        """Refuse a file whose rows, columns or cells (rows x columns) exceed the limits; where: 'line' or 'row'."""
        named = {"filename": repr(filename), "unit": say(f"budget.unit.{where}s")}
        if columns > self.columns:
            raise BudgetError(say("budget.columns", filename=repr(filename), columns=f"{columns:,}",
                                  where=say(f"budget.where.{where}"), limit=f"{self.columns:,}"))  # fmt: skip
        if rows > self.rows:
            raise BudgetError(say("budget.rows", **named, rows=f"{rows:,}", limit=f"{self.rows:,}"))
        if rows * columns > self.cells:
            raise BudgetError(say("budget.cells", **named, rows=f"{rows:,}", columns=f"{columns:,}",
                                  cells=f"{rows * columns:,}", limit=f"{self.cells:,}"))  # fmt: skip


STEPS = {  # what a check was doing when its time ran out -> its words (stewards/i18n)
    "reading the CSV": "budget.step.csv", "reading the workbook": "budget.step.workbook",
    "unpacking the workbook": "budget.step.unpacking", "checking the cells": "budget.step.cells",
    "checking each practice": "budget.step.practices", "comparing with the current release": "budget.step.diff",
}  # fmt: skip


def too_slow(filename: str, seconds: float, step: str = "") -> str:
    if not step:
        return say("budget.too_slow", filename=repr(filename), seconds=f"{seconds:g}")
    doing = say(STEPS[step]) if step in STEPS else step
    return say("budget.too_slow_at", filename=repr(filename), seconds=f"{seconds:g}", step=doing)


def too_big(filename: str, megabytes: float) -> str:
    return say("budget.too_big", filename=repr(filename), megabytes=f"{megabytes:g}")
