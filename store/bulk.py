"""Writing many rows fast: the driver's own ``executemany`` with explicit ids, in batches.

SQLAlchemy's per-row parameter processing costs a third of a bulk load, so the demo and the
register import hand rows straight to the DB-API cursor of their SQLAlchemy connection (same
transaction). Dates, timestamps and money are adapted exactly as SQLAlchemy's types store them.
"""

from __future__ import annotations

import gc
import operator
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from store.models import (
    Assignment,
    Case,
    CaseTheme,
    ComplaintIssue,
    Event,
    IndependentPerson,
    LearningAction,
    Officer,
    OmbudsmanEnquiry,
    Person,
    ServiceArea,
    Stage,
    Team,
    Theme,
)

BATCH = 20_000


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a bulk job builds hundreds of thousands of small objects.

    None of them form cycles, but each batch of new containers sets off a collection that walks all
    of them again: with the collector running, reading a 100,000-row register took twice as long.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _sqlite_adapters() -> None:
    """Store dates, timestamps and money in SQLite exactly as SQLAlchemy's SQLite types do.

    Python 3.12 deprecates sqlite3's default date adapters and asks for explicit ones; these
    match SQLAlchemy's storage formats, so rows written here read back like any other.
    """
    sqlite3.register_adapter(date, _IsoDays().__getitem__)
    sqlite3.register_adapter(datetime, _sqlite_timestamp)
    sqlite3.register_adapter(Decimal, float)
    # sqlite3 binds int, float and str directly; anything else without an adapter costs a search for
    # ``__adapt__``/``__conform__`` that fails slowly. A NULL cost eight times an integer, and most
    # register cells are empty; so None and bool get adapters, built-ins that run without a Python
    # frame (``{}.get`` gives None for anything).
    nothing: dict[None, None] = {}
    sqlite3.register_adapter(type(None), nothing.get)
    sqlite3.register_adapter(bool, int)


class _IsoDays(dict[date, str]):
    """Each day's ISO text, made once: a bulk load binds the same few thousand days hundreds of
    thousands of times, and a dictionary hit costs a third of formatting the date again."""

    def __missing__(self, day: date) -> str:
        if len(self) > 100_000:
            self.clear()
        text = self[day] = day.isoformat()
        return text


def _sqlite_timestamp(moment: datetime) -> str:
    return moment.isoformat(" ", "microseconds")


class BulkWriter:
    """Buffers rows per table and writes them in batches on the driver's own cursor."""

    ORDER = (Officer, ServiceArea, Team, Theme, IndependentPerson, Person, Case, CaseTheme, Stage,
             ComplaintIssue, Assignment, OmbudsmanEnquiry, LearningAction, Event)

    def __init__(self, conn: sa.Connection, *, sink: Callable[[str, list[tuple[Any, ...]]], None] | None = None,
                 batch: int = BATCH) -> None:
        """Rows go to ``conn`` in batches of ``batch``; or, given a ``sink``, each batch goes there as
        (INSERT statement, value tuples) for another connection to execute."""
        self.conn = conn
        self.batch = batch
        self.cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        mark = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
        self.sql: dict[str, str] = {}
        self.blank: dict[str, dict[str, None]] = {}
        self.names: dict[type[Any], str] = {}
        self.values: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {}
        for model in self.ORDER:
            table: sa.Table = model.__table__  # type: ignore[union-attr]
            self.names[model] = table.name
            cols = [c.name for c in table.columns]
            self.blank[table.name] = dict.fromkeys(cols)
            self.sql[table.name] = (f'INSERT INTO "{table.name}" ({", ".join(cols)}) '
                                    f'VALUES ({", ".join([mark] * len(cols))})')
            self.values[table.name] = operator.itemgetter(*cols)  # positional binding: named is slower
        if conn.dialect.name == "sqlite":
            _sqlite_adapters()
            self.cursor.execute("PRAGMA cache_size = -262144")  # 256 MB: index pages stay in memory
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in self.sql}
        self.ids: dict[str, int] = {}
        self.pending = 0
        now = datetime.now(UTC).replace(tzinfo=None)
        self.now: datetime | str = _sqlite_timestamp(now) if conn.dialect.name == "sqlite" else now  # once
        self.sink = sink or self._execute

    def continue_ids(self) -> None:
        """Number new rows after those already stored (a register import into a database in use)."""
        for name in self.sql:
            if name in ("case_theme",):
                continue
            self.cursor.execute(f'SELECT max(id) FROM "{name}"')
            self.ids[name] = self.cursor.fetchone()[0] or 0

    def finish(self) -> None:
        """Write what is buffered; on PostgreSQL, move each id sequence past the explicit ids."""
        self.flush()
        if self.conn.dialect.name == "postgresql":
            for name in self.sql:
                if name != "case_theme" and self.ids.get(name):
                    self.cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                                        f'(SELECT max(id) FROM "{name}"))')

    def add_event(self, case_id: int, who: str, action: str, detail: str | None = None, old: str | None = None,
                  new: str | None = None, reason: str | None = None) -> None:
        self.add(Event, {"id": self.next_id("event"), "case_id": case_id, "at": self.now, "who": who,
                         "action": action, "detail": detail, "old": old, "new": new, "reason": reason})

    def next_id(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    def add(self, model: type[Any], row: dict[str, Any]) -> None:
        name = self.names[model]
        self.rows[name].append(self.blank[name] | row)
        self.pending += 1

    def flush_if_full(self) -> None:
        """Called between cases, so that a batch never holds a child without its parent."""
        if self.pending >= self.batch:
            self.flush()

    def flush(self) -> None:
        for name, rows in self.rows.items():  # parents before children, so foreign keys hold
            if rows:
                self.sink(self.sql[name], list(map(self.values[name], rows)))
                rows.clear()
        self.pending = 0

    def _execute(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self.cursor.executemany(sql, rows)


