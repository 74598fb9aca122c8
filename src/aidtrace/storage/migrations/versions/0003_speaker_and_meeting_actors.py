"""the actors that quote speakers and meeting participants speak for

quotes.speaker_actor is the actor code the speaker speaks for and meetings.actors the
participants' actor codes, as the extractor resolves them per document ("Estonian Prime
Minister Kaja Kallas" speaks for EST). The web's partner pages find a partner's quotes and
meetings by them instead of by the gazetteer's leaders list, which misses anyone not listed and
confuses people listed for two actors. (speaker_actor, first_seen) lists one partner's quotes
in date order. Nullable columns only: existing rows keep NULL (the web falls back to the
leaders list for them) until they are re-extracted.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actors', sa.JSON(), nullable=True))

    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('speaker_actor', sa.String(length=16), nullable=True))
        batch_op.create_index('ix_quotes_speaker_actor_first_seen', ['speaker_actor', 'first_seen'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index('ix_quotes_speaker_actor_first_seen')
        batch_op.drop_column('speaker_actor')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('actors')
