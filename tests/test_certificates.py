"""Certificates of completion and the read-aloud speed preference (the browser proves the rest)."""

from datetime import datetime

import pytest
from sqlalchemy import select

from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.learn import certificates, services
from learnapp.models import Progress, User
from tests.helpers import count_queries

LESSONS = ("sample-first", "sample-second", "sample-practice")


def finish(app, username: str, lesson_ids=LESSONS) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        session = get_session()
        user = session.scalars(select(User).where(User.username == username)).one()
        for lesson_id in lesson_ids:
            services.mark_done(session, user, "sample", lesson_id)
        session.commit()


def test_certificate_needs_every_lesson(client, auth, learner, app):
    auth.login("erika")
    finish(app, "erika", LESSONS[:2])
    page = client.get("/courses/sample/certificate?lang=en").get_data(as_text=True)
    assert 'class="certificate"' not in page
    assert "2 of 3 lessons done" in page
    assert 'href="/courses/sample/certificate"' not in client.get("/courses/sample").get_data(
        as_text=True
    )


def test_certificate_names_learner_course_date_and_centre(client, auth, learner, app):
    auth.login("erika")
    finish(app, "erika")
    with app.app_context():
        session = get_session()
        for day, row in enumerate(session.scalars(select(Progress)), start=12):
            row.completed_at = datetime(2026, 3, day, 10, 0)  # the last one on 14 March
        session.commit()
    assert 'href="/courses/sample/certificate"' in client.get("/courses/sample").get_data(
        as_text=True
    )
    response = client.get("/courses/sample/certificate")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for part in ("Erika Test", "Beispielkurs", "14. März 2026", "Testzentrum, Oldenburg"):
        assert part in page
    assert '<script src="/static/js/print-button' in page and " defer>" in page


def test_certificate_date_is_the_last_lesson_finished(app, learner):
    finish(app, "erika")
    with app.app_context():
        session = get_session()
        user = session.get(User, learner.id)
        course = get_library().courses["sample"]
        rows = session.scalars(select(Progress).where(Progress.user_id == user.id)).all()
        for day, row in enumerate(rows, start=1):
            row.completed_at = datetime(2026, 5, day)
        session.commit()
        earned = certificates.certificate_for(session, user, course)
        assert earned.earned and earned.completed_at == datetime(2026, 5, len(rows))
        assert (earned.done, earned.total) == (3, 3)


def test_certificate_of_unknown_course_is_not_found(client, auth, learner):
    auth.login("erika")
    assert client.get("/courses/nothing/certificate").status_code == 404


def test_certificate_costs_few_queries(client, auth, learner, app):
    auth.login("erika")
    finish(app, "erika")
    client.get("/courses/sample/certificate")
    with count_queries(app) as statements:
        assert client.get("/courses/sample/certificate").status_code == 200
    assert 1 <= len(statements) <= 4, statements  # 0: nothing was counted


def save(auth, **fields):  # type: ignore[no-untyped-def]
    data = {"text_size": "100", "contrast": "normal", "language": "de", **fields}
    return auth.post("/settings", data)


def rate_of(app, username: str) -> int:
    with app.app_context():
        return (
            get_session().scalars(select(User).where(User.username == username)).one().speech_rate
        )


def test_speech_rate_is_stored_and_reaches_the_lesson(client, auth, learner, app):
    auth.login("erika")
    assert rate_of(app, "erika") == 100
    assert save(auth, speech_rate="75").status_code == 302
    assert rate_of(app, "erika") == 75
    page = client.get("/courses/sample/sample-first").get_data(as_text=True)
    assert 'data-rate="0.75"' in page
    assert save(auth).status_code == 302  # a form without it keeps the stored speed
    assert rate_of(app, "erika") == 75


@pytest.mark.parametrize("value", ["50", "abc", "100.5", "-1", "9" * 40])
def test_speech_rate_outside_the_choices_is_refused(client, auth, learner, app, value):
    auth.login("erika")
    response = save(auth, speech_rate=value)
    assert response.status_code == 400
    assert '<p class="field-error" id="speech_rate-error">' in response.get_data(as_text=True)
    assert rate_of(app, "erika") == 100


def test_lesson_has_read_aloud_hidden_until_the_script_shows_it(client, auth, learner):
    auth.login("erika")
    page = client.get("/courses/sample/sample-first").get_data(as_text=True)
    assert "data-read-aloud hidden" in page
    assert '<script src="/static/js/read-aloud' in page
    assert "<script>" not in page and "onclick" not in page
