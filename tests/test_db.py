"""The database session: GETs run without an open transaction unless they declare a side
write, POSTs in one; idle pings."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import func, select, text

from learnapp.db import (
    READING_OPTION,
    UndeclaredWrite,
    get_session,
    insert_ignoring_duplicates,
    make_engine,
    side_write,
)
from learnapp.models import Centre, Progress
from tests.services import needs_postgres

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def centres_seen_from_elsewhere(app) -> int:  # type: ignore[no-untyped-def]
    """Count centres over a connection of its own, outside any request's session."""
    with app.extensions["learnapp_db"].engine.connect() as other:
        return other.scalar(select(func.count()).select_from(Centre))


def test_a_get_refuses_an_undeclared_write(app):
    """A GET reads without a transaction; a write it did not declare is an error, not kept."""
    with app.test_request_context("/", method="GET"):
        session = get_session()
        session.add(Centre(name="Not declared", town="Emden"))
        with pytest.raises(UndeclaredWrite):
            session.flush()
        session.close()
    assert centres_seen_from_elsewhere(app) == 0


def test_a_declared_side_write_turns_a_get_into_a_transaction(app):
    with app.test_request_context("/", method="GET"):
        session = get_session()
        side_write(session, "a test's centre")
        session.add(Centre(name="Declared", town="Emden"))
        session.flush()
        assert centres_seen_from_elsewhere(app) == 0  # not before the request commits
        session.commit()
    assert centres_seen_from_elsewhere(app) == 1


def test_a_post_is_one_transaction(app):
    """Nothing a form changes is visible before it commits, and a rollback keeps nothing."""
    with app.test_request_context("/", method="POST"):
        session = get_session()
        session.add(Centre(name="Not yet", town="Leer"))
        session.flush()
        assert centres_seen_from_elsewhere(app) == 0
        session.rollback()
    assert centres_seen_from_elsewhere(app) == 0


def test_outside_a_request_the_session_is_transactional(app):
    with app.app_context():
        session = get_session()
        session.add(Centre(name="Command line", town="Aurich"))
        session.flush()
        assert centres_seen_from_elsewhere(app) == 0
        session.rollback()


def test_an_insert_that_meets_a_duplicate_changes_nothing(app, learner):
    """Two tabs opening the same lesson at once: the second insert is ignored, not an error."""
    with app.test_request_context("/", method="GET"):
        session = get_session()
        side_write(session, "where the learner was")
        for _ in range(2):
            session.execute(
                insert_ignoring_duplicates(session, Progress, ["user_id", "lesson_id"]).values(
                    user_id=learner.id, course_id="sample", lesson_id="sample-first"
                )
            )
        rows = session.scalars(select(Progress).where(Progress.user_id == learner.id)).all()
        assert [row.lesson_id for row in rows] == ["sample-first"]


def _backend_pid(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_backend_pid()"))


def _terminate(pid: int) -> None:
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    time.sleep(0.1)


@needs_postgres
def test_a_connection_that_died_while_idle_is_replaced_before_use():
    """A PostgreSQL restart closes pooled connections: the next request must not fail."""
    engine = make_engine(POSTGRES_URL, ping_after_idle_s=0.05)
    try:
        dead = _backend_pid(engine)
        _terminate(dead)
        assert _backend_pid(engine) != dead  # pinged, found dead, replaced: no error
    finally:
        engine.dispose()


@pytest.fixture
def pinged(monkeypatch):  # type: ignore[no-untyped-def]
    """make(ping_after_idle_s) gives an engine and the list its pings are counted in."""
    engines = []

    def make(after_s: float):  # type: ignore[no-untyped-def]
        engine = make_engine(POSTGRES_URL, ping_after_idle_s=after_s)
        engines.append(engine)
        pings: list[int] = []
        original = engine.dialect.do_ping
        monkeypatch.setattr(
            engine.dialect, "do_ping", lambda conn: pings.append(1) or original(conn)
        )
        return engine, pings

    yield make
    for engine in engines:
        engine.dispose()


@needs_postgres
def test_a_connection_in_steady_use_is_not_pinged(pinged):
    engine, pings = pinged(60)
    first = _backend_pid(engine)
    assert _backend_pid(engine) == first
    assert pings == []


@needs_postgres
def test_a_connection_idle_for_a_while_is_pinged(pinged):
    engine, pings = pinged(0.05)
    _backend_pid(engine)
    time.sleep(0.1)
    _backend_pid(engine)
    assert pings == [1]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_reading_methods_use_the_reading_session(app, method):
    with app.test_request_context("/", method=method):
        bind = get_session().get_bind()
        assert bind.get_execution_options().get(READING_OPTION) is True
        if bind.dialect.name != "sqlite":  # sqlite3 begins nothing before a SELECT anyway
            assert bind.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
