"""the whole domain: people, cases, stages, independent people, Ombudsman, learning, events

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('independent_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('roles', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('non_working_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('officer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    sa.UniqueConstraint('username')
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('complainant_group', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('persistent', sa.Boolean(), nullable=False),
    sa.Column('persistent_start', sa.Date(), nullable=True),
    sa.Column('persistent_review', sa.Date(), nullable=True),
    sa.Column('persistent_contact', sa.String(length=200), nullable=True),
    sa.Column('persistent_arrangements', sa.Text(), nullable=True),
    sa.Column('anonymised', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_name_key'), ['name_key'], unique=False)

    op.create_table('service_area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['service_area_id'], ['service_area.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('received', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('complainant_group', sa.String(length=32), nullable=True),
    sa.Column('child_name', sa.String(length=200), nullable=True),
    sa.Column('child_status', sa.String(length=32), nullable=True),
    sa.Column('advocate', sa.String(length=16), nullable=True),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('acknowledged', sa.Date(), nullable=True),
    sa.Column('ack_due', sa.Date(), nullable=True),
    sa.Column('closed', sa.Date(), nullable=True),
    sa.Column('closed_reason', sa.String(length=200), nullable=True),
    sa.Column('withdrawn', sa.Date(), nullable=True),
    sa.Column('linked_case_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['linked_case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['service_area_id'], ['service_area.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_ack_due'), ['ack_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_received'), ['received'], unique=False)

    op.create_table('case_theme',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], ),
    sa.PrimaryKeyConstraint('case_id', 'theme_id')
    )
    with op.batch_alter_table('case_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_theme_theme_id'), ['theme_id'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('who', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.String(length=120), nullable=True),
    sa.Column('old', sa.Text(), nullable=True),
    sa.Column('new', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_case_id'), ['case_id'], unique=False)

    op.create_table('learning_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('done', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('learning_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_action_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_action_due'), ['due'], unique=False)

    op.create_table('ombudsman_enquiry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('lgo_reference', sa.String(length=40), nullable=True),
    sa.Column('received', sa.Date(), nullable=False),
    sa.Column('enquiry_type', sa.String(length=32), nullable=True),
    sa.Column('respond_by', sa.Date(), nullable=True),
    sa.Column('responded', sa.Date(), nullable=True),
    sa.Column('decision', sa.String(length=40), nullable=True),
    sa.Column('decided', sa.Date(), nullable=True),
    sa.Column('remedy', sa.String(length=200), nullable=True),
    sa.Column('payment', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('compliance_due', sa.Date(), nullable=True),
    sa.Column('complied', sa.Date(), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ombudsman_enquiry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ombudsman_enquiry_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ombudsman_enquiry_due'), ['due'], unique=False)

    op.create_table('stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('procedure', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('requested', sa.Date(), nullable=False),
    sa.Column('accepted', sa.Date(), nullable=True),
    sa.Column('declined', sa.Date(), nullable=True),
    sa.Column('declined_reason', sa.Text(), nullable=True),
    sa.Column('late_request', sa.Boolean(), nullable=False),
    sa.Column('statement_agreed', sa.Date(), nullable=True),
    sa.Column('extended_on', sa.Date(), nullable=True),
    sa.Column('extended_days', sa.Integer(), nullable=True),
    sa.Column('paused_since', sa.Date(), nullable=True),
    sa.Column('paused_reason', sa.String(length=200), nullable=True),
    sa.Column('paused_days', sa.Integer(), nullable=False),
    sa.Column('panel_on', sa.Date(), nullable=True),
    sa.Column('findings_on', sa.Date(), nullable=True),
    sa.Column('responded', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('outcome_overridden', sa.Boolean(), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('step', sa.String(length=32), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.create_index('ix_stage_case', ['case_id', 'number'], unique=False)
        batch_op.create_index('ix_stage_due_id', ['due', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stage_responded'), ['responded'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=True),
    sa.Column('cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('cost_recorded_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['independent_person.id'], ),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_stage_id'), ['stage_id'], unique=False)

    op.create_table('complaint_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('finding', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('complaint_issue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_issue_stage_id'), ['stage_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('complaint_issue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_issue_stage_id'))

    op.drop_table('complaint_issue')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_stage_id'))

    op.drop_table('assignment')
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_responded'))
        batch_op.drop_index('ix_stage_due_id')
        batch_op.drop_index('ix_stage_case')

    op.drop_table('stage')
    with op.batch_alter_table('ombudsman_enquiry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ombudsman_enquiry_due'))
        batch_op.drop_index(batch_op.f('ix_ombudsman_enquiry_case_id'))

    op.drop_table('ombudsman_enquiry')
    with op.batch_alter_table('learning_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_action_due'))
        batch_op.drop_index(batch_op.f('ix_learning_action_case_id'))

    op.drop_table('learning_action')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_case_id'))

    op.drop_table('event')
    with op.batch_alter_table('case_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_theme_theme_id'))

    op.drop_table('case_theme')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_received'))
        batch_op.drop_index(batch_op.f('ix_case_person_id'))
        batch_op.drop_index(batch_op.f('ix_case_officer_id'))
        batch_op.drop_index(batch_op.f('ix_case_kind'))
        batch_op.drop_index(batch_op.f('ix_case_ack_due'))

    op.drop_table('case')
    op.drop_table('team')
    op.drop_table('theme')
    op.drop_table('setting')
    op.drop_table('service_area')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_name_key'))

    op.drop_table('person')
    op.drop_table('officer')
    op.drop_table('non_working_day')
    op.drop_table('independent_person')
