"""What the service worker may keep, and presses sent later from a tablet that was offline.

The offline copy of a lesson is the same for every learner (no name, no token, no progress);
"Done" and self-check answers that arrive with `offline_at` keep the time they were pressed,
count once, and win over a lesson that changed meanwhile (logged).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.models import Progress, QuizAttempt
from learnapp.models.base import utcnow
from tests.helpers import Auth, csrf_from

COPY = "/offline/lessons/sample/sample-first"
VALUE = re.compile(r'name="(csrf_token|submission|form_key)"[^>]*value="([^"]+)"')


def right_answers(app, lesson_id: str = "sample-first") -> dict[str, str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        lesson = get_library().courses["sample"].lesson(lesson_id, "de", "de")
        return {f"q-{q.id}": sorted(q.correct_keys())[0] for q in lesson.quiz}


def test_the_offline_copy_is_the_same_for_everybody_and_holds_nothing_personal(
    app, client, make_user
):
    copies = []
    for name in ("Erika Mustermann", "Hans Beispiel"):
        user = make_user(display_name=name)
        signed_in = app.test_client()
        assert Auth(signed_in).login(user.username).status_code == 302
        signed_in.post(
            "/courses/sample/sample-first/done",
            data={
                "csrf_token": csrf_from(
                    signed_in.get("/courses/sample/sample-first").get_data(as_text=True)
                )
            },
        )
        html = signed_in.get(COPY).get_data(as_text=True)
        assert name not in html and not VALUE.search(html)
        assert "Sie haben diese Lektion erledigt" not in html  # no progress
        copies.append(html)
    assert copies[0] == copies[1]


def test_the_worker_is_served_from_the_root_and_always_checked(client):
    response = client.get("/service-worker.js")
    response.close()
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert response.headers["Cache-Control"] == "no-store"


def test_a_course_lists_the_offline_copies_of_all_its_lessons(app, client, learner):
    Auth(client).login("erika")
    files = client.get("/offline/courses/sample.json").get_json()
    with app.app_context():
        ids = get_library().courses["sample"].lesson_ids
    assert files["lessons"] == [f"/offline/lessons/sample/{lesson_id}" for lesson_id in ids]
    assert client.get("/offline/courses/nothing.json").status_code == 404


def _send(client, path: str, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/courses/sample/sample-first").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **fields})


def _progress(app, lesson_id: str) -> Progress | None:  # type: ignore[no-untyped-def]
    with app.app_context():
        return (
            get_session().scalars(select(Progress).where(Progress.lesson_id == lesson_id)).first()
        )


def test_done_pressed_offline_keeps_its_time(app, client, learner):
    Auth(client).login("erika")
    pressed = utcnow() - timedelta(hours=5)
    _send(client, "/courses/sample/sample-first/done", offline_at=pressed.isoformat() + "Z")
    row = _progress(app, "sample-first")
    assert row is not None and abs(row.completed_at - pressed) < timedelta(seconds=1)
    assert row.started_at <= row.completed_at


@pytest.mark.parametrize("offline_at", ["2999-01-01T00:00:00Z", "2020-01-01T00:00:00Z"])
def test_an_offline_time_in_the_future_or_long_ago_counts_as_now(app, client, learner, offline_at):
    Auth(client).login("erika")
    _send(client, "/courses/sample/sample-first/done", offline_at=offline_at)
    row = _progress(app, "sample-first")
    assert row is not None and abs(row.completed_at - utcnow()) < timedelta(minutes=1)


def test_done_offline_counts_even_where_the_lesson_now_asks_for_the_self_check(
    app, client, learner, caplog
):
    Auth(client).login("erika")
    online = _send(client, "/courses/sample/sample-second/done")
    assert _progress(app, "sample-second") is None and online.status_code == 302
    with caplog.at_level(logging.WARNING):
        _send(client, "/courses/sample/sample-second/done", offline_at=utcnow().isoformat() + "Z")
    row = _progress(app, "sample-second")
    assert row is not None and row.completed_at is not None
    assert "offline press accepted" in caplog.text


def test_answers_sent_twice_from_the_queue_count_once_with_their_time(app, client, learner):
    Auth(client).login("erika")
    pressed = utcnow() - timedelta(minutes=20)
    answers = {
        **right_answers(app),
        "submission": "a" * 32,
        "offline_at": pressed.isoformat() + "Z",
    }
    for _ in range(2):
        assert _send(client, "/courses/sample/sample-first/check", **answers).status_code == 302
    with app.app_context():
        session = get_session()
        times = session.scalars(select(QuizAttempt.created_at)).all()
        submissions = session.scalar(select(func.count(func.distinct(QuizAttempt.submission_id))))
    assert submissions == 1 and len(times) == 2
    assert all(abs(at - pressed) < timedelta(seconds=1) for at in times)


def test_answers_to_a_changed_self_check_keep_what_still_fits(app, client, learner, caplog):
    """Offline she answered q1 and a question that is gone now: q1 counts, the rest is logged."""
    Auth(client).login("erika")
    answers = right_answers(app)
    answers.pop("q-q2")
    with caplog.at_level(logging.WARNING):
        sent = _send(
            client,
            "/courses/sample/sample-first/check",
            **answers,
            **{"q-removed": "a", "submission": "b" * 32},
            offline_at=utcnow().isoformat() + "Z",
        )
    assert sent.status_code == 302
    with app.app_context():
        stored = get_session().scalars(select(QuizAttempt.question_id)).all()
    assert stored == ["q1"]
    assert "offline press accepted" in caplog.text
    # Online, the same gap is a question to answer, not a silent partial result.
    online = _send(client, "/courses/sample/sample-first/check", **answers, submission="c" * 32)
    assert online.status_code == 200 and "Bitte wählen Sie eine Antwort" in online.get_data(
        as_text=True
    )
