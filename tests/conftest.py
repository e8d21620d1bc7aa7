"""Fixtures: a fresh database per test, the client, the CLI runner, user factories, SQL counting."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from learnapp import create_app
from learnapp.access import LEARNER
from learnapp.db import get_session
from learnapp.models import Base, Centre, User
from tests.helpers import PASSWORD, Auth

pytest_plugins = ["tests.world"]

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real hashing is slow on purpose; tests only need it to be a hash."""
    monkeypatch.setattr("learnapp.models.people.PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")


def _database_url(tmp_path: Path) -> str:
    return os.environ.get("LEARNAPP_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def content_dir() -> Path:
    return FIXTURE_CONTENT


@pytest.fixture
def app(tmp_path: Path, content_dir: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "DATABASE_URL": _database_url(tmp_path),
            "CONTENT_DIR": str(content_dir),
            "CONTENT_AUTO_RELOAD": False,
            "MAINTENANCE_FLAG": str(tmp_path / "maintenance"),  # not the project's instance/
            "CONTENT_CACHE_FILE": str(tmp_path / "content-library.cache"),
        }
    )
    engine = app.extensions["learnapp_db"].engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield app
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def centre(app: Flask) -> Centre:
    with app.app_context():
        session = get_session()
        centre = Centre(name="Testzentrum", town="Oldenburg")
        session.add(centre)
        session.commit()
        return centre


@pytest.fixture
def make_user(app: Flask, centre: Centre):  # type: ignore[no-untyped-def]
    """Factory: make_user(role=..., username=...) creates and returns a detached User."""
    counter = iter(range(1, 100_000))

    def factory(role: str = LEARNER, username: str | None = None, **fields) -> User:  # type: ignore[no-untyped-def]
        with app.app_context():
            session = get_session()
            user = User(
                username=username or f"{role}{next(counter)}",
                display_name=fields.pop("display_name", "Erika Test"),
                role=role,
                centre_id=centre.id,
                **fields,
            )
            user.set_password(PASSWORD)
            session.add(user)
            session.commit()
            return user

    return factory


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def learner(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(role=LEARNER, username="erika")
