"""Where the database is: ``--db``, then ``COMPLAINTS_DB``, then the user's data directory.

Kept free of SQLAlchemy so that quick commands can find the database without loading it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """A new file beside ``path``, readable by its owner alone (0600) from the start, renamed onto ``path``
    once written whole; removed if the writing fails or is interrupted (Ctrl-C), so ``path`` is either as it
    was or complete, never cut short. Every file the tool writes holds children's personal data or figures
    about them. OSError as is."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        os.chmod(partial, 0o600)  # whatever the writer did to it
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@contextmanager
def owner_only(path: Path) -> Iterator[TextIO]:
    """``path`` written as text, owner-only and whole (see ``written_whole``)."""
    with written_whole(path) as partial, partial.open("w", encoding="utf-8", newline="") as handle:
        yield handle


def save_owner_only(path: Path, save: Callable[[Path], object]) -> None:
    """Let a library (openpyxl) write ``path``: owner-only and whole (see ``written_whole``)."""
    with written_whole(path) as partial:
        save(partial)
