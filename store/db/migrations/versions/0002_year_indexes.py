"""indexes for the year-end figures: every date a year's tables select on

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_stage_requested", "stage", "requested"),
    ("ix_stage_declined", "stage", "declined"),
    ("ix_ombudsman_enquiry_received", "ombudsman_enquiry", "received"),
    ("ix_ombudsman_enquiry_decided", "ombudsman_enquiry", "decided"),
    ("ix_learning_action_done", "learning_action", "done"),
]


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
