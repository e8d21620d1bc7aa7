"""Self-checks: grading per question type, reading the form, and the pass mark for "Done".

The lesson "alpha-quiz" (content/alpha/de/01-quiz.md) has three questions and must be passed
before "Done": q1 single choice (answer 1 of 0-2 is right), q2 true/false (false is right) and
q3 multiple choice (answers 0, 2 and 3 of 0-4 are right).
"""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from learnapp.content.library import load_library
from learnapp.db import get_session
from learnapp.learn import quiz, services
from learnapp.models import Progress, QuizAttempt, User
from tests.boundaries.support import CONTENT

LESSON = load_library(CONTENT, "de").courses["alpha"].lessons["de"]["alpha-quiz"]
Q1, Q2, Q3 = LESSON.quiz
RIGHT = {"q1": {"1"}, "q2": {"false"}, "q3": {"0", "2", "3"}}
SUBMISSION = re.compile(r'name="submission" value="([0-9a-f]{32})"')
SCORE = re.compile(r'class="quiz-score" role="status">(\d+) ')


def test_the_lesson_is_what_these_tests_assume():
    assert [(q.id, q.type) for q in LESSON.quiz] == [
        ("q1", "single"),
        ("q2", "truefalse"),
        ("q3", "multiple"),
    ]
    assert {q.id: set(q.correct_keys()) for q in LESSON.quiz} == RIGHT
    assert LESSON.quiz_required


def graded(question, chosen: set[str]) -> bool:  # type: ignore[no-untyped-def]
    (result,) = [
        r for r in quiz.grade(LESSON, {question.id: frozenset(chosen)}) if r.question is question
    ]
    return result.correct


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        pytest.param({"0", "1", "2", "3", "4"}, False, id="every box ticked"),
        pytest.param({"0"}, False, id="only right answer A"),
        pytest.param({"2"}, False, id="only right answer C"),
        pytest.param({"3"}, False, id="only right answer D"),
        pytest.param({"0", "2"}, False, id="two of three right ones"),
        pytest.param({"2", "3"}, False, id="the other two of three"),
        pytest.param({"0", "2", "3", "1"}, False, id="all right ones plus a wrong one"),
        pytest.param({"0", "2", "3", "4"}, False, id="all right ones plus the last wrong one"),
        pytest.param({"1", "4"}, False, id="only the wrong ones"),
        pytest.param(set(), False, id="nothing ticked"),
        pytest.param({"0", "2", "3"}, True, id="exactly the right ones"),
    ],
)
def test_multiple_choice_needs_exactly_the_right_answers(chosen, right):
    assert graded(Q3, chosen) is right


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        pytest.param({"0"}, False, id="first (wrong)"),
        pytest.param({"1"}, True, id="middle (right)"),
        pytest.param({"2"}, False, id="last (wrong)"),
        pytest.param({"0", "1"}, False, id="right one and a wrong one"),
    ],
)
def test_single_choice(chosen, right):
    assert graded(Q1, chosen) is right


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        pytest.param({"false"}, True, id="false (right)"),
        pytest.param({"true"}, False, id="true (wrong)"),
        pytest.param({"true", "false"}, False, id="both"),
    ],
)
def test_true_false(chosen, right):
    assert graded(Q2, chosen) is right


def test_grade_answers_each_question_on_its_own():
    chosen = {"q1": frozenset({"1"}), "q2": frozenset({"true"}), "q3": frozenset({"0", "2", "3"})}
    assert [(r.question.id, r.correct) for r in quiz.grade(LESSON, chosen)] == [
        ("q1", True),
        ("q2", False),
        ("q3", True),
    ]


@pytest.mark.parametrize(
    ("form", "errors", "tampered"),
    [
        pytest.param(
            {"q-q1": "1", "q-q2": "false", "q-q3": ["0", "2", "3"]}, set(), False, id="complete"
        ),
        pytest.param({"q-q1": "1", "q-q2": "false"}, {"q3"}, False, id="multiple left empty"),
        pytest.param(
            {"q-q1": "1", "q-q2": "false", "q-q3": ["0", "1", "2", "3", "4"]},
            set(),
            False,
            id="every box is a valid form",
        ),
        pytest.param(
            {"q-q1": "1", "q-q2": "false", "q-q3": ["0", "5"]}, {"q3"}, True, id="box past the last"
        ),
        pytest.param(
            {"q-q1": "3", "q-q2": "false", "q-q3": "0"}, {"q1"}, True, id="single past the last"
        ),
        pytest.param(
            {"q-q1": "-1", "q-q2": "false", "q-q3": "0"}, {"q1"}, True, id="single before the first"
        ),
        pytest.param(
            {"q-q1": ["0", "1"], "q-q2": "false", "q-q3": "0"},
            {"q1"},
            True,
            id="two ticks on single",
        ),
        pytest.param(
            {"q-q1": "1", "q-q2": ["true", "false"], "q-q3": "0"},
            {"q2"},
            True,
            id="both on true/false",
        ),
        pytest.param(
            {"q-q1": "1", "q-q2": "maybe", "q-q3": "0"}, {"q2"}, True, id="true/false neither"
        ),
    ],
)
def test_reading_the_form(form, errors, tampered):
    answers = quiz.read_answers(LESSON, MultiDict(form))
    assert set(answers.errors) == errors
    assert answers.tampered is tampered
    assert set(answers.chosen) == {"q1", "q2", "q3"} - errors


# --- The pass mark: one press of "Check" with every question right ---------------------------


def store(app, user_id: int, *marks: bool, lesson_id: str = "alpha-quiz") -> None:  # type: ignore[no-untyped-def]
    submission = uuid.uuid4().hex
    with app.app_context():
        db = get_session()
        for number, correct in enumerate(marks, start=1):
            db.add(
                QuizAttempt(
                    user_id=user_id,
                    lesson_id=lesson_id,
                    question_id=f"q{number}",
                    submission_id=submission,
                    answer="x",
                    correct=correct,
                )
            )
        db.commit()


@pytest.mark.parametrize(
    ("submissions", "passed"),
    [
        pytest.param([], False, id="never checked"),
        pytest.param([(True, False, False)], False, id="1 of 3 right"),
        pytest.param([(False, True, True)], False, id="N-1 = 2 of 3 right"),
        pytest.param([(True, True, True)], True, id="N = 3 of 3 right"),
        pytest.param([(True, True, True, True)], True, id="N+1 right (an extra, older question)"),
        pytest.param(
            [(True, True)], False, id="only N-1 answers, all right (question added since)"
        ),
        pytest.param(
            [(True, True, False), (False, False, True)],
            False,
            id="right answers spread over two checks",
        ),
        pytest.param([(False, False, False), (True, True, True)], True, id="failed, then passed"),
        pytest.param([(True, True, True), (False, False, False)], True, id="passed, then failed"),
    ],
)
def test_quiz_passed(app, learner, submissions, passed):
    for marks in submissions:
        store(app, learner.id, *marks)
    with app.app_context():
        user = get_session().get(User, learner.id)
        assert services.quiz_passed(get_session(), user, "alpha-quiz", len(LESSON.quiz)) is passed


@pytest.mark.parametrize("whose", ["another learner", "another lesson"])
def test_quiz_passed_reads_only_this_learner_and_lesson(app, learner, make_user, whose):
    if whose == "another learner":
        store(app, make_user().id, True, True, True)
    else:
        store(app, learner.id, True, True, True, lesson_id="beta-1")
    with app.app_context():
        user = get_session().get(User, learner.id)
        assert not services.quiz_passed(get_session(), user, "alpha-quiz", 3)


# --- Through the pages: Check, then Done -------------------------------------------------------

LESSON_URL = "/courses/alpha/alpha-quiz"


@pytest.mark.parametrize(
    ("answers", "marks"),
    [
        pytest.param(
            {"q-q1": "1", "q-q2": "false", "q-q3": ["0", "2", "3"]},
            (True, True, True),
            id="all right",
        ),
        pytest.param(
            {"q-q1": "1", "q-q2": "false", "q-q3": ["0", "1", "2", "3", "4"]},
            (True, True, False),
            id="every box ticked",
        ),
        pytest.param(
            {"q-q1": "1", "q-q2": "false", "q-q3": ["2"]}, (True, True, False), id="one right box"
        ),
        pytest.param(
            {"q-q1": "1", "q-q2": "false", "q-q3": ["0", "3"]},
            (True, True, False),
            id="two right boxes",
        ),
        pytest.param(
            {"q-q1": "0", "q-q2": "false", "q-q3": ["0", "2", "3"]},
            (False, True, True),
            id="N-1 right: single wrong",
        ),
        pytest.param(
            {"q-q1": "1", "q-q2": "true", "q-q3": ["0", "2", "3"]},
            (True, False, True),
            id="N-1 right: true/false wrong",
        ),
        pytest.param(
            {"q-q1": "2", "q-q2": "true", "q-q3": ["0", "2", "3"]},
            (False, False, True),
            id="1 right",
        ),
        pytest.param(
            {"q-q1": "0", "q-q2": "true", "q-q3": ["1"]}, (False, False, False), id="none right"
        ),
    ],
)
def test_done_only_after_every_answer_was_right(app, client, auth, learner, answers, marks):
    auth.login("erika")
    page = client.get(LESSON_URL).get_data(as_text=True)
    data = {"submission": SUBMISSION.search(page).group(1), **answers}
    checked = auth.post(f"{LESSON_URL}/check", data, token_from=LESSON_URL)
    assert checked.status_code == 302
    with app.app_context():
        stored = get_session().scalars(select(QuizAttempt).order_by(QuizAttempt.question_id))
        assert tuple(a.correct for a in stored) == marks
    result = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert SCORE.search(result).group(1) == str(sum(marks))  # "2 of 3 answers are right."

    auth.post(f"{LESSON_URL}/done", token_from=LESSON_URL)
    with app.app_context():
        row = get_session().scalars(select(Progress)).one()  # the visit made the row
        assert (row.completed_at is not None) is all(marks)
    lesson = client.get(LESSON_URL).get_data(as_text=True)
    assert ("done-state" in lesson) is all(marks)
