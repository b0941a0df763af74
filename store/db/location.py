"""Where the database is: ``--db``, then ``COMPLAINTS_DB``, then the user's data directory.

Kept free of SQLAlchemy so that quick commands can find the database without loading it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

APP_NAME = "complaints"


def default_database_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / "complaints.db"


def resolve_url(target: str | os.PathLike[str] | None) -> str:
    """A SQLAlchemy URL for a path or URL; PostgreSQL URLs use psycopg 3."""
    raw = str(target) if target else os.environ.get("COMPLAINTS_DB") or str(default_database_path())
    if raw.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    if "://" in raw:
        return raw
    return f"sqlite:///{Path(raw).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return Path(path) if path and path != ":memory:" else None


def describe(url: str) -> str:
    """The database for messages: the file path, or the URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    path = sqlite_path(url)
    if path is not None:
        return str(path)
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def owner_only(path: Path) -> TextIO:
    """``path`` opened for writing text, created (or emptied) readable by its owner alone (0600).

    Every file the tool writes holds children's personal data or figures about them; OSError as is.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)  # an existing file would otherwise keep its old mode
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def save_owner_only(path: Path, save: Callable[[Path], object]) -> None:
    """Let a library (openpyxl) write ``path``, into a file that is the owner's alone from the start."""
    owner_only(path).close()
    save(path)
    os.chmod(path, 0o600)
