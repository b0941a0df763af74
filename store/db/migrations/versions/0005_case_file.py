"""the case file: contact-log notes, documents, links between cases, merges, persistent-procedure reviews

Adds the tables of the case file and the person's contact preferences (preferred contact, salutation), the
end of their persistent-complaints procedure and an index for reviews due; a learning action gets what was
done. Nothing already stored changes. A document's bytes live in ``document_content``, apart from what is
listed, so that opening a case never reads them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("contact_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=True),
        sa.Column("with_whom", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_note_case_at", "note", ["case_id", "contact_at"], unique=False)
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("email_from", sa.String(length=300), nullable=True),
        sa.Column("email_date", sa.DateTime(), nullable=True),
        sa.Column("email_subject", sa.String(length=300), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_document_case", "document", ["case_id", "added_at"], unique=False)
    op.create_table(
        "document_content",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_table(
        "case_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.String(length=120), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["other_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "other_id"),
    )
    op.create_index(op.f("ix_case_link_case_id"), "case_link", ["case_id"], unique=False)
    op.create_index(op.f("ix_case_link_other_id"), "case_link", ["other_id"], unique=False)
    op.create_table(
        "merge_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("duplicate", sa.String(length=200), nullable=False),
        sa.Column("into_case_id", sa.Integer(), nullable=True),
        sa.Column("into_person_id", sa.Integer(), nullable=True),
        sa.Column("moved", sa.Text(), nullable=False),
        sa.Column("merged_by", sa.String(length=120), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["into_case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["into_person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_merge_record_into_case_id"), "merge_record", ["into_case_id"], unique=False)
    op.create_index(op.f("ix_merge_record_into_person_id"), "merge_record", ["into_person_id"], unique=False)
    op.create_table(
        "persistent_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_persistent_review_person_id"), "persistent_review", ["person_id"], unique=False)
    with op.batch_alter_table("learning_action") as batch:
        batch.add_column(sa.Column("done_note", sa.Text(), nullable=True))
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("persistent_ended", sa.Date(), nullable=True))
        batch.add_column(sa.Column("preferred_contact", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("salutation", sa.String(length=120), nullable=True))
    op.create_index(op.f("ix_person_persistent_review"), "person", ["persistent_review"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_person_persistent_review"), table_name="person")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("salutation")
        batch.drop_column("preferred_contact")
        batch.drop_column("persistent_ended")
    with op.batch_alter_table("learning_action") as batch:
        batch.drop_column("done_note")
    for table in ("persistent_review", "merge_record", "case_link", "document_content", "document", "note"):
        op.drop_table(table)
