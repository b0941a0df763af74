"""Writing many rows fast: the driver's own ``executemany`` with explicit ids, in batches.

SQLAlchemy's per-row parameter processing costs a third of a bulk load, so the demo and the
register import hand rows straight to the DB-API cursor of their SQLAlchemy connection (same
transaction). Dates, timestamps and money are adapted exactly as SQLAlchemy's types store them.
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Callable
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


def _sqlite_adapters() -> None:
    """Store dates, timestamps and money in SQLite exactly as SQLAlchemy's SQLite types do.

    Python 3.12 deprecates sqlite3's default date adapters and asks for explicit ones; these
    match SQLAlchemy's storage formats, so rows written here read back like any other.
    """
    sqlite3.register_adapter(date, date.isoformat)
    sqlite3.register_adapter(datetime, lambda d: d.isoformat(" ", "microseconds"))
    sqlite3.register_adapter(Decimal, float)


class BulkWriter:
    """Buffers rows per table and writes them in batches on the driver's own cursor."""

    ORDER = (Officer, ServiceArea, Team, Theme, IndependentPerson, Person, Case, CaseTheme, Stage,
             ComplaintIssue, Assignment, OmbudsmanEnquiry, LearningAction, Event)

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
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
        self.now = datetime.now(UTC).replace(tzinfo=None)

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
        if self.pending >= BATCH:
            self.flush()

    def flush(self) -> None:
        for name, rows in self.rows.items():  # parents before children, so foreign keys hold
            if rows:
                self.cursor.executemany(self.sql[name], map(self.values[name], rows))
                rows.clear()
        self.pending = 0


