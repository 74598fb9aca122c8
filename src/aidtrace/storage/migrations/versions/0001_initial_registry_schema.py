"""initial registry schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('name', name=op.f('uq_api_tokens_name')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_api_tokens_token_sha256'))
    )
    op.create_table('commitments',
    sa.Column('donor', sa.String(length=16), nullable=False),
    sa.Column('recipient', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('item', sa.String(length=512), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('region', sa.String(length=8), nullable=True),
    sa.Column('pledged_date', sa.String(length=10), nullable=True),
    sa.Column('delivered_date', sa.String(length=10), nullable=True),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('amount_eur', sa.Float(), nullable=True),
    sa.Column('amount_usd', sa.Float(), nullable=True),
    sa.Column('eur_rate', sa.Float(), nullable=True),
    sa.Column('usd_rate', sa.Float(), nullable=True),
    sa.Column('rate_date', sa.String(length=10), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merge_key', sa.String(length=512), nullable=False),
    sa.Column('first_seen', sa.String(length=10), nullable=True),
    sa.Column('last_seen', sa.String(length=10), nullable=True),
    sa.Column('mention_count', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("review_state IN ('machine', 'accepted', 'rejected', 'corrected')", name=op.f('ck_commitments_review_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitments'))
    )
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitments_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_donor'), ['donor'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_merge_key'), ['merge_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_review_state'), ['review_state'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_id', sa.String(length=512), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published', sa.String(length=10), nullable=True),
    sa.Column('source', sa.String(length=512), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('extractor_version', sa.String(length=128), nullable=True),
    sa.Column('extracted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_documents_content_hash')),
    sa.UniqueConstraint('url', name=op.f('uq_documents_url'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_published'), ['published'], unique=False)

    op.create_table('endorsements',
    sa.Column('actor', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=32), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merge_key', sa.String(length=512), nullable=False),
    sa.Column('first_seen', sa.String(length=10), nullable=True),
    sa.Column('last_seen', sa.String(length=10), nullable=True),
    sa.Column('mention_count', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("review_state IN ('machine', 'accepted', 'rejected', 'corrected')", name=op.f('ck_endorsements_review_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_endorsements')),
    sa.UniqueConstraint('actor', 'subject', name=op.f('uq_endorsements_actor_subject'))
    )
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_endorsements_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_endorsements_merge_key'), ['merge_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_endorsements_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_endorsements_subject'), ['subject'], unique=False)

    op.create_table('meetings',
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=True),
    sa.Column('place', sa.String(length=256), nullable=True),
    sa.Column('region', sa.String(length=8), nullable=True),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merge_key', sa.String(length=512), nullable=False),
    sa.Column('first_seen', sa.String(length=10), nullable=True),
    sa.Column('last_seen', sa.String(length=10), nullable=True),
    sa.Column('mention_count', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("review_state IN ('machine', 'accepted', 'rejected', 'corrected')", name=op.f('ck_meetings_review_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_merge_key'), ['merge_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_review_state'), ['review_state'], unique=False)

    op.create_table('patronages',
    sa.Column('patron', sa.String(length=16), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merge_key', sa.String(length=512), nullable=False),
    sa.Column('first_seen', sa.String(length=10), nullable=True),
    sa.Column('last_seen', sa.String(length=10), nullable=True),
    sa.Column('mention_count', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("review_state IN ('machine', 'accepted', 'rejected', 'corrected')", name=op.f('ck_patronages_review_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patronages')),
    sa.UniqueConstraint('patron', 'region', name=op.f('uq_patronages_patron_region'))
    )
    with op.batch_alter_table('patronages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patronages_merge_key'), ['merge_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_patronages_patron'), ['patron'], unique=False)
        batch_op.create_index(batch_op.f('ix_patronages_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_patronages_review_state'), ['review_state'], unique=False)

    op.create_table('quotes',
    sa.Column('speaker', sa.String(length=256), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merge_key', sa.String(length=512), nullable=False),
    sa.Column('first_seen', sa.String(length=10), nullable=True),
    sa.Column('last_seen', sa.String(length=10), nullable=True),
    sa.Column('mention_count', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("review_state IN ('machine', 'accepted', 'rejected', 'corrected')", name=op.f('ck_quotes_review_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes'))
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_merge_key'), ['merge_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotes_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotes_speaker'), ['speaker'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('fact_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('reviewer', sa.String(length=256), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('old_state', sa.String(length=16), nullable=True),
    sa.Column('new_state', sa.String(length=16), nullable=True),
    sa.Column('old_values', sa.JSON(), nullable=True),
    sa.Column('new_values', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index('ix_reviews_kind_fact_id', ['kind', 'fact_id'], unique=False)

    op.create_table('mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('fact_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('evidence_start', sa.Integer(), nullable=True),
    sa.Column('evidence_end', sa.Integer(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('extractor_version', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_mentions_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentions')),
    sa.UniqueConstraint('document_id', 'kind', 'position', name=op.f('uq_mentions_document_id_kind_position'))
    )
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentions_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_mentions_kind_fact_id', ['kind', 'fact_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_mentions_kind_fact_id')
        batch_op.drop_index(batch_op.f('ix_mentions_document_id'))

    op.drop_table('mentions')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_reviews_kind_fact_id')

    op.drop_table('reviews')
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotes_speaker'))
        batch_op.drop_index(batch_op.f('ix_quotes_review_state'))
        batch_op.drop_index(batch_op.f('ix_quotes_merge_key'))

    op.drop_table('quotes')
    with op.batch_alter_table('patronages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patronages_review_state'))
        batch_op.drop_index(batch_op.f('ix_patronages_region'))
        batch_op.drop_index(batch_op.f('ix_patronages_patron'))
        batch_op.drop_index(batch_op.f('ix_patronages_merge_key'))

    op.drop_table('patronages')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_review_state'))
        batch_op.drop_index(batch_op.f('ix_meetings_region'))
        batch_op.drop_index(batch_op.f('ix_meetings_merge_key'))
        batch_op.drop_index(batch_op.f('ix_meetings_date'))

    op.drop_table('meetings')
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_endorsements_subject'))
        batch_op.drop_index(batch_op.f('ix_endorsements_review_state'))
        batch_op.drop_index(batch_op.f('ix_endorsements_merge_key'))
        batch_op.drop_index(batch_op.f('ix_endorsements_actor'))

    op.drop_table('endorsements')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_published'))

    op.drop_table('documents')
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitments_review_state'))
        batch_op.drop_index(batch_op.f('ix_commitments_region'))
        batch_op.drop_index(batch_op.f('ix_commitments_merge_key'))
        batch_op.drop_index(batch_op.f('ix_commitments_donor'))
        batch_op.drop_index(batch_op.f('ix_commitments_category'))

    op.drop_table('commitments')
    op.drop_table('api_tokens')
