"""What people see while the database is down: a kind page in their language, with the
request id, and the error in the log. Never the server's bare "Internal Server Error"."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from learnapp.db import Database, make_engine
from learnapp.models import User
from learnapp.requestlog import HEADER
from tests.helpers import Auth
from tests.security.server import free_port

LESSON = "/courses/sample/sample-first"
GERMAN = "DigiTandem macht gerade eine kurze Pause"
ENGLISH = "DigiTandem is resting for a moment"


def dead_database_url(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":  # a file that cannot be opened: its folder is gone
        return f"sqlite:///{tmp_path / 'gone' / 'learnapp.db'}"
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"  # nobody listens


@pytest.fixture(params=["sqlite", "postgresql"])
def dead_database(
    request: pytest.FixtureRequest, app: Flask, auth: Auth, learner: User, tmp_path: Path
) -> Iterator[Flask]:
    """The app with a signed-in learner, then pointed at a database that does not answer."""
    assert auth.login("erika").status_code == 302
    working = app.extensions["learnapp_db"]
    dead = make_engine(dead_database_url(request.param, tmp_path))
    app.extensions["learnapp_db"] = Database(dead)
    yield app
    app.extensions["learnapp_db"].engine.dispose()
    app.extensions["learnapp_db"] = working


@pytest.mark.parametrize(("language", "text"), [("de", GERMAN), ("en", ENGLISH)])
@pytest.mark.parametrize("path", ["/", LESSON, "/settings"])
def test_a_dead_database_shows_a_kind_page_with_the_request_id(
    dead_database: Flask,
    client: FlaskClient,
    caplog: pytest.LogCaptureFixture,
    language: str,
    text: str,
    path: str,
) -> None:
    with caplog.at_level(logging.ERROR):
        reply = client.get(path, headers={"Accept-Language": language})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 503
    assert reply.headers["Retry-After"]
    assert text in page
    assert "Internal Server Error" not in page
    request_id = reply.headers[HEADER]
    assert f'<strong class="request-id">{request_id}</strong>' in page
    # The log handler stamps every record with its request id (learnapp/requestlog.py).
    logged = [r for r in caplog.records if getattr(r, "request_id", None) == request_id]
    assert any(r.exc_info for r in logged), "the error is logged with its traceback"


def test_the_language_chosen_in_the_session_wins_over_the_browser(
    dead_database: Flask, client: FlaskClient
) -> None:
    with client.session_transaction() as cookie:
        cookie["lang"] = "en"
    reply = client.get("/", headers={"Accept-Language": "de"})
    assert ENGLISH in reply.get_data(as_text=True)


def test_an_unexpected_error_shows_the_kind_page_and_is_logged(
    app: Flask, client: FlaskClient, auth: Auth, learner: User, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", view_func=broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production
    assert auth.login("erika").status_code == 302
    with caplog.at_level(logging.ERROR):
        reply = client.get("/broken", headers={"Accept-Language": "de"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 500
    assert "Entschuldigung, etwas ist schiefgegangen" in page
    request_id = reply.headers[HEADER]
    assert f'<strong class="request-id">{request_id}</strong>' in page
    # The log handler stamps every record with its request id (learnapp/requestlog.py).
    logged = [r for r in caplog.records if getattr(r, "request_id", None) == request_id]
    assert any(r.exc_info and "a bug" in str(r.exc_info[1]) for r in logged)
