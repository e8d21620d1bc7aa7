"""A learner's presses have limits, counted in the database (learnapp/learn/limits.py).

"I need help": once per lesson until the mentor has answered, and HELP_REQUESTS_PER_HOUR
times in any hour. "Check": SELF_CHECKS_PER_LESSON_PER_MINUTE times per lesson in any
minute. Tested at the numbers (N allowed, N+1 refused), on a stopped clock that is moved to
just before and exactly at the end of the window, through the real HTTP client; a refusal is
the help form with a kind message, not a bare error.
"""

from __future__ import annotations

import html
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from learnapp import create_app
from learnapp.db import get_session
from learnapp.models import HelpRequest, QuizAttempt
from tests.helpers import Auth
from tests.world import World

LESSON = "/courses/sample/sample-first"
OTHER_LESSON = "/courses/sample/sample-second"
ALREADY_ASKED = "You have already asked for help with this lesson."
ASKED_OFTEN = "times in the last hour"
SENT = "Your question is sent"
CHECKED_OFTEN = "You have checked your answers many times in a short while."


class Clock:
    """Naive UTC that moves only when told."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("learnapp.learn.limits.utcnow", clock)
    return clock


@pytest.fixture
def learner(client: FlaskClient, world: World) -> Auth:
    auth = Auth(client)
    auth.login("learnera")
    return auth


def ask(auth: Auth, lesson: str = LESSON, lang: str = "en") -> TestResponse:
    """ "Help" tapped on `lesson` and sent from the help page."""
    form = f"/help?from={lesson}&lang={lang}"
    return auth.post(f"/help?lang={lang}", {"message": "Hilfe", "origin": lesson}, token_from=form)


def lesson_page(client: FlaskClient, response: TestResponse) -> str:
    """The page the learner sees after a press: the confirmation, or the form with why not."""
    if response.status_code == 429:
        return html.unescape(response.get_data(as_text=True))
    assert response.status_code == 302
    return html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))


def help_requests(app: Flask) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count(HelpRequest.id))) or 0


def answer_all(app: Flask) -> None:
    """The mentor has answered every request (as /mentor/help/<id>/handled does)."""
    with app.app_context():
        db = get_session()
        db.execute(update(HelpRequest).values(handled_at=datetime(2026, 1, 1)))
        db.commit()


# --- "I need help" -------------------------------------------------------------------------


def test_one_open_request_per_lesson_until_the_mentor_answers(
    client: FlaskClient, app: Flask, learner: Auth, clock: Clock
) -> None:
    assert SENT in lesson_page(client, ask(learner))
    again = lesson_page(client, ask(learner))
    assert ALREADY_ASKED in again and 'id="message-error"' in again
    clock.advance(days=1)  # still open a day later: still refused
    assert ALREADY_ASKED in lesson_page(client, ask(learner))
    assert SENT in lesson_page(client, ask(learner, OTHER_LESSON))
    assert help_requests(app) == 2
    answer_all(app)
    assert SENT in lesson_page(client, ask(learner))
    assert help_requests(app) == 3


def test_at_most_n_requests_in_any_hour(
    client: FlaskClient, app: Flask, learner: Auth, clock: Clock
) -> None:
    limit = app.config["HELP_REQUESTS_PER_HOUR"]
    first = clock.now
    for _n in range(limit):
        assert SENT in lesson_page(client, ask(learner))
        answer_all(app)
        clock.advance(minutes=1)
    refused = lesson_page(client, ask(learner))
    assert ASKED_OFTEN in refused and f"{limit} times" in refused
    assert 'id="message-error"' in refused
    assert help_requests(app) == limit
    clock.now = first + timedelta(hours=1, seconds=-1)  # the first is not yet an hour old
    assert ASKED_OFTEN in lesson_page(client, ask(learner))
    clock.now = first + timedelta(hours=1)  # now it is: room for one
    assert SENT in lesson_page(client, ask(learner))
    answer_all(app)
    assert ASKED_OFTEN in lesson_page(client, ask(learner))
    assert help_requests(app) == limit + 1


def test_the_refusal_is_kind_german_on_the_lesson_page(
    client: FlaskClient, app: Flask, learner: Auth, clock: Clock
) -> None:
    ask(learner)
    page = lesson_page(client, ask(learner, lang="de"))
    assert "Sie haben bei dieser Lektion schon um Hilfe gebeten." in page
    assert 'id="message-error"' in page and "Die erste Lektion" in page


def test_the_limit_is_configurable(
    client: FlaskClient, app: Flask, learner: Auth, clock: Clock
) -> None:
    app.config["HELP_REQUESTS_PER_HOUR"] = 1
    assert SENT in lesson_page(client, ask(learner))
    assert ASKED_OFTEN in lesson_page(client, ask(learner, OTHER_LESSON))


@pytest.fixture
def second_server(app: Flask) -> Iterator[Flask]:
    """Another app over the same database, as a second worker or server would be."""
    other = create_app(
        {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "DATABASE_URL", "CONTENT_DIR")}
        | {"CONTENT_AUTO_RELOAD": False}
    )
    yield other
    other.extensions["learnapp_db"].engine.dispose()


def test_the_count_holds_across_servers(
    client: FlaskClient, app: Flask, world: World, second_server: Flask, clock: Clock
) -> None:
    """Presses sent alternately to two apps are counted together: the count is in the database."""
    servers = [Auth(client), Auth(second_server.test_client())]
    for auth in servers:
        auth.login("learnera")
    limit = app.config["HELP_REQUESTS_PER_HOUR"]
    for n in range(limit + 2):
        ask(servers[n % 2])
        answer_all(app)
    assert help_requests(app) == limit


# --- "Check" -------------------------------------------------------------------------------

RIGHT = {"q-q1": "0", "q-q2": "true"}


def check(auth: Auth) -> TestResponse:
    data = {"submission": uuid.uuid4().hex, **RIGHT}
    return auth.post(f"{LESSON}/check?lang=en", data, token_from=LESSON)


def submissions(app: Flask) -> int:
    with app.app_context():
        count = select(func.count(func.distinct(QuizAttempt.submission_id)))
        return get_session().scalar(count) or 0


def test_at_most_m_checks_per_lesson_in_any_minute(
    client: FlaskClient, app: Flask, learner: Auth, clock: Clock
) -> None:
    limit = app.config["SELF_CHECKS_PER_LESSON_PER_MINUTE"]
    first = clock.now
    for _n in range(limit):
        assert check(learner).status_code == 302
        clock.advance(seconds=1)
    refused = check(learner)
    assert refused.status_code == 429
    page = html.unescape(refused.get_data(as_text=True))
    assert CHECKED_OFTEN in page
    assert 'id="quiz"' in page and 'value="0" checked' in page  # her answers are still there
    assert submissions(app) == limit
    clock.now = first + timedelta(minutes=1, seconds=-1)
    assert check(learner).status_code == 429
    clock.now = first + timedelta(minutes=1)
    assert check(learner).status_code == 302
    assert check(learner).status_code == 429  # the second one is only 59 seconds old
    assert submissions(app) == limit + 1


def test_the_check_limit_is_per_lesson(
    client: FlaskClient, app: Flask, learner: Auth, clock: Clock
) -> None:
    app.config["SELF_CHECKS_PER_LESSON_PER_MINUTE"] = 1
    assert check(learner).status_code == 302
    assert check(learner).status_code == 429
    other = {"submission": uuid.uuid4().hex, "q-q1": "0"}
    response = learner.post(f"{OTHER_LESSON}/check", other, token_from=OTHER_LESSON)
    assert response.status_code == 302


def test_another_learners_requests_do_not_count(
    client: FlaskClient, app: Flask, world: World, clock: Clock
) -> None:
    app.config["HELP_REQUESTS_PER_HOUR"] = 1
    hans = Auth(app.test_client())
    hans.login("learnera2")
    assert ask(hans).status_code == 302
    erika = Auth(client)
    erika.login("learnera")
    assert SENT in lesson_page(client, ask(erika))
    assert help_requests(app) == 2


def test_presses_at_the_same_moment_are_counted_one_after_the_other(
    app: Flask, world: World, clock: Clock
) -> None:
    """Six presses at once with room for one: the row lock lets exactly one through."""
    if not app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("row locks need PostgreSQL (set LEARNAPP_TEST_DATABASE_URL)")
    app.config["HELP_REQUESTS_PER_HOUR"] = 1
    lessons = [LESSON, OTHER_LESSON, "/courses/sample/sample-practice"] * 2
    tablets = [Auth(app.test_client()) for _lesson in lessons]
    tokens = []
    for tablet, lesson in zip(tablets, lessons, strict=True):
        tablet.login("learnera")
        tokens.append(tablet.token(f"/help?from={lesson}"))
    start = threading.Barrier(len(tablets))
    statuses: list[int] = []

    def press(tablet: Auth, lesson: str, token: str) -> None:
        start.wait()
        fields = {"csrf_token": token, "form_key": uuid.uuid4().hex, "origin": lesson}
        response = tablet.client.post("/help", data=fields)  # six different pages
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=press, args=args)
        for args in zip(tablets, lessons, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302] + [429] * (len(tablets) - 1)
    assert help_requests(app) == 1
