"""full-text search on SQLite: the FTS5 index search_fts

One FTS5 table holds the searchable text of every fact and document (aidtrace.storage.search):
``kind`` (the fact table's name, or "documents", stored but not indexed) and ``body`` (the
normalised words, British spellings in American). The porter tokenizer stems both the index and the queries, so
"pledges" finds "pledged". The rowid is ``ref_id * 16 + kind code``. PostgreSQL gets its own
index in 0007; this revision does nothing there. The index starts empty: ``aidtrace db upgrade``
fills it for an existing registry (``aidtrace db reindex`` rebuilds it any time).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute("CREATE VIRTUAL TABLE search_fts USING fts5("
               "kind UNINDEXED, body, tokenize = 'porter unicode61 remove_diacritics 2')")


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute("DROP TABLE search_fts")
