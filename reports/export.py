"""Year-end exports: JSON (as the format spec shows), CSV (a folder, one file per table), XLSX.

Exports carry counts and each percentage of the exact fraction to one decimal place; money
keeps its pence. Every file written is readable by its owner only. The council's own categories
(themes, teams, service areas) are text: never a formula in CSV or Excel, never a raw control
character (``domain.harmless``).
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from domain.errors import ComplaintsError
from domain.figures import Figures, Table, Value
from domain.harmless import json_text, shown, to_csv
from domain.headlines import headlines
from domain.year import half_up
from reports.layout import COLUMN_LABELS, MONEY_COLUMNS, row_label
from reports.summary import note, title
from store.db.location import owner_only, save_owner_only
from store.register.files import text_cell

EXPORT_FORMATS = ("json", "csv", "xlsx")


class ExportError(ComplaintsError):
    """An export that cannot be written where the user asked."""


def plain(value: Value) -> int | float | None:
    """A JSON/CSV number: percentages to one decimal, money to the penny, means to one decimal."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        return float(half_up(value * 100, 1))
    if isinstance(value, Decimal):
        return float(value)
    return value


def _rows(table: Table) -> list[list[Any]]:
    return [[r.key, *(plain(v) for v in r.values)] for r in table.shown_rows()]


def _csv_rows(table: Table) -> list[list[Any]]:
    """As ``_rows``, but money always with its pence (``8370.00``, never ``8370.0``) as a spreadsheet shows it."""
    return [[r.key, *(f"{v:.2f}" if c in MONEY_COLUMNS and isinstance(v, Decimal) else plain(v)
                      for c, v in zip(table.columns, r.values, strict=True))] for r in table.shown_rows()]


def to_json(figures: Figures, tables: list[Table]) -> str:
    y = figures.year
    doc = {"year": y.label, "start": y.start.isoformat(), "end": y.end.isoformat(), "complete": y.complete,
           "tables": [{"id": t.id, "title": t.title, "basis": t.basis, "columns": t.columns, "rows": _rows(t)}
                      for t in tables]}
    return json_text(json.dumps(doc, ensure_ascii=False, indent=1)) + "\n"


def write_json(figures: Figures, tables: list[Table], path: Path) -> list[Path]:
    try:
        with owner_only(path) as f:
            f.write(to_json(figures, tables))
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return [path]


def write_csv(figures: Figures, tables: list[Table], folder: Path) -> list[Path]:
    """One CSV file per table in ``folder`` (created owner-only if missing)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None
    if not folder.is_dir():
        raise ExportError(f"{folder} is a file: CSV export writes a folder of files, one per table")
    written = []
    for table in tables:
        path = folder / f"{figures.year.first}-{table.id}.csv"
        try:
            with owner_only(path) as f:
                writer = csv.writer(f)
                writer.writerow(["key", *table.columns])
                writer.writerows([to_csv(shown(key)), *values] for key, *values in _csv_rows(table))
        except OSError as exc:
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
        written.append(path)
    return written


def write_xlsx(figures: Figures, tables: list[Table], path: Path, before: Figures | None = None) -> list[Path]:
    """A workbook: the summary sheet, then one sheet per table; numbers as numbers, % as percentages."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Summary"
    summary.append([title(figures.year)])
    summary["A1"].font = Font(bold=True, size=14)
    if before is not None:
        summary.append([note(before)])
    summary.append([])
    for h in headlines(figures, before):
        summary.append([h.line()])
    summary.column_dimensions["A"].width = 110
    for table in tables:
        ws = wb.create_sheet(table.id[:31])
        ws.append([table.title])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([table.basis])
        ws.append([])
        ws.append(["", *(COLUMN_LABELS.get(c, c) for c in table.columns)])
        for cell in ws[4]:
            cell.font = Font(bold=True)
        for row in table.shown_rows():
            ws.append([text_cell(ws, row_label(table.id, row.key)), *(_xlsx_value(v) for v in row.values)])
            excel_row = ws.max_row
            for i, (column, value) in enumerate(zip(table.columns, row.values, strict=True), start=2):
                cell = ws.cell(row=excel_row, column=i)
                if isinstance(value, Fraction):
                    cell.number_format = "0.0%"
                elif column in MONEY_COLUMNS:
                    cell.number_format = "£#,##0.00"
                if row.key == "total":
                    cell.font = Font(bold=True)
            if row.key == "total":
                ws.cell(row=excel_row, column=1).font = Font(bold=True)
        _fit_columns(ws, first_row=4)
        ws.freeze_panes = "B5"  # the column headers and the row labels stay in view
    try:
        save_owner_only(path, wb.save)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return [path]


def _fit_columns(ws: Any, first_row: int) -> None:
    """Widths that show every value from ``first_row`` down as formatted (never ``###``), titles aside."""
    from openpyxl.utils import get_column_letter

    for number, cells in enumerate(ws.iter_cols(min_row=first_row), start=1):
        width = max((len(_as_shown(c.value, c.number_format)) for c in cells), default=0)
        ws.column_dimensions[get_column_letter(number)].width = max(10, min(width + 3, 80))


def _as_shown(value: Any, number_format: str) -> str:
    """About what Excel shows for a cell: money with a pound sign, separators and pence; % to one place."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "%" in number_format:
            return f"{value * 100:.1f}%"
        if "0.00" in number_format:
            return f"£{value:,.2f}"
        return f"{value:,}"
    return str(value)


def _xlsx_value(value: Value) -> int | float | None:
    if isinstance(value, Fraction):
        return float(half_up(value, 4))  # a fraction shown by Excel as a percentage
    return plain(value)
