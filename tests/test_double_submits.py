"""Double submits: the same form sent several times at once stores one row and shows one page.

Copies of a POST are released together through a real threaded server (tests/double_submits.py),
on SQLite and, with LEARNAPP_TEST_DATABASE_URL, on PostgreSQL. What stops the second copy is the
database: unique keys on self-check answers and practice steps, a one-time form key for the
forms that create accounts, tandem sessions and help requests (learnapp/form_keys.py), and on
SQLite a write lock taken when such a request's transaction begins (db.hold_write_lock).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from learnapp import migrate
from learnapp.coordinate import services as coordinate
from learnapp.db import get_session
from learnapp.models import (
    FormKey,
    HelpRequest,
    QuizAttempt,
    ScenarioChoice,
    ScenarioRun,
    TandemSession,
    User,
)
from tests import double_submits as ds
from tests.helpers import FORM_KEY_FIELD, Auth, csrf_from
from tests.test_migrations import _empty_database
from tests.world import World

COPIES = 6
PASSWORD_SHOWN = re.compile(r'class="password-display"')


@pytest.fixture
def host(app: Flask) -> Iterator[str]:
    with ds.serving(app) as address:
        yield address


def _same_page(outcome: ds.Outcome, status: int = 302) -> None:
    """Every copy was answered, none with an error, all with the page the first one led to."""
    assert [a.status for a in outcome.answers] == [status] * COPIES, [
        (a.status, a.location) for a in outcome.answers
    ]
    if status == 302:
        assert {a.location for a in outcome.answers} == {outcome.expected_location}


def test_a_self_check_sent_at_once_is_stored_once(app: Flask, world: World, host: str) -> None:
    outcome = ds.self_check(app, host, "learnera", COPIES)
    assert outcome.rows == 2  # the lesson's two questions, once each
    _same_page(outcome)


def test_a_practice_choice_sent_at_once_is_taken_once(app: Flask, world: World, host: str) -> None:
    outcome = ds.practice_step(app, host, "learnera", COPIES)
    assert outcome.rows == 1
    _same_page(outcome)


def test_a_tandem_session_sent_at_once_is_planned_once(app: Flask, world: World, host: str) -> None:
    outcome = ds.tandem_session(app, host, "mentora", world.learner_a, COPIES)
    assert outcome.rows == 1
    _same_page(outcome)


def test_a_help_request_sent_at_once_is_sent_once(app: Flask, world: World, host: str) -> None:
    outcome = ds.help_request(app, host, "learnera", COPIES)
    assert outcome.rows == 1
    _same_page(outcome)  # the lesson, as after the first: not "you already asked" (#help)


def test_an_account_sent_at_once_is_created_once(app: Flask, world: World, host: str) -> None:
    """Only a name (the username is made from it): one account, its page for every copy."""
    outcome = ds.new_account(app, host, "coorda", world.centre_a, COPIES)
    assert outcome.rows == 1
    _same_page(outcome, status=200)
    with app.app_context():
        made = get_session().scalars(select(User).where(User.display_name == "Erna Zweimal")).one()
    assert all(made.username in a.body for a in outcome.answers)
    # The temporary password is shown once; the other copies offer to give a new one.
    new_password = f'action="/coordinate/accounts/{made.id}/password"'
    assert sum(bool(PASSWORD_SHOWN.search(a.body)) for a in outcome.answers) == 1
    assert sum(new_password in a.body for a in outcome.answers) == COPIES - 1


def test_an_account_with_a_chosen_username_sent_at_once_never_fails(
    app: Flask, world: World, host: str
) -> None:
    outcome = ds.new_account(
        app, host, "coorda", world.centre_a, COPIES, chosen_username="erna.zweimal"
    )
    assert outcome.rows == 1
    _same_page(outcome, status=200)


def test_a_resent_account_form_shows_the_same_account_without_its_password(
    client: FlaskClient, auth: Auth, app: Flask, world: World
) -> None:
    auth.login("coorda")
    page = client.get("/coordinate/accounts/new?lang=en").get_data(as_text=True)
    form_key = FORM_KEY_FIELD.search(page)
    assert form_key is not None
    fields = {
        "csrf_token": csrf_from(page),
        "form_key": form_key.group(1),
        "role": "learner",
        "display_name": "Erna Zweimal",
        "username": "",
        "centre": str(world.centre_a),
    }
    first = client.post("/coordinate/accounts/new?lang=en", data=fields)
    again = client.post("/coordinate/accounts/new?lang=en", data=fields)  # Back, then send
    assert first.status_code == again.status_code == 200
    first_page, again_page = first.get_data(as_text=True), again.get_data(as_text=True)
    assert PASSWORD_SHOWN.search(first_page) and not PASSWORD_SHOWN.search(again_page)
    assert "already created" in again_page and "Give a new temporary password" in again_page
    with app.app_context():
        made = get_session().scalars(select(User).where(User.display_name == "Erna Zweimal"))
        usernames = [user.username for user in made]
    assert len(usernames) == 1 and usernames[0] in again_page


def test_a_form_without_its_key_creates_nothing(auth: Auth, app: Flask, world: World) -> None:
    auth.login("mentora")
    response = auth.post(
        "/mentor/sessions/new?lang=en",
        {
            "form_key": "",
            "learner": str(world.learner_a),
            "date": "2030-01-07",
            "time": "10:00",
            "planned_minutes": "60",
            "place": "centre",
        },
        token_from="/mentor/sessions/new",
    )
    assert response.status_code == 400
    assert "This form was not complete" in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(func.count(TandemSession.id))) == 0


def test_the_same_key_of_another_person_is_not_replayed(
    auth: Auth, app: Flask, world: World
) -> None:
    """A key is the sender's own: someone else's key shows no one else's result."""
    with app.app_context():
        db = get_session()
        db.add(FormKey(key="c" * 32, user_id=world.mentor_b, kind="tandem", created_id=1, url="/x"))
        db.commit()
    auth.login("mentora")
    response = auth.post(
        "/mentor/sessions/new",
        {
            "form_key": "c" * 32,
            "learner": str(world.learner_a),
            "date": "2030-01-07",
            "time": "10:00",
            "planned_minutes": "60",
            "place": "centre",
        },
        token_from="/mentor/sessions/new",
    )
    assert response.status_code == 400
    with app.app_context():
        assert get_session().scalar(select(func.count(TandemSession.id))) == 0


# --- The rules in the database itself ---------------------------------------------------------


def _insert_twice(app: Flask, model: type, **values: object) -> None:
    with app.app_context():
        db = get_session()
        db.execute(insert(model).values(**values))
        with pytest.raises(IntegrityError):
            db.execute(insert(model).values(**values))
        db.rollback()


def test_the_database_keeps_a_self_check_answer_once(app: Flask, world: World) -> None:
    _insert_twice(
        app,
        QuizAttempt,
        user_id=world.learner_a,
        lesson_id="sample-first",
        question_id="q1",
        submission_id="d" * 32,
        answer="0",
        correct=True,
        created_at=datetime(2026, 1, 1),
    )


def test_the_database_keeps_a_practice_step_once(app: Flask, world: World) -> None:
    with app.app_context():
        db = get_session()
        run = ScenarioRun(user_id=world.learner_a, lesson_id="sample-practice", current_step="x")
        db.add(run)
        db.commit()
        run_id = run.id
    _insert_twice(
        app,
        ScenarioChoice,
        run_id=run_id,
        step_id="message",
        position=1,
        choice_index=0,
        next_step="end-safe",
        created_at=datetime(2026, 1, 1),
    )


def test_the_database_keeps_a_form_key_once(app: Flask, world: World) -> None:
    _insert_twice(
        app,
        FormKey,
        key="e" * 32,
        user_id=world.mentor_a,
        kind="tandem",
        url="",
        created_at=datetime(2026, 1, 1),
    )


def test_a_deleted_learner_keeps_distinct_self_check_ids(app: Flask, world: World) -> None:
    """Deleting anonymises her submission ids without breaking the one-answer rule."""
    with app.app_context():
        db = get_session()
        for submission in ("1" * 32, "2" * 32):
            for question in ("q1", "q2"):
                db.add(
                    QuizAttempt(
                        user_id=world.learner_a,
                        lesson_id="sample-first",
                        question_id=question,
                        submission_id=submission,
                        answer="0",
                        correct=False,
                    )
                )
        db.add(FormKey(key="f" * 32, user_id=world.learner_a, kind="help", created_id=1, url=""))
        db.commit()
        learner = db.get(User, world.learner_a)
        coordinator = db.get(User, world.coord_a)
        assert learner and coordinator
        coordinate.delete_learner(db, coordinator, learner)
        db.commit()
        rows = db.execute(
            select(QuizAttempt.submission_id, QuizAttempt.question_id).where(
                QuizAttempt.user_id == world.learner_a
            )
        ).all()
        keys = db.scalar(select(func.count(FormKey.id)).where(FormKey.user_id == world.learner_a))
    ids = {submission for submission, _question in rows}
    assert len(rows) == 4 and len(ids) == 2  # still two presses of two answers
    assert not ids & {"1" * 32, "2" * 32} and keys == 0


# --- Migration 0007 removes the copies made before -------------------------------------------


def test_upgrade_removes_stored_copies_and_keeps_the_rest(tmp_path: Path) -> None:
    url = _empty_database(tmp_path)
    migrate.upgrade(url, "0007")
    engine = create_engine(url)
    at = "'2026-01-01 10:00:00'"
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO user_account (id, username, display_name, password_hash, role,"
                " active, must_change_password, session_version, text_size, contrast,"
                f" speech_rate, created_at, updated_at) VALUES (1, 'erna', 'Erna', 'x',"
                f" 'learner', true, false, 1, 100, 'normal', 100, {at}, {at})"
            )
        )
        attempts = [
            ("s1", "q1"),
            ("s1", "q2"),
            ("s1", "q1"),  # a copy
            ("", "q1"),  # a learner deleted before: blank ids, not copies
            ("", "q1"),
        ]
        for submission, question in attempts:
            db.execute(
                text(
                    "INSERT INTO quiz_attempt (user_id, lesson_id, question_id, submission_id,"
                    f" answer, correct, created_at) VALUES (1, 'l', '{question}',"
                    f" '{submission}', '0', true, {at})"
                )
            )
        db.execute(
            text(
                "INSERT INTO scenario_run (id, user_id, lesson_id, current_step, started_at)"
                f" VALUES (1, 1, 'p', 'end', {at})"
            )
        )
        steps = [
            ("start", "start"),  # leads back to the same step
            ("start", "next"),  # so this is no copy
            ("next", "end"),
            ("next", "end"),  # a copy of the choice before
        ]
        for step, target in steps:
            db.execute(
                text(
                    "INSERT INTO scenario_choice (run_id, step_id, choice_index, next_step,"
                    f" created_at) VALUES (1, '{step}', 0, '{target}', {at})"
                )
            )
    engine.dispose()
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as db:
        answers = db.execute(
            text("SELECT submission_id, question_id FROM quiz_attempt ORDER BY id")
        ).all()
        choices = db.execute(
            text("SELECT step_id, position FROM scenario_choice ORDER BY position")
        ).all()
    engine.dispose()
    assert [tuple(a) for a in answers[:2]] == [("s1", "q1"), ("s1", "q2")]
    assert len(answers) == 4 and len({a[0] for a in answers[2:]}) == 2  # blanks made distinct
    assert [tuple(c) for c in choices] == [("start", 1), ("start", 2), ("next", 3)]


def test_the_rows_counted_are_the_rows_of_the_forms(app: Flask, world: World, host: str) -> None:
    """The harness counts what it should: two different presses make two rows."""
    first = ds.help_request(app, host, "learnera", 1)
    with app.app_context():
        db = get_session()
        db.execute(update(HelpRequest).values(handled_at=datetime(2026, 1, 1)))
        db.commit()
    second = ds.help_request(app, host, "learnera", 1)
    assert first.rows == second.rows == 1
