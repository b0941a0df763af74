"""Moving a whole database to another (SQLite to PostgreSQL for a team, or back), then proving it arrived.

Every table is copied row for row, with its ids, in one transaction on the target; then the counts of
every table and the year-end figures of every year are compared between the two. The search index's
triggers are set aside while the rows go in and the index is built once at the end, in the same
transaction (``store.register.bulk.IndexesSetAside``). Documents' bytes travel a few at a time, never
more than ``CHUNK_BYTES`` of them held at once. A value one database
took and the other cannot hold (a SQLite database filled before the limits of ``domain.limits`` were
checked at the door: a text longer than its column, a NUL, an amount past NUMERIC(12, 2)) stops the copy
before it is written, naming its table, row and column, never the value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from domain.config import Config
from domain.vocab import Role
from domain.year import FinancialYear
from store.db.database import Database, StoreError
from store.lifecycle.references import lock_for_bulk
from store.register.bulk import IndexesSetAside
from store.views.figures import FiguresSource

CHUNK = 5000
#: A table with bytes (documents' contents, up to 25 MB each) is read ``BYTES_ROWS`` rows at a time and written
#: once ``CHUNK_BYTES`` have gathered: 5,000 documents at once could be gigabytes.
BYTES_ROWS, CHUNK_BYTES = 8, 32 * 1024 * 1024
#: Rows the target writes for itself when it is created (calendar, settings): replaced by the source's.
OWN_ROWS = ("setting", "non_working_day", "reference_counter")


@dataclass
class CopyReport:
    counts: dict[str, int] = field(default_factory=dict)
    years: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


def _tables() -> list[sa.Table]:
    return [t for t in SQLModel.metadata.sorted_tables if t.name != "alembic_version"]


def _count(db: Database, table: sa.Table) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)


def copy_database(source: Database, target: Database, config: Config,
                  progress: Callable[[str, int], None] | None = None) -> CopyReport:
    """Copy ``source`` into the empty ``target``; the report lists any count or figure that differs."""
    case_table = SQLModel.metadata.tables["case"]
    if target.identity is not None and target.identity.role is not Role.MANAGER:  # the calendar is managers' only
        raise StoreError(f"{target.describe()} is a team server: copy into it as the tables' owner (README, "
                         "\"For a team\")")
    if _count(target, case_table):
        raise StoreError(f"{target.describe()} already holds cases: copy into an empty database")
    report = CopyReport()
    with target.write_engine.begin() as out, source.engine.connect() as inp:
        lock_for_bulk(out)
        aside = IndexesSetAside.for_bulk_load(out)  # SQLite: a 100,000-case copy 75 -> 39 s (CPU 50 -> 25 s)
        for name in OWN_ROWS:
            out.execute(SQLModel.metadata.tables[name].delete())
        for table in _tables():
            copied = 0
            check = _checks(table)
            for chunk in _chunks(inp, table):
                _refuse_unstorable(table, check, chunk)
                if out.dialect.name == "postgresql":  # COPY: several times faster than INSERTs
                    _copy_rows(out, table, chunk)
                else:
                    out.execute(table.insert(), [dict(r._mapping) for r in chunk])
                copied += len(chunk)
                if progress:
                    progress(table.name, copied)
            report.counts[table.name] = copied
        if out.dialect.name == "postgresql":  # new rows must not collide with the copied ids
            for table in _tables():
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer) and report.counts[table.name]:
                    out.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                        f'(SELECT max(id) FROM "{table.name}"))'))
        if aside is not None:
            aside.restore()
    for table in _tables():
        here, there = _count(source, table), _count(target, table)
        if here != there:
            report.mismatches.append(f"{table.name}: {here} rows here, {there} there")
    report.years, mismatched = compare_figures(source, target, config)
    report.mismatches += mismatched
    return report


def _chunks(inp: sa.Connection, table: sa.Table) -> Iterator[Sequence[sa.Row]]:
    """``table``'s rows a chunk at a time, streamed from the source: ``CHUNK`` rows, or for a table with bytes
    as many rows as hold ``CHUNK_BYTES`` (one row if it alone holds more)."""
    binary = [i for i, c in enumerate(table.columns) if isinstance(c.type, sa.LargeBinary)]
    rows = inp.execution_options(yield_per=BYTES_ROWS if binary else CHUNK).execute(sa.select(table))
    if not binary:
        yield from rows.partitions(CHUNK)
        return
    chunk: list[sa.Row] = []
    held = 0
    for row in rows:
        chunk.append(row)
        held += sum(len(row[i]) for i in binary if row[i] is not None)
        if held >= CHUNK_BYTES or len(chunk) >= CHUNK:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


Check = tuple[int, str, Callable[[Any], str | None]]


def _checks(table: sa.Table) -> list[Check]:
    """For each column a database can refuse a value of: its index, name and what is wrong with a value."""
    checks: list[Check] = []
    for i, column in enumerate(table.columns):
        kind = column.type.impl_instance if isinstance(column.type, sa.TypeDecorator) else column.type
        if isinstance(kind, sa.String):
            length = kind.length

            def text(value: Any, length: int | None = length) -> str | None:
                if isinstance(value, str) and "\x00" in value:
                    return "holds a NUL character (U+0000)"
                if length is not None and isinstance(value, str) and len(value) > length:
                    return f"is {len(value):,} characters long: at most {length:,} fit"
                return None

            checks.append((i, column.name, text))
        elif isinstance(kind, sa.Numeric) and kind.precision is not None:
            most = Decimal(10) ** (kind.precision - (kind.scale or 0))

            def number(value: Any, most: Decimal = most) -> str | None:
                return f"is {most:,} or more: it does not fit" if value is not None and abs(value) >= most else None

            checks.append((i, column.name, number))
        elif type(kind) is sa.Integer:
            def whole(value: Any) -> str | None:
                return "is too large for a whole-number column" if value is not None and abs(value) >= 2**31 else None

            checks.append((i, column.name, whole))
    return checks


def _refuse_unstorable(table: sa.Table, checks: list[Check], rows: Sequence[sa.Row]) -> None:
    """StoreError naming the first value of ``rows`` that the target could not hold (both databases hold
    the same things), by its table, row and column: nothing is copied."""
    for row in rows:
        for i, name, check in checks:
            problem = row[i] is not None and check(row[i])
            if problem:
                key = ", ".join(f"{c.name} {row._mapping[c]}" for c in table.primary_key.columns)
                raise StoreError(f"cannot copy: {table.name} ({key}), {name} {problem}; nothing was copied. "
                                 "Correct it in the database copied from, then copy again")


def _copy_rows(out: sa.Connection, table: sa.Table, rows: Sequence[sa.Row]) -> None:
    """Rows into a PostgreSQL table with COPY, inside the copy's one transaction."""
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    cursor = out.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(tuple(row))


def compare_figures(a: Database, b: Database, config: Config) -> tuple[list[str], list[str]]:
    """Every financial year with cases in ``a``: are its year-end tables the same in ``b``?"""
    with a.engine.connect() as conn:
        first, last = conn.execute(sa.select(sa.func.min(SQLModel.metadata.tables["case"].c.received),
                                             sa.func.max(SQLModel.metadata.tables["case"].c.received))).one()
    if first is None:
        return [], []
    years, mismatched = [], []
    with _figures(a, config) as one, _figures(b, config) as other:
        year = FinancialYear.containing(first)
        while year <= FinancialYear.containing(last):
            here, there = one.figures(year), other.figures(year)
            years.append(year.label)
            mismatched += [f"{year.label} {x.id}" for x, y in zip(here.tables, there.tables, strict=True)
                           if x != y]
            year = year.back(-1)
    return years, mismatched


@contextmanager
def _figures(db: Database, config: Config) -> Iterator[FiguresSource]:
    """One connection and one calendar for every year of a database."""
    with db.dbapi() as connection:
        yield FiguresSource(connection, config, db.placeholder)
