"""A request is one transaction: committed once when the view succeeds, else nothing is kept.

The views here belong to a blueprint made for these tests only: each writes a centre and then
ends the way a real view might (an exception, an abort, an error page, a handled exception
that redirects, success). What counts is what another connection sees afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Blueprint, Flask, abort, redirect
from flask.typing import ResponseReturnValue
from sqlalchemy import Connection, event, func, select

from learnapp.db import READING, READING_OPTION, get_db, get_session, side_write
from learnapp.login import csrf
from learnapp.models import Centre
from learnapp.side_writes import tolerated


class Refused(Exception):
    """A rule said no; the blueprint's handler answers with a redirect."""


def _write(name: str) -> None:
    get_session().add(Centre(name=name, town="Testhausen"))
    get_session().flush()  # the row is in the database, only not yet committed


def _test_blueprint() -> Blueprint:
    bp = Blueprint("transaction_test", __name__, url_prefix="/transaction-test")

    @bp.post("/raises")
    def raises() -> ResponseReturnValue:
        _write("raises")
        raise RuntimeError("planned failure after a write")

    @bp.post("/aborts")
    def aborts() -> ResponseReturnValue:
        _write("aborts")
        abort(403)

    @bp.post("/error-page")
    def error_page() -> ResponseReturnValue:
        _write("error page")
        return "Please correct the form.", 400

    @bp.post("/refused")
    def refused() -> ResponseReturnValue:
        _write("refused")
        raise Refused

    @bp.errorhandler(Refused)
    def back_to_start(_error: Refused) -> ResponseReturnValue:
        return redirect("/")

    @bp.post("/succeeds")
    def succeeds() -> ResponseReturnValue:
        _write("first")
        _write("second")
        return redirect("/")

    @bp.get("/reads")
    def reads() -> ResponseReturnValue:
        return str(get_session().scalar(select(func.count()).select_from(Centre)))

    @bp.get("/side-write")
    def side_writes() -> ResponseReturnValue:
        side_write(get_session(), "a test's centre")
        _write("side write")
        return "ok"

    @bp.get("/undeclared")
    def undeclared() -> ResponseReturnValue:
        _write("undeclared")
        return "ok"

    return bp


@pytest.fixture
def test_app(app: Flask) -> Flask:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the real error page, as in production
    bp = _test_blueprint()
    csrf.exempt(bp)
    app.register_blueprint(bp)
    return app


def centres(app: Flask) -> list[str]:
    with app.app_context(), get_db().engine.connect() as other:
        return list(other.scalars(select(Centre.name).order_by(Centre.name)))


@contextmanager
def transactions(app: Flask) -> Iterator[dict[str, int]]:
    """Count BEGINs and COMMITs of transactions that may write (not the reading session's)."""
    counts = {"begin": 0, "commit": 0}
    with app.app_context():
        engine = get_db().engine

    def real(connection: Connection) -> bool:
        return not connection.get_execution_options().get(READING_OPTION)

    def on_begin(connection: Connection) -> None:
        counts["begin"] += real(connection)

    def on_commit(connection: Connection) -> None:
        counts["commit"] += real(connection)

    event.listen(engine, "begin", on_begin)
    event.listen(engine, "commit", on_commit)
    try:
        yield counts
    finally:
        event.remove(engine, "begin", on_begin)
        event.remove(engine, "commit", on_commit)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/transaction-test/raises", 500),
        ("/transaction-test/aborts", 403),
        ("/transaction-test/error-page", 400),
        ("/transaction-test/refused", 302),  # handled, and answered with a redirect
    ],
)
def test_a_request_that_fails_after_a_write_keeps_nothing(test_app, path, status):
    client = test_app.test_client()
    with transactions(test_app) as counted:
        response = client.post(path)
    assert response.status_code == status
    assert centres(test_app) == []
    assert counted["commit"] == 0


def test_a_post_that_succeeds_commits_once(test_app):
    client = test_app.test_client()
    with transactions(test_app) as counted:
        response = client.post("/transaction-test/succeeds")
    assert response.status_code == 302
    assert centres(test_app) == ["first", "second"]
    assert counted == {"begin": 1, "commit": 1}


def test_a_get_that_only_reads_opens_no_transaction(test_app):
    client = test_app.test_client()
    with transactions(test_app) as counted:
        assert client.get("/transaction-test/reads").get_data(as_text=True) == "0"
    assert counted == {"begin": 0, "commit": 0}


def test_a_get_with_a_declared_side_write_commits_it_once(test_app):
    client = test_app.test_client()
    with transactions(test_app) as counted:
        assert client.get("/transaction-test/side-write").status_code == 200
    assert centres(test_app) == ["side write"]
    assert counted == {"begin": 1, "commit": 1}


def test_a_get_that_writes_without_declaring_it_fails_and_keeps_nothing(test_app):
    client = test_app.test_client()
    assert client.get("/transaction-test/undeclared").status_code == 500
    assert centres(test_app) == []


def test_the_lesson_page_opens_a_transaction_only_when_it_writes(app, learner, auth):
    """Opening a lesson notes "where the learner was" (one commit); a reload writes nothing."""
    auth.login("erika")
    assert auth.client.get("/settings").status_code == 200  # notes "last active" (its own)
    lesson = "/courses/sample/sample-first"
    with transactions(app) as first_visit:
        assert auth.client.get(lesson).status_code == 200
    with transactions(app) as reload:
        assert auth.client.get(lesson).status_code == 200
    assert first_visit == {"begin": 1, "commit": 1}
    assert reload == {"begin": 0, "commit": 0}


def test_a_tolerated_side_write_reads_on_without_a_transaction(app):
    """After its own commit, the rest of the GET reads on the reading connection again."""
    with app.test_request_context("/", method="GET"):
        session = get_session()
        with tolerated("a test note"):
            side_write(session, "a test note")
            session.add(Centre(name="Noted", town="Oldenburg"))
        assert session.info[READING] is True
        assert session.get_bind().get_execution_options().get(READING_OPTION) is True
        assert session.scalars(select(Centre.name)).all() == ["Noted"]
