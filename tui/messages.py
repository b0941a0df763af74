"""Messages workers post, one for each situation; handlers on the UI thread own all widget state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the database layer loads in workers, after the first paint
    from datetime import date

    from domain.figures import Figures
    from tui.data import CaseDetail, CaseloadRow, CouncilLists, Dashboard, Data, PersonDetail


class DatabaseOpened(Message):
    """The store is open. ``demo``: the demo was chosen from the first run's offer (the page on screen was the
    empty database's); ``invented``: the database is the demo's invented cases, however it was opened (its title)."""

    def __init__(self, data: Data, cases: int, demo: bool, invented: bool = False) -> None:
        super().__init__()
        self.data, self.cases, self.demo, self.invented = data, cases, demo, invented


class DatabaseFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class LoadFailed(Message):
    """A read was refused (no such case, say): ``error`` is the store's message."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


# -- the caseload's pages -----------------------------------------------------------------------


class Page(Message):
    """Rows of the caseload, read for what was asked as ``generation``."""

    def __init__(self, rows: list[CaseloadRow], generation: int) -> None:
        super().__init__()
        self.rows, self.generation = rows, generation


class QuickPageRead(Page):
    """The first page, straight from the file while the store opens."""


class QuickPageUnavailable(Message):
    """The file could not be read the quick way: the store, once open, reads the first page."""


class FirstPageLoaded(Page):
    """The first page of a view, filter or sort: it replaces what is shown."""


class NextPageLoaded(Page):
    """The page after the rows shown."""


class PageAboveLoaded(Page):
    """The page just above the rows shown (the window has left the first rows behind)."""


class WindowReread(Page):
    """Every row shown, read again after an edit: the table changes by difference; ``limit``: how many rows
    were asked for; the cursor goes to ``focus`` (a case just logged) if the view shows it."""

    def __init__(self, rows: list[CaseloadRow], generation: int, limit: int, focus: str | None) -> None:
        super().__init__(rows, generation)
        self.limit, self.focus = limit, focus


# -- cases, people, actions ---------------------------------------------------------------------


class CaseOpened(Message):
    def __init__(self, detail: CaseDetail) -> None:
        super().__init__()
        self.detail = detail


class CaseReadAhead(Message):
    """The case under the resting cursor, read before Enter asks for it, with the database's version as it was
    read (``Data.case_ahead``)."""

    def __init__(self, detail: CaseDetail, version: tuple[int, int]) -> None:
        super().__init__()
        self.detail, self.version = detail, version


class CaseWarmed(Message):
    """A case read while the app warms up: the case screen is built on it, not shown."""

    def __init__(self, detail: CaseDetail) -> None:
        super().__init__()
        self.detail = detail


class FormFilled(Message):
    """The case an edit's form opens on, read: the form shows its fields as they are (``Action.prefill``)."""

    def __init__(self, action_id: str, detail: CaseDetail) -> None:
        super().__init__()
        self.action_id, self.detail = action_id, detail


class MineExplained(Message):
    """Whose work "My cases" shows: the officer the user's ``login`` is linked to, or None (a newcomer)."""

    def __init__(self, login: str, officer: str | None) -> None:
        super().__init__()
        self.login, self.officer = login, officer


class CaseRefreshed(Message):
    """The case on a case screen, read again."""

    def __init__(self, detail: CaseDetail) -> None:
        super().__init__()
        self.detail = detail


class PersonLoaded(Message):
    def __init__(self, person: PersonDetail) -> None:
        super().__init__()
        self.person = person


class ActionDone(Message):
    """A transition was saved: ``message`` says what it did; ``created``: it logged the case ``reference``;
    ``removed``: the case ``reference`` is no more (merged into another)."""

    def __init__(self, reference: str | None, message: str, created: bool = False, removed: bool = False) -> None:
        super().__init__()
        self.reference, self.message, self.created, self.removed = reference, message, created, removed


class ActionRefused(Message):
    """The store refused a transition on ``reference``: ``error`` says why (a conflict names who changed it)."""

    def __init__(self, reference: str | None, error: str) -> None:
        super().__init__()
        self.reference, self.error = reference, error


class ActionRan(Message, bubble=False):
    """Told to the screen under the form: an action on ``reference`` was ``saved`` (or refused): show what changed."""

    def __init__(self, reference: str | None, saved: bool) -> None:
        super().__init__()
        self.reference, self.saved = reference, saved


# -- the year-end figures and the council's lists -------------------------------------------------


class DashboardLoaded(Message):
    def __init__(self, figures: Dashboard) -> None:
        super().__init__()
        self.figures = figures


class FiguresLoaded(Message):
    def __init__(self, now: Figures, before: Figures) -> None:
        super().__init__()
        self.now, self.before = now, before


class CodeReportLoaded(Message):
    """The Complaint Handling Code's annual report of a year, as text (``h`` on the year-end screen)."""

    def __init__(self, year_label: str, text: str) -> None:
        super().__init__()
        self.year_label, self.text = year_label, text


class FiguresExported(Message):
    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class ExportFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class ListsLoaded(Message):
    def __init__(self, lists: CouncilLists) -> None:
        super().__init__()
        self.lists = lists


class FormChecked(Message):
    """The form of ``action_id`` may open on ``reference`` (``said`` is None), or has nothing to choose there and
    ``said`` says why (``Action.empty``); ``due`` and ``version``: as they were when its key was pressed."""

    def __init__(self, action_id: str, reference: str | None, said: str | None, due: date | None,
                 version: int | None) -> None:
        super().__init__()
        self.action_id, self.reference, self.said, self.due, self.version = action_id, reference, said, due, version


class FormPrepared(Message):
    """A form's values read (an email, say): the form of ``action`` opens filled in with ``initial``, carrying
    ``extra`` to its save, and ``warning`` (what to check in it) shown on it."""

    def __init__(self, action: str, initial: dict[str, str], extra: dict[str, object], warning: str = "") -> None:
        super().__init__()
        self.action, self.initial, self.extra, self.warning = action, initial, extra, warning
