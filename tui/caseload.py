"""The caseload table: open work, one row per live stage, loaded page by page as the cursor nears the end."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from domain.clock import State, due_phrase
from domain.vocab import KIND_LABELS, Kind
from store.caseload import CaseloadRow

STATE_STYLE = {State.OVERDUE: "bold red", State.DUE_SOON: "bold dark_orange", State.PAUSED: "grey50",
               State.RELAXED: "italic cyan", State.ON_TRACK: "", State.CLOSED: "dim"}
COLUMNS = ("", "Reference", "Kind / stage", "Due", "Working days", "Complainant", "Team", "Officer", "Received")


def markers(row: CaseloadRow) -> str:
    """Who the complainant is, in letters that survive monochrome: P persistent, R repeat, C child, A advocate."""
    return "".join(m for m, on in (("P", row.persistent), ("R", row.repeat), ("C", row.child), ("A", row.advocate))
                   if on)


def cells(row: CaseloadRow) -> list[Text]:
    style = STATE_STYLE[row.state]
    flags = markers(row)
    name = f"{row.complainant} [{flags}]" if flags else row.complainant
    kind = KIND_LABELS.get(Kind(row.kind), row.kind)
    due = f"{row.due:%d/%m/%Y}" if row.due else ""
    left = due_phrase(row.left, row.state) if row.left is not None else row.state.label
    values = [row.state.symbol, row.reference, f"{kind} · {row.stage}", due, left, name, row.team, row.officer,
              f"{row.received:%d/%m/%Y}"]
    out = [Text(v, style=style) for v in values]
    if row.persistent:
        out[5].stylize("reverse", len(row.complainant) + 1)
    return out


class CaseloadTable(DataTable[Text]):
    """Rows come from ``store.caseload`` pages; the app asks for more when the cursor nears the end."""

    BINDINGS = [
        Binding("pagedown", "page_down", "Page down", show=False, id="caseload.page_down",
                tooltip="Move a screenful down, without animation"),
        Binding("pageup", "page_up", "Page up", show=False, id="caseload.page_up",
                tooltip="Move a screenful up, without animation"),
    ]

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns(*COLUMNS)

    def show(self, rows: list[CaseloadRow], *, reset: bool) -> None:
        if reset:
            self.clear()
            self.references: list[str] = []
        for row in rows:
            self.add_row(*cells(row), key=f"{row.case_id}:{row.stage_id}")
            self.references.append(row.reference)

    @property
    def current_reference(self) -> str | None:
        """The reference of the case under the cursor."""
        refs = getattr(self, "references", [])
        return refs[self.cursor_row] if 0 <= self.cursor_row < len(refs) else None

    def _page_size(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_page_down(self) -> None:
        self.move_cursor(row=min(self.row_count - 1, self.cursor_row + self._page_size()), animate=False)

    def action_page_up(self) -> None:
        self.move_cursor(row=max(0, self.cursor_row - self._page_size()), animate=False)
