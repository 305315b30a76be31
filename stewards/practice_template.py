"""The registry and the country list in; the practice template out (XLSX with a 'practices' sheet and explanations, or
CSV). One row per practice; a further row with the same practice_id and only the source columns adds a source."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from indicators.registry import load_registry

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

EXPLANATIONS = [
    (
        "practice_id",
        "required",
        "A short id of lower-case letters, digits and hyphens, e.g. mex-paisano. The same id "
        "as a published practice replaces it (only for practices of your countries).",
    ),
    ("name", "required", "The programme's name as the institution uses it."),
    ("name_en", "optional", "An English name, if the name is in another language."),
    (
        "countries",
        "required",
        "ISO3 codes separated by ';' (e.g. MEX;USA for a bilateral programme). The first is "
        "the country that runs it and must be one of yours.",
    ),
    ("institution", "required", "Who runs it (ministry, agency, organisation)."),
    ("start_year", "optional", "The year it started. Leave empty if no source gives it."),
    ("end_year", "optional", "The year it ended; empty while it runs."),
    ("activity", "optional", "ongoing, ended or unknown (empty: ended when end_year is given, otherwise unknown)."),
    ("themes", "optional", "Theme ids separated by ';' (sheet 'lists')."),
    ("principles", "required", "MFLM principle numbers 1-15 separated by ';' that the practice illustrates."),
    ("gcm_objectives", "optional", "Global Compact for Migration objective numbers 1-23 separated by ';'."),
    ("indicators", "optional", "Indicator ids (sheet 'lists') that give context to the practice, separated by ';'."),
    ("aims_to_move", "optional", "Indicator ids the practice aims to move, as the source on the same row states."),
    ("summary", "required", "What it does, in a few sentences, only from the sources you give."),
    ("evidence", "optional", "What evidence of results exists (evaluations, figures), with their limits."),
    ("evidence_links", "optional", "URLs of the evidence, separated by spaces or ';'."),
    ("success_factors", "optional", "What made it work, according to the sources."),
    ("transfer_limits", "optional", "What may not transfer to another country."),
    (
        "source_title",
        "required",
        "Title of a public source for these facts. Add more sources on further rows with "
        "the same practice_id and only the four source columns filled.",
    ),
    ("source_publisher", "optional", "Who published the source."),
    ("source_url", "required", "Address of the source (http or https)."),
    ("source_accessed", "required", "Date you read the source, YYYY-MM-DD."),
]


def practice_csv_template() -> bytes:
    return ("\ufeff" + ",".join(PRACTICE_COLUMNS) + "\r\n").encode("utf-8")


def practice_xlsx_template(countries: list[tuple[str, str]]) -> bytes:
    """Sheets: 'practices' (header), 'columns' (what each column means), 'lists' (themes, principles, indicators,
    countries)."""
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
    explain.append(["column", "needed", "what to write"])
    for row in EXPLANATIONS:
        explain.append(list(row))
    explain.column_dimensions["A"].width, explain.column_dimensions["C"].width = 20, 100
    for row in explain.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True)
    _lists(wb, countries)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _lists(wb: Workbook, countries: list[tuple[str, str]]) -> None:
    registry = load_registry()
    sheet = wb.create_sheet("lists")
    columns = {
        "theme": [f"{t.id}: {t.title}" for t in registry.themes.values()],
        "principle": [f"{p.number}: {p.title}" for p in sorted(registry.principles.values(), key=lambda p: p.number)],
        "indicator": [f"{i.id}: {i.title}" for i in registry.indicators.values()],
        "country": [f"{code}: {name}" for code, name in countries],
    }
    for col, (name, values) in enumerate(columns.items(), start=1):
        sheet.cell(row=1, column=col, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=col, value=value)
        sheet.column_dimensions[_letter(col - 1)].width = 45


def _letter(position: int) -> str:
    return chr(ord("A") + position) if position < 26 else "A" + chr(ord("A") + position - 26)
