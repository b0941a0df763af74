"""Writing many rows fast: the driver's own ``executemany`` with explicit ids, in batches.

The ids are taken as other sessions take theirs (``BulkWriter.counter``): from the tables' sequences
on PostgreSQL, after the largest stored inside SQLite's locked write transaction.

SQLAlchemy's per-row parameter processing costs a third of a bulk load, so the demo and the
register import hand rows straight to the DB-API cursor of their SQLAlchemy connection (same
transaction). Dates, timestamps and money are adapted exactly as SQLAlchemy's types store them.
"""

from __future__ import annotations

import itertools
import operator
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from store.db import search_index
from store.db.models import (
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

    Python 3.12 deprecates sqlite3's default date adapters and asks for explicit ones, and money has none;
    these match SQLAlchemy's storage formats, so rows written here read back like any other. sqlite3 keeps
    adapters for the whole process: SQLAlchemy's own types hand it text, so they never meet these.
    """
    sqlite3.register_adapter(date, date.isoformat)
    sqlite3.register_adapter(datetime, _sqlite_timestamp)
    sqlite3.register_adapter(Decimal, float)


def _sqlite_timestamp(moment: datetime) -> str:
    return moment.isoformat(" ", "microseconds")


class IndexesSetAside:
    """A bulk load (an import, a copy, demo data): the upkeep of what is built from the tables it fills set aside
    while it writes and done once after it, in the same transaction. On PostgreSQL, the search index's triggers
    into a database with no cases (``search_index.TriggersAside``); on SQLite, as follows.

    The search index's triggers, always: the cases, notes and documents above the largest ids stored before are
    indexed in one statement each at the end (``search_index.index_after``). Row by row (a segment of the index
    per row, a case indexed again for each theme), 100,000 new cases into a database of 100,000 took CPU 35.6 s,
    now 12.3 s (a first import's 11.4 s); 10,000 into 1,000,000 cases 39.5 -> 10.3 s wall, CPU 9.2 -> 2.4 s.
    The plain indexes of the tables it fills, only when the database holds no cases yet: building an index once
    over all the rows costs a fraction of keeping it up to date row by row (for a 100,000-row register, 0.3 s to
    build against 0.9 s of upkeep), but rebuilding a big table's indexes would cost more than it saves. Unique
    indexes stay (they check as the rows go in). SQLite's DDL is transactional, so a rollback, or a kill before
    the commit, leaves the indexes and triggers as they were.
    """

    def __init__(self, conn: sa.Connection, first: bool) -> None:
        """``first``: the database holds no cases yet."""
        self.cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self.indexes: list[tuple[str, str]] = []
        if conn.dialect.name != "sqlite":  # PostgreSQL, a first load: the search triggers alone, the index built once
            # (a 20,000-row register into an empty server: 146-189 s with the triggers, 5.5-6.2 s without)
            self.search = search_index.TriggersAside(self.cursor, postgres=True)
            return
        if first:
            tables = [model.__table__.name for model in BulkWriter.ORDER]  # type: ignore[union-attr]
            self.cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                "AND sql NOT LIKE 'CREATE UNIQUE%' "
                                f"AND tbl_name IN ({', '.join('?' * len(tables))}) ORDER BY name", tables)
            self.indexes = self.cursor.fetchall()
        for name, _ in self.indexes:
            self.cursor.execute(f'DROP INDEX "{name}"')
        self.search = search_index.TriggersAside(self.cursor, postgres=False)

    @classmethod
    def for_bulk_load(cls, conn: sa.Connection) -> IndexesSetAside | None:
        """Set the search triggers aside, and SQLite's plain indexes if there are no cases yet. PostgreSQL: the
        search triggers, only into a database with no cases (its index is then built whole: a copy, a first
        import); None into one that holds some (the triggers index each row as it goes in)."""
        first = conn.execute(sa.select(col(Case.id)).limit(1)).first() is None
        return cls(conn, first) if first or conn.dialect.name == "sqlite" else None

    def restore(self) -> None:
        """Every index and trigger again, exactly as it was defined; then the new rows' search index."""
        for _, sql in self.indexes:
            self.cursor.execute(sql)
        self.search.restore()


class BulkWriter:
    """Buffers rows per table and writes them in batches on the driver's own cursor."""

    ORDER = (Officer, ServiceArea, Team, Theme, IndependentPerson, Person, Case, CaseTheme, Stage,
             ComplaintIssue, Assignment, OmbudsmanEnquiry, LearningAction, Event)

    def __init__(self, conn: sa.Connection) -> None:
        """Rows go to ``conn`` in batches of ``BATCH`` rows."""
        self.conn = conn
        self.batch = BATCH
        self.cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self.mark = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
        self.names: dict[type[Any], str] = {}
        self.columns: dict[str, list[str]] = {}
        self.blank: dict[str, dict[str, None]] = {}
        self.values: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {}
        for model in self.ORDER:
            table: sa.Table = model.__table__  # type: ignore[union-attr]
            self.names[model] = table.name
            self.columns[table.name] = cols = [c.name for c in table.columns]
            self.blank[table.name] = dict.fromkeys(cols)
            self.values[table.name] = operator.itemgetter(*cols)  # positional binding: named is slower
        if conn.dialect.name == "sqlite":
            _sqlite_adapters()
            self.cursor.execute("PRAGMA cache_size = -262144")  # 256 MB: index pages stay in memory
        self.sql = {name: self.insert_sql(name, cols) for name, cols in self.columns.items()}
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in self.columns}
        self.buffers: list[list[Any]] = list(self.rows.values())  # every list of rows: how full is the batch
        # Rows given as tuples (``appender``), per table in ORDER: (INSERT naming their columns, rows).
        self.tuples: dict[str, list[tuple[str, list[tuple[Any, ...]]]]] = {name: [] for name in self.columns}
        self.counters: dict[str, Iterator[int]] = {}
        now = datetime.now(UTC).replace(tzinfo=None)
        self.now: datetime | str = _sqlite_timestamp(now) if conn.dialect.name == "sqlite" else now  # once
        self._event = self.appender(Event, ("id", "case_id", "at", "who", "action", "detail", "old", "new", "reason"))

    def insert_sql(self, name: str, columns: Iterable[str]) -> str:
        columns = list(columns)
        return (f'INSERT INTO "{name}" ({", ".join(columns)}) '
                f'VALUES ({", ".join([self.mark] * len(columns))})')

    def finish(self) -> None:
        """Write what is buffered."""
        self.flush()

    def add_event(self, case_id: int, who: str, action: str, detail: str | None = None, old: str | None = None,
                  new: str | None = None, reason: str | None = None) -> None:
        self._event((self.next_id("event"), case_id, self.now, who, action, detail, old, new, reason))

    def next_id(self, table: str) -> int:
        return self.counter(table)()

    def counter(self, table: str) -> Callable[[], int]:
        """``next_id`` for one table, as one call in C: for loops that number many rows.

        New ids never meet anyone else's. On SQLite they follow the largest stored: the write transaction
        holds the database's lock from its start (BEGIN IMMEDIATE), so no one else adds rows meanwhile. On
        PostgreSQL they come from the table's own sequence, a block at a time, as every other session's do.
        """
        ids = self.counters.get(table)
        if ids is None:
            if self.conn.dialect.name == "postgresql":
                ids = itertools.chain.from_iterable(self._sequence_blocks(table))
            else:
                self.cursor.execute(f'SELECT max(id) FROM "{table}"')
                ids = itertools.count((self.cursor.fetchone()[0] or 0) + 1)
            self.counters[table] = ids
        return ids.__next__

    def _sequence_blocks(self, table: str) -> Iterator[list[int]]:
        """Blocks of ids taken from the table's sequence in one query each, growing up to a batch."""
        self.cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", (f'"{table}"',))
        sequence, size = self.cursor.fetchone()[0], 64
        while True:
            self.cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s) ORDER BY 1",
                                (sequence, size))
            yield [row[0] for row in self.cursor.fetchall()]
            size = min(size * 4, self.batch)

    def add(self, model: type[Any], row: dict[str, Any]) -> None:
        """Buffer a row; columns it does not name are NULL."""
        name = self.names[model]
        self.rows[name].append(self.blank[name] | row)

    def appender(self, model: type[Any], columns: tuple[str, ...]) -> Callable[[tuple[Any, ...]], None]:
        """``add`` for rows given as tuples of the values of ``columns``, in that order (the table's
        other columns take their defaults): one call in C, for loops that write hundreds of thousands
        of rows."""
        name = self.names[model]
        if unknown := set(columns) - set(self.columns[name]):
            raise ValueError(f"{name} has no columns {sorted(unknown)}")
        sql = self.insert_sql(name, columns)
        for known, rows in self.tuples[name]:
            if known == sql:
                return rows.append
        self.tuples[name].append((sql, rows := []))
        self.buffers.append(rows)
        return rows.append

    def flush_if_full(self) -> None:
        """Called between cases, so that a batch never holds a child without its parent."""
        if sum(map(len, self.buffers)) >= self.batch:
            self.flush()

    def flush(self) -> None:
        for name, rows in self.rows.items():  # parents before children, so foreign keys hold
            if rows:
                self.cursor.executemany(self.sql[name], list(map(self.values[name], rows)))
                rows.clear()
            for sql, tuples in self.tuples[name]:
                if tuples:
                    self.cursor.executemany(sql, tuples.copy())
                    tuples.clear()


