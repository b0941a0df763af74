"""the Ombudsman's Complaint Handling Code: clocks from the acknowledgement, refusals, the annual report

A stage keeps its acknowledgement, the day its case was received (the rules it runs under) and its handler;
a case may be recorded as not accepted as a complaint, with the exclusion that applied; two tables hold a
year's Ombudsman letter figures and the self-assessment against the Code. Existing stages get their case's
receipt and (Stage 1) its acknowledgement, so that stored due dates are computed again by the same rules.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Columns added in place (ALTER TABLE ... ADD COLUMN, the foreign key with it): a batch that recreated
    # ``stage`` would have to drop it, which SQLite refuses while issues and assignments refer to its rows.
    op.add_column("stage", sa.Column("acknowledged", sa.Date(), nullable=True))
    op.add_column("stage", sa.Column("case_received", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # its ALTER TABLE takes the reference with the column
        op.execute("ALTER TABLE stage ADD COLUMN handler_id INTEGER REFERENCES officer (id)")
    else:
        op.add_column("stage", sa.Column("handler_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_stage_handler", "stage", "officer", ["handler_id"], ["id"])
    op.add_column("stage", sa.Column("provisional", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("case", sa.Column("not_accepted", sa.Date(), nullable=True))
    op.add_column("case", sa.Column("exclusion", sa.String(length=32), nullable=True))
    op.add_column("case", sa.Column("exclusion_note", sa.Text(), nullable=True))
    op.create_index("ix_case_not_accepted", "case", ["not_accepted"], unique=False)
    op.execute('UPDATE stage SET case_received = (SELECT c.received FROM "case" c WHERE c.id = stage.case_id)')
    op.execute('UPDATE stage SET acknowledged = (SELECT c.acknowledged FROM "case" c WHERE c.id = stage.case_id) '
               "WHERE number = 1")
    op.create_table(
        "ombudsman_letter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("decided", sa.Integer(), nullable=False),
        sa.Column("upheld", sa.Integer(), nullable=False),
        sa.Column("compliance_percent", sa.Integer(), nullable=True),
        sa.Column("remedied_by_council", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.String(length=120), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "code_self_assessment",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("compliance", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("actions", sa.Text(), nullable=True),
        sa.Column("assessed_by", sa.String(length=120), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("year", "section"),
    )


def downgrade() -> None:
    op.drop_table("code_self_assessment")
    op.drop_table("ombudsman_letter")
    with op.batch_alter_table("case") as batch:
        batch.drop_index("ix_case_not_accepted")
        batch.drop_column("exclusion_note")
        batch.drop_column("exclusion")
        batch.drop_column("not_accepted")
    with op.batch_alter_table("stage") as batch:
        batch.drop_constraint("fk_stage_handler", type_="foreignkey")
        batch.drop_column("provisional")
        batch.drop_column("handler_id")
        batch.drop_column("case_received")
        batch.drop_column("acknowledged")
