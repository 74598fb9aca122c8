"""meeting topics and cumulative commitments

meetings.topics lists the topic codes (FACTS.md) the document says were discussed at the
meeting, the union over its mentions. commitments.cumulative marks a running total ("$9.1bn
since February", "in total"): shown apart from packages and kept out of every sum. Nullable
columns: rows stored before this revision read as no topics and not cumulative until they are
re-extracted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topics', sa.JSON(), nullable=True))

    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cumulative', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_column('cumulative')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('topics')
