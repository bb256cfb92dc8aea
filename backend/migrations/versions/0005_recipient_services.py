"""certificates, public notice and linked benefits

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['case_id'], ['assistance_case.id'],
                                   name=op.f(f'fk_{table}_case_id_assistance_case'), ondelete='CASCADE')


def upgrade() -> None:
    op.create_table('assistance_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('download_token_hash', sa.String(length=64), nullable=False),
    sa.Column('download_expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel_user', sa.String(length=128), nullable=False),
    sa.Column('holder_name', sa.String(length=40), nullable=False),
    sa.Column('id_number_masked', sa.String(length=18), nullable=True),
    sa.Column('assistance_type', sa.String(length=16), nullable=False),
    sa.Column('district', sa.String(length=16), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _case_fk('assistance_certificate'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_assistance_certificate_code')),
    sa.UniqueConstraint('download_token_hash', name=op.f('uq_assistance_certificate_download_token_hash'))
    )
    with op.batch_alter_table('assistance_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_certificate_case_id'), ['case_id'], unique=False)

    op.create_table('public_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_no', sa.String(length=20), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=16), nullable=False),
    sa.Column('holder_name_masked', sa.String(length=40), nullable=False),
    sa.Column('assistance_type', sa.String(length=16), nullable=False),
    sa.Column('household_size', sa.Integer(), nullable=True),
    sa.Column('monthly_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    _case_fk('public_notice'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_notice')),
    sa.UniqueConstraint('notice_no', name=op.f('uq_public_notice_notice_no')),
    sa.UniqueConstraint('case_id', name=op.f('uq_public_notice_case_id'))
    )
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.create_index('ix_public_notice_district_published', ['district', 'published_at'], unique=False)

    op.create_table('notice_objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=16), nullable=False),
    sa.Column('channel_user', sa.String(length=128), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('contact_enc', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _case_fk('notice_objection'),
    sa.ForeignKeyConstraint(['notice_id'], ['public_notice.id'], name=op.f('fk_notice_objection_notice_id_public_notice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by'], ['staff_user.id'], name=op.f('fk_notice_objection_resolved_by_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_objection'))
    )
    with op.batch_alter_table('notice_objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_objection_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_objection_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index('ix_notice_objection_district_status', ['district', 'status'], unique=False)

    op.create_table('linked_benefit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('benefit_code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('agency', sa.String(length=60), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    _case_fk('linked_benefit'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_linked_benefit')),
    sa.UniqueConstraint('case_id', 'benefit_code', name='uq_linked_benefit_case')
    )
    with op.batch_alter_table('linked_benefit', schema=None) as batch_op:
        batch_op.create_index('ix_linked_benefit_agency', ['agency'], unique=False)


def downgrade() -> None:
    op.drop_table('linked_benefit')
    op.drop_table('notice_objection')
    op.drop_table('public_notice')
    op.drop_table('assistance_certificate')
