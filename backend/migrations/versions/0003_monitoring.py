"""monitoring and early warning

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'monitored_person',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('district', sa.String(length=16), nullable=True),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('member_role', sa.String(length=12), nullable=False),
        sa.Column('since', sa.DateTime(timezone=True), nullable=False),
        sa.Column('until', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['assistance_case.id'],
                                name=op.f('fk_monitored_person_case_id_assistance_case'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_monitored_person')),
        sa.UniqueConstraint('id_hash', 'case_id', name='uq_monitored_person_id_hash_case'),
    )
    op.create_index(op.f('ix_monitored_person_case_id'), 'monitored_person', ['case_id'], unique=False)

    op.create_table(
        'monitoring_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=True),
        sa.Column('source', sa.String(length=8), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('rows_read', sa.Integer(), nullable=False),
        sa.Column('matched', sa.Integer(), nullable=False),
        sa.Column('alerts_created', sa.Integer(), nullable=False),
        sa.Column('duplicates', sa.Integer(), nullable=False),
        sa.Column('bad_rows', sa.Integer(), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'],
                                name=op.f('fk_monitoring_import_staff_id_staff_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_import')),
    )

    op.create_table(
        'monitoring_alert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('event_date', sa.Date(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('district', sa.String(length=16), nullable=True),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('person_group', sa.String(length=12), nullable=False),
        sa.Column('member_role', sa.String(length=12), nullable=False),
        sa.Column('person_masked', sa.String(length=18), nullable=False),
        sa.Column('action', sa.String(length=24), nullable=False),
        sa.Column('priority', sa.String(length=8), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('facts', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by', sa.Integer(), nullable=True),
        sa.Column('outcome_code', sa.String(length=24), nullable=True),
        sa.Column('outcome_text', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['assistance_case.id'],
                                name=op.f('fk_monitoring_alert_case_id_assistance_case'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['import_id'], ['monitoring_import.id'],
                                name=op.f('fk_monitoring_alert_import_id_monitoring_import'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['resolved_by'], ['staff_user.id'],
                                name=op.f('fk_monitoring_alert_resolved_by_staff_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_alert')),
        sa.UniqueConstraint('kind', 'id_hash', 'event_date', 'case_id', name='uq_monitoring_alert_record'),
    )
    op.create_index(op.f('ix_monitoring_alert_case_id'), 'monitoring_alert', ['case_id'], unique=False)
    op.create_index('ix_monitoring_alert_district_status', 'monitoring_alert', ['district', 'status'],
                    unique=False)
    op.create_index('ix_monitoring_alert_status_priority', 'monitoring_alert', ['status', 'priority'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_monitoring_alert_status_priority', table_name='monitoring_alert')
    op.drop_index('ix_monitoring_alert_district_status', table_name='monitoring_alert')
    op.drop_index(op.f('ix_monitoring_alert_case_id'), table_name='monitoring_alert')
    op.drop_table('monitoring_alert')
    op.drop_table('monitoring_import')
    op.drop_index(op.f('ix_monitored_person_case_id'), table_name='monitored_person')
    op.drop_table('monitored_person')
