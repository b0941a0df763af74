"""Messages workers post to the app; handlers on the UI thread own all widget state."""

from __future__ import annotations

from textual.message import Message

from store.caseload import CaseloadRow
from store.database import Database


class DatabaseOpened(Message):
    def __init__(self, db: Database, cases: int, demo: bool) -> None:
        super().__init__()
        self.db, self.cases, self.demo = db, cases, demo


class DatabaseFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class PageLoaded(Message):
    def __init__(self, rows: list[CaseloadRow], reset: bool) -> None:
        super().__init__()
        self.rows, self.reset = rows, reset
