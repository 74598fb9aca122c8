"""PostgreSQL: listing indexes in the listings' own order, newest first with NULLs last

Listings sort by date (or EUR) descending with NULLs last, then by id descending
(``web.queries._order``). SQLite walks the 0002 indexes backwards for that; PostgreSQL cannot,
because a backward scan of an ascending index puts NULLs first, so it read and sorted every row
of a partner (about 300 ms at a million facts, benchmarks/api_load.py). These indexes hold the
same columns in exactly that order. SQLite needs nothing here.

Their names start with ``ix_newest_``: they exist on PostgreSQL only, so the models do not
declare them (tests/test_storage.py leaves them out of the model comparison).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from __future__ import annotations

from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# (table, equality columns, sort column) of each listing the 0002 indexes serve.
ORDERED = [
    ("commitments", (), "first_seen"),
    ("commitments", ("donor",), "first_seen"),
    ("commitments", ("category", "status"), "first_seen"),
    ("commitments", ("region",), "first_seen"),
    ("commitments", ("donor",), "amount_eur"),
    ("meetings", ("region",), "date"),
    ("quotes", ("speaker",), "first_seen"),
    ("quotes", ("speaker_actor",), "first_seen"),
]


def _name(table: str, columns: tuple[str, ...], sort: str) -> str:
    return "ix_newest_" + "_".join((table, *columns, sort))


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, columns, sort in ORDERED:
        keys = ", ".join([*columns, f"{sort} DESC NULLS LAST", "id DESC"])
        op.execute(f"CREATE INDEX IF NOT EXISTS {_name(table, columns, sort)} ON {table} ({keys})")


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, columns, sort in ORDERED:
        op.execute(f"DROP INDEX IF EXISTS {_name(table, columns, sort)}")
