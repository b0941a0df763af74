"""The team dashboard (key ``b``): open work by stage, by officer and by team; each figure opens its cases.

The figures are counted by SQL in the screen's worker (``tui.data.Data.dashboard``); enter on a figure shows
the caseload filtered to the cases behind it (``tui.data.behind``: the same rule the count used).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Header, Static

from tui import data
from tui.base import ComplaintsScreen
from tui.footer import Footer
from tui.messages import DashboardLoaded
from tui.text import plain

#: The per-person table's columns: (figure, heading), short enough for 80 columns.
COLUMNS = (("open", "Open"), ("overdue", "Overdue"), ("week", "Due wk"), ("ack", "Ack owed"),
           ("stage2_25", "S2>25d"), ("stage2_65", "S2>65d"), ("panels", "Panels"), ("ombudsman", "Ombuds"),
           ("reviews", "Reviews"), ("actions", "Actions"))
#: The team's own figures, in the stage table: by stage, then this year's received against last year's.
TEAM = (*data.BY_STAGE, "received", "received_before")


class DashboardScreen(ComplaintsScreen[None]):
    """The whole team's work at a glance."""

    AUTO_FOCUS = "#dashboard-team"  # not the scrolling body: enter there fell through to the app's "open the case"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="dashboard.back", tooltip="Back to the caseload"),
        Binding("r", "refresh_figures", "Refresh", id="dashboard.refresh", tooltip="Count the figures again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.figures: data.Dashboard | None = None
        self.people: list[tuple[str, str] | None] = []  # the per-person table's rows: whose (None: the team's)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Counting the team's work…", id="dashboard-status")
        with VerticalScroll(id="dashboard-body"), Horizontal(id="dashboard-tables"):
            yield DataTable(id="dashboard-team", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="dashboard-people", cursor_type="cell", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        team = self.query_one("#dashboard-team", DataTable)
        team.add_columns("Team", "Cases")
        people = self.query_one("#dashboard-people", DataTable)
        people.add_columns("Officer / team", *(heading for _, heading in COLUMNS))

    def on_screen_resume(self) -> None:
        """Shown (the screen is kept between visits): the figures kept since the last write, else counted again."""
        kept = self.app.data.kept_dashboard() if self.app.data is not None else None
        if kept is not None:  # counted since the last write: in the first frame
            self.on_dashboard_loaded(DashboardLoaded(kept))
        else:  # the database changed (or this is the first visit): the old figures must not pass for current
            self.query_one("#dashboard-status", Static).update("Counting the team's work…")
            self.action_refresh_figures()

    # -- workers (no widgets touched here) ------------------------------------------------------

    @work(thread=True, exclusive=True, group="dashboard")
    def _count(self, store: data.Data) -> None:
        self.post_message(DashboardLoaded(store.dashboard()))

    # -- handlers (the UI thread) ---------------------------------------------------------------

    def action_refresh_figures(self) -> None:
        if self.app.data is not None:
            self._count(self.app.data)

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        figures = self.figures = message.figures
        team = self.query_one("#dashboard-team", DataTable)
        row = team.cursor_row
        team.clear()
        for figure in TEAM:
            label = data.FIGURE_BY_ID[figure].label
            if figure == "received":
                label = f"Received {figures.year} so far"
            team.add_row(label, f"{figures.totals.get(figure, 0):,}", key=figure)
        team.move_cursor(row=row)
        people = self.query_one("#dashboard-people", DataTable)
        at = people.cursor_coordinate
        people.clear()
        self.people = [None]
        people.add_row("Whole team", *self._cells(figures.totals))
        for kind, counts in (("officer", figures.officers), ("team", figures.teams)):
            for name, row_counts in counts.items():
                self.people.append((kind, name))
                shown = plain(name) if name else f"(no {kind})"
                people.add_row(shown if kind == "officer" else f"Team: {shown}" if name else shown,
                               *self._cells(row_counts))
        people.move_cursor(row=at.row, column=at.column)
        self.query_one("#dashboard-status", Static).update(
            f"Team dashboard as of {figures.today:%a %d %b %Y} · enter: the cases behind a figure · r refresh · "
            "escape back")

    @staticmethod
    def _cells(counts: dict[str, int]) -> list[str]:
        return [f"{counts.get(figure, 0):,}" for figure, _ in COLUMNS]

    def figure_at(self, row: int, column: int) -> tuple[str, tuple[str, str] | None] | None:
        """The figure of the per-person table's cell (the name's column: that row's open work), and whose."""
        if not 0 <= row < len(self.people):
            return None
        return COLUMNS[max(column - 1, 0)][0], self.people[row]

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        found = self.figure_at(event.coordinate.row, event.coordinate.column)
        if found is not None:
            self.app.show_behind(data.behind(*found, user=self.app.config.user))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "dashboard-team" and event.row_key.value is not None:
            self.app.show_behind(data.behind(event.row_key.value, user=self.app.config.user))
