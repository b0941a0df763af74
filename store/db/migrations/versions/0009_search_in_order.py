"""search: SQLite's index made again in row id order, compact (0007 filled it a segment per case)

Migration 0007 built the index for what a database held in descending row id order (``-case.id`` in ``case.id``
order): FTS5 then writes a segment per row and merges them again and again, leaving the index fragmented and
its pages half empty. A search whose last word is still being typed read all those segments: at 1,000,000 cases
"Disabled C" took 1.0 s and "Chi" 0.2 s; on the index made again in order, 4 ms and 1 ms (30 Nov 2026; the
100,000-case demo 160 -> 128 MB, see ``search_index.sqlite_rows``). PostgreSQL's index is unchanged.

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


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    for name in search_index.SQLITE_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE search_name")
    op.execute("DROP TABLE search_text")
    for sql in search_index.sqlite_tables():
        op.execute(sql)
    for sql in search_index.rebuild_statements(postgres=False):
        if not sql.startswith("DELETE"):
            op.execute(sql)
    for sql in search_index.sqlite_triggers():
        op.execute(sql)


def downgrade() -> None:
    """Nothing to undo: the same tables, only better ordered."""
