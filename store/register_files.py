"""Reading and writing case-register files: CSV (UTF-8, Excel's byte-order mark accepted) and XLSX.

Reading yields raw cells (strings from CSV; dates and numbers as Excel stores them) with the row
number a spreadsheet shows, so every message can point at the row the user sees. Writing shows any
control character in free text harmlessly and never writes a formula: Excel cells are typed text, and
CSV text that a spreadsheet would take for a formula gets an apostrophe, which the import takes off
(``domain.harmless``).
"""

from __future__ import annotations

import csv
import operator
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from domain.harmless import FORMULA_START, shown, to_csv
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


#: The register's free-text columns (the others hold dates, numbers and the format's own words), and
#: those of them kept with their line breaks.
TEXT_COLUMNS = tuple(c for c, kind in COLUMNS.items() if kind in ("text", "list"))
MULTI_LINE = frozenset({"summary"})


def _text(column: str, text: str) -> str:
    """A free-text cell as exported: any control character shown harmlessly (``domain.harmless``)."""
    return shown(text, lines=column in MULTI_LINE)


_CELLS = operator.itemgetter(*COLUMNS)
_TEXTS = operator.itemgetter(*TEXT_COLUMNS)
_FORMULA_LIKE = operator.methodcaller("startswith", (*FORMULA_START, "'"))


def write_csv(handle: IO[str], rows: Iterable[dict[str, str]]) -> int:
    """Register rows (cells keyed by column) as CSV to ``handle``; no text cell can be read as a formula."""
    columns = list(COLUMNS)
    texts = [i for i, c in enumerate(columns) if c in TEXT_COLUMNS]
    writer = csv.writer(handle)
    writer.writerow(columns)
    count = 0
    for row in rows:
        cells = _CELLS(row)
        free = _TEXTS(row)
        if not all(map(str.isprintable, free)) or any(map(_FORMULA_LIKE, free)):  # asked in C; true for few
            cells = list(cells)
            for i in texts:
                cells[i] = to_csv(_text(columns[i], cells[i]))
        writer.writerow(cells)
        count += 1
    return count


def text_cell(sheet: Any, text: str) -> Any:
    """A value for a row of ``sheet`` holding ``text`` as text, never a formula or an error code (openpyxl
    takes ``=...`` for a formula and ``#N/A`` for an error): then a cell typed as text, marked as text when it
    starts like a formula (Excel's quote prefix), so it stays text when someone edits it; else the text
    itself, which openpyxl keeps as text. The text must be ``shown`` already."""
    if not text.startswith((*FORMULA_START, "#")):
        return text
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = text.startswith(FORMULA_START)
    return cell


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
            return write_csv(f, rows)
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("register")
    sheet.append(columns)
    formats = {"date": "dd/mm/yyyy", "money": "£#,##0.00"}
    for row in rows:
        cells = []
        for column in columns:
            text = row[column]
            if column in TEXT_COLUMNS:
                cells.append(text_cell(sheet, _text(column, text)) if text else None)
                continue
            value = _excel(column, text)
            number_format = formats.get(COLUMNS[column])
            if number_format and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format  # UK dates and pounds, as the team reads them
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    try:
        save_owner_only(path, book.save)
    except OSError as exc:
        raise RegisterFileError(f"cannot write {path}: {exc.strerror or exc}") from None
    return count


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
