"""Waits for the database end before gunicorn's worker timeout, and reading survives a
database that cannot write: the app answers itself, kindly, instead of being killed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.test import TestResponse

from learnapp import create_app
from learnapp.db import Database, get_session, make_engine
from learnapp.models import Base, Progress, User
from tests.conftest import FIXTURE_CONTENT
from tests.helpers import Auth
from tests.postgres_databases import TEST_URL, on_postgres

LESSON = "/courses/sample/sample-first"


@pytest.fixture
def pg_app(tmp_path: Path) -> Iterator[Flask]:
    """The app on the PostgreSQL test database with a short lock timeout."""
    app = create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,  # as in production: the error handlers answer
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "DATABASE_URL": TEST_URL,
            "CONTENT_DIR": str(FIXTURE_CONTENT),
            "CONTENT_AUTO_RELOAD": False,
            "DATABASE_LOCK_TIMEOUT_MS": 500,
            "MAINTENANCE_FLAG": str(tmp_path / "maintenance"),
        }
    )
    engine = app.extensions["learnapp_db"].engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield app
    Base.metadata.drop_all(engine)
    engine.dispose()


def _sign_in(app: Flask, make_learner: bool = True) -> Auth:
    with app.app_context():
        from learnapp.models import Centre

        session = get_session()
        centre = Centre(name="Zentrum", town="Oldenburg")
        session.add(centre)
        session.flush()
        user = User(username="erika", display_name="Erika", role="learner", centre_id=centre.id)
        user.set_password("correct-horse-battery")
        session.add(user)
        session.commit()
    auth = Auth(app.test_client())
    assert auth.login("erika").status_code == 302
    return auth


class Locked:
    """Another connection holds the progress table against writers (reading still works)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def __enter__(self) -> Locked:
        self.connection = self.engine.connect()
        self.connection.execute(text("LOCK TABLE progress IN EXCLUSIVE MODE"))
        return self

    def __exit__(self, *_exc: object) -> None:
        self.connection.rollback()
        self.connection.close()
        self.engine.dispose()


def _timed(client: FlaskClient, method: str, path: str, **kw: Any) -> tuple[TestResponse, float]:
    """The reply and how long it took; a request still waiting after 5 s fails the test."""
    result: dict[str, Any] = {}

    def go() -> None:
        start = time.monotonic()
        result["reply"] = client.open(path, method=method, **kw)
        result["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    thread.join(5)
    assert not thread.is_alive(), f"{method} {path} was still waiting for the lock after 5 s"
    return result["reply"], result["seconds"]


@on_postgres
def test_a_write_waiting_on_a_locked_row_gets_the_kind_page_in_time(pg_app: Flask) -> None:
    auth = _sign_in(pg_app)
    token = auth.token(LESSON)
    with Locked(TEST_URL):
        reply, seconds = _timed(
            auth.client,
            "POST",
            LESSON + "/done",
            data={"csrf_token": token},
            headers={"Accept-Language": "de"},
        )
    assert reply.status_code == 503
    assert "DigiTandem macht gerade eine kurze Pause" in reply.get_data(as_text=True)
    assert seconds < 3


@on_postgres
def test_a_lesson_opens_while_its_visit_cannot_be_written(pg_app: Flask) -> None:
    auth = _sign_in(pg_app)
    with Locked(TEST_URL):
        reply, _seconds = _timed(auth.client, "GET", LESSON)
    assert reply.status_code == 200
    assert "<h1" in reply.get_data(as_text=True)


@on_postgres
def test_postgres_connections_carry_the_timeouts() -> None:
    engine = make_engine(TEST_URL, statement_timeout_ms=1234, lock_timeout_ms=567)
    with engine.connect() as connection:
        assert connection.execute(text("SHOW statement_timeout")).scalar() == "1234ms"
        assert connection.execute(text("SHOW lock_timeout")).scalar() == "567ms"
        # Short staff queries: no JIT compilation, their sorts and hashes in memory (issue 21).
        assert connection.execute(text("SHOW jit")).scalar() == "off"
        assert connection.execute(text("SHOW work_mem")).scalar() == "16MB"
        assert connection.execute(text("SHOW random_page_cost")).scalar() == "1.1"
    engine.dispose()


def test_the_default_waits_end_before_gunicorns_worker_timeout(app: Flask) -> None:
    import gunicorn.config

    worker_timeout_ms = gunicorn.config.Config().timeout * 1000  # what gunicorn.conf.py keeps
    for key in (
        "SQLITE_BUSY_TIMEOUT_MS",
        "DATABASE_STATEMENT_TIMEOUT_MS",
        "DATABASE_LOCK_TIMEOUT_MS",
    ):
        assert 0 < app.config[key] < worker_timeout_ms


def test_a_lesson_opens_on_a_database_that_cannot_write(
    app: Flask, client: FlaskClient, auth: Auth, learner: User, tmp_path: Path
) -> None:
    """A read-only SQLite database (as after a full disk): the lesson is shown, the visit not
    written, and the failure logged."""
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's read-only mode")
    assert auth.login("erika").status_code == 302
    path = url.removeprefix("sqlite:///")
    working = app.extensions["learnapp_db"]
    app.extensions["learnapp_db"] = Database(make_engine(f"sqlite:///file:{path}?mode=ro&uri=true"))
    try:
        reply = client.get(LESSON)
        home = client.get("/")
    finally:
        app.extensions["learnapp_db"].engine.dispose()
        app.extensions["learnapp_db"] = working
    assert reply.status_code == 200
    assert home.status_code == 200
    with app.app_context():
        assert get_session().query(Progress).count() == 0


def test_healthz_reports_a_database_that_reads_but_cannot_write(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's read-only mode")
    path = url.removeprefix("sqlite:///")
    working = app.extensions["learnapp_db"]
    app.extensions["learnapp_db"] = Database(make_engine(f"sqlite:///file:{path}?mode=ro&uri=true"))
    try:
        reply = client.get("/healthz")
    finally:
        app.extensions["learnapp_db"].engine.dispose()
        app.extensions["learnapp_db"] = working
    assert reply.status_code == 503
    assert reply.json == {
        "status": "error",
        "database": "cannot write",
        "read": "ok",
        "write": "failing",
    }
    assert "cannot be written" in caplog.text


def test_healthz_reports_a_nearly_full_disk(app: Flask, client: FlaskClient) -> None:
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the free space is checked for SQLite's disk")
    app.config["HEALTH_MIN_FREE_BYTES"] = 1 << 60  # more than any disk has
    reply = client.get("/healthz")
    assert reply.status_code == 503
    assert reply.json is not None and reply.json["write"] == "failing"
