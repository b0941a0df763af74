"""The complaints app: opens the database in a worker and shows the caseload.

``create_app`` is the one factory the CLI and the tests use. Database work runs only in thread
workers (the app's, the caseload window's and each screen's), which post messages; the handlers own
the widgets. No worker's failure closes the app: ``worker_failed`` shows it (in the open form, which
keeps what was typed, or as a notice).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header
from textual.worker import Worker, WorkerState

from domain.config import Config
from domain.harmless import shown
from domain.year import FinancialYear
from tui import data
from tui.actions import ACTIONS
from tui.base import NeverClosesTheApp
from tui.caseload_window import CaseloadWindow
from tui.commands import ComplaintsCommands
from tui.dashboard_keys import DashboardKeys
from tui.data import Data, Refused
from tui.footer import Footer
from tui.form_flow import FormFlow
from tui.messages import (
    CaseOpened,
    CaseReadAhead,
    CaseWarmed,
    DatabaseFailed,
    DatabaseOpened,
    ExportFailed,
    FiguresExported,
    LoadFailed,
)
from tui.saved_views import SAVED_VIEW_KEYS, SavedViewActions
from tui.text import plain
from tui.tidy import QUICK, Tidy

if TYPE_CHECKING:
    from domain.figures import Figures
    from tui.case_screen import CaseScreen
    from tui.data import CaseDetail, EarlyPage
    from tui.form import FormScreen

# The screens over the caseload (tui.case_screen, tui.form, tui.settings_screen, tui.demo_offer) are imported
# where they are first used, and by ``_open`` once the store is open: not before the first page is drawn.


def demo_database_path() -> str:
    from platformdirs import user_data_path

    return str(user_data_path(data.APP_NAME) / "demo.db")


class ComplaintsApp(SavedViewActions, NeverClosesTheApp, DashboardKeys, FormFlow):
    """The caseload an officer lives in, and the screens over it."""

    TITLE = "complaints"
    CSS_PATH = "app.tcss"
    #: app.tcss: a form's columns under 100 columns; the dashboard's tables side by side from 140
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (140, "-widest")]
    COMMANDS = {ComplaintsCommands}  # the only provider: the app's commands, then Textual's (tui.commands)
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave complaints"),
        Binding("r", "reload", "Refresh", id="reload", tooltip="Read the caseload again from the database"),
        Binding("slash", "filter", "Filter", id="filter",
                tooltip="Search everything as you type: references, people, teams, themes, notes, emails"),
        Binding("s", "sort", "Sort", id="sort", tooltip="Sort by due date, received, reference or complainant"),
        Binding("enter", "open_case", "Open", id="open_case", tooltip="Open the case under the cursor"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Show every key of this screen"),
        Binding("y", "reports", "Year-end", id="reports", tooltip="The year-end figures, with charts"),
        Binding("b", "dashboard", "Dashboard", id="dashboard", show=False,
                tooltip="The team's work at a glance: each figure opens the cases behind it"),
        Binding("comma", "settings", "Settings", id="settings", show=False,
                tooltip="The council's lists and the timescales in force"),
        *(Binding(v.key, f"view('{v.id}')", v.name, id=f"view.{v.id}", tooltip=v.tooltip, show=False)
          for v in data.VIEWS),
        *(Binding(a.key, f"form('{a.id}')", a.title, id=f"action.{a.id}", tooltip=a.tooltip,
                  show=a.id in ("log", "extend", "respond"))
          for a in ACTIONS if a.key),
        *SAVED_VIEW_KEYS,
    ]

    def __init__(self, url: str, *, config: Config, today: date, offer_demo: bool = False,
                 demo_path: str | None = None, early_page: EarlyPage | None = None) -> None:
        super().__init__()
        self.url, self.config, self.today, self.offer_demo = url, config, today, offer_demo
        self.early_page = early_page  # the first page, read since before the app started: the caseload takes it
        self.demo_path = demo_path or demo_database_path()
        self.data: Data | None = None  # the open store; None until it is
        self.calendar = config.calendar()
        self.opening = False
        self.form: FormScreen | None = None
        self.pending: Callable[[], None] | None = None  # a key pressed while the store was opening
        self.tidy = Tidy()
        self.ahead: CaseReadAhead | None = None  # the case under the caseload's resting cursor, read ahead
        if config.keys:
            self.set_keymap(config.keys)

    def compose(self) -> ComposeResult:
        yield Header()
        yield CaseloadWindow(self.config, self.today)  # its first page straight from the file, then the store
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"as of {self.today:%a %d %b %Y}"

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.tidy.touched()
        await super().on_event(event)

    @cached_property
    def caseload(self) -> CaseloadWindow:
        return self.query_one(CaseloadWindow)

    # -- workers (no widgets touched here) ------------------------------------------------------


    @work(thread=True, exclusive=True, group="db")
    def _open(self, url: str, demo: bool = False) -> None:
        try:
            store = Data.open(url, self.config, self.today, self.calendar, demo)
        except Refused as exc:
            self.post_message(DatabaseFailed(str(exc)))
            return
        import tui.case_screen
        import tui.form
        import tui.settings_screen  # noqa: F401 - the screens the first keys open, before the collector's freeze
        self.post_message(DatabaseOpened(store, store.count(), demo, store.is_demo()))

    @work(thread=True, exclusive=True, group="warm")
    def _warm(self, store: Data) -> None:
        """Once the screen is up, load what the first keystrokes would otherwise wait for: the bank holidays
        around today, the pages of open work a filter reads, the first case's reads and the year-end screen."""
        self.calendar.elapsed(date(self.today.year - 1, 1, 1), date(self.today.year + 1, 12, 31))
        detail = store.warm()
        if detail is not None:
            self.post_message(CaseWarmed(detail))
        store.dashboard()  # kept: `b` paints the team dashboard in its first frame
        import tui.reports_screen  # noqa: F401 - its charts' library, before the first y

        store.warm_figures(self.reports_year())  # `y` then paints in ~0.2-0.3 s, not 1.8-2.3 s (Data.figures)

    @work(thread=True, exclusive=True, group="case")
    def _open_case(self, store: Data, reference: str, ahead: CaseReadAhead | None) -> None:
        """The case read, or the one read ahead if nothing at all has been written since it was."""
        try:
            if ahead is not None and ahead.detail.reference == reference and store.version() == ahead.version:
                self.post_message(CaseOpened(ahead.detail))
            else:
                self.post_message(CaseOpened(store.case(reference)))
        except Refused as exc:
            self.post_message(LoadFailed(str(exc)))

    @work(thread=True, exclusive=True, group="ahead")
    def _read_ahead(self, store: Data, reference: str) -> None:
        try:
            ahead = store.case_ahead(reference)
        except Exception:  # noqa: BLE001 - a guess at what comes next, never said: Enter reads it again, and says
            return
        if ahead is not None:
            self.post_message(CaseReadAhead(*ahead))

    def read_ahead(self, reference: str) -> None:
        """Read the case under the caseload's cursor, resting there, before Enter asks for it: Enter then shows
        it without a read (a case with 200 notes and 50 documents: 8-15 ms of its read)."""
        if self.data is not None:
            self._read_ahead(self.data, reference)

    def on_case_read_ahead(self, message: CaseReadAhead) -> None:
        self.ahead = message

    @work(thread=True, group="export")
    def export_figures(self, folder: Path, now: Figures, before: Figures) -> None:
        """The year's tables as a workbook beside the database. The app's worker, not the reports screen's:
        the officer may leave that screen before it is written, and still hears where it went."""
        from reports.export import ExportError, write_xlsx

        path = folder / f"figures-{now.year.label.replace('/', '-')}.xlsx"
        try:
            write_xlsx(now, now.tables, path, before)
        except ExportError as exc:
            self.post_message(ExportFailed(str(exc)))
            return
        self.post_message(FiguresExported(f"Saved the {now.year.label} tables to {path}"))

    def on_figures_exported(self, message: FiguresExported) -> None:
        self.notify(shown(message.message), timeout=6, markup=False)

    def on_export_failed(self, message: ExportFailed) -> None:
        self.notify(shown(message.error), severity="error", timeout=8, markup=False)

    # -- failures ---------------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.worker_failed(event.worker, self._recover)

    def worker_failed(self, worker: Worker[Any], recover: Callable[[Worker[Any], str], bool] | None = None) -> None:
        """Any worker's failure, wherever it ran: said where the officer is looking, and complaints carries on.

        ``recover`` (the worker's owner) puts its own state right, and says True when it has shown the failure
        itself or none need be shown. COMPLAINTS_DEBUG=1 raises the error instead: the developer's traceback.
        """
        error = worker.error
        if os.environ.get("COMPLAINTS_DEBUG") and error is not None:
            raise error
        message = failure_message(error)
        if recover is None or not recover(worker, message):
            self.notify(message, severity="error", timeout=8)

    def _recover(self, worker: Worker[Any], message: str) -> bool:
        """The app's own workers: a form stays open with what was typed; the database can be opened again (r)."""
        if worker.group == "action" and self.form is not None:
            self.form.refused(message)
            return True
        if worker.group == "db":
            self.opening = False
            self.on_database_failed(DatabaseFailed(message))
            return True
        return False

    def on_load_failed(self, message: LoadFailed) -> None:
        if self.form is not None:
            self.form.refused(message.error)
        else:
            self.notify(shown(message.error), severity="error", timeout=8, markup=False)

    # -- the database -------------------------------------------------------------------------------

    def open_store(self) -> None:
        """Open the full store (SQLAlchemy, migrations, calendar sync) once, after the first screen."""
        gc.enable()  # held off by the command until now (cli._run_tui): the first page is drawn, or never will be
        if not self.opening and self.data is None:
            self.opening = True
            self._open(self.url)

    def on_database_opened(self, message: DatabaseOpened) -> None:
        store = self.data = message.data
        self.list_views()  # the user's own views, for the palette
        pending, self.pending = self.pending, None
        if pending is not None:  # asked for while the store was opening: now it can be done
            self.call_later(pending)
        self.set_timer(0.3, lambda: self._warm(store))
        # Everything imported and built so far lives as long as the app: moving it out of the collector's
        # reach keeps its full passes (70-90 ms over a million objects) from landing on a key press.
        gc.freeze()
        self.set_interval(QUICK, self.tidy.tick)  # and again whenever the officer pauses (``tui.tidy``)
        if store.identity is not None:  # a team server says who you are and what you may do
            self.caseload.query_state.user = store.identity.user
            self.sub_title = f"as of {self.today:%a %d %b %Y} · {store.identity.user} ({store.identity.role.value})"
        self.title = "complaints — DEMO" if message.invented else "complaints"  # the database's mark, not the way in
        if message.cases == 0 and self.offer_demo:
            where = store.where()
            self.caseload.say(f"{message.cases:,} cases in {where}")
            self.offer_demo = False
            from tui.demo_offer import DemoOffer

            self.push_screen(DemoOffer(where, self.demo_path), self.demo_chosen)
            return
        self.caseload.store_opened(message.demo)

    def demo_chosen(self, demo: bool | None) -> None:
        if demo:
            self.caseload.say("Making the demo database (a few seconds)…")
            if self.data is not None:
                self.data.close()
            self._open(data.resolve_url(self.demo_path), demo=True)
        else:
            self.action_reload()

    def on_database_failed(self, message: DatabaseFailed) -> None:
        from rich.text import Text

        self.caseload.say(Text.assemble(("Cannot open the database:", "bold red"), " ", plain(message.error)))

    # -- cases and actions ----------------------------------------------------------------------

    def open_case(self, reference: str) -> None:
        """Read the case, then show it on a screen of its own."""
        if self.data is not None:
            self._open_case(self.data, reference, self.ahead)

    def on_case_opened(self, message: CaseOpened) -> None:
        self.push_screen(self._case_screen(message.detail))

    def on_case_warmed(self, message: CaseWarmed) -> None:
        """Build the case screen (compose, mount, style: 100-150 ms, the slowest Enter of a session, so the p95)
        before any case is opened, off screen: Textual's own first step of pushing a screen, without the push.
        A private method of Textual's, so only where it is found; without it the first case builds the screen."""
        from tui.case_screen import CaseScreen

        message.stop()
        build = getattr(self, "_get_screen", None)
        if self.is_screen_installed("case") or build is None:
            return
        self.install_screen(CaseScreen(message.detail), "case")
        build("case")

    def _case_screen(self, detail: CaseDetail) -> CaseScreen | str:
        """The case screen, built once and kept: its tabs and tables cost 100-200 ms to build for every case.
        A case opened over another (from the complainant's screen) gets a screen of its own."""
        from tui.case_screen import CaseScreen

        if not self.is_screen_installed("case"):
            self.install_screen(CaseScreen(detail), "case")
            return "case"
        screen = self.get_screen("case")
        if screen in self.screen_stack:
            return CaseScreen(detail)
        assert isinstance(screen, CaseScreen)
        screen.open(detail)
        return "case"

    def _case_on_top(self) -> CaseScreen | None:
        from tui.case_screen import CaseScreen

        screen = self.screen
        return screen if isinstance(screen, CaseScreen) else None

    def _leave_case(self, reference: str | None) -> None:
        case = self._case_on_top()
        if case is not None and case.reference == reference:
            self.pop_screen()

    # -- actions ------------------------------------------------------------------------------

    def action_reload(self) -> None:
        """Read the caseload (and the case on screen) again: nothing kept is reused."""
        case = self._case_on_top()
        if case is not None:
            case.reload()
        self.caseload.reload()

    def action_reports(self) -> None:
        from tui.form import FormScreen
        from tui.reports_screen import ReportsScreen  # charts and tables load when first asked for

        if self.data is None:
            self.pending = self.action_reports
        elif not isinstance(self.screen, ReportsScreen | FormScreen):
            self.push_screen(ReportsScreen(self.reports_year()))

    def reports_year(self) -> FinancialYear:
        """The year the year-end screen opens on: the last complete one."""
        return FinancialYear.containing(self.today).previous

    def action_settings(self) -> None:
        from tui.form import FormScreen
        from tui.settings_screen import SettingsScreen

        if self.data is not None and not isinstance(self.screen, SettingsScreen | FormScreen):
            self.push_screen(SettingsScreen(self.config.rules, self.today))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Sorting and filtering act on the caseload: only while it is on screen (not on a hidden one behind the
        case or year-end screen, where their keys would change what the officer comes back to)."""
        if action in ("sort", "filter"):
            return len(self.screen_stack) == 1
        return True

    def action_view(self, view: str) -> None:
        """A view's key from any screen but a form: back to the caseload, showing that view."""
        from tui.demo_offer import DemoOffer
        from tui.form import FormScreen

        if isinstance(self.screen, FormScreen | DemoOffer):
            return
        state = self.caseload.query_state
        state.view, state.figure, state.who, state.label = view, "", None, ""  # a view: no dashboard figure
        self.caseload.set_search("")  # nor an earlier search
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.action_reload()

    def action_sort(self) -> None:
        self.caseload.sort_next()

    def action_filter(self) -> None:
        self.caseload.show_filter()

    def action_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.show_help()

    def current_due(self) -> date | None:
        """The running due date of the case on screen (or of the caseload's row)."""
        case = self._case_on_top()
        return case.due if case is not None else self.caseload.table.current_due

    def current_reference(self) -> str | None:
        """The case on screen, or under the caseload's cursor; None on any other screen (the dashboard, the
        year-end figures: a key there acted on the caseload's row, out of sight)."""
        case = self._case_on_top()
        if case is not None:
            return case.reference
        return self.caseload.table.current_reference if self.screen is self.caseload.screen else None

    def action_person(self) -> None:
        """The complainant of the case on screen: their details and every contact."""
        case = self._case_on_top()
        if case is not None:
            case.action_person()

    def action_open_case(self) -> None:
        reference = self.current_reference()
        if self.data is None:
            self.pending = self.action_open_case
        elif reference and self._case_on_top() is None:
            self.open_case(reference)

    def _fatal_error(self) -> None:
        """An unexpected error: say so without a traceback, whose locals could hold children's details.

        (Textual's own handler prints every local variable.) COMPLAINTS_DEBUG=1 restores it.
        """
        if os.environ.get("COMPLAINTS_DEBUG"):
            super()._fatal_error()
            return
        import sys

        from rich.segment import Segments
        from rich.text import Text

        kind = type(sys.exc_info()[1]).__name__
        message = Text(f"complaints stopped after an unexpected error ({kind}). Everything saved before it is "
                       "safe; set COMPLAINTS_DEBUG=1 to see the details.")
        self.bell()
        self._exit_renderables.append(Segments(self.console.render(message, self.console.options)))
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        if self.data is not None:
            self.data.close()


def failure_message(error: BaseException | None) -> str:
    """What a worker's failure says to the officer: the store's own message, the busy database's, or the kind of
    error alone (a driver's or Python's message could quote personal data)."""
    said = data.failure_said(error)
    if said is not None:
        return said
    return (f"unexpected {type(error).__name__}; nothing more was saved, and complaints carries on "
            "(COMPLAINTS_DEBUG=1 shows the details)")


def create_app(url: str, *, config: Config | None = None, today: date | None = None, offer_demo: bool = False,
               demo_path: str | None = None, early_page: EarlyPage | None = None) -> ComplaintsApp:
    """The one factory: the CLI runs what it returns, tests drive it with ``run_test()``. ``early_page``: the
    caseload's first page, already being read (``data.EarlyPage``)."""
    return ComplaintsApp(url, config=config or data.load_config(), today=today or date.today(),
                         offer_demo=offer_demo, demo_path=demo_path, early_page=early_page)
