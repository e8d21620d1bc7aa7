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

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, Insert, create_engine, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

EXTENSION_KEY = "learnapp_db"


class Database:
    """Holds the engine and session factory of one app."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session_factory = sessionmaker(bind=engine, expire_on_commit=False)
        # Same pool; each statement commits on its own (see the module's docstring).
        reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.reading_session_factory = sessionmaker(bind=reader, expire_on_commit=False)


def make_engine(url: str, busy_timeout_ms: int = 10_000, ping_after_idle_s: float = 10) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    engine = create_engine(url)
    _ping_idle_connections(engine, ping_after_idle_s)
    return engine


def _ping_idle_connections(engine: Engine, after_s: float) -> None:
    """Check a pooled connection before use when it has lain idle, not before every request.

    A connection used a moment ago is alive; pinging it anyway (SQLAlchemy's pool_pre_ping)
    costs a round trip on every request. One that lay idle may have been closed by a
    PostgreSQL restart or a firewall: raising DisconnectionError makes the pool replace it.
    """

    @event.listens_for(engine, "checkin")
    def _note_idle_since(_dbapi_connection, record):  # type: ignore[no-untyped-def]
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):  # type: ignore[no-untyped-def]
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
    )
    app.extensions[EXTENSION_KEY] = Database(engine)
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


INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_ignoring_duplicates(session: Session, model: type, unique: list[str]) -> Insert:
    """INSERT … ON CONFLICT (unique) DO NOTHING, in the dialect of the session's database."""
    insert = INSERTS[session.get_bind().dialect.name]  # the two databases the app runs on
    return insert(model).on_conflict_do_nothing(index_elements=unique)
