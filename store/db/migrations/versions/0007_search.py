"""search everything: one full-text index of every case, note and document, kept by triggers; saved views

SQLite: an FTS5 table; PostgreSQL: a table with a weighted ``tsvector`` and a GIN index. Triggers on the
tables a case's row is built from keep it current in the transaction of every write (see
``store.db.search_index``). The index is built here for what the database already holds. A user's own views
of the caseload are kept in ``saved_view``, by login.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.db import search_index

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=120), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("view", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("sort", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("login", "slot"),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        schema = op.get_bind().execute(sa.text("SELECT quote_ident(current_schema())")).scalar()
        statements = search_index.postgres_table() + search_index.postgres_functions(str(schema))
    else:
        statements = [*search_index.sqlite_tables(prefix=False), *search_index.sqlite_triggers()]  # 0009: prefixes
    for sql in statements:
        op.execute(sql)
    for sql in search_index.rebuild_statements(postgres):
        if not sql.startswith("DELETE"):
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, when, _ in search_index.POSTGRES_TRIGGERS():
            op.execute(f"DROP TRIGGER {name} ON {when.split(' ON ')[1]}")
        for function in search_index.POSTGRES_FUNCTIONS:
            op.execute(f"DROP FUNCTION {function}")
    else:
        for name in search_index.SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE search_name")
    op.execute("DROP TABLE search_text")
    op.drop_table("saved_view")
