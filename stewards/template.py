"""The registry and the country list in; the steward template out (XLSX with drop-downs and explanations, in
English, Spanish or French, or CSV).

One long format for every kind of figure: a country-year value (optionally by sex), a corridor value (with a
partner country) or a dated legal event (a ratification, a reform). Each row names its source.
The header and the codes stay as they are in every language (the upload reads them); the category drop-down of a row
offers only its indicator's categories, in words (a list per indicator on the sheet 'lists', named cat_<id>, chosen
by the row's indicator_id), and an upload maps those words (in any of the three languages) or the code to the code.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from indicators import i18n as registry_texts
from indicators.model import Indicator
from indicators.registry import load_registry
from stewards.i18n import DEFAULT, language, text

COLUMNS = [
    "indicator_id", "country", "partner_country", "year", "sex", "value", "category", "event_date", "source", "note",
]  # fmt: skip
REQUIRED_COLUMNS = ["indicator_id", "country", "year", "source"]
SEXES = ("total", "female", "male")
EVENT_STATUSES = ("in_force", "not_in_force", "denounced", "party", "signatory", "no_action", "reform", "signed")
TEMPLATE_ROWS = 5000  # rows that carry the drop-downs in the XLSX template

NEEDED = {  # column -> what it is needed for (a key of the catalogue, stewards/i18n)
    "indicator_id": "required", "country": "required", "partner_country": "corridor", "year": "values",
    "sex": "optional", "value": "numbers", "category": "categories", "event_date": "events", "source": "required",
    "note": "optional",
}  # fmt: skip
EXPLANATIONS = [(c, text(f"template.needed.{NEEDED[c]}"), text(f"template.what.{c}")) for c in COLUMNS]  # English


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


def category_labels(allowed: Allowed, lang: str) -> list[tuple[str, str]]:
    """(code, the words the drop-down shows for it in `lang`) of each code a row of this indicator may take."""
    english = {c.code: c.label for c in allowed.indicator.categories}
    out = []
    for code in allowed.codes:
        label = registry_texts.category(lang, allowed.indicator.id, code) if lang != DEFAULT else None
        out.append((code, label or english.get(code) or code))
    shown = [label for _, label in out]
    return [(code, label if shown.count(label) == 1 else f"{label} ({code})") for code, label in out]


def category_words(allowed: dict[str, Allowed]) -> dict[str, str]:
    """'<indicator>|<words, case-folded>' -> code, for every way a drop-down (en/es/fr) or a steward writes a code."""
    words = {}
    for ind_id, a in allowed.items():
        for lang in ("en", "es", "fr"):
            for code, label in category_labels(a, lang):
                words[f"{ind_id}|{fold(label)}"] = code
                words[f"{ind_id}|{fold(f'{label} ({code})')}"] = code
    return words


def fold(words: str) -> str:
    return " ".join(str(words).split()).casefold()


def xlsx_template(countries: list[tuple[str, str]], scope: list[str] | None, lang: str = DEFAULT) -> bytes:
    """The workbook in `lang`: 'data' (header with notes, drop-downs), 'lists' (the drop-downs' lists), 'columns'
    (what each column means), 'indicators'. Sheet names, header and codes are the same in every language."""
    lang = language(lang)
    wb = Workbook()
    data = wb.active
    data.title = "data"
    data.append(COLUMNS)
    for cell, name in zip(data[1], COLUMNS, strict=True):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.comment = Comment(f"{text(f'template.needed.{NEEDED[name]}', lang)}: {text(f'template.what.{name}', lang)}",
                               "LMM", width=320, height=140)  # fmt: skip
    data.freeze_panes = "A2"
    for i, width in enumerate([30, 10, 16, 8, 9, 12, 40, 13, 40, 40]):
        data.column_dimensions[chr(ord("A") + i)].width = width
    allowed = uploadable()
    lists = _lists_sheet(wb, allowed, countries, scope, lang)
    _validations(data, lists, lang)
    _columns_sheet(wb, lang, allowed)
    _indicators_sheet(wb, allowed, lang)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _letter(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    return get_column_letter(position + 1)


def _lists_sheet(wb: Workbook, allowed: dict[str, Allowed], countries, scope, lang: str) -> dict[str, str]:
    """The drop-down sources, one column each: indicator ids, countries, partners, sexes, then one list of words per
    category or event indicator (named cat_<id>). Returns column name -> absolute range."""
    sheet = wb.create_sheet("lists")
    own = [code for code, _ in countries if scope is None or code in scope]
    sexes = [text(f"template.sex.{sex}", lang) for sex in SEXES]
    columns = {"indicator_id": sorted(allowed), "country": own, "partner_country": [c for c, _ in countries],
               "sex": sexes, "": [text("template.lists.note", lang)]}  # fmt: skip
    categorical = {i: a for i, a in sorted(allowed.items()) if a.codes}
    columns |= {i: [label for _, label in category_labels(a, lang)] for i, a in categorical.items()}
    ranges = {}
    for col, (name, values) in enumerate(columns.items()):
        letter = _letter(col)
        sheet.cell(row=1, column=col + 1, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=col + 1, value=value)
        where = f"lists!${letter}$2:${letter}${len(values) + 1}"
        if name in categorical:
            wb.defined_names[f"cat_{name}"] = DefinedName(f"cat_{name}", attr_text=where)
            sheet.column_dimensions[letter].width = 45
        elif name:
            ranges[name] = where
    return ranges


def _validations(data, ranges: dict[str, str], lang: str) -> None:
    rows = f"2:{TEMPLATE_ROWS + 1}"
    for name, source in ranges.items():
        letter = chr(ord("A") + COLUMNS.index(name))
        rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True, showErrorMessage=True)
        rule.error, rule.errorTitle = text("template.pick.list", lang, column=name), text("template.pick.title", lang)
        data.add_data_validation(rule)
        rule.add(f"{letter}{rows.replace(':', f':{letter}')}")
    # the row's own indicator's list; a warning, not a stop, so that a code typed in the cell is kept too
    category = DataValidation(type="list", formula1='=INDIRECT("cat_"&$A2)', allow_blank=True,
                              showErrorMessage=True, errorStyle="warning")  # fmt: skip
    category.error, category.errorTitle = text("template.pick.category", lang), text("template.pick.title", lang)
    data.add_data_validation(category)
    category.add(f"G{rows.replace(':', ':G')}")
    year = DataValidation(type="whole", operator="between", formula1="1900", formula2="2100", allow_blank=True)
    year.error = text("template.pick.year", lang)
    data.add_data_validation(year)
    year.add(f"D{rows.replace(':', ':D')}")


def _columns_sheet(wb: Workbook, lang: str, allowed: dict[str, Allowed]) -> None:
    sheet = wb.create_sheet("columns")
    sheet.append([text(f"template.head.{k}", lang) for k in ("column", "needed", "what")])
    for name in COLUMNS:
        sheet.append([name, text(f"template.needed.{NEEDED[name]}", lang), text(f"template.what.{name}", lang)])
    sheet.append([])
    sheet.append([text("template.examples", lang)])
    for example in _examples(allowed, lang):
        sheet.append(example)
    sheet.append([])
    sheet.append([text("template.rules", lang)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", [22, 20, 100, 8, 8, 8, 30, 12, 30, 30], strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_row=len(COLUMNS) + 1):
        row[2].alignment = Alignment(wrap_text=True)


def _examples(allowed: dict[str, Allowed], lang: str) -> list[list[Any]]:
    def words(ind_id: str, code: str) -> str:
        return dict(category_labels(allowed[ind_id], lang)).get(code, code) if ind_id in allowed else code

    return [
        COLUMNS,
        ["tertiary_women_emigration_rate", "MEX", "", 2024, "female", 7.4, "", "", "INEGI, ENADID 2024, table 3", ""],
        ["recruitment_cost_corridor", "PHL", "SAU", 2023, "total", 1.8, "", "", "PSA survey of OFWs 2023", ""],
        ["fee_ban_law", "MEX", "", 2024, "", "", words("fee_ban_law", "full"), "", "Ley Federal del Trabajo, art. 28",
         ""],
        ["ilo_c189", "MEX", "", "", "", "", words("ilo_c189", "in_force"), "2021-07-03", "ILO NORMLEX",
         "ratified 2020-07-03"],
    ]  # fmt: skip


def _indicators_sheet(wb: Workbook, allowed: dict[str, Allowed], lang: str) -> None:
    sheet = wb.create_sheet("indicators")
    keys = ("indicator_id", "title", "kind", "unit", "allowed", "words", "by_sex", "corridor")
    sheet.append([text(f"template.head.{k}", lang) for k in keys])
    yes, no = text("template.yes", lang), text("template.no", lang)
    for ind_id, a in sorted(allowed.items()):
        ind = a.indicator
        title = registry_texts.text(lang, "indicators", ind_id, "title") if lang != DEFAULT else None
        unit = registry_texts.unit(lang, ind.unit) if lang != DEFAULT else None
        words = " / ".join(label for _, label in category_labels(a, lang))
        sheet.append([ind_id, title or ind.title, text(f"template.kind.{a.kind}", lang), unit or ind.unit,
                      _allowed_rule(a, lang), words, yes if "sex" in ind.disaggregations else no,
                      text("template.required", lang) if "partner_country" in ind.disaggregations else no])  # fmt: skip
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", [32, 60, 12, 20, 50, 60, 8, 18], strict=True):
        sheet.column_dimensions[letter].width = width


def _allowed_rule(a: Allowed, lang: str) -> str:
    if a.kind != "value":
        return text("template.allowed.codes", lang, codes=", ".join(a.codes))
    high = text("template.allowed.no_limit", lang) if a.value_max is None else f"{a.value_max:g}"
    whole = text("template.allowed.whole", lang) if a.whole else ""
    return text("template.allowed.range", lang, low=f"{a.value_min:g}", high=high) + whole
