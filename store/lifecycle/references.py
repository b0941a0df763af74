"""New cases' references: numbered per kind and year from counters kept in the database, never from the text.

A generated reference is the kind's prefix, the year received and a number: CS-2026-00042. The last number
given for each prefix and year is kept in ``reference_counter``; the next is the first after it that no
stored case holds (an imported register may hold any reference: ``CP-2026-ZZ``, ``CS-2026-99999``, a
council's own scheme) and that the caller asks to avoid (the references of the file being imported). So an
odd reference never blocks numbering, and no number is given twice.

Numbers are taken inside the write transaction that stores the cases. On SQLite that transaction holds the
database's write lock from its first statement (BEGIN IMMEDIATE): nobody else can take a number meanwhile.
On PostgreSQL a counter's row stays locked until the transaction ends, so officers logging cases at once get
one number each, in turn; and a bulk load (import, demo data, copy) holds the bulk lock, which officers' new
cases wait for and which waits for them: a case logged meanwhile never takes a reference the file brings.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Collection
from datetime import date

import sqlalchemy as sa
from sqlmodel import col

from domain.vocab import Kind
from store.db.models import Case, ReferenceCounter

PREFIXES = {
    Kind.STATUTORY: "CS", Kind.CORPORATE: "CC", Kind.CONCERN: "CN", Kind.MP_ENQUIRY: "MP",
    Kind.COUNCILLOR_ENQUIRY: "CL", Kind.COMPLIMENT: "CP", Kind.COMMENT: "CM", Kind.REFERRED_ELSEWHERE: "RE",
}
#: The prefix and year of a reference in the generated form ("CS-2026" of "CS-2026-00042").
NUMBERED = re.compile(rf"({'|'.join(PREFIXES.values())})-(\d{{1,4}})-")
#: How every generated reference starts: a quick first test for the references a file brings.
STARTS = frozenset(f"{code}-" for code in PREFIXES.values())
#: PostgreSQL advisory lock: held exclusively by a bulk load, shared by each transaction logging a case.
BULK_LOCK = 0x636F6D70
#: Candidate numbers checked against the stored cases per query, at first and at most.
FIRST_WINDOW, MAX_WINDOW = 16, 512


def prefix_of(kind: Kind | str, received: date) -> str:
    """The prefix and year of a new case's reference: ``CS-2026``."""
    return f"{PREFIXES[Kind(kind)]}-{received.year}"


def lock_for_bulk(conn: sa.Connection) -> None:
    """A bulk load's transaction waits for new cases being logged, and they wait for it (PostgreSQL;
    SQLite's writers already take turns)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(BULK_LOCK)))


def reference_for_new_case(conn: sa.Connection, kind: Kind | str, received: date, reference: str | None) -> str:
    """The reference of a case being logged in this transaction: ``reference`` if given (held so that no one
    else is given it meanwhile; whether a stored case has it is the caller's check), else the next number."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock_shared(BULK_LOCK)))
    numbers = Numbers(conn)
    if reference:
        numbers.claim(reference)
        return reference
    made = numbers.next(prefix_of(kind, received))
    numbers.finish()
    return made


class Numbers:
    """Gives new references within one write transaction; ``finish`` stores the counters.

    ``avoid``: references to skip besides the stored cases' (read at each call: it may grow meanwhile);
    ``stored=False`` skips looking at stored cases (a database without any).
    """

    def __init__(self, conn: sa.Connection, *, avoid: Collection[str] = (), stored: bool = True) -> None:
        self.conn, self.avoid, self.stored = conn, avoid, stored
        self.postgresql = conn.dialect.name == "postgresql"
        self.last: dict[str, int] = {}  # prefix -> last number given
        self.free: dict[str, deque[int]] = {}  # prefix -> numbers checked and free, in order
        self.checked: dict[str, int] = {}  # prefix -> the highest number checked
        self.window: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        """The next free reference of ``prefix`` (``CS-2026``)."""
        free = self.free.get(prefix)
        if free is None:
            free = self._start(prefix)
        while True:
            while not free:
                self._check(prefix, free)
            number = free.popleft()
            text = f"{prefix}-{number:05d}"
            if text not in self.avoid:
                self.last[prefix] = number
                return text

    def claim(self, reference: str) -> None:
        """Hold the counter that could give ``reference`` until the transaction ends (PostgreSQL)."""
        found = NUMBERED.match(reference)
        if found and reference[found.end():].isdigit():
            self._start(found.group(0)[:-1])

    def finish(self) -> None:
        """Store the last number given of each prefix, on this connection."""
        if not self.last:
            return
        mark = "%s" if self.conn.dialect.paramstyle in ("format", "pyformat") else "?"
        sql = (f"INSERT INTO reference_counter (prefix, last_number) VALUES ({mark}, {mark}) "
               "ON CONFLICT (prefix) DO UPDATE SET last_number = excluded.last_number")
        rows = sorted(self.last.items())
        self.conn.exec_driver_sql(sql, rows)

    def _start(self, prefix: str) -> deque[int]:
        if prefix in self.free:
            return self.free[prefix]
        table: sa.Table = ReferenceCounter.__table__  # type: ignore[attr-defined]
        if self.postgresql:  # the row, locked: a concurrent transaction taking numbers waits for this one
            from sqlalchemy.dialects.postgresql import insert

            self.conn.execute(insert(table).values(prefix=prefix, last_number=0).on_conflict_do_nothing())
        last = self.conn.execute(sa.select(table.c.last_number).where(table.c.prefix == prefix)
                                 .with_for_update()).scalar()
        self.checked[prefix] = int(last or 0)
        self.window[prefix] = FIRST_WINDOW
        free: deque[int] = deque()
        self.free[prefix] = free
        return free

    def _check(self, prefix: str, free: deque[int]) -> None:
        """The next window of numbers after those checked: the ones no stored case holds."""
        first, size = self.checked[prefix] + 1, self.window[prefix]
        numbers = range(first, first + size)
        self.checked[prefix] = numbers[-1]
        self.window[prefix] = min(size * 2, MAX_WINDOW)
        if not self.stored:
            free.extend(numbers)
            return
        texts = [f"{prefix}-{n:05d}" for n in numbers]
        taken = set(self.conn.execute(sa.select(col(Case.reference)).where(col(Case.reference).in_(texts)))
                    .scalars())
        free.extend(n for n, text in zip(numbers, texts, strict=True) if text not in taken)
