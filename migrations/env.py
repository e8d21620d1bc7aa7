"""Alembic environment: URL from the caller (learnapp.migrate), metadata from the models.

Each migration runs in its own transaction, on SQLite too, and alembic_version moves inside
that same transaction: a migration cut off half-way (a full disk, a killed process) leaves
nothing of itself behind, and the next `flask db upgrade` starts it again from the beginning.
PostgreSQL has transactional DDL built in. Python's sqlite3 module does not begin a
transaction before CREATE or ALTER, so here it is told to leave transactions alone and the
BEGIN is emitted by SQLAlchemy (SQLAlchemy's pysqlite notes, "Serializable isolation /
Savepoints / Transactional DDL").
"""

from typing import Any

from alembic import context
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import ConnectionPoolEntry

from learnapp import sqlite_upkeep
from learnapp.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def migration_engine(url: str) -> Engine:
    """An engine whose transactions hold DDL on SQLite as they do on PostgreSQL."""
    engine = create_engine(url)
    if engine.dialect.name != "sqlite":
        return engine
    path = sqlite_upkeep.database_file(url)
    if path is not None:
        sqlite_upkeep.make_private(path)

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # the sqlite3 module emits no BEGIN/COMMIT

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, not half-way

    return engine


def run_migrations_online() -> None:
    engine = migration_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,  # SQLite alters tables by copying them
                transaction_per_migration=True,
                transactional_ddl=True,  # also on SQLite, made so by migration_engine
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:  # also when a migration failed: no connection is left open
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
