"""The case screen's Documents tab: the files kept with the case, and the chosen one's details.

The list comes with the case (``CaseDetail.documents``: never the bytes); an email shows its sender, date,
subject and the start of its text. ``v`` (the case screen's key) saves the chosen document out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from domain.documents import megabytes
from tui.text import plain, uk_date

if TYPE_CHECKING:
    from tui.data import DocumentLine


class DocumentsPane(Vertical):
    """A table of the case's documents over the chosen one's details."""

    DEFAULT_CSS = """
    DocumentsPane > DataTable { height: auto; max-height: 50%; }
    DocumentsPane > VerticalScroll { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__(id="case-documents")
        self.documents: list[DocumentLine] = []

    def compose(self) -> ComposeResult:
        table: DataTable[Text | str] = DataTable(id="documents-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("#", "Name", "Size", "Type", "Added by", "Added")
        yield table
        with VerticalScroll():
            yield Static(id="document-detail")

    def show(self, documents: list[DocumentLine]) -> None:
        """The case's documents (after an action, the same document stays chosen)."""
        table = self.query_one("#documents-table", DataTable)
        chosen = self.chosen()
        self.documents = documents
        table.clear()
        for d in documents:
            table.add_row(str(d.id), plain(d.name), megabytes(d.size), plain(d.media_type), plain(d.added_by),
                          f"{d.added_at:%d/%m/%Y %H:%M}", key=str(d.id))
        if chosen is not None and any(d.id == chosen.id for d in documents):
            table.move_cursor(row=table.get_row_index(str(chosen.id)))
        self._detail()

    def chosen(self) -> DocumentLine | None:
        table = self.query_one("#documents-table", DataTable)
        if not self.documents or not 0 <= table.cursor_row < len(self.documents):
            return None
        return self.documents[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        detail = self.query_one("#document-detail", Static)
        document = self.chosen()
        if document is None:
            detail.update(Text("No documents yet: A attaches a file (a letter, an email, a report).", style="dim"))
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_row("Name", plain(document.name))
        exact = f" ({document.size:,} bytes)" if document.size >= 1024 else ""
        grid.add_row("Size", megabytes(document.size) + exact)
        grid.add_row("SHA-256", document.sha256)
        grid.add_row("Added", plain(f"{uk_date(document.added_at)} by {document.added_by}"))
        if document.email_from or document.email_subject:
            grid.add_row("From", plain(document.email_from or ""))
            grid.add_row("Sent", f"{document.email_date:%d/%m/%Y %H:%M} UTC" if document.email_date else "")
            grid.add_row("Subject", plain(document.email_subject or ""))
        if document.text:
            more = document.text_length - len(document.text)
            text = document.text + (f"\n… {more:,} more characters (v saves the whole email)" if more > 0 else "")
            grid.add_row("Text", plain(text, lines=True))
        grid.add_row("", Text("v saves it to a file only you can read", style="dim"))
        detail.update(grid)
