"""Opening a database: where it lives, creating it owner-only, migrating it, and sessions.

Nothing here runs at import time: ``open_database`` takes a path or URL. SQLite runs in WAL mode
with a busy timeout, and writes take the lock up front (BEGIN IMMEDIATE) so two writers queue
instead of failing with "database is locked"; PostgreSQL waits as long for a row or table lock.
A writer still waiting when the time is up gets ``DatabaseBusy``, on both, from every path that
writes (a form's save, an import, demo data, a migration): nothing was written, and it may try again.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session

from domain.config import Config
from domain.vocab import Role
from store.db import schema
from store.db.errors import StoreError as StoreError  # its home is light: the TUI's start-up catches it
from store.db.location import describe, resolve_url, sqlite_path
from store.db.team_roles import Identity, NoServerRole, server_identity

BUSY_TIMEOUT_MS = 30_000  # how long a write waits for another's lock before it is refused as busy
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY = "the database is busy: another user or command is writing; try again"
_SQLITE_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED (extended codes carry them in their low byte)
_POSTGRES_BUSY = ("55P03", "40001", "40P01")  # lock_not_available, serialization_failure, deadlock_detected


class NoDatabase(StoreError):
    """A database that was to be read, not created, does not exist; nothing was created."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"there is no database at {path}")
        self.path = path


class DatabaseBusy(StoreError):
    """Another connection held the lock for longer than the busy timeout: nothing was written; try again."""

    def __init__(self) -> None:
        super().__init__(BUSY)


def busy_timeout() -> float:
    """How long, in seconds, a write waits for another's lock (read when called: tests shorten it)."""
    return BUSY_TIMEOUT_MS / 1000


def is_busy(error: BaseException) -> bool:
    """Whether a driver's error (sqlite3 or psycopg) means another connection holds the lock."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_BUSY
    return getattr(error, "sqlstate", None) in _POSTGRES_BUSY


_SQLITE_INTERRUPT, _POSTGRES_CANCELLED = 9, "57014"


class Stop:
    """Stops a read on one DB-API connection from another thread (``request``), whichever statement it has reached:
    SQLite's progress handler asks between every thousand steps of its machine; PostgreSQL is sent a cancel request
    until the read is over (a request that reaches the server between two statements is dropped there)."""

    def __init__(self, connection: Any) -> None:
        self._driver = getattr(connection, "driver_connection", connection)
        self._asked, self._over = threading.Event(), threading.Event()
        self._canceller: threading.Thread | None = None
        if hasattr(self._driver, "set_progress_handler"):
            self._driver.set_progress_handler(self._asked.is_set, 1_000)

    def request(self) -> None:
        """Stop the read: its statement fails as interrupted (``is_interrupted``). From any thread; at once."""
        if self._asked.is_set() or self._over.is_set():
            return
        self._asked.set()
        if not hasattr(self._driver, "set_progress_handler"):
            self._canceller = threading.Thread(target=self._cancel, name="cancel", daemon=True)
            self._canceller.start()

    def _cancel(self) -> None:
        while not self._over.is_set():
            with contextlib.suppress(Exception):  # the connection gone: nothing to stop
                self._driver.cancel()
            self._over.wait(0.05)

    def close(self) -> None:
        """The read is over: no request reaches the connection after this (it goes back to the pool)."""
        self._over.set()
        if self._canceller is not None:
            self._canceller.join()
        if hasattr(self._driver, "set_progress_handler"):
            self._driver.set_progress_handler(None, 0)


@contextmanager
def stoppable(connection: Any) -> Iterator[Stop]:
    """A read on ``connection`` that ``Stop.request`` can stop from another thread."""
    stop = Stop(connection)
    try:
        yield stop
    finally:
        stop.close()


def is_interrupted(error: BaseException) -> bool:
    """Whether a driver's error (sqlite3 or psycopg) means its statement was stopped (``Stop.request``)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == _SQLITE_INTERRUPT)
    return getattr(error, "sqlstate", None) == _POSTGRES_CANCELLED


def _busy_is_plain(engine: Engine) -> None:
    """The driver's lock errors, wherever they arise on ``engine``, become ``DatabaseBusy``."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> BaseException | None:
        if is_busy(context.original_exception):
            return DatabaseBusy()
        return None


def _postgres_engine(url: str) -> Engine:
    engine = sa.create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cur = dbapi_conn.cursor()
        try:  # a lock held elsewhere is waited for as long as on SQLite, not forever
            cur.execute(f"SET lock_timeout = {int(BUSY_TIMEOUT_MS)}")
        finally:
            cur.close()
        dbapi_conn.commit()

    _busy_is_plain(engine)
    return engine


def make_owner_only(path: Path) -> None:
    """Database files hold children's personal data: readable and writable by the owner only."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            if candidate.exists() and stat.S_IMODE(candidate.stat().st_mode) != 0o600:
                candidate.chmod(0o600)
        except OSError:
            pass


def _prepare_sqlite_file(path: Path, *, create: bool = True) -> None:
    """Create the file owner-only, or check an existing one is a readable SQLite database.

    Without ``create``, a missing file is NoDatabase and nothing (not even its folder) is made.
    """
    if not create and not path.exists():
        raise NoDatabase(path)
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a database file")
        if not os.access(path, os.R_OK | os.W_OK):
            raise StoreError(f"{path} cannot be read and written by you: check its permissions")
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
        if header and header != SQLITE_HEADER:
            raise StoreError(f"{path} is not a complaints database (not SQLite, or corrupt)")
        return
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreError(f"cannot create the folder {parent} for the database: {exc.strerror}") from None
    if not os.access(parent, os.W_OK):
        raise StoreError(f"cannot create the database in {parent}: the folder is not writable")
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(f"cannot create the database {path}: {exc.strerror}") from None
    os.close(fd)


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
                              pool_use_lifo=True)  # the connection used last has the warmest page cache

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        # What is deleted or overwritten (a deleted case, retention's anonymising) is zeroed in the file,
        # not left in free space for anyone reading its bytes.
        cur.execute("PRAGMA secure_delete = ON")
        # Up to 32 MB of pages kept in memory (the default is 2 MB): a filter over every open case
        # reads each one's case and person rows, scattered through the file, on every keystroke.
        cur.execute("PRAGMA cache_size = -32000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    _busy_is_plain(engine)
    return engine


@dataclass
class Database:
    """An open, migrated database: read sessions, write transactions, and its URL."""

    url: str
    engine: Engine
    write_engine: Engine
    identity: Identity | None = None  # on a team server with complaints roles: who the server says you are

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    def describe(self) -> str:
        return describe(self.url)

    def user(self, config: Config) -> str:
        """The name in the audit trail: the server's login on a team server with roles, else the settings'."""
        return self.identity.user if self.identity else config.user

    def role(self, config: Config) -> Role:
        """The user's role: the server's where it has complaints roles, else the settings file's."""
        return self.identity.role if self.identity else config.role

    @property
    def placeholder(self) -> str:
        """The driver's parameter style for plain SQL: sqlite3's ``?``, psycopg's ``%s``."""
        return "?" if self.is_sqlite else "%s"

    @contextmanager
    def dbapi(self) -> Iterator[Any]:
        """A plain DB-API connection from the pool, for the queries that skip the ORM; given back afterwards."""
        connection = self.engine.raw_connection()
        try:
            yield connection
        finally:
            connection.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed if the block succeeds, rolled back whole if it raises."""
        with Session(self.write_engine, expire_on_commit=False) as session, session.begin():
            yield session
        if self.path is not None:
            make_owner_only(self.path)

    def checkpoint(self) -> None:
        """After a long write (demo data, an import): everything committed moved from SQLite's write-ahead log
        into the database file, so the ``.db`` file alone is complete (copied by hand, say). PostgreSQL: nothing."""
        if self.path is None:
            return
        with self.dbapi() as connection:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()

    def close(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()


def open_database(target: str | os.PathLike[str] | None = None, config: Config | None = None,
                  *, migrate: bool = True, create: bool = True) -> Database:
    """Open (creating and migrating on first use) the database at ``target``.

    ``create=False`` is for work that only reads what is there: a missing SQLite file is NoDatabase
    (a server database is never created here).

    Raises StoreError with a message naming the database for a missing or unwritable path,
    a file that is not a complaints database, or a database from a newer version.
    """
    url = resolve_url(target)
    path = sqlite_path(url)
    old_umask = os.umask(0o077)
    try:
        if path is not None:
            _prepare_sqlite_file(path, create=create)
            engine = _sqlite_engine(url, immediate=False)
            write_engine = _sqlite_engine(url, immediate=True)
        else:
            try:
                engine = _postgres_engine(url)
            except (ImportError, sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
                raise StoreError(f"cannot use the database URL {describe(url)}: {exc}") from None
            write_engine = engine
        db = Database(url, engine, write_engine)
        try:
            if path is None:
                db.identity = server_identity(engine)
            schema.check_and_migrate(db, migrate=migrate)
            # the stored calendar moves everyone's deadlines: on a team server only managers write it
            if config is not None and (db.identity is None or db.identity.role is Role.MANAGER):
                from store.lifecycle.calendar_sync import sync_calendar

                sync_calendar(db, config)
        except sa.exc.DatabaseError as exc:
            db.close()
            raise StoreError(f"{describe(url)} cannot be used: {_reason(exc)}") from None
        except StoreError:
            db.close()
            raise
        except NoServerRole as exc:
            db.close()
            raise StoreError(f"{describe(url)}: {exc}") from None
        if path is not None:
            make_owner_only(path)
        return db
    finally:
        os.umask(old_umask)


def _reason(exc: sa.exc.DBAPIError | sa.exc.DatabaseError) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    if "not a database" in text or "malformed" in text:
        return "it is not a complaints database, or it is corrupt"
    if "permission denied" in text:
        return f"{text} (on a team server, the tables' owner creates and upgrades them: complaints migrate)"
    return text
