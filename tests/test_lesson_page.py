"""Two learners on one lesson: the shared parts are kept, each gets their own settings and token."""

from __future__ import annotations

import re

from sqlalchemy import select

from learnapp.access import MENTOR
from learnapp.db import get_session
from learnapp.models import User
from tests.helpers import csrf_from

LESSON = "/courses/sample/sample-first"
SUBMISSION = re.compile(r'name="submission" value="([0-9a-f]+)"')


def set_preferences(app, username: str, **values) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        session = get_session()
        user = session.scalars(select(User).where(User.username == username)).one()
        for name, value in values.items():
            setattr(user, name, value)
        session.commit()


def html_classes(page: str) -> str:
    match = re.search(r'<html[^>]*class="([^"]*)"', page)
    assert match
    return match.group(1)


def test_two_learners_on_one_lesson_each_get_their_own_settings_and_token(app, make_user):
    make_user(username="anna")
    make_user(username="bernd")
    set_preferences(app, "anna", text_size=200, contrast="high", speech_rate=75)
    set_preferences(app, "bernd", text_size=125, contrast="normal", speech_rate=125)
    pages = {}
    for name in ("anna", "bernd"):
        client = app.test_client()
        token = csrf_from(client.get("/login").get_data(as_text=True))
        client.post(
            "/login",
            data={"username": name, "password": "correct-horse-battery", "csrf_token": token},
        )
        pages[name] = (client, client.get(LESSON).get_data(as_text=True))

    anna, bernd = pages["anna"][1], pages["bernd"][1]
    assert html_classes(anna) == "text-200 contrast-high"
    assert html_classes(bernd) == "text-125 contrast-normal"
    assert 'data-rate="0.75"' in anna and 'data-rate="1.25"' in bernd
    assert csrf_from(anna) != csrf_from(bernd)
    assert SUBMISSION.search(anna).group(1) != SUBMISSION.search(bernd).group(1)
    # Each page's token is its own learner's: "Done" with it works.
    client, page = pages["bernd"]
    reply = client.post(f"{LESSON}/done", data={"csrf_token": csrf_from(page)})
    assert reply.status_code == 302


def test_every_view_gets_a_fresh_submission_number(client, auth, learner):
    auth.login("erika")
    first = SUBMISSION.search(client.get(LESSON).get_data(as_text=True)).group(1)
    second = SUBMISSION.search(client.get(LESSON).get_data(as_text=True)).group(1)
    assert first != second


def test_done_state_and_messages_show_after_the_page_was_kept(client, auth, learner):
    auth.login("erika")
    before = client.get(LESSON).get_data(as_text=True)
    assert "Sie haben diese Lektion geschafft" not in before
    auth.post(f"{LESSON}/done", token_from=LESSON)
    after = client.get(LESSON).get_data(as_text=True)
    assert "Gut gemacht" in after  # the flashed message, drawn for this learner only
    assert "Sie haben diese Lektion geschafft" in after
    again = client.get(LESSON).get_data(as_text=True)
    assert "Gut gemacht" not in again
    assert "Sie haben diese Lektion geschafft" in again


def test_language_and_role_each_have_their_own_page(app, client, auth, learner, make_user):
    auth.login("erika")
    german = client.get(LESSON).get_data(as_text=True)
    assert '<html lang="de"' in german and "Ich brauche Hilfe" in german
    set_preferences(app, "erika", locale="en")
    english = client.get(LESSON).get_data(as_text=True)
    assert '<html lang="en"' in english and "I need help" in english
    auth.logout()
    make_user(role=MENTOR, username="jonas")
    auth.login("jonas")
    mentor_view = client.get(LESSON).get_data(as_text=True)
    assert "Ich brauche Hilfe" not in mentor_view  # help requests are for learners
    assert "Meine Lernenden" in mentor_view
