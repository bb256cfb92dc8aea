"""staff sign-in attempts, for the failure limit

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_login_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=40), nullable=False),
        sa.Column('succeeded', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_staff_login_attempt_username'), 'staff_login_attempt', ['username'])


def downgrade() -> None:
    op.drop_index(op.f('ix_staff_login_attempt_username'), table_name='staff_login_attempt')
    op.drop_table('staff_login_attempt')
