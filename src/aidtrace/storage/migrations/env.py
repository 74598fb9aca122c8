"""Alembic environment for aidtrace, run programmatically (see aidtrace.storage.database.upgrade)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from aidtrace.storage.schema import Base
from aidtrace.storage.search import INDEX_TABLES

config = context.config
target_metadata = Base.metadata


def include_name(name, type_, _parents) -> bool:  # noqa: ANN001 (Alembic's hook signature)
    """Autogenerate compares the models only: the search index is made by raw SQL (0006, 0007)."""
    return not (type_ == "table" and name in INDEX_TABLES)


def run_migrations_offline() -> None:
    """Emit SQL for ``--sql`` mode without a connection."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against the engine handed over by aidtrace (or one built from the URL)."""
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        # render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          transactional_ddl=True, include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
