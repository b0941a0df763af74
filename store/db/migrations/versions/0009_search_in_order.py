"""search: SQLite's index made again in row id order, with the first letters of every word (prefix indexes)

Migration 0007 built the index for what a database held in descending row id order (``-case.id`` in ``case.id``
order): FTS5 then writes a segment per row and merges them again and again, leaving the index fragmented and
its pages half empty (the 100,000-case demo 160 -> 128 MB made again in order, see ``search_index.sqlite_rows``).
And a word still being typed ("c", "chi") was a merge of every word it starts: the tables are made again with
``search_index.PREFIX`` (an FTS5 table's options cannot be altered). PostgreSQL's index is unchanged.

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
    _remake(prefix=True)


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


def downgrade() -> None:
    _remake(prefix=False)
