"""The year-end figures in the TUI: the same tables and headlines as `complaints summary`, with charts.

``[`` and ``]`` move between financial years; ``c`` copies the summary as plain text for an
email; ``x`` exports the year's tables as an Excel workbook beside the database. The figures are
computed in a worker of the screen; the workbook is written by the app's, as an officer may leave the
screen before it is saved and still needs to hear where it went.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Header, Static
from textual_plotext import PlotextPlot

from domain.figures import Figures
from domain.year import MONTHS, FinancialYear, YearError
from reports.summary import render_rich, render_text, title
from tui.base import ComplaintsScreen
from tui.footer import Footer
from tui.messages import CodeReportLoaded, FiguresLoaded

if TYPE_CHECKING:
    from tui.data import Data


class ReportsScreen(ComplaintsScreen[None]):
    """The year-end figures of one financial year, with charts."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="reports.back", tooltip="Back to the caseload"),
        Binding("left_square_bracket", "year(-1)", "Year before", id="reports.previous",
                tooltip="Show the financial year before"),
        Binding("right_square_bracket", "year(1)", "Year after", id="reports.next",
                tooltip="Show the financial year after"),
        Binding("c", "copy", "Copy", id="reports.copy", tooltip="Copy the summary as plain text, ready for an email"),
        Binding("x", "export", "Export", id="reports.export", tooltip="Save the year's tables as an Excel workbook"),
        Binding("h", "code", "Handling Code", id="reports.code",
                tooltip="The Complaint Handling Code's annual report of the year (again: the year-end tables)"),
    ]

    def __init__(self, year: FinancialYear) -> None:
        super().__init__()
        self.year = year
        self.figures: tuple[Figures, Figures] | None = None
        self.showing_code = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Working out the figures for {self.year.label}…", id="reports-status")
        with VerticalScroll(id="reports-body"):
            with Grid(id="reports-charts"):
                yield PlotextPlot(id="chart-monthly")
                yield PlotextPlot(id="chart-quarters")
                yield PlotextPlot(id="chart-timeliness")
            yield Static(id="reports-tables")
        yield Footer()

    def on_mount(self) -> None:
        kept = self.app.data.kept_figures(self.year) if self.app.data is not None else None
        if kept is not None:  # read after the database opened and still current: in the first frame
            self.show(*kept)
        else:
            self._load(self.year)

    # -- workers (no widgets touched here) ------------------------------------------------------

    @work(thread=True, exclusive=True, group="figures")
    def _figures(self, store: Data, year: FinancialYear) -> None:
        self.post_message(FiguresLoaded(*store.figures(year)))

    @work(thread=True, exclusive=True, group="figures")
    def _code_report(self, store: Data, year: FinancialYear) -> None:
        self.post_message(CodeReportLoaded(year.label, store.code_report(year)))

    # -- handlers (the UI thread) ---------------------------------------------------------------

    def action_code(self) -> None:
        """Show the Code's annual report of the year in place of the tables; again, the tables."""
        if self.showing_code:
            self.showing_code = False
            if self.figures is not None:
                self.show(*self.figures)
            return
        if self.app.data is not None:
            self.query_one("#reports-status", Static).update(f"Working out the Code's report for {self.year.label}…")
            self._code_report(self.app.data, self.year)

    def on_code_report_loaded(self, message: CodeReportLoaded) -> None:
        self.showing_code = True
        self.query_one("#reports-status", Static).update(
            f"Complaint Handling Code: annual report {message.year_label} · h the year-end tables")
        self.query_one("#reports-tables", Static).update(Text(message.text))

    def _load(self, year: FinancialYear) -> None:
        if self.app.data is not None:
            self._figures(self.app.data, year)

    def on_figures_loaded(self, message: FiguresLoaded) -> None:
        self.show(message.now, message.before)

    def show(self, now: Figures, before: Figures) -> None:
        self.figures, self.showing_code = (now, before), False
        self.year = now.year
        self.query_one("#reports-status", Static).update(
            f"{title(now.year)} · brackets: {'' if before.year.complete else 'the same months of '}"
            f"{before.year.label} · [ ] change year · c copy for email · x export to Excel")
        self._charts(now, before)
        self.query_one("#reports-tables", Static).update(Group(*render_rich(now, before)))

    def _charts(self, now: Figures, before: Figures) -> None:
        monthly = now.table("monthly_received")
        months = [m.capitalize() for m in MONTHS]
        this = [int(r.values[0] or 0) for r in monthly.rows]
        last = [int(r.values[1] or 0) for r in monthly.rows]
        plot = self.query_one("#chart-monthly", PlotextPlot).plt
        plot.clear_data()
        plot.clear_figure()
        plot.title("Statutory complaints by month")
        plot.plot(list(range(1, 13)), this, label=now.year.label, marker="braille")
        plot.plot(list(range(1, 13)), last, label=before.year.label, marker="braille")
        plot.xticks(list(range(1, 13)), [m[0] for m in months])
        quarters = self.query_one("#chart-quarters", PlotextPlot).plt
        quarters.clear_data()
        quarters.clear_figure()
        quarters.title("By quarter")
        labels = ["Q1", "Q2", "Q3", "Q4"]
        quarters.multiple_bar(labels, [[sum(this[i * 3:i * 3 + 3]) for i in range(4)],
                                       [sum(last[i * 3:i * 3 + 3]) for i in range(4)]],
                              labels=[now.year.label, before.year.label])  # type: ignore[call-arg]  # the stub says label
        timely = self.query_one("#chart-timeliness", PlotextPlot).plt
        timely.clear_data()
        timely.clear_figure()
        timely.title("Stage 1 response times")
        buckets = now.table("stage1_response_times")
        names = ["≤10", "11-20", ">20"]
        timely.bar(names, [int(buckets.value(k) or 0) for k in ("within_10", "11_to_20", "over_20")])
        for chart in ("#chart-monthly", "#chart-quarters", "#chart-timeliness"):
            self.query_one(chart, PlotextPlot).refresh()

    def action_year(self, step: int) -> None:
        try:  # the year as it stands today: cut at today while in progress; none before it starts
            self.year = FinancialYear(self.year.first + step).so_far(self.app.today)
        except YearError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.query_one("#reports-status", Static).update(f"Working out the figures for {self.year.label}…")
        self._load(self.year)

    def shown_figures(self) -> tuple[Figures, Figures] | None:
        """The figures of the year on screen; None (and a word why) while that year's are still being worked
        out: ``c`` and ``x`` never copy or save another year than the one the officer is looking at."""
        if self.figures is None or self.figures[0].year.first != self.year.first:
            self.notify(f"Still working out the figures for {self.year.label}: try again once they show",
                        severity="warning", timeout=4)
            return None
        return self.figures

    def summary_text(self) -> str | None:
        figures = self.shown_figures()
        return None if figures is None else render_text(*figures)

    def action_copy(self) -> None:
        text = self.summary_text()
        if text is not None:
            self.app.copy_to_clipboard(text)
            self.notify("The summary is on the clipboard, as plain text for an email")

    def action_export(self) -> None:
        figures = self.shown_figures()
        if figures is not None and self.app.data is not None:
            self.app.export_figures(self.app.data.export_folder(), *figures)
