"""events: forthcoming summits, councils, conferences, votes and visits

The sixth fact kind (aidtrace.facts.events): one row per event, merged across documents by
organiser, name and compatible dates, with the bookkeeping every fact table has. Adding a kind
is its module plus this migration.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('merge_key', sa.String(length=512), nullable=False),
        sa.Column('first_seen', sa.String(length=10), nullable=True),
        sa.Column('last_seen', sa.String(length=10), nullable=True),
        sa.Column('mention_count', sa.Integer(), nullable=False),
        sa.Column('confidence', sa.Float(), nullable=False),
        sa.Column('review_state', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('name', sa.String(length=512), nullable=False),
        sa.Column('organiser', sa.String(length=16), nullable=True),
        sa.Column('place', sa.String(length=256), nullable=True),
        sa.Column('country', sa.String(length=3), nullable=True),
        sa.Column('date', sa.String(length=10), nullable=True),
        sa.CheckConstraint("review_state IN ('machine', 'accepted', 'rejected', 'corrected')",
                           name=op.f('ck_events_review_state')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_merge_key'), ['merge_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_organiser'), ['organiser'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_date'), ['date'], unique=False)


def downgrade() -> None:
    op.drop_table('events')
