"""person_links: reviewed merges and splits of person names

People are entities across documents (aidtrace.storage.persons): the names of quote speakers
and meeting participants are grouped into persons by surname key and the gazetteer's leaders.
A reviewer can merge two persons or split them; each decision is one row here, by name, so it
outlives re-extraction. Only a table is added, so existing data is kept.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'person_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=8), nullable=False),
        sa.Column('name_a', sa.String(length=256), nullable=False),
        sa.Column('name_b', sa.String(length=256), nullable=False),
        sa.Column('name_a_key', sa.String(length=256), nullable=False),
        sa.Column('name_b_key', sa.String(length=256), nullable=False),
        sa.Column('reviewer', sa.String(length=256), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("action IN ('merge', 'split')", name=op.f('ck_person_links_action')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_person_links')),
    )
    with op.batch_alter_table('person_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_links_name_a_key'), ['name_a_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_links_name_b_key'), ['name_b_key'], unique=False)


def downgrade() -> None:
    op.drop_table('person_links')
