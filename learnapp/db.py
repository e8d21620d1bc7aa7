"""Database engine and the one session per request (flask-sqlalchemy-lite style, by hand).

A request is one transaction. Views and services never commit: the request commits once,
after the view returned a response that is not an error (status below 400) and no exception
was raised on the way; otherwise everything it wrote is rolled back (see `finish_request`).
Command-line commands have no request and commit themselves.

A GET or HEAD only reads, on a session without an open transaction: a page that writes
nothing saves the BEGIN and COMMIT round trips, which cost more than the queries themselves
on a small server. The few things a GET writes on the side are declared with `side_write`,
which turns the request into a transaction from there on (committed like a POST's). They are:

- "where the learner was": opening a lesson (learn.services.record_visit);
- "last active": a signed-in request, at most every few minutes (login.note_activity);
- "viewed": a mentor or coordinator opened a learner's page (audit.record_view);
- "exported": a coordinator downloaded a learner's data (coordinate.views.export).

Any other write in a GET is refused (UndeclaredWrite), so a new one cannot slip in unseen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import Connection, Engine, Insert, create_engine, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from learnapp import (
    rollups,  # noqa: F401 - its listeners keep the staff pages' figures
    sqlite_upkeep,
)

EXTENSION_KEY = "learnapp_db"
BEGIN_IMMEDIATE = "learnapp_begin_immediate"  # execution option: SQLite's write lock at BEGIN
READING = "reading"  # key in Session.info: True while the session may not write
READING_OPTION = "learnapp_reading"  # execution option of the reading connections
FAILED = "db_request_failed"  # key in flask.g: an exception was raised during the request


class UndeclaredWrite(RuntimeError):
    """A GET tried to write without saying so with side_write."""


class Database:
    """Holds the engine and session factory of one app."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session_factory = sessionmaker(bind=engine, expire_on_commit=False)
        # Same pool, no BEGIN: a page that only reads needs no transaction. Python's sqlite3
        # never begins one before a SELECT anyway, so SQLite readers keep the engine's own
        # isolation: switching a connection to AUTOCOMMIT and back on every checkout cost
        # about a fifth of a lesson page's time there. READING_OPTION names the reader.
        self.reader = engine.execution_options(
            **{READING_OPTION: True},
            **({} if engine.dialect.name == "sqlite" else {"isolation_level": "AUTOCOMMIT"}),
        )
        self.reading_session_factory = sessionmaker(
            bind=self.reader, expire_on_commit=False, info={READING: True}
        )
        event.listen(self.reading_session_factory, "before_flush", _refuse_flush)
        event.listen(self.reading_session_factory, "do_orm_execute", _refuse_statement)
        # Same pool again; on SQLite each transaction takes the write lock when it begins.
        self.serial_writer = engine.execution_options(**{BEGIN_IMMEDIATE: True})


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

        _begin_immediate_when_asked(engine)
        return engine
    engine = create_engine(
        url, connect_args=_postgres_timeouts(statement_timeout_ms, lock_timeout_ms)
    )
    _ping_idle_connections(engine, ping_after_idle_s)
    return engine


def _begin_immediate_when_asked(engine: Engine) -> None:
    """Transactions of `Database.serial_writer` start with BEGIN IMMEDIATE (pysqlite recipe).

    Python's sqlite3 opens a transaction only at the first INSERT, UPDATE or DELETE, so two
    requests can both read "not there yet" and then both write. BEGIN IMMEDIATE takes the
    write lock at the start: the second request waits (busy timeout) and then reads what the
    first committed. The connection goes back to sqlite3's own deferred BEGIN for everyone
    else: a reader holding the write lock would keep every writer waiting.
    """

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # the reading session: no transaction at all
        dbapi_connection = connection.connection.driver_connection
        assert dbapi_connection is not None  # a connection that is beginning is open
        if options.get(BEGIN_IMMEDIATE):
            dbapi_connection.isolation_level = None  # sqlite3 emits no BEGIN of its own
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif dbapi_connection.isolation_level is None:
            dbapi_connection.isolation_level = ""  # left so by an immediate transaction


# The app's statements are short (milliseconds, one centre's rows). PostgreSQL's JIT compiles
# a plan whose estimated cost passes a threshold, which a staff page's grouped queries do on a
# large programme: compiling took 260-330 ms of a query that runs in tens (issue 21). And a
# page's grouping or de-duplication beyond the default 4 MB work_mem spills to disk; 16 MB
# keeps a large centre's in memory (per sort or hash, per connection: pool size × a few).
# random_page_cost 1.1 instead of 4: the tables live in memory or on an SSD, where reading
# a centre's rows through an index costs little more than reading a table in order; with 4
# the planner read all the programme's completed lessons to rule out a centre's few.
POSTGRES_SETTINGS = "-c jit=off -c work_mem=16MB -c random_page_cost=1.1"


def _postgres_timeouts(statement_timeout_ms: int, lock_timeout_ms: int) -> dict[str, str]:
    """libpq options for every connection (timeouts, no JIT, work_mem); 0 turns a timeout
    off."""
    return {
        "options": f"-c statement_timeout={int(statement_timeout_ms)}"
        f" -c lock_timeout={int(lock_timeout_ms)} {POSTGRES_SETTINGS}"
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
    _note_handled_exceptions(app)


def commit_requests(app: Flask) -> None:
    """Commit each request at its end (finish_request). Registered after every other
    after-request hook, so it runs before them (Flask runs them in reverse): a check that
    must see the committed change (maintenance.withhold_acknowledgement) comes after it."""
    app.after_request(finish_request)


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


def side_write(session: Session, what: str) -> None:
    """Declare that this request writes `what` although it is a GET (see the module's list).

    A reading session becomes a transactional one from here on: it is committed at the end
    of the request like a POST's, or rolled back if the request fails. Call it before the
    write; in a POST or a command it changes nothing.
    """
    if not session.info.get(READING):
        return
    if session.new or session.dirty or session.deleted:
        raise UndeclaredWrite(f"changes were made before declaring the side write {what!r}")
    session.commit()  # ends the reading (BEGIN-less) use of the connection; writes nothing
    session.bind = get_db().engine
    session.info[READING] = False


def end_side_write(session: Session) -> None:
    """After a side write committed on its own (learnapp/side_writes.py): read on without a
    transaction again, so the rest of the GET opens none. In a POST it changes nothing."""
    if not (has_request_context() and request.method in READING_METHODS):
        return
    if session.in_transaction():
        session.commit()
    session.bind = get_db().reader
    session.info[READING] = True


def hold_write_lock(session: Session) -> None:
    """From here on, this request's writes wait for any other writer before reading anything.

    On SQLite the transaction is begun anew with BEGIN IMMEDIATE (see
    _begin_immediate_when_asked): checks such as "was this form already stored?" then see
    what a concurrent copy of the same request committed. Call it before the request writes.
    PostgreSQL needs nothing: row locks and unique constraints order concurrent writers.
    """
    if session.get_bind().dialect.name != "sqlite" or session.info.get(READING):
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("hold_write_lock must come before the request's writes")
    session.commit()  # ends the reads so far; nothing is pending, so nothing is written
    session.bind = get_db().serial_writer


def _refuse_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if session.info.get(READING):
        raise UndeclaredWrite("a GET changed rows without side_write")


def _refuse_statement(state: ORMExecuteState) -> None:
    if state.session.info.get(READING) and (state.is_insert or state.is_update or state.is_delete):
        raise UndeclaredWrite("a GET ran an INSERT, UPDATE or DELETE without side_write")


def finish_request(response: Response) -> Response:
    """Commit the request's one transaction if it went well; otherwise keep nothing of it."""
    session: Session | None = g.get("db_session")
    if session is None or session.info.get(READING):
        return response  # nothing was written (writes in a reading session are refused)
    if response.status_code < 400 and not g.get(FAILED):
        try:
            session.commit()
        except (exc.OperationalError, exc.InterfaceError) as error:
            # Refused at the very end (a lock or statement timeout, a lost connection): the
            # app's own page for a database that cannot answer (errors.py), not a bare 500.
            session.rollback()
            return current_app.make_response(current_app.handle_user_exception(error))
    else:
        session.rollback()
    return response


def _note_handled_exceptions(app: Flask) -> None:
    """Remember that an exception was raised, even when a handler turned it into a page.

    An error handler may answer with a redirect or a 200 page (e.g. a broken lesson), so the
    status code alone does not say whether the view finished.
    """
    handle: Callable[[Exception], Any] = app.handle_user_exception

    def handle_user_exception(error: Exception) -> Any:
        g.setdefault(FAILED, True)
        return handle(error)

    setattr(app, "handle_user_exception", handle_user_exception)  # noqa: B010 (keeps mypy calm)


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back whatever was not committed


INSERTS: dict[str, Callable[[type], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}


def insert_ignoring_duplicates(session: Session, model: type, unique: list[str]) -> Insert:
    """INSERT … ON CONFLICT (unique) DO NOTHING, in the dialect of the session's database."""
    if session.get_bind().dialect.name == "postgresql":  # the two databases the app runs on
        return postgresql.insert(model).on_conflict_do_nothing(index_elements=unique)
    return sqlite.insert(model).on_conflict_do_nothing(index_elements=unique)
