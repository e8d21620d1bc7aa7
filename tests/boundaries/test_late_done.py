"""A "Done" pressed after the idle timeout: kept, and done once the same learner signs in."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from learnapp.auth import sessions
from learnapp.db import get_session
from learnapp.models import Progress, User
from tests.helpers import Auth, csrf_from

LESSON = "/courses/alpha/alpha-read"
MINUTE = 60


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """The sessions' clock, stopped: it moves only when a test moves it."""
    clock = SimpleNamespace(now=float(int(time.time())))
    monkeypatch.setattr(sessions, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


def _done_at(app: Flask, user: User, lesson_id: str = "alpha-read") -> object:
    with app.app_context():
        return get_session().scalar(
            select(Progress.completed_at).where(
                Progress.user_id == user.id, Progress.lesson_id == lesson_id
            )
        )


def _press_done_after_the_timeout(
    app: Flask, client: FlaskClient, clock: SimpleNamespace, **fields: str
) -> TestResponse:
    """Sign in, open the lesson, walk away past the timeout, then press "Done"."""
    assert Auth(client).login("erika").status_code == 302
    token = csrf_from(client.get(f"{LESSON}?lang=en").get_data(as_text=True))
    clock.now += app.config["IDLE_TIMEOUT_MINUTES"] * MINUTE + 1
    return client.post(
        f"{LESSON}/done", data={"csrf_token": token, **fields}, headers={"Referer": LESSON}
    )


def test_a_late_done_is_saved_when_the_learner_signs_in_again(
    app: Flask, client: FlaskClient, learner: User, clock: SimpleNamespace
) -> None:
    response = _press_done_after_the_timeout(app, client, clock)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert _done_at(app, learner) is None  # not as the ended session: it cannot be trusted
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your last step is kept and will be saved as soon as you sign in again" in page
    assert "Everything you did is saved" not in page

    signed_in = Auth(client).login("erika")
    assert signed_in.headers["Location"] == f"{LESSON}#done"
    assert _done_at(app, learner) is not None
    lesson = client.get(LESSON).get_data(as_text=True)
    assert "Your last step from before signing in is saved now" in lesson
    assert "Well done! This lesson is ticked off." in lesson


def test_a_late_not_done_is_kept_too(
    app: Flask, client: FlaskClient, learner: User, clock: SimpleNamespace
) -> None:
    auth = Auth(client)
    auth.login("erika")
    auth.post(f"{LESSON}/done", token_from=LESSON)
    assert _done_at(app, learner) is not None
    auth.logout()
    _press_done_after_the_timeout(app, client, clock, undo="1")
    auth.login("erika")
    assert _done_at(app, learner) is None


def test_another_person_signing_in_on_the_tablet_does_not_get_the_step(
    app: Flask,
    client: FlaskClient,
    learner: User,
    make_user: Callable[..., User],
    clock: SimpleNamespace,
) -> None:
    other = make_user(username="otto", display_name="Otto Test")
    _press_done_after_the_timeout(app, client, clock)
    assert Auth(client).login("otto").headers["Location"] == "/"
    assert _done_at(app, other) is None
    assert _done_at(app, learner) is None
    Auth(client).logout()
    # Gone for good: the learner signing in later does not get it back either.
    assert Auth(client).login("erika").headers["Location"] == "/"
    assert _done_at(app, learner) is None


def test_a_form_not_on_the_list_is_not_kept_and_the_page_says_so(
    app: Flask, client: FlaskClient, learner: User, clock: SimpleNamespace
) -> None:
    assert Auth(client).login("erika").status_code == 302
    token = csrf_from(client.get("/settings?lang=en").get_data(as_text=True))
    clock.now += app.config["IDLE_TIMEOUT_MINUTES"] * MINUTE + 1
    fields = {"text_size": "3", "contrast": "high", "language": "en", "speech_rate": "100"}
    response = client.post("/settings", data={"csrf_token": token, **fields})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your last step could not be saved, so please do it once more" in page
    assert Auth(client).login("erika").status_code == 302
    with app.app_context():
        person = get_session().get(User, learner.id)
        assert person is not None and person.text_size != 3


def test_a_done_with_a_foreign_token_is_not_kept(
    app: Flask, client: FlaskClient, learner: User, clock: SimpleNamespace
) -> None:
    """A page of another site cannot leave a step to be done at the next sign-in."""
    _press_done_after_the_timeout(app, client, clock, csrf_token="forged")
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert "Your last step could not be saved" in page
    Auth(client).login("erika")
    assert _done_at(app, learner) is None


def test_a_step_kept_for_more_than_a_day_is_dropped(
    app: Flask, client: FlaskClient, learner: User, clock: SimpleNamespace
) -> None:
    _press_done_after_the_timeout(app, client, clock)
    clock.now += sessions.PENDING_MAX_SECONDS + 1
    Auth(client).login("erika")
    assert _done_at(app, learner) is None
