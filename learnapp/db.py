"""Database engine and the one session per request (flask-sqlalchemy-lite style, by hand).

A request that changes things (POST) runs in one transaction: it commits once, or nothing of
it is kept. A GET or HEAD only reads, and what it writes on the side is one statement each
(where the learner was, when they were last active, that a mentor looked at a page), so it
runs without an open transaction, as Django does by default: every page saves the BEGIN and
COMMIT round trips, which cost more than the queries themselves on a small server. Code that
must change several rows together belongs in a POST.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, Insert, create_engine, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from learnapp import sqlite_upkeep

EXTENSION_KEY = "learnapp_db"


class Database:
    """Holds the engine and session factory of one app."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session_factory = sessionmaker(bind=engine, expire_on_commit=False)
        # Same pool; each statement commits on its own (see the module's docstring).
        reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.reading_session_factory = sessionmaker(bind=reader, expire_on_commit=False)


def make_engine(
    url: str,
    busy_timeout_ms: int = 10_000,
    ping_after_idle_s: float = 10,
    *,
    statement_timeout_ms: int = 20_000,
    lock_timeout_ms: int = 10_000,
    sqlite_synchronous: str = "NORMAL",
    sqlite_journal_size_limit: int = 16 * 1024 * 1024,
) -> Engine:
    """Create an engine whose waits all end before gunicorn's worker timeout.

    SQLite gets WAL, foreign keys, a busy timeout and a size limit for its WAL on every
    connection, and its file is created private (learnapp/sqlite_upkeep.py). PostgreSQL gets
    a statement and a lock timeout: a request stuck behind a locked row or a runaway query is
    cut by the database, and the app answers with its own kind page instead of the worker
    being killed with the visitor left hanging.
    """
    if url.startswith("sqlite"):
        path = sqlite_upkeep.database_file(url)
        if path is not None:
            sqlite_upkeep.make_private(path)
        statements = sqlite_upkeep.pragmas(
            busy_timeout_ms, sqlite_synchronous, sqlite_journal_size_limit
        )
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(
            dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry
        ) -> None:
            cursor = dbapi_connection.cursor()
            for statement in statements:
                cursor.execute(statement)
            cursor.close()

        return engine
    engine = create_engine(
        url, connect_args=_postgres_timeouts(statement_timeout_ms, lock_timeout_ms)
    )
    _ping_idle_connections(engine, ping_after_idle_s)
    return engine


def _postgres_timeouts(statement_timeout_ms: int, lock_timeout_ms: int) -> dict[str, str]:
    """libpq options for every connection; 0 turns a timeout off."""
    return {
        "options": f"-c statement_timeout={int(statement_timeout_ms)}"
        f" -c lock_timeout={int(lock_timeout_ms)}"
    }


def _ping_idle_connections(engine: Engine, after_s: float) -> None:
    """Check a pooled connection before use when it has lain idle, not before every request.

    A connection used a moment ago is alive; pinging it anyway (SQLAlchemy's pool_pre_ping)
    costs a round trip on every request. One that lay idle may have been closed by a
    PostgreSQL restart or a firewall: raising DisconnectionError makes the pool replace it.
    """

    @event.listens_for(engine, "checkin")
    def _note_idle_since(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(
        dbapi_connection: DBAPIConnection,
        record: ConnectionPoolEntry,
        _proxy: PoolProxiedConnection,
    ) -> None:
        idle_since = record.info.get("idle_since")  # none yet: a brand-new connection
        if idle_since is None or time.monotonic() - idle_since < after_s:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(str(error)) from error
        if not alive:
            raise exc.DisconnectionError("the database did not answer the ping")


def init_app(app: Flask) -> None:
    engine = make_engine(
        app.config["DATABASE_URL"],
        app.config["SQLITE_BUSY_TIMEOUT_MS"],
        app.config["DATABASE_PING_AFTER_IDLE_SECONDS"],
        statement_timeout_ms=app.config["DATABASE_STATEMENT_TIMEOUT_MS"],
        lock_timeout_ms=app.config["DATABASE_LOCK_TIMEOUT_MS"],
        sqlite_synchronous=app.config["SQLITE_SYNCHRONOUS"],
        sqlite_journal_size_limit=app.config["SQLITE_JOURNAL_SIZE_LIMIT_BYTES"],
    )
    app.extensions[EXTENSION_KEY] = Database(engine)
    sqlite_upkeep.init_app(app, engine)
    app.teardown_appcontext(_close_session)


def get_db() -> Database:
    return current_app.extensions[EXTENSION_KEY]


READING_METHODS = frozenset({"GET", "HEAD"})


def get_session() -> Session:
    """The session of the current app context, created on first use."""
    if "db_session" not in g:
        database = get_db()
        reading = has_request_context() and request.method in READING_METHODS
        factory = database.reading_session_factory if reading else database.session_factory
        g.db_session = factory()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


INSERTS: dict[str, Callable[[type], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}


def insert_ignoring_duplicates(session: Session, model: type, unique: list[str]) -> Insert:
    """INSERT … ON CONFLICT (unique) DO NOTHING, in the dialect of the session's database."""
    insert = INSERTS[session.get_bind().dialect.name]  # the two databases the app runs on
    return insert(model).on_conflict_do_nothing(index_elements=unique)
