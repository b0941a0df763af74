"""The person screen: a complainant's details, the persistent-complaints procedure, and every contact.

Stored text is drawn through ``plain`` (control characters shown harmlessly, markup never read)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from domain.harmless import shown
from domain.vocab import KIND_LABELS, Kind, label
from tui.footer import Footer
from tui.text import plain, uk_date

if TYPE_CHECKING:  # the database layer loads in workers, after the first paint
    from tui.data import PersonDetail


def about(person: PersonDetail) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Name", plain(person.name + (f" ({person.external_id})" if person.external_id else "")))
    table.add_row("Group", plain(label(person.group, "—")))
    table.add_row("Contact", plain(" · ".join(x for x in (person.email, person.phone) if x) or "—"))
    count = len(person.contacts)
    table.add_row("Contacts", f"{count} case{'s' if count != 1 else ''}" + (" · repeat complainant" if person.repeat
                                                                             else ""))
    if person.persistent:
        table.add_row("Persistent", "under the persistent-complaints procedure since "
                                    f"{uk_date(person.persistent_start, '—')}, review "
                                    f"{uk_date(person.persistent_review, '—')}")
        table.add_row("Single contact", plain(person.persistent_contact or "—"))
        table.add_row("Arrangements", plain(person.persistent_arrangements or "—", lines=True))
    elif person.persistent_ended:
        table.add_row("Persistent", f"procedure ended {uk_date(person.persistent_ended)}")
    else:
        table.add_row("Persistent", "no")
    for on, outcome, after, note, by in person.reviews:  # newest first
        said = label(outcome) + (f", next review {uk_date(after)}" if after else "") + (f": {note}" if note else "")
        table.add_row(f"Reviewed {uk_date(on)}", plain(f"{said} ({by})", lines=True))
    return table


class PersonScreen(Screen[str | None]):
    """One person; enter on a contact opens that case (the screen is dismissed with its reference)."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="person.back", tooltip="Back to the case"),
        Binding("enter", "open", "Open case", id="person.open", tooltip="Open the case under the cursor"),
    ]

    def __init__(self, person: PersonDetail) -> None:
        super().__init__()
        self.person = person

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(about(self.person), id="person-about")
        yield DataTable(id="person-contacts", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = shown(self.person.name)
        table = self.query_one(DataTable)
        table.add_columns("Reference", "Kind", "Received", "Latest stage", "State", "Outcome")
        for c in self.person.contacts:
            table.add_row(plain(c.reference), KIND_LABELS.get(Kind(c.kind), c.kind), uk_date(c.received),
                          plain(c.stage), plain(c.state), plain(label(c.outcome)), key=c.reference)
        table.focus()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self.dismiss(self.person.contacts[table.cursor_row].reference)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()
