"""Messages workers post to the app; handlers on the UI thread own all widget state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the database layer loads in workers, after the first paint
    from store.db.database import Database
    from store.views.case import CaseDetail
    from store.views.caseload import CaseloadRow
    from store.views.person import PersonDetail


class DatabaseOpened(Message):
    def __init__(self, db: Database, cases: int, demo: bool) -> None:
        super().__init__()
        self.db, self.cases, self.demo = db, cases, demo


class DatabaseFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class PageLoaded(Message):
    """A page of the caseload; ``fast``: read straight from the file while the store was opening
    (``rows`` is None when the file could not be read that way); ``in_place``: every row loaded so far,
    read again after an edit, to replace what is shown by difference, the cursor going to ``focus`` if shown;
    ``above``: the page just above the rows shown; ``limit``: how many rows were asked for; ``partial``: the
    first rows of a filter's answer, narrowed from a shorter text's page while SQL reads the whole of it."""

    def __init__(self, rows: list[CaseloadRow] | None, reset: bool, generation: int = 0, fast: bool = False,
                 in_place: bool = False, focus: str | None = None, above: bool = False, limit: int = 0,
                 partial: bool = False) -> None:
        super().__init__()
        self.rows, self.reset, self.generation, self.fast = rows, reset, generation, fast
        self.in_place, self.focus, self.above, self.limit, self.partial = in_place, focus, above, limit, partial


class CaseLoaded(Message):
    def __init__(self, detail: CaseDetail, refresh: bool) -> None:
        super().__init__()
        self.detail, self.refresh = detail, refresh


class PersonLoaded(Message):
    def __init__(self, person: PersonDetail) -> None:
        super().__init__()
        self.person = person


class ActionFinished(Message):
    """A transition ran: ``error`` is the store's refusal (None when it was done); ``created``: it logged
    the case ``reference``."""

    def __init__(self, reference: str | None, message: str, error: str | None = None, created: bool = False) -> None:
        super().__init__()
        self.reference, self.message, self.error, self.created = reference, message, error, created


class FiguresLoaded(Message):
    def __init__(self, now: object, before: object) -> None:
        super().__init__()
        self.now, self.before = now, before


class ListsLoaded(Message):
    def __init__(self, lists: object) -> None:
        super().__init__()
        self.lists = lists
