"""reference counters: the last number given per prefix and year, set from the references already stored

Before this revision a new reference took the largest stored one (by text) plus one, and bulk loads took
ids as the largest plus one. Ids now come from the tables' own sequences on PostgreSQL (the bulk writer
takes them in blocks) and need no change here; references come from these counters (store.lifecycle.references).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: A reference in the generated form, as this revision knows the prefixes: kind, year, number. Numbers of
#: more than nine digits are left out (a reference the council made up; numbering skips it anyway).
GENERATED = re.compile(r"(CS|CC|CN|MP|CL|CP|CM|RE)-(\d{1,4})-(\d{1,9})")
#: The tables with an id sequence, as of this revision.
ID_TABLES = ("independent_person", "officer", "person", "service_area", "theme", "team", "case", "stage",
             "complaint_issue", "assignment", "ombudsman_enquiry", "learning_action", "event")


def upgrade() -> None:
    counter = op.create_table(
        "reference_counter",
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("prefix"),
    )
    last: dict[str, int] = {}
    references = op.get_bind().execute(sa.text('SELECT reference FROM "case"')).scalars()
    for reference in references:
        found = GENERATED.fullmatch(reference)
        if found:
            prefix, number = f"{found.group(1)}-{found.group(2)}", int(found.group(3))
            last[prefix] = max(number, last.get(prefix, 0))
    if last:
        op.bulk_insert(counter, [{"prefix": prefix, "last_number": number} for prefix, number in sorted(last.items())])
    if op.get_bind().dialect.name == "postgresql":
        _sequences_past_the_ids()


def _sequences_past_the_ids() -> None:
    """Every id sequence past its table's largest id, never back: new rows take ids only from them now."""
    bind = op.get_bind()
    for table in ID_TABLES:
        sequence = bind.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'"{table}"'}).scalar()
        top = bind.execute(sa.text(f'SELECT max(id) FROM "{table}"')).scalar()
        if sequence is None or top is None:
            continue
        used = bind.execute(sa.text(f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END "
                                    f"FROM {sequence}")).scalar()
        if top > used:
            bind.execute(sa.text("SELECT setval(CAST(:s AS regclass), :v)"), {"s": sequence, "v": top})


def downgrade() -> None:
    op.drop_table("reference_counter")
