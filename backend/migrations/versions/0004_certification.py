"""eligibility certification

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['case_id'], ['assistance_case.id'],
                                   name=op.f(f'fk_{table}_case_id_assistance_case'),
                                   ondelete='CASCADE')


# Cases approved before this revision get a schedule with the default interval (90 days).
FIRST_INTERVAL_DAYS = 90
CERTIFIED_TYPES = ('dibao', 'tekun', 'dibao_edge')


def upgrade() -> None:
    schedule = op.create_table('certification_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('interval_days', sa.Integer(), nullable=False),
    sa.Column('next_due_on', sa.Date(), nullable=False),
    sa.Column('last_certified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _case_fk('certification_schedule'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_schedule')),
    sa.UniqueConstraint('case_id', name=op.f('uq_certification_schedule_case_id'))
    )
    with op.batch_alter_table('certification_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_schedule_next_due_on'),
                              ['next_due_on'], unique=False)
    _schedule_approved_cases(schedule)

    op.create_table('identity_verification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('channel_user', sa.String(length=128), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _case_fk('identity_verification'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_verification')),
    sa.UniqueConstraint('public_id', name=op.f('uq_identity_verification_public_id'))
    )
    with op.batch_alter_table('identity_verification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_verification_case_id'), ['case_id'],
                              unique=False)

    op.create_table('verification_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('channel_user', sa.String(length=128), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _case_fk('verification_attempt'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_attempt'))
    )
    with op.batch_alter_table('verification_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_verification_attempt_user_time', ['channel_user', 'created_at'],
                              unique=False)
        batch_op.create_index('ix_verification_attempt_case_time', ['case_id', 'created_at'],
                              unique=False)

    op.create_table('certification_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('verification_id', sa.Integer(), nullable=False),
    sa.Column('channel_user', sa.String(length=128), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('still_at_address', sa.Boolean(), nullable=False),
    sa.Column('address_detail', sa.Text(), nullable=True),
    sa.Column('household_changed', sa.Boolean(), nullable=False),
    sa.Column('household_detail', sa.Text(), nullable=True),
    sa.Column('income_changed', sa.Boolean(), nullable=False),
    sa.Column('income_detail', sa.Text(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('next_due_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _case_fk('certification_record'),
    sa.ForeignKeyConstraint(['verification_id'], ['identity_verification.id'],
                            name=op.f('fk_certification_record_verification_id_identity_verification')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_record'))
    )
    with op.batch_alter_table('certification_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_record_case_id'), ['case_id'],
                              unique=False)

    op.create_table('case_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('certification_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _case_fk('case_task'),
    sa.ForeignKeyConstraint(['certification_id'], ['certification_record.id'],
                            name=op.f('fk_case_task_certification_id_certification_record'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by'], ['staff_user.id'],
                            name=op.f('fk_case_task_done_by_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_task'))
    )
    with op.batch_alter_table('case_task', schema=None) as batch_op:
        batch_op.create_index('ix_case_task_status_case', ['status', 'case_id'], unique=False)


def _schedule_approved_cases(schedule: sa.Table) -> None:
    case = sa.table('assistance_case', sa.column('id', sa.Integer()),
                    sa.column('status', sa.String()), sa.column('assistance_type', sa.String()))
    ids = op.get_bind().execute(sa.select(case.c.id).where(
        case.c.status == 'approved', case.c.assistance_type.in_(CERTIFIED_TYPES))).scalars().all()
    now = datetime.now(UTC)
    due = now.astimezone(timezone(timedelta(hours=8))).date() + timedelta(days=FIRST_INTERVAL_DAYS)
    if ids:
        op.bulk_insert(schedule, [
            {'case_id': case_id, 'interval_days': FIRST_INTERVAL_DAYS, 'next_due_on': due,
             'last_certified_at': None, 'status': 'active', 'created_at': now}
            for case_id in ids])


def downgrade() -> None:
    op.drop_table('case_task')
    op.drop_table('certification_record')
    op.drop_table('verification_attempt')
    op.drop_table('identity_verification')
    op.drop_table('certification_schedule')
