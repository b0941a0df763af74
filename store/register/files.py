"""Reading and writing case-register files: CSV (UTF-8, Excel's byte-order mark accepted) and XLSX.

Reading yields raw cells (strings from CSV; dates and numbers as Excel stores them) with the row
number a spreadsheet shows, so every message can point at the row the user sees. A CSV's bytes that
are not UTF-8 are kept as lone surrogates (Python's ``surrogateescape``), which the checks of
``domain.limits`` refuse with the row and column; a UTF-16 file is refused whole, by name. Every row
of a workbook is read, whatever size its ``<dimension>`` claims; a formula Excel never calculated,
or an error value, is an ``UnreadableCell``, an error at its row and column.
Writing shows any control character in free text harmlessly and never writes a formula: Excel cells are
typed text, and CSV text that a spreadsheet would take for a formula gets an apostrophe, which the import
takes off (``domain.harmless``).
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import operator
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from domain.errors import ComplaintsError
from domain.harmless import FORMULA_START, shown, to_csv
from domain.limits import CELL
from domain.register import COLUMNS, CellError, RegisterRow, UnreadableCell
from domain.register_rows import RowReader
from store.db.location import owner_only, save_owner_only


class RegisterFileError(ComplaintsError):
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
            with open(self.path, "rb") as f:
                start = f.read(4)
            if start.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise RegisterFileError(f"{self.path}: is UTF-16 text, which an import does not read: save it as "
                                        "CSV UTF-8 (in Excel: Save As, CSV UTF-8 (Comma delimited))")
            # every cell is checked against the limits, with its row and column; only a cell longer than
            # the csv module will read (process-wide; only ever raised) makes the file unreadable
            csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD))
            self._handle = open(self.path, encoding="utf-8-sig", errors="surrogateescape",  # noqa: SIM115
                                newline="")  # closed in close()
            reader = csv.reader(self._handle)
            self.header = next(reader, [])
            if any("\x00" in name for name in self.header):
                raise RegisterFileError(f"{self.path}: its first line holds NUL characters, so it is not CSV "
                                        "UTF-8 text (UTF-16?): save it as CSV UTF-8")
            self._rows = enumerate(reader, start=2)
            return
        self._book, rows = _open_workbook(self.path)
        first = next(rows, None)
        if first is not None and first[0] == 1:
            self.header = first[1]
        elif first is not None:  # row 1 is empty: the file has no header
            self._rows = itertools.chain([first], rows)
            return
        self._rows = rows

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Data rows (row number, cells), blank ones too: a CSV's as the csv module reads them (which can
        raise ``csv.Error`` on a cell too long for it: see ``read_chunks``)."""
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
#: The longest CSV cell read at all; a longer one (over ``CELL``) is still refused at its row and column.
_CSV_FIELD = 64 * CELL


def _open_workbook(path: Path) -> tuple[Any, Iterator[tuple[int, list[Any]]]]:
    """A workbook (read-only) and its first sheet's rows, or RegisterFileError naming the file."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - whatever the library meets, the file is no workbook it can read
        raise RegisterFileError(f"{path}: not a readable Excel workbook ({_reason(exc)})") from None
    if not book.worksheets:
        book.close()
        raise RegisterFileError(f"{path}: the workbook has no worksheet")
    return book, _sheet_rows(path, book, book.worksheets[0])


def _sheet_rows(path: Path, book: Any, sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """Every row the sheet's XML holds (not only those its ``<dimension>`` claims, which openpyxl's
    read-only sheet trusts), as (row number, cells), through openpyxl's own parser; a formula cell
    without a saved value and an error value (#REF!, #VALUE!, a date out of range) become
    ``UnreadableCell``s. A sheet that cannot be parsed past some row is RegisterFileError, naming it."""
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        row_counter: int
        col_counter: int

        def parse_cell(self, element: Any) -> dict[str, Any]:
            try:
                cell: dict[str, Any] = super().parse_cell(element)
            except (ValueError, TypeError, KeyError, IndexError, OverflowError):  # e.g. a number written NaN
                where = element.get("r")
                row, column = coordinate_to_tuple(where) if where else (self.row_counter, self.col_counter + 1)
                self.col_counter = column
                return {"row": row, "column": column, "data_type": "e", "style_id": 0,
                        "value": UnreadableCell("cannot be read: it is no number, text or date that Excel writes")}
            if cell["value"] is None:
                if element.find(FORMULA_TAG) is not None:
                    cell["value"] = UnreadableCell("is a formula with no saved value: open the file in Excel "
                                                   "and save it again, or type the value in")
            elif cell["data_type"] == "e":
                cell["value"] = UnreadableCell(
                    f"is Excel's error {cell['value']}" if element.get("t") == "e" else
                    "is marked as a date, but its number is no date Excel can show")
            return cell

    n = 0
    try:
        with sheet._get_source() as source:
            parser = Parser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                            date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
            for n, cells in parser.parse():
                row: list[Any] = [None] * max((c["column"] for c in cells), default=0)
                for cell in cells:
                    row[cell["column"] - 1] = cell["value"]
                yield n, row
    except Exception as exc:  # noqa: BLE001 - a broken sheet, however it is broken, is named with its row
        where = f"after row {n}" if n else "at its first row"
        raise RegisterFileError(f"{path}: the worksheet cannot be read {where} ({_reason(exc)})") from None


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
    except csv.Error as exc:  # the next record could not be read: a cell too long for the csv module
        raise RegisterFileError(f"{file.path}: row {n + 1} cannot be read ({_reason(exc)}); a cell holds at most "
                                f"{CELL:,} characters") from None
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
    if kind == "csv":
        try:
            with owner_only(path) as f:
                return write_csv(f, rows)
        except OSError as exc:
            raise RegisterFileError(f"cannot write {path}: {exc.strerror or exc}") from None
    from openpyxl import Workbook
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
    try:
        count = _append_rows(sheet, columns, rows, formats)
    except BaseException:  # Ctrl-C while rows stream in: end the sheet's stream while its file is still open
        with contextlib.suppress(Exception):
            sheet.close()
        raise
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    try:
        save_owner_only(path, book.save)
    except OSError as exc:
        raise RegisterFileError(f"cannot write {path}: {exc.strerror or exc}") from None
    return count


def _append_rows(sheet: Any, columns: list[str], rows: Iterable[dict[str, str]], formats: dict[str, str]) -> int:
    """The register's rows onto a write-only sheet: text as text, dates, money and counts as Excel's own."""
    from openpyxl.cell import WriteOnlyCell

    count = 0
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
