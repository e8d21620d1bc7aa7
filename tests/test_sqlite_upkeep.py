"""SQLite's files are private, its WAL shrinks again after a long reader, `synchronous` is
configurable."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from learnapp import create_app, migrate
from learnapp.db import get_db
from learnapp.models import Base
from tests.conftest import FIXTURE_CONTENT
from tests.helpers import Auth

LESSON = "/courses/sample/sample-first"


def sqlite_app(path: Path, **settings: object) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "DATABASE_URL": f"sqlite:///{path}",
            "CONTENT_DIR": str(FIXTURE_CONTENT),
            "CONTENT_AUTO_RELOAD": False,
            **settings,
        }
    )
    Base.metadata.create_all(app.extensions["learnapp_db"].engine)
    return app


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "learnapp.db"
    app = sqlite_app(path)
    with app.app_context():
        with get_db().engine.begin() as connection:  # a write: -wal and -shm appear
            connection.execute(text("CREATE TABLE filler (x TEXT)"))
        for suffix in ("", "-wal", "-shm"):
            assert mode(path.with_name(path.name + suffix)) == 0o600, suffix
    get_db_engine_dispose(app)


def test_an_existing_database_open_to_others_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "learnapp.db"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    get_db_engine_dispose(sqlite_app(path))
    assert mode(path) == 0o600


def test_flask_db_upgrade_creates_the_database_private(tmp_path: Path) -> None:
    path = tmp_path / "upgraded.db"
    migrate.upgrade(f"sqlite:///{path}")
    assert mode(path) == 0o600


@pytest.mark.parametrize(("setting", "expected"), [("NORMAL", 1), ("FULL", 2)])
def test_synchronous_follows_the_configuration(tmp_path: Path, setting: str, expected: int) -> None:
    app = sqlite_app(tmp_path / "s.db", SQLITE_SYNCHRONOUS=setting)
    with app.app_context(), get_db().engine.connect() as connection:
        assert connection.execute(text("PRAGMA synchronous")).scalar() == expected
        assert connection.execute(text("PRAGMA journal_size_limit")).scalar() == 16 * 1024**2
    get_db_engine_dispose(app)


def test_the_wal_shrinks_after_a_long_reader_ends(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    wal = path.with_name(path.name + "-wal")
    app = sqlite_app(path, SQLITE_CHECKPOINT_WAL_BYTES=64 * 1024, SQLITE_CHECKPOINT_EVERY_SECONDS=0)
    client: FlaskClient = app.test_client()
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM centre").fetchone()  # holds its snapshot
    with app.app_context(), get_db().engine.begin() as connection:
        connection.execute(text("CREATE TABLE filler (x TEXT)"))
        for _ in range(3000):  # other workers' writes pile up behind the reader
            connection.execute(text("INSERT INTO filler VALUES (:x)"), {"x": "x" * 300})
    client.get("/healthz").close()  # after the answer: checkpoint tried, the reader is busy
    grown = wal.stat().st_size
    assert grown > 512 * 1024
    reader.rollback()  # the long read ends
    reader.close()
    client.get("/healthz").close()
    assert wal.stat().st_size == 0
    get_db_engine_dispose(app)


def test_a_checkpoint_waits_its_interval(tmp_path: Path) -> None:
    app = sqlite_app(
        tmp_path / "i.db", SQLITE_CHECKPOINT_WAL_BYTES=0, SQLITE_CHECKPOINT_EVERY_SECONDS=3600
    )
    checkpointer = app.extensions["learnapp_wal_checkpointer"]
    client = app.test_client()
    client.get("/healthz").close()
    first = checkpointer.last_try
    client.get("/healthz").close()
    assert checkpointer.last_try == first  # not again within the hour
    get_db_engine_dispose(app)


def test_signed_in_pages_work_with_upkeep_on(app: Flask, auth: Auth, learner: object) -> None:
    app.config["SQLITE_CHECKPOINT_EVERY_SECONDS"] = 0
    assert auth.login("erika").status_code == 302
    assert auth.client.get(LESSON).status_code == 200


def get_db_engine_dispose(app: Flask) -> None:
    app.extensions["learnapp_db"].engine.dispose()
