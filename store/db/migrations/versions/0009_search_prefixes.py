"""search: SQLite's index keeps the first letters of every word, so that a word still being typed is found at once

The FTS5 tables are made again with ``prefix = '1 2 3'`` (an FTS5 table's options cannot be altered) and filled
from what the database holds; the triggers that keep them current are dropped with them and made again.
PostgreSQL's index is unchanged. See ``store.db.search_index.PREFIX`` for the measurements.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

from store.db import search_index

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _remake(prefix: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    for name in search_index.SQLITE_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE search_name")
    op.execute("DROP TABLE search_text")
    for sql in search_index.sqlite_tables(prefix):
        op.execute(sql)
    for sql in search_index.rebuild_statements(postgres=False):
        if not sql.startswith("DELETE"):
            op.execute(sql)
    for sql in search_index.sqlite_triggers():
        op.execute(sql)


def upgrade() -> None:
    _remake(prefix=True)


def downgrade() -> None:
    _remake(prefix=False)
