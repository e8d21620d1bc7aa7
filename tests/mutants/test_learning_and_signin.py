"""Self-checks, practice runs, progress and the second factor: the rules other tests leave open.

Built on the sample course (tests/fixtures/content) and the helpers of test_quiz_and_practice.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pyotp
import pytest
import segno
from sqlalchemy import func, select

from learnapp.access import COORDINATOR
from learnapp.auth import services as auth_services
from learnapp.content.library import load_library
from learnapp.db import get_session
from learnapp.learn import practice, services
from learnapp.models import Progress, QuizAttempt, ScenarioChoice, ScenarioRun, User
from tests.conftest import FIXTURE_CONTENT
from tests.helpers import csrf_from
from tests.test_quiz_and_practice import check, start_practice

RIGHT = {"q-q1": "0", "q-q2": "true"}
WRONG = {"q-q1": "1", "q-q2": "false"}
SUBMISSION = "ab" * 16
OTHER_SUBMISSION = "cd" * 16
SCORE = 'class="quiz-score"'  # shown only when the page carries a submission's results
PRACTICE = load_library(FIXTURE_CONTENT, "de").courses["sample"].lessons["de"]["sample-practice"]


def page(client, path: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def attempts_of(app, username: str) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        db = get_session()
        return db.scalar(
            select(func.count())
            .select_from(QuizAttempt)
            .join(User, User.id == QuizAttempt.user_id)
            .where(User.username == username)
        )


def done(app, username: str, lesson_id: str) -> bool:  # type: ignore[no-untyped-def]
    with app.app_context():
        row = (
            get_session()
            .scalars(
                select(Progress)
                .join(User, User.id == Progress.user_id)
                .where(User.username == username, Progress.lesson_id == lesson_id)
            )
            .first()
        )
        return row is not None and row.completed_at is not None


def tick(app, user: User, lesson_id: str) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db = get_session()
        services.mark_done(db, db.get(User, user.id), "sample", lesson_id)
        db.commit()


# --- Self-check: a submission belongs to one learner and one lesson. ---


def test_a_submission_id_another_learner_used_does_not_stop_this_learners_answers(
    app, client, auth, learner, make_user
):
    make_user(username="other")
    auth.login("other")
    check(client, auth, "sample-first", RIGHT, SUBMISSION)
    auth.logout()
    auth.login("erika")
    response = check(client, auth, "sample-first", WRONG, SUBMISSION)
    assert response.status_code == 302
    assert attempts_of(app, "erika") == 2  # graded and stored, not "you already sent these"
    assert "0 von 2" in page(client, response.headers["Location"])


def test_results_of_a_submission_are_shown_only_to_the_learner_who_sent_it(
    app, client, auth, learner, make_user
):
    make_user(username="other")
    auth.login("other")
    sent = check(client, auth, "sample-first", RIGHT, SUBMISSION)
    assert SCORE in page(client, sent.headers["Location"])
    auth.logout()
    auth.login("erika")
    assert SCORE not in page(client, f"/courses/sample/sample-first?checked={SUBMISSION}")


def test_results_of_a_submission_are_shown_only_on_the_lesson_it_was_sent_from(
    app, client, auth, learner
):
    auth.login("erika")
    sent = check(client, auth, "sample-first", RIGHT, SUBMISSION)
    assert SCORE in page(client, sent.headers["Location"])
    assert SCORE not in page(client, f"/courses/sample/sample-second?checked={SUBMISSION}")


def test_results_are_those_of_the_submission_named_in_the_address(app, client, auth, learner):
    auth.login("erika")
    check(client, auth, "sample-first", RIGHT, SUBMISSION)
    assert SCORE not in page(client, f"/courses/sample/sample-first?checked={OTHER_SUBMISSION}")
    check(client, auth, "sample-first", WRONG, OTHER_SUBMISSION)
    assert "2 von 2" in page(client, f"/courses/sample/sample-first?checked={SUBMISSION}")
    assert "0 von 2" in page(client, f"/courses/sample/sample-first?checked={OTHER_SUBMISSION}")


# --- "Not done yet" takes back only this learner's tick on this lesson. ---


def test_undo_leaves_another_learners_tick_alone(app, client, auth, learner, make_user):
    other = make_user(username="other")
    tick(app, other, "sample-first")
    auth.login("erika")
    response = auth.post("/courses/sample/sample-first/done", {"undo": "1"})
    assert response.status_code == 302
    assert done(app, "other", "sample-first")


def test_undo_leaves_the_learners_other_lessons_alone(app, client, auth, learner):
    tick(app, learner, "sample-first")
    auth.login("erika")
    response = auth.post("/courses/sample/sample-second/done", {"undo": "1"})
    assert response.status_code == 302
    assert done(app, "erika", "sample-first")
    tick(app, learner, "sample-second")
    auth.post("/courses/sample/sample-second/done", {"undo": "1"})
    assert done(app, "erika", "sample-first") and not done(app, "erika", "sample-second")


# --- "Continue" after a finished course goes on to the next course, then wraps around. ---


@pytest.fixture
def three_courses(tmp_path: Path):  # type: ignore[no-untyped-def]
    root = tmp_path / "three"
    for order, course_id in enumerate(("first", "middle", "last"), start=1):
        (root / course_id / "de").mkdir(parents=True)
        (root / course_id / "course.yaml").write_text(
            f"id: {course_id}\norder: {order}\ntitle:\n  de: {course_id}\nsummary:\n  de: S\n"
        )
        for n in (1, 2):
            (root / course_id / "de" / f"0{n}.md").write_text(
                f"---\nid: {course_id}-{n}\ntitle: T{n}\nsummary: S\norder: {n}\nminutes: 2\n"
                f"---\n\nText {n}.\n"
            )
    library = load_library(root, "de")
    assert [c.id for c in library.ordered_courses] == ["first", "middle", "last"]
    return library


def finished(*lesson_ids: str) -> dict:
    """Progress rows: these lessons done, the last one named worked on last."""
    start = datetime(2026, 5, 1, 9, 0)
    return {
        lesson_id: SimpleNamespace(
            id=number,
            lesson_id=lesson_id,
            completed_at=start + timedelta(hours=number),
            updated_at=start + timedelta(hours=number),
        )
        for number, lesson_id in enumerate(lesson_ids, start=1)
    }


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        pytest.param(finished("middle-1", "middle-2"), ("last", "last-1"), id="middle -> last"),
        pytest.param(finished("first-1", "first-2"), ("middle", "middle-1"), id="first -> middle"),
        pytest.param(
            finished("first-1", "last-1", "last-2"), ("first", "first-2"), id="last -> wraps"
        ),
    ],
)
def test_continue_after_a_finished_course_offers_the_next_course(three_courses, progress, expected):
    point = services.continue_point(three_courses, progress)
    assert (point.course.id, point.lesson_id, point.started) == (*expected, True)


# --- Practice: a choice is refused for one stated reason. ---


def refusal(app, learner, steps: list[tuple[str, str]], current: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Take `steps`; the reason the last one is refused (`current` moves the run first)."""
    with app.app_context():
        db = get_session()
        run = practice.start_run(db, db.get(User, learner.id), PRACTICE)
        *earlier, (step_id, choice) = steps
        for earlier_step, earlier_choice in earlier:
            practice.choose(db, PRACTICE, run, earlier_step, earlier_choice)
        if current is not None:
            run.current_step = current
        with pytest.raises(practice.PracticeError) as refused:
            practice.choose(db, PRACTICE, run, step_id, choice)
        db.rollback()
        return str(refused.value)


@pytest.mark.parametrize(
    ("steps", "current", "reason"),
    [
        pytest.param([("message", "0"), ("end-safe", "0")], None, "ended", id="at an ending"),
        pytest.param([("message", "1"), ("message", "0")], None, "ended", id="ended beats stale"),
        pytest.param([("gone", "0")], "gone", "ended", id="step removed by the author"),
        pytest.param([("end-safe", "0")], None, "stale", id="a step the run is not at"),
        pytest.param([("message", "2")], None, "unknown-choice", id="past the last choice"),
        pytest.param([("message", "x")], None, "unknown-choice", id="not a number"),
    ],
)
def test_practice_refusals_name_their_reason(app, learner, steps, current, reason):
    assert refusal(app, learner, steps, current) == reason


def test_a_choice_at_a_step_the_author_removed_is_refused_not_a_server_error(
    app, client, auth, learner
):
    auth.login("erika")
    run_url = start_practice(client, auth)
    with app.app_context():
        db = get_session()
        db.scalars(select(ScenarioRun)).one().current_step = "renamed-by-the-author"
        db.commit()
    token = csrf_from(page(client, "/courses/sample/sample-practice"))
    response = client.post(
        run_url, data={"csrf_token": token, "step": "renamed-by-the-author", "choice": "0"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(run_url)
    with app.app_context():
        db = get_session()
        assert db.scalar(select(func.count()).select_from(ScenarioChoice)) == 0


# --- Second factor. ---


def test_the_qr_code_carries_the_username_and_the_issuer(app, client, auth, make_user):
    make_user(role=COORDINATOR, username="petra")
    auth.login("petra")
    setup = page(client, "/two-factor?lang=en")
    secret = setup.split('<code class="secret-key">', 1)[1].split("</code>", 1)[0].replace(" ", "")
    uri = f"otpauth://totp/DigiTandem:petra?secret={secret}&issuer=DigiTandem"
    assert auth_services.totp_uri(secret, "petra", "DigiTandem") == uri
    expected = io.BytesIO()
    segno.make(uri, error="m").save(expected, kind="svg", scale=6, border=4, xmldecl=False)
    with client.get("/two-factor/qr.svg") as qr:
        assert qr.status_code == 200
        assert qr.data == expected.getvalue()


def test_a_code_counts_only_its_digits_whatever_else_is_typed():
    secret, now = pyotp.random_base32(), 1_700_000_000.0
    code = pyotp.TOTP(secret).at(now)
    step = int(now // auth_services.TOTP_STEP_SECONDS)
    for typed in (f"X{code}", f"{code[:3]}X{code[3:]}", f"{code}XX", f"{code[:3]} - {code[3:]}"):
        assert auth_services.totp_step(secret, typed, now=now) == step, typed


def test_a_code_is_judged_at_the_moment_given():
    secret, now = pyotp.random_base32(), 1_000_000_000.0  # 2001, long before the test runs
    code = pyotp.TOTP(secret).at(now)
    assert auth_services.totp_step(secret, code, now=now) == int(now // 30)
