"""The registry and the country list in; the steward template out (XLSX with drop-downs and explanations, or CSV).

One long format for every kind of figure: a country-year value (optionally by sex), a corridor value (with a
partner country) or a dated legal event (a ratification, a reform). Each row names its source.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.model import Indicator
from indicators.registry import load_registry

COLUMNS = [
    "indicator_id", "country", "partner_country", "year", "sex", "value", "category", "event_date", "source", "note",
]  # fmt: skip
REQUIRED_COLUMNS = ["indicator_id", "country", "year", "source"]
SEXES = ("total", "female", "male")
EVENT_STATUSES = ("in_force", "not_in_force", "denounced", "party", "signatory", "no_action", "reform", "signed")
TEMPLATE_ROWS = 5000  # rows that carry the drop-downs in the XLSX template

EXPLANATIONS = [
    ("indicator_id", "required", "Which figure this row gives: one id from the list (sheet 'indicators')."),
    ("country", "required", "ISO3 code of the country the figure describes (e.g. MEX). Only your countries."),
    ("partner_country", "corridor rows", "ISO3 code of the other end of a corridor (destination of a recruitment "
     "cost, partner of a bilateral agreement). Empty for country-level figures."),
    ("year", "required for values", "The year the figure describes (not the year it was published). For an "
     "event, the year of the event_date (may be left empty when event_date is given)."),
    ("sex", "optional", "total, female or male, for indicators published by sex. Empty means total."),
    ("value", "numbers", "The number, without units or thousands separators (e.g. 2.5). Percent as 0-100."),
    ("category", "categories and events", "For a category indicator, its code (e.g. full); for a legal event, "
     "its status (e.g. in_force, signed, reform). Leave value empty on these rows."),
    ("event_date", "events", "Date of a legal event as YYYY-MM-DD (e.g. 2024-03-01)."),
    ("source", "required", "Where the figure is published: law, gazette, report or URL. Shown with the value."),
    ("note", "optional", "Anything a reader should know (a break in series, a provisional figure)."),
]  # fmt: skip


@dataclass(frozen=True)
class Allowed:
    """What a row of one uploadable indicator may hold."""

    indicator: Indicator
    kind: str  # value / category / event
    codes: tuple[str, ...]  # category codes or event statuses
    value_min: float | None
    value_max: float | None
    whole: bool  # counts of things (agreements) are whole numbers


def unit_range(unit: str) -> tuple[float | None, float | None, bool]:
    """(min, max, whole) a value in this unit may take."""
    text = unit.strip().lower()
    if text in ("%", "percent") or text.startswith("% "):
        return 0.0, 100.0, False
    if text.startswith("score 0-"):
        return 0.0, float(text.split("-", 1)[1]), False
    if text in ("agreements", "persons", "people", "count"):
        return 0.0, None, text == "agreements"
    return 0.0, None, False  # months of earnings, ratios: never negative


def allowed_for(ind: Indicator) -> Allowed:
    if ind.type == "event":
        codes = tuple(c.code for c in ind.categories if c.code in EVENT_STATUSES) or ("in_force", "reform")
        return Allowed(ind, "event", codes, None, None, False)
    if ind.type in ("categorical", "ordinal"):
        return Allowed(ind, "category", tuple(c.code for c in ind.categories), None, None, False)
    low, high, whole = unit_range(ind.unit)
    return Allowed(ind, "value", (), low, high, whole)


def uploadable() -> dict[str, Allowed]:
    """Indicator id -> what its rows may hold, for every indicator open to steward uploads."""
    registry = load_registry()
    return {i.id: allowed_for(i) for i in registry.indicators.values() if i.steward_uploadable}


def csv_template() -> bytes:
    return ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode("utf-8")


def xlsx_template(countries: list[tuple[str, str]], scope: list[str] | None) -> bytes:
    """The workbook: 'data' (header + drop-downs), 'columns' (what each column means), 'indicators', 'lists'."""
    wb = Workbook()
    data = wb.active
    data.title = "data"
    data.append(COLUMNS)
    for cell in data[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    data.freeze_panes = "A2"
    for i, width in enumerate([30, 10, 16, 8, 9, 12, 16, 13, 40, 40]):
        data.column_dimensions[chr(ord("A") + i)].width = width
    allowed = uploadable()
    lists = _lists_sheet(wb, allowed, countries, scope)
    _validations(data, lists)
    _columns_sheet(wb)
    _indicators_sheet(wb, allowed)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _lists_sheet(wb: Workbook, allowed: dict[str, Allowed], countries, scope) -> dict[str, str]:
    """The drop-down sources, one column each; returns column name -> absolute range."""
    sheet = wb.create_sheet("lists")
    own = [code for code, _ in countries if scope is None or code in scope]
    codes = sorted({c for a in allowed.values() for c in a.codes})
    columns = {
        "indicator_id": sorted(allowed), "country": own, "partner_country": [c for c, _ in countries],
        "sex": list(SEXES), "category": codes,
    }  # fmt: skip
    ranges = {}
    for col, (name, values) in enumerate(columns.items(), start=1):
        letter = chr(ord("A") + col - 1)
        sheet.cell(row=1, column=col, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=col, value=value)
        ranges[name] = f"lists!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validations(data, ranges: dict[str, str]) -> None:
    for name, source in ranges.items():
        letter = chr(ord("A") + COLUMNS.index(name))
        rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True, showErrorMessage=True)
        rule.error, rule.errorTitle = f"Pick a {name} from the list (sheet 'lists').", "Not in the list"
        data.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    year = DataValidation(type="whole", operator="between", formula1="1900", formula2="2100", allow_blank=True)
    year.error = "A year such as 2024."
    data.add_data_validation(year)
    year.add(f"D2:D{TEMPLATE_ROWS + 1}")


def _columns_sheet(wb: Workbook) -> None:
    sheet = wb.create_sheet("columns")
    sheet.append(["column", "needed for", "what to write"])
    for row in EXPLANATIONS:
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["Examples (copy to the 'data' sheet, one figure per row):"])
    for example in _EXAMPLES:
        sheet.append(example)
    sheet.append([])
    sheet.append(["Rules: the header stays in row 1; one figure per row; no formulas (type values); the same "
                  "indicator, country, partner, year and sex may appear once. Files are checked cell by cell and "
                  "every problem is listed with its row and column."])  # fmt: skip
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", [22, 20, 100, 8, 8, 8, 10, 12, 30, 30], strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_row=len(EXPLANATIONS) + 1):
        row[2].alignment = Alignment(wrap_text=True)


_EXAMPLES = [
    COLUMNS,
    ["tertiary_women_emigration_rate", "MEX", "", 2024, "female", 7.4, "", "", "INEGI, ENADID 2024, table 3", ""],
    ["recruitment_cost_corridor", "PHL", "SAU", 2023, "total", 1.8, "", "", "PSA survey of OFWs 2023", ""],
    ["fee_ban_law", "MEX", "", 2024, "", "", "full", "", "Ley Federal del Trabajo, art. 28", ""],
    ["ilo_c189", "MEX", "", "", "", "", "in_force", "2021-07-03", "ILO NORMLEX", "ratified 2020-07-03"],
]


def _indicators_sheet(wb: Workbook, allowed: dict[str, Allowed]) -> None:
    sheet = wb.create_sheet("indicators")
    sheet.append(["indicator_id", "title", "kind of row", "unit", "allowed", "by sex", "corridor (partner)"])
    for ind_id, a in sorted(allowed.items()):
        if a.kind == "value":
            high = "no upper limit" if a.value_max is None else f"{a.value_max:g}"
            rule = f"value from {a.value_min:g} to {high}" + (", whole numbers" if a.whole else "")
        else:
            rule = "category: " + ", ".join(a.codes)
        ind = a.indicator
        sheet.append([ind_id, ind.title, a.kind, ind.unit, rule, "yes" if "sex" in ind.disaggregations else "no",
                      "required" if "partner_country" in ind.disaggregations else "no"])  # fmt: skip
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", [32, 60, 12, 20, 50, 8, 18], strict=True):
        sheet.column_dimensions[letter].width = width
