"""The TUI's one door to the store: every type and call the screens need from the database layer.

No other tui module imports ``store``. The caseload's reads and where the database lives load with the
app (the first page is read before anything else); the rest (SQLAlchemy, the services, the figures)
loads inside the calls, in workers, after the first paint. Calls here block: run them in thread workers.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import ComplaintsError
from domain.timescales import RuleError
from store.db.location import APP_NAME, resolve_url, sqlite_path
from store.views.caseload import (
    SORTS,
    VIEW_BY_ID,
    VIEWS,
    CaseloadQuery,
    CaseloadRow,
    caseload_page,
    count_cases,
    is_demo,
    warm_open_work,
)
from store.views.dashboard import BY_STAGE, FIGURE_BY_ID, PER_PERSON, Dashboard, behind

if TYPE_CHECKING:
    from domain.calendar import WorkingCalendar
    from domain.config import Config
    from domain.figures import Figures
    from domain.vocab import Role
    from domain.year import FinancialYear
    from store.db.database import Database, Stop
    from store.db.team_roles import Identity
    from store.lifecycle.service import CaseService
    from store.views.case import CaseDetail
    from store.views.council_lists import CouncilLists
    from store.views.documents import DocumentLine
    from store.views.figures import WriteWatch
    from store.views.notes import NoteLine
    from store.views.person import PersonDetail
    from store.views.saved import Saved
    from tui.actions import Action

__all__ = ["APP_NAME", "BY_STAGE", "FIGURE_BY_ID", "PAGE_SIZE", "PER_PERSON", "Dashboard", "behind",
           "SORTS", "VIEWS", "VIEW_BY_ID", "CaseDetail", "CaseService", "CaseloadQuery",
           "CaseloadRow", "CouncilLists", "Data", "DocumentLine", "EarlyPage", "NoteLine", "PersonDetail", "Refused",
           "caseload_page", "documents_folder", "failure_said", "load_config", "quick_page",
           "resolve_url"]

DEMO_CASES = 3000
KEPT_YEARS = 4  # figures kept: the year the screen opens on and the year before, and a step either way
PAGE_SIZE = 200  # the caseload's rows read at a time (tui.caseload_window)


def load_config() -> Config:
    """The officer's settings file, read by the store (reading a file is I/O, so not in the domain)."""
    from store.db.config_file import load_config as read

    return read()


class Refused(ComplaintsError):
    """The store or the domain's rules said no; the message is theirs, fit to show as it is."""


def quick_page(url: str, config: Config, today: date, query: CaseloadQuery, limit: int) -> list[CaseloadRow] | None:
    """A first page straight from the SQLite file, before the store is open (``store.views.digest.fast_page``)."""
    from store.views.digest import fast_page

    return fast_page(url, config, today, query, limit)


class EarlyPage:
    """The caseload's first page (``quick_page``), read in a thread of its own from the moment the command knows
    the database: the read overlaps Textual's import, and the rows are there for the app's first frame."""

    def __init__(self, url: str, config: Config, today: date, limit: int) -> None:
        self.url, self.config, self.today, self.limit = url, config, today, limit
        self.query = CaseloadQuery(user=config.user)  # what the caseload asks first
        self.rows: list[CaseloadRow] | None = None
        self.error: BaseException | None = None
        self._read = threading.Event()
        threading.Thread(target=self._run, name="early-page", daemon=True).start()

    def _run(self) -> None:
        try:
            self.rows = quick_page(self.url, self.config, self.today, self.query, self.limit)
        except BaseException as exc:  # noqa: BLE001 - handed to whoever takes the page, as the worker's would be
            self.error = exc
        finally:
            self._read.set()

    def answers(self, url: str, config: Config, today: date, query: CaseloadQuery, limit: int) -> bool:
        """Whether this is the page asked for (the same database, settings, day, query and length)."""
        return (url, today, limit) == (self.url, self.today, self.limit) and config is self.config \
            and query == self.query

    def ready(self) -> bool:
        """Read without an error: ``result`` will not wait."""
        return self._read.is_set() and self.error is None

    def result(self) -> list[CaseloadRow] | None:
        """The rows (None: not readable the quick way), once read; the read's error if it failed."""
        self._read.wait()
        if self.error is not None:
            raise self.error
        return self.rows


def documents_folder() -> Path:
    """Where a document is saved out unless the officer says otherwise (the user's data folder)."""
    from store.lifecycle.documents import documents_folder as folder

    return folder()


def failure_said(error: BaseException | None) -> str | None:
    """What an unexpected failure may say as it is: a refusal's or the store's own message, or the busy
    database's; None when only its kind may be said (a driver's message could quote personal data)."""
    from store.db.database import BUSY, StoreError, is_busy

    if isinstance(error, StoreError | RuleError | Refused):
        return str(error)
    if error is not None and is_busy(getattr(error, "orig", None) or error):
        return BUSY
    return None


class Data:
    """The open store, as the screens use it: one database, the council's config, today and its calendar."""

    def __init__(self, db: Database, config: Config, today: date, calendar: WorkingCalendar) -> None:
        self.db, self.config, self.today, self.calendar = db, config, today, calendar
        self.writes = 0  # this app's writes (``perform``), a part of the version the kept figures were read at
        self._watch: WriteWatch | None = None
        self._kept: dict[FinancialYear, tuple[tuple[int, int], Figures]] = {}  # year -> (version, figures)
        self._figuring = threading.Lock()  # one computation at a time: `y` during the warm-up waits for it
        self._watching = threading.Lock()  # the write watch, made once whichever thread asks first
        self._dashing = threading.Lock()  # one count of the dashboard at a time
        self._stopping = threading.Lock()  # guards ``_searching``: a search's read is stopped only while it runs
        self._searching: Stop | None = None  # stops the read of a search's first page, while it runs
        self._dashboard: tuple[tuple[int, int], Dashboard] | None = None  # (version, figures) kept

    @classmethod
    def open(cls, url: str, config: Config, today: date, calendar: WorkingCalendar, demo: bool = False) -> Data:
        """Open (and migrate) the database at ``url``; ``demo``: fill it with invented cases if it is empty."""
        from store.db.database import StoreError, open_database

        try:
            data = cls(open_database(url, config), config, today, calendar)
            if demo and data.count() == 0:
                from store.housekeeping.demo import generate

                generate(data.db, config, cases=DEMO_CASES, seed=1, today=today)
        except StoreError as exc:
            raise Refused(str(exc)) from exc
        return data

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
        self.db.close()

    @property
    def identity(self) -> Identity | None:
        """Who a team server says the user is, and their role; None on a file database."""
        return self.db.identity

    def role(self) -> Role:
        return self.db.role(self.config)

    def where(self) -> str:
        """The database's file, or its server described without a password."""
        return str(sqlite_path(self.db.url) or self.db.describe())

    def export_folder(self) -> Path:
        """Where exported files go: beside the database file, else the home folder."""
        path = sqlite_path(self.db.url)
        return path.parent if path is not None else Path.home()

    def count(self) -> int:
        with self.db.dbapi() as connection:
            return count_cases(connection)

    def is_demo(self) -> bool:
        """Whether this database is the demo's invented cases (the demo builder marks it), however it was opened."""
        with self.db.dbapi() as connection:
            return is_demo(connection, self.db.placeholder)

    def warm(self) -> CaseDetail | None:
        """Read what the first keystrokes would otherwise wait for: the pages of open work a filter reads, and
        one case the full way (the first case an officer opens would pay SQLAlchemy's first read: 150-200 ms),
        returned: the case screen is built on it before the officer opens one."""
        from store.views.case import warm_case_reads

        with self.db.dbapi() as connection:
            warm_open_work(connection)
        return warm_case_reads(self.db, self.today, self.calendar, self.config.rules)

    def page(self, query: CaseloadQuery, *, limit: int, after: tuple[date, int] | None = None,
             before: tuple[date, int] | None = None, offset: int = 0, inclusive: bool = False) -> list[CaseloadRow]:
        """Rows of ``query``: after (or before) a row's key, or at ``offset``; ``inclusive``: from that row."""
        with self.db.dbapi() as connection:
            return caseload_page(connection, self.today, self.calendar, self.config.rules, query=query,
                                 after=after, before=before, inclusive=inclusive, offset=offset, limit=limit,
                                 placeholder=self.db.placeholder)

    def search_page(self, query: CaseloadQuery, *, limit: int) -> list[CaseloadRow] | None:
        """A search's first page; None when ``stop_search`` stopped it, newer text having been typed. Each key typed
        waited for the read of the text before it (a team at 1,000,000 cases: 30-50 ms a read)."""
        from store.db.database import is_interrupted, stoppable

        with self.db.dbapi() as connection, stoppable(connection) as stop:
            with self._stopping:
                self._searching = stop
            try:
                return caseload_page(connection, self.today, self.calendar, self.config.rules, query=query,
                                     limit=limit, placeholder=self.db.placeholder)
            except Exception as exc:
                if is_interrupted(exc):
                    return None
                raise
            finally:
                with self._stopping:
                    self._searching = None

    def stop_search(self) -> None:
        """Stop the search's read under way, if any (``search_page`` then gives None); from any thread."""
        with self._stopping:
            if self._searching is not None:
                self._searching.request()

    def version(self) -> tuple[int, int] | None:
        """The database's version (this app's writes, SQLite's data version): what is kept (figures, a case read
        ahead) is current while it is unchanged. None: no cheap version (PostgreSQL), nothing is kept."""
        from store.views.figures import WriteWatch

        with self._watching:
            if self._watch is None:
                self._watch = WriteWatch(self.db.path)
            seen = self._watch.version()
        return None if seen is None else (self.writes, seen)

    def dashboard(self) -> Dashboard:
        """The team dashboard's figures (``store.views.dashboard``), counted by SQL: kept ones while the database
        is unchanged since they were counted (the version is read first: a write meanwhile makes them old).

        Measured (29 Nov 2026, 1,000,000-case demo, 2 shared cores under load): the count takes 0.13-0.37 s;
        `b` through a real terminal took median 0.59 s, p95 0.76 s when counted on the key."""
        from store.views.dashboard import dashboard

        with self._dashing:
            version = self.version()
            if version is not None and self._dashboard is not None and self._dashboard[0] == version:
                return self._dashboard[1]
            with self.db.dbapi() as connection:
                figures = dashboard(connection, self.today, self.calendar, placeholder=self.db.placeholder)
            if version is not None:
                self._dashboard = (version, figures)
            return figures

    def kept_dashboard(self) -> Dashboard | None:
        """The figures ``dashboard`` would return if kept and current, else None; never waits (UI thread)."""
        if self._dashboard is None or not self._dashing.acquire(blocking=False):
            return None
        try:
            version = self.version()
            return self._dashboard[1] if version is not None and self._dashboard[0] == version else None
        finally:
            self._dashing.release()

    def saved_views(self) -> list[Saved]:
        """This user's own views of the caseload (``store.views.saved``)."""
        from store.views.saved import saved_views

        return saved_views(self.db, self.config.user)

    def change_views(self, change: str, slot: int = 0, query: CaseloadQuery | None = None, name: str = "") -> str:
        """Save ``query`` as a view (``change`` save), or rename or delete the one on ``slot``: what was done."""
        from store.views import saved

        try:
            if change == "save" and query is not None:
                made = saved.save_view(self.db, self.config.user, query.view, query.text, query.sort)
                return f"Saved as view {made.slot} (shift+{made.slot}): {made.name}"
            if change == "rename":
                saved.rename_view(self.db, self.config.user, slot, name)
                return f"Saved view {slot} renamed {name.strip()}"
            saved.delete_view(self.db, self.config.user, slot)
            return f"Saved view {slot} deleted"
        except ComplaintsError as exc:
            raise Refused(str(exc)) from exc

    def case(self, reference: str) -> CaseDetail:
        from store.views.case import case_detail

        try:
            return case_detail(self.db, reference, self.today, self.calendar, self.config.rules)
        except RuleError as exc:
            raise Refused(str(exc)) from exc

    def case_ahead(self, reference: str) -> tuple[CaseDetail, tuple[int, int]] | None:
        """The case read ahead of Enter, with the database's version taken before it was read (so the case is at
        least that new); None where there is no cheap version (PostgreSQL): there a case is read on Enter."""
        version = self.version()
        return None if version is None else (self.case(reference), version)

    def person(self, reference: str) -> PersonDetail:
        from store.views.person import person_of_case

        try:
            return person_of_case(self.db, reference)
        except RuleError as exc:
            raise Refused(str(exc)) from exc

    def persistent_warning(self, name: str | None, external_id: str | None = None) -> str | None:
        """The warning for logging a case for this complainant (by id) or this name, if they are under the
        persistent-complaints procedure; else None."""
        from sqlmodel import select

        from store.db.models import Person
        from store.lifecycle.followup import persistent_warning

        if not (name or "").strip() and not (external_id or "").strip():
            return None
        with self.db.read() as session:
            person = session.exec(select(Person).where(Person.external_id == external_id.strip())).first() \
                if external_id and external_id.strip() else None
            return persistent_warning(session, name, person)

    def perform(self, action: Action, reference: str | None, values: dict[str, Any], version: int | None) -> str:
        """Run ``action`` against the case at ``version``; a conflict names who changed it, a busy database says
        so (both as ``Refused``)."""
        from store.db.database import StoreError
        from store.lifecycle.service import CaseService

        service = CaseService(self.db, self.config, today=self.today, calendar=self.calendar)
        try:
            return action.run(service, reference, values, version)
        except (RuleError, StoreError) as exc:
            raise Refused(str(exc)) from exc
        finally:
            self.writes += 1  # kept figures are not shown again, whatever the data version says

    def prepare(self, action: Action, values: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any], str]:
        """What ``action`` reads to fill in the form it opens (``Action.reads``); a refusal as ``Refused``."""
        from store.db.database import StoreError
        from store.lifecycle.service import CaseService

        assert action.reads is not None
        service = CaseService(self.db, self.config, today=self.today, calendar=self.calendar)
        try:
            return action.reads(service, values)
        except (RuleError, StoreError) as exc:
            raise Refused(str(exc)) from exc

    def preview(self, action: Action, reference: str | None) -> str:
        """What saving ``action`` would do (``Action.preview``); a refusal as ``Refused``."""
        from store.lifecycle.service import CaseService

        if action.preview is None:
            return ""
        try:
            return action.preview(CaseService(self.db, self.config, today=self.today, calendar=self.calendar),
                                  reference)
        except RuleError as exc:
            raise Refused(str(exc)) from exc

    def fitting(self, action: Action, reference: str | None) -> tuple[str, ...]:
        """The choices that fit the case as it is (``Action.fitting``); a refusal as ``Refused``."""
        from store.lifecycle.service import CaseService

        if action.fitting is None:
            return ()
        try:
            return action.fitting[1](CaseService(self.db, self.config, today=self.today, calendar=self.calendar),
                                     reference)
        except RuleError as exc:
            raise Refused(str(exc)) from exc

    def code_report(self, year: FinancialYear) -> str:
        """The Complaint Handling Code's annual report of ``year`` as text (``complaints summary --code``)."""
        from domain.code_report import compute
        from reports.code_report import render_text
        from store.views.code_report import code_facts

        return render_text(year, compute(code_facts(self.db, self.config, year), self.calendar, self.config.rules))

    def figures(self, year: FinancialYear) -> tuple[Figures, Figures]:
        """The year's figures, and the year before's (to the same months while ``year`` is in progress): kept
        ones while the database is unchanged since they were read, else read again.

        Measured (29 Nov 2026, 2 shared cores, load 3-7): the pair costs 0.74-1.3 s at 100,000 cases (each year:
        SQL + facts 0.3-0.4 s, tables 0.1-0.2 s) and 14-16 s at 1,000,000; `y` through a real terminal
        (bench/term_bench.py year, 20 tries) took median 1.8-2.3 s, p95 2.5-3.2 s at 100,000 when read on the
        key, median 0.20-0.27 s, p95 0.30-0.47 s once ``warm_figures`` has kept them (at 1,000,000: 19 s before,
        median 0.36 s after). Never stale: the version is read before the figures, so a write while they are read
        makes them old at once; PostgreSQL has no cheap version, and its figures are read each time.
        """
        with self._figuring:
            from store.views.figures import FiguresSource

            version = self.version()
            pair: list[Figures] = []
            with contextlib.ExitStack() as stack:
                source = None
                for y in (year, year.previous):
                    kept = self._kept.get(y)
                    if version is not None and kept is not None and kept[0] == version:
                        pair.append(kept[1])
                        continue
                    if source is None:
                        connection = stack.enter_context(self.db.dbapi())
                        source = FiguresSource(connection, self.config, self.db.placeholder)
                    pair.append(source.figures(y, as_of=self.today))
                    if version is not None:
                        self._kept.pop(y, None)
                        self._kept[y] = (version, pair[-1])
            while len(self._kept) > KEPT_YEARS:  # the oldest kept first
                del self._kept[next(iter(self._kept))]
            return pair[0], pair[1]

    def kept_figures(self, year: FinancialYear) -> tuple[Figures, Figures] | None:
        """The pair ``figures`` would return, if it is kept and current; else None. The one call here that may
        run on the UI thread: it never waits (None while figures are being read) and costs microseconds, so the
        year-end screen's first frame can hold its figures (a worker's round trip and a second layout less)."""
        if not self._figuring.acquire(blocking=False):
            return None
        try:
            seen = None if self._watch is None else self._watch.version()
            version = None if seen is None else (self.writes, seen)
            found = [self._kept.get(y) for y in (year, year.previous)]
            if version is None or not all(f is not None and f[0] == version for f in found):
                return None
            return found[0][1], found[1][1]  # type: ignore[index]
        finally:
            self._figuring.release()

    def warm_figures(self, year: FinancialYear) -> None:
        """Read (and keep) the figures the year-end screen opens on, so that `y` finds them ready."""
        self.figures(year)

    def officer_of(self, login: str) -> str | None:
        """The officer a login is linked to ("My cases"), or None."""
        from store.views.council_lists import officer_of

        with self.db.dbapi() as connection:
            return officer_of(connection, login, self.db.placeholder)

    def choices(self, pick: str, reference: str | None, typed: str = "") -> list[str]:
        """A form's entries for a field that picks from the store (``tui.action_kit.FROM_STORE``), a few (a LIMIT):
        other cases that ``typed`` may mean, or the case's open learning actions, linked cases or notes; each as
        "value · what it is"."""
        from store.views.choices import linked, notes, open_actions, other_cases
        from tui.action_kit import SAID

        with self.db.dbapi() as connection:
            if pick == "case":
                found = other_cases(connection, reference or "", typed, placeholder=self.db.placeholder)
            else:
                read = {"linked_case": linked, "note": notes}.get(pick, open_actions)
                found = read(connection, reference or "", placeholder=self.db.placeholder)
        return [f"{choice.value}{SAID}{choice.said}" for choice in found]

    def lists(self) -> CouncilLists:
        from store.views.council_lists import council_lists

        with self.db.dbapi() as connection:
            return council_lists(connection)

    def picker_lists(self) -> dict[str, tuple[list[str], list[str]]]:
        """Each council list a form's field picks from (``tui.actions.LISTS``): every name (a retired one is
        still a name the store knows, and says so), and the active ones, offered for new work."""
        lists = self.lists()
        areas = [area for area, _ in lists.areas if area[0] != "(no service area)"]
        pairs: dict[str, list[tuple[str, bool]]] = {
            "theme": [(n, a) for n, a, _ in lists.themes], "service_area": areas,
            "team": [team for _, teams in lists.areas for team in teams],
            "officer": [(n, a) for n, a, _ in lists.officers],
            "independent_person": [(n, a) for n, a, _, _ in lists.independent]}
        for rows in pairs.values():
            rows.sort(key=lambda row: row[0].casefold())
        return {kind: ([n for n, _ in rows], [n for n, active in rows if active]) for kind, rows in pairs.items()}

    def live_issues(self, reference: str) -> list[str]:
        """The issues of the case's live stage (its statement of complaint), in order; none without one."""
        detail = self.case(reference)
        live = [s for s in detail.stages if s.responded is None and s.declined is None]
        return [issue for issue, _ in live[-1].findings if issue] if live else []
