"""Reading and writing case-register files: CSV (UTF-8, Excel's byte-order mark accepted) and XLSX.

Reading yields raw cells (strings from CSV; dates and numbers as Excel stores them) with the row
number a spreadsheet shows, so every message can point at the row the user sees.
"""

from __future__ import annotations

import csv
import operator
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from domain.register import COLUMNS, CellError, RegisterRow, RowReader
from store.location import owner_only, save_owner_only


class RegisterFileError(Exception):
    """A register file that cannot be opened or written; the message names the file."""


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    raise RegisterFileError(f"{path}: a register is a .csv or .xlsx file")


class RegisterFile:
    """An open register: its header, its data rows with spreadsheet row numbers, and how many there are."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = _kind(path)
        if not path.is_file():
            raise RegisterFileError(f"{path}: no such file")
        self.header: list[Any] = []
        self._rows: Iterator[tuple[int, list[Any]]] = iter(())
        try:
            self._open()
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise RegisterFileError(f"{path}: cannot be read ({_reason(exc)})") from None

    def _open(self) -> None:
        if self.kind == "csv":
            self._handle = open(self.path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed in close()
            reader = csv.reader(self._handle)
            self.header = next(reader, [])
            self._rows = enumerate(reader, start=2)
            return
        from zipfile import BadZipFile

        from openpyxl import load_workbook

        try:
            self._book = load_workbook(self.path, read_only=True, data_only=True)
        except (BadZipFile, KeyError, ValueError) as exc:
            raise RegisterFileError(f"{self.path}: not a readable Excel workbook ({_reason(exc)})") from None
        sheet = self._book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        self.header = list(next(rows, ()))
        self._rows = ((n, list(row)) for n, row in enumerate(rows, start=2))

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Data rows (row number, cells), blank ones too: a CSV's as the csv module reads them (which can
        raise ``csv.Error`` or ``UnicodeDecodeError`` on a broken file: see ``read_chunks``)."""
        return self._rows

    def is_blank(self, cells: list[Any]) -> bool:
        return not ("".join(cells).strip() if self.kind == "csv" else
                    any(c is not None and str(c).strip() for c in cells))

    def estimated_rows(self) -> int | None:
        """About how many data rows the file has, for a progress bar (a CSV's lines; a sheet's last row)."""
        if self.kind == "csv":
            with open(self.path, "rb") as f:
                return max(sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b"")) - 1, 0)
        rows = self._book.worksheets[0].max_row
        return rows - 1 if rows else None

    def close(self) -> None:
        if self.kind == "csv":
            self._handle.close()
        else:
            self._book.close()


#: Rows read and checked at a time: a progress tick, and what a worker hands on in one go.
CHUNK = 2_000


def read_chunks(file: RegisterFile, today: date, where: dict[str, int],
                size: int = CHUNK) -> Iterator[tuple[list[RegisterRow], list[CellError], int]]:
    """The file's rows, read and checked a chunk at a time: (rows, errors, spreadsheet row reached).

    ``where`` is the matched header (column -> cell index). A reference used twice is an error at its
    second row.
    """
    cells_of = operator.itemgetter(*where.values())  # kind and received: two at least
    reader = RowReader(list(where), today)
    read = reader.read_text if file.kind == "csv" else reader.read
    width = len(file.header)
    padding: list[Any] = ["" if file.kind == "csv" else None] * (max(where.values()) + 1)
    seen: dict[str, int] = {}
    rows: list[RegisterRow] = []
    errors: list[CellError] = []
    n = 1
    try:
        for n, cells in file.rows():
            if len(cells) > width and any(c not in (None, "") for c in cells[width:]):
                errors.append(CellError(n, "(whole row)", f"has {len(cells)} cells but the header names {width} "
                                                          "columns (a comma in a value that is not in quotes?)"))
                continue
            if len(cells) < len(padding):  # a short row: the missing cells are empty
                cells = cells + padding[len(cells):]
            row, row_errors = read(cells_of(cells), n)
            if row_errors:
                if not file.is_blank(cells):  # asked only of rows in error: a blank one lacks kind and received
                    errors += row_errors
            elif row is not None:
                if row.reference and row.reference in seen:
                    errors.append(CellError(n, "reference", f"{row.reference!r} is also on row {seen[row.reference]}"))
                else:
                    if row.reference:
                        seen[row.reference] = n
                    rows.append(row)
            if len(rows) + len(errors) >= size:
                yield rows, errors, n
                rows, errors = [], []
    except (UnicodeDecodeError, csv.Error) as exc:
        raise RegisterFileError(f"{file.path}: cannot be read ({_reason(exc)})") from None
    yield rows, errors, n


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def write_register(path: Path, rows: Iterable[dict[str, str]]) -> int:
    """Write register rows (cells keyed by column) as CSV or XLSX, readable by the owner only."""
    kind = _kind(path)
    columns = list(COLUMNS)
    count = 0
    if kind == "csv":
        try:
            f = owner_only(path)
        except OSError as exc:
            raise RegisterFileError(f"cannot write {path}: {exc.strerror or exc}") from None
        with f:
            writer = csv.writer(f)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([row[c] for c in columns])
                count += 1
        return count
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("register")
    # Streamed rows cannot be measured first: widths by what each kind of column holds, set before the
    # first row (write-only sheets write their column widths and frozen header at the top).
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = max(len(column) + 2, _WIDTHS.get(
            COLUMNS[column], 14))
    sheet.freeze_panes = "A2"
    sheet.append(columns)
    formats = {"date": "dd/mm/yyyy", "money": "£#,##0.00"}
    for row in rows:
        cells = []
        for column in columns:
            value = _excel(column, row[column])
            shown = formats.get(COLUMNS[column])
            if shown and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = shown  # UK dates and pounds, as the team reads them
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    try:
        save_owner_only(path, book.save)
    except OSError as exc:
        raise RegisterFileError(f"cannot write {path}: {exc.strerror or exc}") from None
    return count


#: Column widths (in characters) of the XLSX register by kind of column; a header wider than these wins.
_WIDTHS = {"date": 12, "money": 12, "text": 24, "count": 8}


def _excel(column: str, text: str) -> Any:
    """Dates as Excel dates and money and counts as numbers, so the sheet sorts and sums."""
    if not text:
        return None
    kind = COLUMNS[column]
    if kind == "date":
        from datetime import date

        return date.fromisoformat(text)
    if kind == "money":
        return float(text)
    if kind == "count":
        return int(text)
    return text
