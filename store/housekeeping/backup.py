"""Backup and restore of the embedded SQLite database.

A backup is SQLite's online backup: a consistent copy even while officers are working (WAL
readers and writers carry on), written under a temporary name beside it and renamed when whole,
so a backup stopped half-way never looks like one. Restore refuses to replace a database without
``force`` and always keeps the replaced one aside, so a restore can itself be undone. It copies
the backup INTO the live database with the same online backup: one write transaction, so the
database is the old one or the new one, whole, whenever the restore stops, and anyone with it open
carries on in the restored database (nothing they save goes to a file that was replaced).
PostgreSQL databases are backed up with ``pg_dump`` (see the README).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from store.db.database import DatabaseBusy, StoreError, busy_timeout, make_owner_only
from store.db.location import describe, sqlite_path
from store.db.schema import REVISIONS


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def default_backup_path(db_path: Path) -> Path:
    return db_path.parent / "backups" / f"{db_path.stem}-{_stamp()}.db"


def _sqlite(url: str, what: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise StoreError(f"{describe(url)} is a PostgreSQL database: {what} with pg_dump / pg_restore "
                         "(see 'For a team' in the README)")
    return path


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy a live database into a new owner-only file at ``target`` with SQLite's online backup.

    The copy is written under a temporary name in the same folder and renamed to ``target`` once whole:
    a copy stopped half-way (killed, a full disk) is never found under the name of a backup.
    """
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, name = tempfile.mkstemp(prefix=f"{target.name}.", suffix=".partial", dir=target.parent)  # owner-only
    os.close(fd)
    partial = Path(name)
    try:
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest, progress=_refuse_when_busy)
            dest.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
        finally:
            dest.close()
        make_owner_only(partial)
        if target.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
        os.replace(partial, target)
    except BaseException:
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _refuse_when_busy(status: int, _remaining: int, _total: int) -> None:
    """A copy whose database stayed locked through the busy timeout stops (sqlite3 would retry for ever)."""
    if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        raise DatabaseBusy()


def _sync_folder(folder: Path) -> None:
    """The rename on disk, not just in the page cache (where the file system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup(url: str, target: Path | None = None) -> Path:
    """Write a consistent copy of the database; returns where it went."""
    path = _sqlite(url, "back it up")
    if not path.is_file():
        raise StoreError(f"{path} does not exist: there is nothing to back up")
    target = target or default_backup_path(path)
    if target.exists():
        raise StoreError(f"{target} already exists: choose a new name for the backup")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_timeout())
    try:
        _copy(source, target)
    except OSError as exc:
        raise StoreError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:
        raise StoreError(f"cannot back up {path}: {exc}") from None
    finally:
        source.close()
    return target


def check_backup(path: Path) -> str:
    """The schema revision of a backup file, or StoreError if it is not a complaints database."""
    if not path.is_file():
        raise StoreError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            conn.execute('SELECT count(*) FROM "case"').fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        raise StoreError(f"{path} is not a complaints database (or it is damaged)") from None
    version = revision[0] if revision else None  # (version_num,)
    if version not in REVISIONS:
        raise StoreError(f"{path} comes from another version of complaints (schema "
                         f"{version or 'unknown'}): upgrade complaints to restore it")
    return str(version)


class _Saved(Exception):
    """Someone saved between the copy kept aside and the start of the restore."""


def _restore_into(path: Path, live: sqlite3.Connection, incoming: sqlite3.Connection, kept: Path) -> None:
    """Keep the live database at ``kept``, exactly as it is replaced, then copy ``incoming`` into it in one write
    transaction. If anyone saves between the two, the restore (nothing of it written yet) is abandoned and both
    are done again, so no save is in neither the kept copy nor the restored database."""
    watcher = sqlite3.connect(path, timeout=busy_timeout())  # sees other connections' commits (data_version)
    try:
        pages = int(incoming.execute("PRAGMA page_count").fetchone()[0])
        step = max(1, pages // 64)  # the first step takes the write lock and leaves pages still to copy
        for _ in range(3):
            progress = _unless_saved_since(watcher, watcher.execute("PRAGMA data_version").fetchone()[0])
            _copy(live, kept)
            try:
                incoming.backup(live, pages=step, progress=progress)
                return
            except _Saved:
                kept.unlink(missing_ok=True)
            except BaseException:
                kept.unlink(missing_ok=True)  # nothing was replaced
                raise
        raise DatabaseBusy()
    finally:
        watcher.close()


def _unless_saved_since(watcher: sqlite3.Connection, seen: int) -> Callable[[int, int, int], None]:
    """The restore's progress: busy as ``_refuse_when_busy``; after its first step (the write lock held, nothing
    committed), ``_Saved`` if anyone committed since ``watcher`` read ``seen``."""
    checked = False

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal checked
        _refuse_when_busy(status, remaining, total)
        if status == sqlite3.SQLITE_OK and not checked:
            checked = True
            if watcher.execute("PRAGMA data_version").fetchone()[0] != seen:
                raise _Saved()

    return progress


def restore(url: str, source: Path, *, force: bool = False) -> Path | None:
    """Replace the database with the backup ``source``; returns where the replaced database was kept.

    All or nothing, and safe while the database is open elsewhere: the replaced database is first copied
    aside whole, then the backup is copied into the live database in one write transaction (SQLite's
    online backup), which other connections see as any other commit.
    """
    path = _sqlite(url, "restore it")
    if path.exists() and source.exists() and os.path.samefile(path, source):  # a link or another spelling too
        raise StoreError(f"{source} is the database itself, not a backup of it: nothing was restored (give a "
                         f"backup file, such as one in {path.parent / 'backups'})")
    check_backup(source)
    if path.exists() and not force:
        raise StoreError(f"{path} already exists: restoring would replace it. Run again with --force "
                         "(the current database is kept aside, not deleted)")
    incoming = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if not path.exists():
            _copy(incoming, path)
            return None
        kept = path.with_name(f"{path.name}.replaced-{_stamp()}")
        live = sqlite3.connect(path, timeout=busy_timeout())
        try:
            try:
                live.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.DatabaseError as exc:
                if exc.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
                    raise
                raise StoreError(f"{path} cannot be read (it is damaged, or not a complaints database): move it "
                                 "aside, then restore again") from None
            _restore_into(path, live, incoming, kept)
            live.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the restored database whole in its file
        finally:
            live.close()
    except OSError as exc:
        raise StoreError(f"cannot restore into {path}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:
        raise StoreError(f"cannot restore {source} into {path}: {exc}") from None
    finally:
        incoming.close()
    make_owner_only(path)
    return kept
