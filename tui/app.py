"""The complaints app: opens the database in a worker and shows the caseload.

``create_app`` is the one factory the CLI and the tests use. Database work runs only in thread
workers, which post messages; the handlers here own the widgets. No worker's failure closes the
app: one handler shows it (in the open form, which keeps what was typed, or as a notice).
"""

from __future__ import annotations

import gc
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from domain.config import Config
from domain.harmless import shown
from domain.timescales import RuleError
from domain.vocab import Role
from domain.year import FinancialYear
from store.db.config_file import load_config
from store.db.location import APP_NAME, sqlite_path
from store.views.caseload import (
    SORTS,
    VIEW_BY_ID,
    VIEWS,
    CaseloadQuery,
    CaseloadRow,
    caseload_page,
    count_cases,
    matches,
    narrowable,
    warm_open_work,
)
from tui.actions import ACTION_BY_ID, ACTIONS, Action
from tui.case_screen import CaseScreen, plain
from tui.caseload import CaseloadTable
from tui.commands import ComplaintsCommands
from tui.demo_offer import DemoOffer
from tui.form import FormScreen
from tui.messages import (
    ActionFinished,
    CaseLoaded,
    DatabaseFailed,
    DatabaseOpened,
    FiguresLoaded,
    ListsLoaded,
    PageLoaded,
    PersonLoaded,
)
from tui.person_screen import PersonScreen
from tui.settings_screen import SettingsScreen

if TYPE_CHECKING:  # SQLAlchemy and the store load in workers, after the first paint; charts when asked for
    from domain.figures import Figures
    from store.db.database import Database

PAGE_SIZE = 200
PREFETCH = 100  # rows left below the cursor when the next page is asked for: a few screenfuls
HEADER_SORTS = {"Due": "due", "Received": "received", "Reference": "reference", "Complainant": "complainant"}
DEMO_CASES = 3000


def demo_database_path() -> str:
    from platformdirs import user_data_path

    return str(user_data_path(APP_NAME) / "demo.db")


class ComplaintsApp(App[None]):
    TITLE = "complaints"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ComplaintsCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave complaints"),
        Binding("r", "reload", "Refresh", id="reload", tooltip="Read the caseload again from the database"),
        Binding("slash", "filter", "Filter", id="filter", tooltip="Filter by reference, name or summary as you type"),
        Binding("s", "sort", "Sort", id="sort", tooltip="Sort by due date, received, reference or complainant"),
        Binding("enter", "open_case", "Open", id="open_case", tooltip="Open the case under the cursor"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Show every key of this screen"),
        Binding("y", "reports", "Year-end", id="reports", tooltip="The year-end figures, with charts"),
        Binding("comma", "settings", "Settings", id="settings", show=False,
                tooltip="The council's lists and the timescales in force"),
        *(Binding(v.key, f"view('{v.id}')", v.name, id=f"view.{v.id}", tooltip=v.tooltip, show=False)
          for v in VIEWS),
        *(Binding(a.key, f"form('{a.id}')", a.title, id=f"action.{a.id}", tooltip=a.tooltip,
                  show=a.id in ("log", "extend", "respond"))
          for a in ACTIONS if a.key),
    ]

    def __init__(self, url: str, *, config: Config, today: date, offer_demo: bool = False,
                 demo_path: str | None = None) -> None:
        super().__init__()
        self.url, self.config, self.today, self.offer_demo = url, config, today, offer_demo
        self.demo_path = demo_path or demo_database_path()
        self.db: Database | None = None
        self.calendar = config.calendar()
        self.loading_more = False
        self.exhausted = False
        self.generation = 0  # counts what the caseload was asked to show (view, filter, sort)
        self.shown_generation = -1  # the last of those whose first page is on screen
        self.filter_results: dict[str, list[CaseloadRow]] = {}  # filter text -> its first page, until a reload
        self.fast_running = False
        self.query_state = CaseloadQuery(user=config.user)
        self.form: FormScreen | None = None
        if config.keys:
            self.set_keymap(config.keys)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the database…", id="status")
        yield Input(placeholder="Filter: reference, name or summary (esc to clear)", id="filter")
        yield CaseloadTable(id="caseload")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"as of {self.today:%a %d %b %Y}"
        self.query_one("#filter", Input).display = False
        self.query_one(CaseloadTable).focus()
        self.fast_running = True
        self.opening = False
        self.first_page(CaseloadQuery(**vars(self.query_state)), 0)  # the store opens once this is on screen

    # -- workers (no widgets touched here) ------------------------------------------------------

    def run_worker(self, work: Any, name: str | None = "", group: str = "default", description: str = "",
                   exit_on_error: bool = True, start: bool = True, exclusive: bool = False,
                   thread: bool = False) -> Worker[Any]:
        """Every worker of the app: its failure is shown by ``on_worker_state_changed``, never closes the app."""
        return super().run_worker(work, name, group, description, exit_on_error=False, start=start,
                                  exclusive=exclusive, thread=thread)

    @work(thread=True, exclusive=True, group="first")
    def first_page(self, query: CaseloadQuery, generation: int) -> None:
        """A first screen straight from the SQLite file, while the full store loads beside it."""
        from store.views.digest import open_fast, stored_calendar

        conn = open_fast(self.url, self.config, self.today)
        if conn is None:  # first use, an upgrade or PostgreSQL: the full open shows the first page
            self.post_message(PageLoaded(None, reset=True, generation=generation, fast=True))
            return
        try:
            calendar = stored_calendar(conn.cursor(), self.config)
            rows = caseload_page(conn, self.today, calendar, self.config.rules, query=query, limit=PAGE_SIZE)
        finally:
            conn.close()
        self.post_message(PageLoaded(rows, reset=True, generation=generation, fast=True))

    @work(thread=True, exclusive=True, group="db")
    def open_database(self, url: str, demo: bool = False) -> None:
        from store.db.database import StoreError, open_database

        try:
            db = open_database(url, self.config)
            if demo and self._count(db) == 0:
                from store.housekeeping.demo import generate

                generate(db, self.config, cases=DEMO_CASES, seed=1, today=self.today)
            self.post_message(DatabaseOpened(db, self._count(db), demo))
        except StoreError as exc:
            self.post_message(DatabaseFailed(str(exc)))

    @work(thread=True, exclusive=True, group="warm")
    def warm_calendar(self) -> None:
        """Once the screen is up, load what the first keystrokes would otherwise wait for: the bank holidays
        around today, and the pages of open work a filter reads."""
        self.calendar.elapsed(date(self.today.year - 1, 1, 1), date(self.today.year + 1, 12, 31))
        if self.db is not None:
            with self.db.dbapi() as connection:
                warm_open_work(connection)

    @staticmethod
    def _count(db: Database) -> int:
        with db.dbapi() as connection:
            return count_cases(connection)

    @work(thread=True, exclusive=True, group="page")
    def load_page(self, query: CaseloadQuery, after: tuple[date, int] | None, offset: int, generation: int,
                  limit: int | None = None, in_place: bool = False, focus: str | None = None,
                  before: tuple[date, int] | None = None, above: bool = False) -> None:
        """A page of ``query``: the next (after ``after`` or at ``offset``), the one ``above`` the window
        (before ``before``, or at ``offset``), or (``in_place``) the window read again from its first row."""
        assert self.db is not None
        limit = limit or PAGE_SIZE
        with self.db.dbapi() as connection:
            rows = caseload_page(connection, self.today, self.calendar, self.config.rules, query=query, after=after,
                                 before=before, inclusive=in_place, offset=offset, limit=limit,
                                 placeholder=self.db.placeholder)
        self.post_message(PageLoaded(rows, reset=after is None and offset == 0 and not above and not in_place,
                                     generation=generation, in_place=in_place, focus=focus, above=above,
                                     limit=limit))

    @work(thread=True, exclusive=True, group="case")
    def load_case(self, reference: str, refresh: bool = False) -> None:
        from store.views.case import case_detail

        assert self.db is not None
        try:
            detail = case_detail(self.db, reference, self.today, self.calendar, self.config.rules)
        except RuleError as exc:
            self.post_message(ActionFinished(reference, "", str(exc)))
            return
        self.post_message(CaseLoaded(detail, refresh))

    @work(thread=True, exclusive=True, group="case")
    def load_person(self, reference: str) -> None:
        from store.views.person import person_of_case

        assert self.db is not None
        try:
            self.post_message(PersonLoaded(person_of_case(self.db, reference)))
        except RuleError as exc:
            self.post_message(ActionFinished(reference, "", str(exc)))

    @work(thread=True, exclusive=True, group="action")
    def perform(self, action: Action, reference: str | None, values: dict[str, Any], version: int | None) -> None:
        from store.db.database import StoreError
        from store.lifecycle.service import CaseService

        assert self.db is not None
        service = CaseService(self.db, self.config, today=self.today, calendar=self.calendar)
        try:
            message = action.run(service, reference, values, version)
        except (RuleError, StoreError) as exc:  # a conflict names who changed the case; a busy database says so
            self.post_message(ActionFinished(reference, "", str(exc)))
            return
        if action.creates:
            self.post_message(ActionFinished(message, f"Logged {message}", created=True))
        else:
            self.post_message(ActionFinished(reference, message))

    @work(thread=True, exclusive=True, group="figures")
    def load_figures(self, year: FinancialYear) -> None:
        from store.views.figures import FiguresSource

        assert self.db is not None
        with self.db.dbapi() as connection:
            source = FiguresSource(connection, self.config, self.db.placeholder)
            now = source.figures(year, as_of=self.today)
            before = source.figures(year.previous, as_of=self.today)
        self.post_message(FiguresLoaded(now, before))

    @work(thread=True, exclusive=True, group="lists")
    def load_lists(self) -> None:
        from store.views.council_lists import council_lists

        assert self.db is not None
        with self.db.dbapi() as connection:
            self.post_message(ListsLoaded(council_lists(connection)))

    @work(thread=True, group="export")
    def export_figures(self, now: Figures, before: Figures) -> None:
        from reports.export import ExportError, write_xlsx

        folder = sqlite_path(self.url).parent if sqlite_path(self.url) else Path.home()  # type: ignore[union-attr]
        path = folder / f"figures-{now.year.label.replace('/', '-')}.xlsx"
        try:
            write_xlsx(now, now.tables, path, before)
        except ExportError as exc:
            self.post_message(ActionFinished(None, "", str(exc)))
            return
        self.post_message(ActionFinished(None, f"Saved the {now.year.label} tables to {path}"))

    # -- handlers (the UI thread) ---------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker failed: say so where the officer is looking, and carry on. A form stays open with what was
        typed; the caseload can be read again (r), the database opened again."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if os.environ.get("COMPLAINTS_DEBUG") and error is not None:
            raise error  # the developer's traceback, as for any other error
        message = failure_message(error)
        group = event.worker.group
        if group == "action" and self.form is not None:
            self.form.refused(message)
        elif group == "db":
            self.opening = False  # r tries again
            self.on_database_failed(DatabaseFailed(message))
        elif group == "first":  # the quick read failed: the full open reads the page instead
            self.on_page_loaded(PageLoaded(None, reset=True, generation=self.generation, fast=True))
        else:
            self.loading_more = False
            self.notify(message, severity="error", timeout=8)

    def on_lists_loaded(self, message: ListsLoaded) -> None:
        if isinstance(self.screen, SettingsScreen):
            self.screen.show(message.lists)  # type: ignore[arg-type]

    def on_figures_loaded(self, message: FiguresLoaded) -> None:
        screen = self.screen
        from tui.reports_screen import ReportsScreen

        if isinstance(screen, ReportsScreen):
            screen.show(message.now, message.before)  # type: ignore[arg-type]

    def on_database_opened(self, message: DatabaseOpened) -> None:
        self.db = message.db
        self.set_timer(0.3, self.warm_calendar)
        # Everything imported and built so far lives as long as the app: moving it out of the collector's
        # reach keeps its full passes (70-90 ms over a million objects) from landing on a key press.
        gc.freeze()
        if message.db.identity is not None:  # a team server says who you are and what you may do
            self.query_state.user = message.db.identity.user
            self.sub_title = f"as of {self.today:%a %d %b %Y} · {message.db.identity.user} " \
                             f"({message.db.identity.role.value})"
        where = sqlite_path(message.db.url) or message.db.describe()
        self.title = "complaints — DEMO" if message.demo else "complaints"
        if message.cases == 0 and self.offer_demo:
            self.query_one("#status", Static).update(f"{message.cases:,} cases in {where}")
            self.offer_demo = False
            self.push_screen(DemoOffer(str(where), self.demo_path), self.demo_chosen)
            return
        if not message.demo and (self.fast_running or self.shown_generation == self.generation):
            return  # a page straight from the file is on screen, or on its way, for what is asked now
        self.action_reload()  # a demo database chosen instead: the page on screen was the empty one's

    def demo_chosen(self, demo: bool | None) -> None:
        if demo:
            self.query_one("#status", Static).update("Making the demo database (a few seconds)…")
            if self.db is not None:
                self.db.close()
            from store.db.location import resolve_url

            self.open_database(resolve_url(self.demo_path), demo=True)
        else:
            self.action_reload()

    def on_database_failed(self, message: DatabaseFailed) -> None:
        from rich.text import Text

        self.query_one("#status", Static).update(Text.assemble(("Cannot open the database:", "bold red"), " ",
                                                               plain(message.error)))

    def _open_store(self) -> None:
        """Open the full store (SQLAlchemy, migrations, calendar sync) once, after the first screen."""
        if not self.opening and self.db is None:
            self.opening = True
            self.open_database(self.url)

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.fast:
            self.fast_running = False
            self.call_after_refresh(self._open_store)
            if message.rows is None or message.generation != self.generation:
                if self.db is not None:  # the store is open by now: read the page the full way
                    self.action_reload()
                return
        elif message.generation != self.generation or message.rows is None:
            return  # a page of a view or filter the user has already left
        table = self.query_one(CaseloadTable)
        if message.in_place:
            added, removed, changed = table.replace(message.rows)
            if message.focus in table.references:
                table.move_cursor(row=table.references.index(message.focus))
            self.loading_more = False
            self.exhausted = len(message.rows) < message.limit
            self._status(message.rows, f" · after the change: {changed} changed, {added} new, {removed} gone")
            return
        if message.above:
            self.loading_more = False
            if table.prepend(message.rows):  # the bottom of the window went: it is the next page again
                self.exhausted = False
            return
        table.show(message.rows, reset=message.reset)
        if message.reset:
            self.shown_generation = message.generation
            if not message.fast and not message.partial:
                self.filter_results[self.query_state.text.strip()] = message.rows
        self.loading_more = False
        self.exhausted = len(message.rows) < PAGE_SIZE and not message.partial
        if message.reset:
            self._status(message.rows)
            box = self.query_one("#filter", Input)
            if not (box.display and self.focused is box):  # typing in the filter keeps the keyboard
                table.focus()

    def _status(self, rows: list[CaseloadRow], note: str = "") -> None:
        table = self.query_one(CaseloadTable)
        view = VIEW_BY_ID[self.query_state.view]
        more = "+" if not self.exhausted else ""
        overdue = sum(1 for r in rows if r.state.value == "overdue")
        shown = table.first + table.row_count
        what = ("case" if self.query_state.history else "deadline") + ("" if shown == 1 and not more else "s")
        text = self.query_state.text.strip()
        filtered = f" matching “{text}”" if text else ""
        order = {"history": "newest first", "compliments": "by team, newest first"}.get(
            self.query_state.view, f"by {self.query_state.sort}")
        legend = note or " · ‼ over ! ≤2d ‖ paused · P persistent R repeat C child A advocate"  # relaxed rows say so
        self.query_one("#status", Static).update(  # one line, always: no layout needed; typed text is no markup
            plain(f"{view.key} {view.name}: {shown}{more} {what}{filtered} · {overdue}{more if overdue else ''} "
                  f"overdue · {order}{legend}"), layout=False)

    def on_caseload_table_highlighted(self, event: CaseloadTable.Highlighted) -> None:
        """Near the end of what is loaded: fetch the next page while the officer reads this one; near the
        top of a window that has left the first rows behind, the page above."""
        table = self.query_one(CaseloadTable)
        if self.loading_more:
            return
        keyset = self.query_state.keyset()
        if table.first and event.cursor_row < PREFETCH:
            self.loading_more = True
            start = max(0, table.first - PAGE_SIZE)
            self.load_page(self.query_state, None, 0 if keyset else start, self.generation,
                           limit=table.first - start, above=True,
                           before=table.rows[0].key(self.query_state.view) if keyset else None)
            return
        if self.exhausted or not table.rows or event.cursor_row < table.row_count - PREFETCH:
            return
        self.loading_more = True  # the next page: after the last row (by key), or at its place (by offset)
        self.load_page(self.query_state, table.rows[-1].key(self.query_state.view) if keyset else None,
                       0 if keyset else table.first + table.row_count, self.generation)

    def on_caseload_table_top(self, _: CaseloadTable.Top) -> None:
        self._load_first_page()

    def on_caseload_table_header_selected(self, event: CaseloadTable.HeaderSelected) -> None:
        """A click on a column's header sorts by it, where the column has an order of its own."""
        sort = HEADER_SORTS.get(str(event.label))
        if sort is None or self.query_state.history:
            self.notify("Sort by Due, Received, Reference or Complainant", timeout=4)
            return
        self.query_state.sort = sort
        self.action_reload()

    def on_caseload_table_selected(self, event: CaseloadTable.Selected) -> None:
        self.action_open_case()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.query_state.text = event.value
            self._filter(event.value.strip())

    def _filter(self, text: str) -> None:
        """A filter keystroke: rows already known for ``text`` show in the same frame; otherwise ask SQL.

        Known: what SQL gave for ``text`` earlier while typing (a backspace), or the rows of a shorter
        text that SQL gave complete, narrowed by the filter's own rule (``matches``). Narrowed from a
        page that was not complete, they are still the first rows of the answer: shown at once when
        they fill the screen, while SQL reads the page.
        """
        known = self.filter_results.get(text)
        if known is None and self.db is not None and narrowable(text):
            wider = [t for t in self.filter_results if text.startswith(t)]
            if wider:
                rows = self.filter_results[max(wider, key=len)]
                narrowed = [r for r in rows if matches(r, text)]
                if len(rows) < PAGE_SIZE:
                    known = narrowed
                elif len(narrowed) >= self.query_one(CaseloadTable).scrollable_content_region.height:
                    # The shorter text's rows are its first in the view's order, so these are the first rows
                    # of this text's result, every one up to the last of them: the screen is right at once,
                    # and SQL brings the whole page behind it.
                    self.generation += 1
                    self.on_page_loaded(PageLoaded(narrowed, reset=True, generation=self.generation, partial=True))
                    self._load_first_page()
                    return
        if known is None:
            self._load_first_page()
            return
        self.generation += 1
        self.on_page_loaded(PageLoaded(known, reset=True, generation=self.generation))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one(CaseloadTable).focus()

    def on_key(self, event: Any) -> None:
        filter_box = self.query_one("#filter", Input)
        if event.key == "escape" and self.focused is filter_box:
            filter_box.value = ""
            filter_box.display = False
            self.query_one(CaseloadTable).focus()
            event.stop()

    def on_case_loaded(self, message: CaseLoaded) -> None:
        if isinstance(self.screen, CaseScreen) and self.screen.reference == message.detail.reference:
            self.screen.show(message.detail)
        elif len(self.screen_stack) > 1 and isinstance(self.screen_stack[-2], CaseScreen):
            self.screen_stack[-2].show(message.detail)  # under an open form
        elif not message.refresh:
            self.push_screen(CaseScreen(message.detail))

    def on_action_finished(self, message: ActionFinished) -> None:
        if message.error is not None:
            if self.form is not None:
                self.form.refused(message.error)
                if len(self.screen_stack) > 1 and isinstance(self.screen_stack[-2], CaseScreen) and message.reference:
                    self.load_case(message.reference, refresh=True)  # show what changed underneath
            else:
                self.notify(shown(message.error), severity="error", timeout=8, markup=False)
            return
        if self.form is not None:
            self.form.dismiss(None)
            self.form = None
        self.notify(shown(message.message), timeout=6, markup=False)  # messages can name stored text
        if isinstance(self.screen, SettingsScreen):
            self.load_lists()  # a list changed: show it
        if message.reference is None:
            return
        self._refresh_in_place(message.reference if message.created else None)
        if isinstance(self.screen, CaseScreen) and message.reference:
            self.load_case(message.reference, refresh=True)

    def _refresh_in_place(self, created: str | None = None) -> None:
        """After an edit: read the rows shown (the window) again; the table changes only where they differ.

        The cursor stays on its case, or goes to the one just ``created`` if the view shows it.
        """
        if self.db is None:
            return
        self.filter_results = {}
        self.generation += 1
        table = self.query_one(CaseloadTable)
        query = CaseloadQuery(**vars(self.query_state))
        start = table.rows[0].key(query.view) if table.first and table.rows and query.keyset() else None
        self.load_page(query, start, 0 if query.keyset() else table.first, self.generation,
                       limit=max(PAGE_SIZE, table.row_count), in_place=True, focus=created)

    # -- actions ------------------------------------------------------------------------------

    def action_reload(self) -> None:
        """Read the caseload again (another view, sort, an edit, or the officer asked): nothing kept is reused."""
        if isinstance(self.screen, CaseScreen):
            self.load_case(self.screen.reference, refresh=True)
        self.filter_results = {}
        self._load_first_page()

    def _load_first_page(self) -> None:
        self.generation += 1
        if self.db is None:  # still opening: answer from the file meanwhile
            self.fast_running = True
            self.first_page(CaseloadQuery(**vars(self.query_state)), self.generation)
            return
        self.exhausted = False
        self.load_page(CaseloadQuery(**vars(self.query_state)), None, 0, self.generation)

    def action_reports(self) -> None:
        from tui.reports_screen import ReportsScreen  # charts and tables load when first asked for

        if self.db is not None and not isinstance(self.screen, ReportsScreen | FormScreen):
            self.push_screen(ReportsScreen(FinancialYear.containing(self.today).previous))

    def action_settings(self) -> None:
        if self.db is not None and not isinstance(self.screen, SettingsScreen | FormScreen):
            self.push_screen(SettingsScreen(self.config.rules, self.today))

    def action_view(self, view: str) -> None:
        self.query_state.view = view
        if isinstance(self.screen, CaseScreen):
            self.pop_screen()
        self.action_reload()

    def action_sort(self) -> None:
        if self.query_state.history:
            self.notify("Cases are listed newest first here", timeout=4)
            return
        self.query_state.sort = SORTS[(SORTS.index(self.query_state.sort) + 1) % len(SORTS)]
        self.action_reload()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def current_due(self) -> date | None:
        """The running due date of the case on screen (or of the caseload's row)."""
        if isinstance(self.screen, CaseScreen):
            deadline = self.screen.detail.stage_clock.deadline
            return deadline.due if deadline else None
        return self.query_one(CaseloadTable).current_due

    def current_reference(self) -> str | None:
        if isinstance(self.screen, CaseScreen):
            return self.screen.reference
        return self.query_one(CaseloadTable).current_reference

    def action_person(self) -> None:
        """The complainant of the case on screen: their details and every contact."""
        if isinstance(self.screen, CaseScreen) and self.db is not None:
            self.load_person(self.screen.reference)

    def on_person_loaded(self, message: PersonLoaded) -> None:
        if isinstance(self.screen, CaseScreen):
            here = self.screen.reference

            def chosen(reference: str | None) -> None:  # another of their cases opens over this one
                if reference and reference != here:
                    self.load_case(reference)

            self.push_screen(PersonScreen(message.person), chosen)

    def action_open_case(self) -> None:
        reference = self.current_reference()
        if reference and self.db is not None and not isinstance(self.screen, CaseScreen):
            self.load_case(reference)

    def action_form(self, action_id: str) -> None:
        if isinstance(self.screen, FormScreen | DemoOffer) or self.db is None:
            return
        if self.db.role(self.config) is Role.AUDITOR:
            self.notify("The auditor role can read everything and change nothing", severity="warning")
            return
        action = ACTION_BY_ID[action_id]
        reference = self.current_reference() if action.needs_case else None
        if action.needs_case and reference is None:
            self.notify("Choose a case first", severity="warning")
            return
        self.form = FormScreen(action, reference, self.today, self.current_due() if action.warn else None)
        self.push_screen(self.form, lambda _: setattr(self, "form", None))

    def on_form_screen_submitted(self, message: FormScreen.Submitted) -> None:
        """The form's values are checked: run the transition in a worker, against the version on screen."""
        if any(worker.group == "action" and worker.is_running for worker in self.workers):
            self.notify("Still saving: waiting for the database", timeout=4)  # never the same save twice
            return
        below = self.screen_stack[-2]
        version = below.detail.version if isinstance(below, CaseScreen) else None
        self.perform(message.form.action, message.form.reference, message.values, version)

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
        if self.db is not None:
            self.db.close()


def failure_message(error: BaseException | None) -> str:
    """What a worker's failure says to the officer: the store's own message, the busy database's, or the kind of
    error alone (a driver's or Python's message could quote personal data)."""
    from store.db.database import BUSY, StoreError, is_busy

    if isinstance(error, StoreError | RuleError):
        return str(error)
    if error is not None and is_busy(getattr(error, "orig", None) or error):
        return BUSY
    return (f"unexpected {type(error).__name__}; nothing more was saved, and complaints carries on "
            "(COMPLAINTS_DEBUG=1 shows the details)")


def create_app(url: str, *, config: Config | None = None, today: date | None = None, offer_demo: bool = False,
               demo_path: str | None = None) -> ComplaintsApp:
    """The one factory: the CLI runs what it returns, tests drive it with ``run_test()``."""
    return ComplaintsApp(url, config=config or load_config(), today=today or date.today(),
                         offer_demo=offer_demo, demo_path=demo_path)
