"""The complaints app: opens the database in a worker and shows the caseload.

``create_app`` is the one factory the CLI and the tests use. Database work runs only in thread
workers, which post messages; the handlers here own the widgets.
"""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from domain.config import Config, load_config
from store.caseload import caseload_page, count_cases
from store.database import Database, StoreError, open_database
from store.location import APP_NAME, sqlite_path
from tui.caseload import CaseloadTable
from tui.demo_offer import DemoOffer
from tui.messages import DatabaseFailed, DatabaseOpened, PageLoaded

PAGE_SIZE = 200
DEMO_CASES = 3000


def demo_database_path() -> str:
    from platformdirs import user_data_path

    return str(user_data_path(APP_NAME) / "demo.db")


class ComplaintsApp(App[None]):
    TITLE = "complaints"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave complaints"),
        Binding("r", "reload", "Refresh", id="reload", tooltip="Read the caseload again from the database"),
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
        self.next_key: tuple[date, int] | None = None
        if config.keys:
            self.set_keymap(config.keys)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the database…", id="status")
        yield CaseloadTable(id="caseload")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"as of {self.today:%a %d %b %Y}"
        self.open_database(self.url)

    # -- workers (no widgets touched here) ------------------------------------------------------

    @work(thread=True, exclusive=True, group="db")
    def open_database(self, url: str, demo: bool = False) -> None:
        try:
            db = open_database(url, self.config)
            if demo and count_cases(db) == 0:
                from store.demo import generate

                generate(db, self.config, cases=DEMO_CASES, seed=1, today=self.today)
            self.post_message(DatabaseOpened(db, count_cases(db), demo))
        except StoreError as exc:
            self.post_message(DatabaseFailed(str(exc)))

    @work(thread=True, exclusive=True, group="page")
    def load_page(self, after: tuple[date, int] | None) -> None:
        assert self.db is not None
        rows = caseload_page(self.db, self.today, self.calendar, self.config.rules, after=after, limit=PAGE_SIZE)
        self.post_message(PageLoaded(rows, reset=after is None))

    # -- handlers (the UI thread) ---------------------------------------------------------------

    def on_database_opened(self, message: DatabaseOpened) -> None:
        self.db = message.db
        where = sqlite_path(message.db.url) or message.db.describe()
        self.title = "complaints — DEMO" if message.demo else "complaints"
        self.query_one("#status", Static).update(f"{message.cases:,} cases in {where}")
        if message.cases == 0 and self.offer_demo:
            self.offer_demo = False
            self.push_screen(DemoOffer(str(where), self.demo_path), self.demo_chosen)
            return
        self.action_reload()

    def demo_chosen(self, demo: bool | None) -> None:
        if demo:
            self.query_one("#status", Static).update("Making the demo database (a few seconds)…")
            if self.db is not None:
                self.db.close()
            from store.location import resolve_url

            self.open_database(resolve_url(self.demo_path), demo=True)
        else:
            self.action_reload()

    def on_database_failed(self, message: DatabaseFailed) -> None:
        self.query_one("#status", Static).update(f"[b red]Cannot open the database:[/] {message.error}")

    def on_page_loaded(self, message: PageLoaded) -> None:
        table = self.query_one(CaseloadTable)
        table.show(message.rows, reset=message.reset)
        self.loading_more = False
        self.exhausted = len(message.rows) < PAGE_SIZE
        if message.rows:
            self.next_key = message.rows[-1].key
        if message.reset:
            overdue = sum(1 for r in message.rows if r.state.value == "overdue")
            status = self.query_one("#status", Static)
            more = "+" if not self.exhausted else ""
            status.update(f"{table.row_count}{more} open stages · {overdue}{more if overdue else ''} overdue "
                          "· ‼ overdue  ! due ≤2 working days  ‖ paused  ~ relaxed · P persistent  C child  A advocate")
            table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = self.query_one(CaseloadTable)
        if self.exhausted or self.loading_more or event.cursor_row < table.row_count - 50:
            return
        self.loading_more = True
        self.load_page(self.next_key)

    def action_reload(self) -> None:
        if self.db is not None:
            self.exhausted, self.next_key = False, None
            self.load_page(None)

    def on_unmount(self) -> None:
        if self.db is not None:
            self.db.close()


def create_app(url: str, *, config: Config | None = None, today: date | None = None, offer_demo: bool = False,
               demo_path: str | None = None) -> ComplaintsApp:
    """The one factory: the CLI runs what it returns, tests drive it with ``run_test()``."""
    return ComplaintsApp(url, config=config or load_config(), today=today or date.today(),
                         offer_demo=offer_demo, demo_path=demo_path)
