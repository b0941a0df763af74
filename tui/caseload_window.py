"""The caseload's window on a view: the status line, the filter and the table, the paging state, and the
workers that read pages.

What is asked (view, filter, sort) is ``query``; each new ask counts a ``generation``, and a page read for
an older one is dropped. The table holds a window of rows: the page after it is read as the cursor nears
its end, the page above as it nears the top of a window that has left the first rows behind.
"""

from __future__ import annotations

from copy import copy
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Key
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from tui import data
from tui.base import NeverClosesTheApp, the_app
from tui.caseload import CaseloadTable, overdue
from tui.messages import (
    FirstPageLoaded,
    MineExplained,
    NextPageLoaded,
    PageAboveLoaded,
    QuickPageRead,
    QuickPageUnavailable,
    WindowReread,
)
from tui.search_box import SearchBox, is_search_key
from tui.text import plain

if TYPE_CHECKING:
    from domain.config import Config
    from tui.data import CaseloadQuery, CaseloadRow, Data, EarlyPage

PAGE_SIZE = data.PAGE_SIZE
PREFETCH = 100  # rows left below the cursor when the next page is asked for: a few screenfuls
#: A search's first page: a tall terminal's screenful, the next pages as the cursor moves. Its 200 rows (the where
#: each matched, the table filled) were half of the time from the last key typed to the cases on screen.
SEARCH_FIRST = 60
AHEAD_AFTER = 0.06  # seconds the cursor rests on a row before its case is read ahead (a key held repeats faster)
HEADER_SORTS = {"Due": "due", "Received": "received", "Reference": "reference", "Complainant": "complainant"}
LEGEND = " · ‼ over ! ≤2d ‖ paused · P persistent R repeat C child A advocate"


class CaseloadWindow(NeverClosesTheApp, Vertical):
    """The caseload: what is asked, what is loaded, and the reads that bring the rest."""

    app = the_app()

    def __init__(self, config: Config, today: date) -> None:
        super().__init__(id="caseload-window")
        self.config, self.today = config, today
        self.query_state = data.CaseloadQuery(user=config.user)
        self.generation = 0  # counts what the caseload was asked to show (view, filter, sort)
        self.shown_generation = -1  # the last of those whose first page is on screen
        self.filter_results: dict[str, list[CaseloadRow]] = {}  # filter text -> its first page, until a reload
        self.quick_reading = False  # a first page straight from the file is on its way
        self.loading = False  # a next page, or the page above, is on its way
        self.exhausted = False  # the last row of the view is loaded
        self.searching: Worker[None] | None = None  # a search's first page being read
        self.search_waiting = False  # typed while it was read: read the text as it is once it is back
        self._resting: Timer | None = None  # till the cursor's case is read ahead (``_rest``)

    def compose(self) -> ComposeResult:
        yield Static("Opening the database…", id="status")
        yield SearchBox(placeholder="Search: anything a case holds, notes and emails too (esc to clear)", id="filter")
        yield CaseloadTable(id="caseload")

    def on_mount(self) -> None:
        # The box starts hidden by its style (app.tcss), not here: `/` and a name typed as the app starts can reach
        # the app's binding before this runs, and hiding the box then, the table taking the keyboard, lost the
        # letters typed after.
        box = self.query_one("#filter", Input)
        if not (box.display and self.app.focused is box):
            self.table.focus()
        self.quick_reading = True  # the store opens once this is on screen
        early, self.app.early_page = self.app.early_page, None
        if early is None or not early.answers(self.app.url, self.config, self.today, self.query_state, PAGE_SIZE):
            self._read_quick(self.app.url, copy(self.query_state), 0)
        elif early.ready():  # read while Textual loaded: in the first frame
            rows = early.result()
            if rows is None:
                self.on_quick_page_unavailable(QuickPageUnavailable())
            else:
                self.on_quick_page_read(QuickPageRead(rows, 0))
        else:
            self._take_early(early)

    @property
    def table(self) -> CaseloadTable:
        return self.query_one(CaseloadTable)

    # -- workers (no widgets touched here) ------------------------------------------------------


    @work(thread=True, exclusive=True, group="quick")
    def _read_quick(self, url: str, query: CaseloadQuery, generation: int) -> None:
        """A first screen straight from the SQLite file, while the full store loads beside it."""
        rows = data.quick_page(url, self.config, self.today, query, PAGE_SIZE)
        self.post_message(QuickPageUnavailable() if rows is None else QuickPageRead(rows, generation))

    @work(thread=True, exclusive=True, group="quick")
    def _take_early(self, early: EarlyPage) -> None:
        """The first page the command began to read before the app started, once it is read."""
        rows = early.result()
        self.post_message(QuickPageUnavailable() if rows is None else QuickPageRead(rows, 0))

    @work(thread=True, exclusive=True, group="page")
    def _read_first(self, store: Data, query: CaseloadQuery, generation: int) -> None:
        rows = store.search_page(query, limit=SEARCH_FIRST) if query.searching else store.page(query, limit=PAGE_SIZE)
        if rows is not None:  # None: a search stopped, newer text typed
            self.post_message(FirstPageLoaded(rows, generation))

    @work(thread=True, exclusive=True, group="page")
    def _read_next(self, store: Data, query: CaseloadQuery, after: tuple[date, int] | None, offset: int,
                   generation: int) -> None:
        """The page after the window: after its last row's key, or at its place (views read by offset)."""
        self.post_message(NextPageLoaded(store.page(query, limit=PAGE_SIZE, after=after, offset=offset), generation))

    @work(thread=True, exclusive=True, group="page")
    def _read_above(self, store: Data, query: CaseloadQuery, before: tuple[date, int] | None, offset: int,
                    limit: int, generation: int) -> None:
        """The ``limit`` rows above the window: before its first row's key, or at ``offset``."""
        rows = store.page(query, limit=limit, before=before, offset=offset)
        self.post_message(PageAboveLoaded(rows, generation))

    @work(thread=True, exclusive=True, group="page")
    def _reread(self, store: Data, query: CaseloadQuery, start: tuple[date, int] | None, offset: int, limit: int,
                focus: str | None, generation: int) -> None:
        """The window read again from its first row (by key, or at ``offset``)."""
        rows = store.page(query, limit=limit, after=start, offset=offset, inclusive=True)
        self.post_message(WindowReread(rows, generation, limit, focus))

    @work(thread=True, exclusive=True, group="mine")
    def _whose(self, store: Data, login: str) -> None:
        self.post_message(MineExplained(login, store.officer_of(login)))

    def on_mine_explained(self, message: MineExplained) -> None:
        """An empty "My cases" says why: a newcomer's login is linked to no officer yet, and how to link it."""
        if self.query_state.view != "mine" or self.table.row_count or message.officer is not None:
            return
        self.query_one("#status", Static).update(plain(
            f"{data.VIEW_BY_ID['mine'].key} My cases: no officer has your login {message.login}. To link it: "
            f"Settings (,), w, your name as listed, login {message.login}"), layout=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.app.worker_failed(event.worker, self._recover)
        if event.worker is self.searching and event.state in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                              WorkerState.CANCELLED):
            self.searching = None
            if self.search_waiting:  # the text typed meanwhile, as it is now
                self.search_waiting = False
                self._filter(self.query_state.text.strip())

    def _recover(self, worker: Worker[Any], _: str) -> bool:
        """After a read failed: True if nothing need be said (the quick read's page comes the full way)."""
        if worker.group == "quick":
            self.on_quick_page_unavailable(QuickPageUnavailable())
            return True
        self.loading = False  # the officer can page on, or read the caseload again (r)
        return False

    # -- what is asked ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the caseload again (another view, sort, an edit, or the officer asked): nothing kept is reused."""
        self.filter_results = {}
        self._load_first_page()

    def _load_first_page(self) -> Worker[None] | None:
        """Read the first page of what is asked; the store's read (None: the quick one, from the file)."""
        self.generation += 1
        store = self.app.data
        if store is None:  # still opening: answer from the file meanwhile
            self.quick_reading = True
            self._read_quick(self.app.url, copy(self.query_state), self.generation)
            return None
        self.exhausted = False
        return self._read_first(store, copy(self.query_state), self.generation)

    def store_opened(self, demo: bool) -> None:
        """The full store is open: read the first page its way, unless the quick one is shown (or coming) for
        what is asked now. A demo database chosen instead: the page on screen was the empty one's."""
        if demo or not (self.quick_reading or self.shown_generation == self.generation):
            self.reload()
        else:
            self._rest()  # the quick page's cursor: its case read ahead, now there is a store to read it

    def refresh_in_place(self, created: str | None = None) -> None:
        """After an edit: read the rows shown (the window) again; the table changes only where they differ.

        The cursor stays on its case, or goes to the one just ``created`` if the view shows it.
        """
        store = self.app.data
        if store is None:
            return
        self.filter_results = {}
        self.generation += 1
        table, query = self.table, copy(self.query_state)
        keyset = query.keyset()
        start = table.rows[0].key(query.view) if table.first and table.rows and keyset else None
        self._reread(store, query, start, 0 if keyset else table.first, max(PAGE_SIZE, table.row_count), created,
                     self.generation)

    def sort_next(self) -> None:
        if self.query_state.history:
            self.notify("Cases are listed newest first here", timeout=4)
            return
        self.query_state.sort = data.SORTS[(data.SORTS.index(self.query_state.sort) + 1) % len(data.SORTS)]
        self.reload()

    def show_filter(self) -> None:
        box = self.query_one("#filter", SearchBox)
        box.show(True)
        self.screen.set_focus(box)  # at once: ``focus()`` waits for the keys already typed
        box.again()  # a search shown already: its text selected, so what is typed now replaces it

    def set_search(self, text: str) -> None:
        """The search as a view, a saved view or a dashboard figure sets it (the caller reads the caseload again):
        the box shows the text searched, and is hidden when there is none (it kept an old search's text)."""
        self.query_state.text = text
        box = self.query_one("#filter", SearchBox)
        with box.prevent(Input.Changed):
            box.value = text
        box.show(bool(text))
        if not text and self.app.focused is box:
            self.table.focus()

    def say(self, text: str | Text) -> None:
        """Put ``text`` on the status line (the database opening, or failing to)."""
        self.query_one("#status", Static).update(text)

    # -- pages arriving ---------------------------------------------------------------------------

    def _quick_done(self, shown: bool = False) -> None:
        self.quick_reading = False
        if shown:
            # The store opens once these rows are drawn (on_caseload_table_drawn): importing SQLAlchemy
            # beside the drawing would slow it (one interpreter lock); a second later in any case.
            self.set_timer(1.0, self.app.open_store)
        else:
            self.call_after_refresh(self.app.open_store)

    def on_caseload_table_drawn(self, _: CaseloadTable.Drawn) -> None:
        self.app.open_store()

    def on_quick_page_read(self, message: QuickPageRead) -> None:
        shown = bool(message.rows) and message.generation == self.generation
        self._quick_done(shown)
        if message.generation == self.generation:
            self._show_first(message.rows, message.generation, remember=False)
        elif self.app.data is not None:  # the store is open by now: read the page the full way
            self.reload()

    def on_quick_page_unavailable(self, _: QuickPageUnavailable) -> None:
        self._quick_done()
        if self.app.data is not None:
            self.reload()

    def on_first_page_loaded(self, message: FirstPageLoaded) -> None:
        if message.generation == self.generation:  # else a page of a view or filter already left
            self._show_first(message.rows, message.generation)

    def _show_first(self, rows: list[CaseloadRow], generation: int, *, remember: bool = True,
                    partial: bool = False) -> None:
        """Show ``rows`` instead of what is there; ``partial``: the first rows of a filter's answer, narrowed
        from a shorter text's page while SQL reads the whole of it; ``remember``: keep them for the filter."""
        table = self.table
        table.show(rows, reset=True)
        self._rest()
        self.shown_generation = generation
        if remember and not partial:
            self.filter_results[self.query_state.text.strip()] = rows
        self.loading = False
        self.exhausted = len(rows) < (SEARCH_FIRST if self.query_state.searching else PAGE_SIZE) and not partial
        self._status()
        box = self.query_one("#filter", Input)
        if not (box.display and self.app.focused is box):  # typing in the filter keeps the keyboard
            table.focus()

    def on_next_page_loaded(self, message: NextPageLoaded) -> None:
        if message.generation == self.generation:
            self.table.show(message.rows, reset=False)
            self.loading = False
            self.exhausted = len(message.rows) < PAGE_SIZE
            self._status()  # the count follows the rows read (it said the first page's "200+" for ever)

    def on_page_above_loaded(self, message: PageAboveLoaded) -> None:
        if message.generation == self.generation:
            self.loading = False
            if self.table.prepend(message.rows):  # the bottom of the window went: it is the next page again
                self.exhausted = False
            self._status()

    def on_window_reread(self, message: WindowReread) -> None:
        if message.generation != self.generation:
            return
        table = self.table
        added, removed, changed = table.replace(message.rows)
        if message.focus in table.references:
            table.move_cursor(row=table.references.index(message.focus))
        self.loading = False
        self.exhausted = len(message.rows) < message.limit
        self._status(f" · after the change: {changed} changed, {added} new, {removed} gone")

    def _status(self, note: str = "") -> None:
        """The view's count: every row read down to the window's last (those above it too), and how many of
        them are overdue; "+" while more are still to be read."""
        table, query = self.table, self.query_state
        view = data.VIEW_BY_ID[query.view]  # or the dashboard figure it shows (its label)
        more = "+" if not self.exhausted else ""
        late = table.overdue_above + overdue(table.rows)
        shown = table.first + table.row_count
        what = ("case" if query.history or query.searching else "deadline") + ("" if shown == 1 and not more else "s")
        text = query.text.strip()
        filtered = f" matching “{text}”" if text else ""
        order = "best first" if query.searching else {"history": "newest first", "compliments": "by team, newest "
                                                                                              "first"}.get(
            query.view, f"by {query.sort}")
        self.query_one("#status", Static).update(  # one line, always: no layout needed; typed text is no markup
            plain(f"{query.label or ('Search everything' if query.searching else f'{view.key} {view.name}')}: "
                  f"{shown}{more}"
                  f" {what}{filtered} · {late}{more if late else ''} "
                  f"overdue · {order}{note or LEGEND}"), layout=False)  # relaxed rows say so in the legend
        if query.view == "mine" and not shown and not text and self.app.data is not None:
            self._whose(self.app.data, query.user)  # a newcomer is told how to see their work

    # -- the table --------------------------------------------------------------------------------

    def _rest(self) -> None:
        """The cursor moved, or the rows under it changed: once it rests there ``AHEAD_AFTER`` s, its case is read
        ahead of Enter (``ComplaintsApp.read_ahead``); keys held down read nothing."""
        if self._resting is not None:
            self._resting.stop()
        self._resting = self.set_timer(AHEAD_AFTER, self._rested)

    def _rested(self) -> None:
        self._resting = None
        reference = self.table.current_reference
        if reference and self.app.screen is self.screen:
            self.app.read_ahead(reference)

    def on_caseload_table_highlighted(self, event: CaseloadTable.Highlighted) -> None:
        """Near the end of what is loaded: fetch the next page while the officer reads this one; near the
        top of a window that has left the first rows behind, the page above."""
        self._rest()
        store, table = self.app.data, self.table
        if self.loading or store is None:
            return
        query = copy(self.query_state)
        keyset = query.keyset()
        if table.first and event.cursor_row < PREFETCH:
            self.loading = True
            start = max(0, table.first - PAGE_SIZE)
            before = table.rows[0].key(query.view) if keyset else None
            self._read_above(store, query, before, 0 if keyset else start, table.first - start, self.generation)
            return
        if self.exhausted or not table.rows or event.cursor_row < table.row_count - PREFETCH:
            return
        self.loading = True
        after = table.rows[-1].key(query.view) if keyset else None
        self._read_next(store, query, after, 0 if keyset else table.first + table.row_count, self.generation)

    def on_caseload_table_top(self, _: CaseloadTable.Top) -> None:
        self._load_first_page()

    def on_caseload_table_header_selected(self, event: CaseloadTable.HeaderSelected) -> None:
        """A click on a column's header sorts by it, where the column has an order of its own."""
        sort = HEADER_SORTS.get(str(event.label))
        if sort is None or self.query_state.history:
            self.notify("Sort by Due, Received, Reference or Complainant", timeout=4)
            return
        self.query_state.sort = sort
        self.app.action_reload()

    def on_caseload_table_selected(self, _: CaseloadTable.Selected) -> None:
        self.app.action_open_case()

    # -- the filter -------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.query_state.text = event.value
            self._filter(event.value.strip())

    def _filter(self, text: str) -> None:
        """A filter keystroke: rows SQL gave for ``text`` earlier while typing (a backspace) show in the same
        frame; otherwise SQL searches everything (the full-text index: notes and documents too, which no row
        loaded holds, so nothing is narrowed in memory)."""
        known = self.filter_results.get(text)
        if known is None and self.searching is not None and self.app.data is not None:
            # One search read at a time: a key typed while one runs stops it, and the text as it is once it has
            # stopped is read. Each key's read beside the others' (8 at once for a surname typed) slowed the last,
            # the one awaited, by all of them; waiting for each to finish, by the one before it.
            self.generation += 1  # what is on its way answers older text: not shown
            self.search_waiting = True
            self.app.data.stop_search()
            return
        if known is None:
            read = self._load_first_page()
            if self.query_state.searching:
                self.searching = read
            return
        self.generation += 1
        self._show_first(known, self.generation)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.table.focus()

    def on_key(self, event: Key) -> None:
        box = self.query_one("#filter", SearchBox)
        if event.key == "escape" and self.app.focused is box:
            box.value = ""
            box.show(False)
            self.table.focus()
            event.stop()
        elif event.key == "down" and self.app.focused is box:  # on to the cases found, the search kept
            self.table.focus()
            event.stop()
        elif self.app.focused is self.table and self._opens_search(event.key):
            # Done here, as the key reaches the caseload, not as the app's binding once every key typed with it has
            # gone by: the keyboard is the search box's at once, so the keys typed straight after it are the
            # search's (before, "/n" typed fast opened the new representation form).
            self.show_filter()
            event.stop()
            event.prevent_default()
        elif self.app.focused is box and event.is_printable and event.character and event.control is not box:
            # Typed straight after "/", before the search box had the keyboard: queued for the table then, the
            # key is the search's (and never one of the caseload's keys: "/n" opened the new representation form);
            # "/" again is the box's own (``SearchBox``): nothing while it is empty, else its text selected.
            if self._opens_search(event.key):
                box.again()
            else:
                box.type_in(event.character)
            event.stop()
            event.prevent_default()

    def _opens_search(self, key: str) -> bool:
        """Whether ``key`` is the app's search key (``/`` unless the officer's settings moved it)."""
        return is_search_key(self.table, key)
