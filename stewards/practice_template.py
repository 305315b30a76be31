"""The registry and the country list in; the practice template out (XLSX with a 'practices' sheet and explanations, in
English, Spanish or French, or CSV). One row per practice; a further row with the same practice_id and only the source columns adds a source."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from indicators import i18n as registry_texts
from indicators.registry import load_registry
from stewards.i18n import DEFAULT, language, text

PRACTICE_COLUMNS = [
    "practice_id",
    "name",
    "name_en",
    "countries",
    "institution",
    "start_year",
    "end_year",
    "activity",
    "themes",
    "principles",
    "gcm_objectives",
    "indicators",
    "aims_to_move",
    "summary",
    "evidence",
    "evidence_links",
    "success_factors",
    "transfer_limits",
    "source_title",
    "source_publisher",
    "source_url",
    "source_accessed",
]
PRACTICE_REQUIRED = [
    "practice_id",
    "name",
    "countries",
    "institution",
    "summary",
    "principles",
    "source_title",
    "source_url",
    "source_accessed",
]
SOURCE_COLUMNS = ("source_title", "source_publisher", "source_url", "source_accessed")
LIST_SEPARATORS = r"[;,\s]+"

EXPLANATIONS = [  # English; the workbook's words are in stewards/i18n (ptemplate.what.<column>)
    (c, text("template.needed.required" if c in PRACTICE_REQUIRED else "template.needed.optional"),
     text(f"ptemplate.what.{c}")) for c in PRACTICE_COLUMNS
]  # fmt: skip


def practice_csv_template() -> bytes:
    return ("\ufeff" + ",".join(PRACTICE_COLUMNS) + "\r\n").encode("utf-8")


def practice_xlsx_template(countries: list[tuple[str, str]], lang: str = DEFAULT) -> bytes:
    """Sheets: 'practices' (header), 'columns' (what each column means), 'lists' (themes, principles, indicators,
    countries), in `lang` (en, es, fr); sheet names, header and ids stay as they are."""
    lang = language(lang)
    wb = Workbook()
    sheet = wb.active
    sheet.title = "practices"
    sheet.append(PRACTICE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    sheet.freeze_panes = "B2"
    for i, name in enumerate(PRACTICE_COLUMNS):
        width = 50 if name in ("summary", "evidence", "success_factors", "transfer_limits") else 18
        sheet.column_dimensions[_letter(i)].width = width
    explain = wb.create_sheet("columns")
    explain.append([text("template.head.column", lang), text("ptemplate.head.needed", lang),
                    text("template.head.what", lang)])  # fmt: skip
    for name in PRACTICE_COLUMNS:
        needed = "template.needed.required" if name in PRACTICE_REQUIRED else "template.needed.optional"
        explain.append([name, text(needed, lang), text(f"ptemplate.what.{name}", lang)])
    explain.column_dimensions["A"].width, explain.column_dimensions["C"].width = 20, 100
    for row in explain.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True)
    _lists(wb, countries, lang)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _lists(wb: Workbook, countries: list[tuple[str, str]], lang: str) -> None:
    registry = load_registry()
    sheet = wb.create_sheet("lists")

    def title(section: str, key: object, english: str) -> str:
        return (registry_texts.text(lang, section, key, "title") if lang != DEFAULT else None) or english

    principles = sorted(registry.principles.values(), key=lambda p: p.number)
    columns = {
        "theme": [f"{t.id}: {title('themes', t.id, t.title)}" for t in registry.themes.values()],
        "principle": [f"{p.number}: {title('principles', p.number, p.title)}" for p in principles],
        "indicator": [f"{i.id}: {title('indicators', i.id, i.title)}" for i in registry.indicators.values()],
        "country": [f"{code}: {name}" for code, name in countries],
    }
    for col, (name, values) in enumerate(columns.items(), start=1):
        sheet.cell(row=1, column=col, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=col, value=value)
        sheet.column_dimensions[_letter(col - 1)].width = 45


def _letter(position: int) -> str:
    return chr(ord("A") + position) if position < 26 else "A" + chr(ord("A") + position - 26)
