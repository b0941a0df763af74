"""Backup and restore of the embedded SQLite database.

A backup is SQLite's online backup: a consistent copy even while officers are working (WAL
readers and writers carry on). Restore refuses to replace a database without ``force`` and
always keeps the replaced one aside, so a restore can itself be undone. PostgreSQL databases
are backed up with ``pg_dump`` (see the README).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from store.database import StoreError, make_owner_only
from store.location import describe, sqlite_path
from store.schema import REVISIONS


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
    """Copy a live database into a new owner-only file at ``target`` with SQLite's online backup."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
    finally:
        dest.close()
    make_owner_only(target)


def backup(url: str, target: Path | None = None) -> Path:
    """Write a consistent copy of the database; returns where it went."""
    path = _sqlite(url, "back it up")
    if not path.is_file():
        raise StoreError(f"{path} does not exist: there is nothing to back up")
    target = target or default_backup_path(path)
    if target.exists():
        raise StoreError(f"{target} already exists: choose a new name for the backup")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        _copy(source, target)
    except OSError as exc:
        raise StoreError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
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
    if revision is None or revision[0] not in REVISIONS:
        raise StoreError(f"{path} comes from another version of complaints (schema "
                         f"{revision[0] if revision else 'unknown'}): upgrade complaints to restore it")
    return str(revision[0])


def restore(url: str, source: Path, *, force: bool = False) -> Path | None:
    """Replace the database with the backup ``source``; returns where the replaced database was kept."""
    path = _sqlite(url, "restore it")
    check_backup(source)
    kept: Path | None = None
    if path.exists():
        if not force:
            raise StoreError(f"{path} already exists: restoring would replace it. Run again with --force "
                             "(the current database is kept aside, not deleted)")
        kept = path.with_name(f"{path.name}.replaced-{_stamp()}")
        current = sqlite3.connect(path, timeout=30)
        try:
            current.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the main file first
            _copy(current, kept)
        finally:
            current.close()
        for extra in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            extra.unlink(missing_ok=True)
    incoming = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _copy(incoming, path)
    finally:
        incoming.close()
    return kept
