"""Schema versions: checking a database is ours and current, and migrating it with Alembic.

The revision check reads ``alembic_version`` directly so that opening an up-to-date database
never imports Alembic (slow); Alembic runs only when there is something to upgrade. A test keeps
``REVISIONS`` in step with the migration scripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from domain.errors import ComplaintsError

if TYPE_CHECKING:
    import sqlalchemy as sa
    from alembic.config import Config as AlembicConfig

    from store.db.database import Database

#: Every migration revision, oldest first; the last is the head this version of complaints writes.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009")
HEAD = REVISIONS[-1]
MIGRATIONS = Path(__file__).parent / "migrations"


class NotOurs(ComplaintsError):
    """The database has tables but no complaints schema version."""


def current_revision(conn: sa.Connection) -> str | None:
    """The schema revision of the database, None for an empty one."""
    import sqlalchemy as sa

    tables = sa.inspect(conn).get_table_names()
    if "alembic_version" not in tables:
        if tables:
            raise NotOurs()
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def check_and_migrate(db: Database, *, migrate: bool = True) -> None:
    from store.db.database import StoreError

    with db.engine.connect() as conn:
        try:
            revision = current_revision(conn)
        except NotOurs:
            raise StoreError(f"{db.describe()} already holds other tables: it is not a complaints "
                             "database. Choose another file with --db.") from None
    if revision == HEAD:
        return
    if revision is not None and revision not in REVISIONS:
        raise StoreError(f"{db.describe()} was written by a newer version of complaints (schema "
                         f"{revision}; this version knows up to {HEAD}). Upgrade complaints to open it.")
    if not migrate:
        raise StoreError(f"{db.describe()} needs upgrading to schema {HEAD}")
    upgrade(db)


def alembic_config(connection: sa.Connection | None = None) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database up to ``revision`` in one transaction (a failure changes nothing)."""
    from alembic import command

    with db.write_engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
