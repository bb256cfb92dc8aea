"""helper registry and staff console

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'registered_helper',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('organisation', sa.String(length=60), nullable=True),
        sa.Column('district', sa.String(length=16), nullable=False),
        sa.Column('phone_enc', sa.Text(), nullable=False),
        sa.Column('phone_hash', sa.String(length=64), nullable=False),
        sa.Column('phone_masked', sa.String(length=11), nullable=False),
        sa.Column('id_number_enc', sa.Text(), nullable=True),
        sa.Column('id_number_hash', sa.String(length=64), nullable=True),
        sa.Column('id_number_masked', sa.String(length=18), nullable=True),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('deactivated_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'], ondelete='SET NULL',
                                name=op.f('fk_registered_helper_created_by_staff_user')),
        sa.ForeignKeyConstraint(['deactivated_by'], ['staff_user.id'], ondelete='SET NULL',
                                name=op.f('fk_registered_helper_deactivated_by_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registered_helper')),
    )
    op.create_index(op.f('ix_registered_helper_phone_hash'), 'registered_helper',
                    ['phone_hash'], unique=False)
    op.create_index(op.f('ix_registered_helper_id_number_hash'), 'registered_helper',
                    ['id_number_hash'], unique=False)
    op.create_index('ix_registered_helper_district_active', 'registered_helper',
                    ['district', 'is_active'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_registered_helper_district_active', table_name='registered_helper')
    op.drop_index(op.f('ix_registered_helper_id_number_hash'), table_name='registered_helper')
    op.drop_index(op.f('ix_registered_helper_phone_hash'), table_name='registered_helper')
    op.drop_table('registered_helper')
