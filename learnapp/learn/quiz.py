"""Self-check quizzes: read the learner's answers, grade them on the server, store attempts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from learnapp.content.model import Lesson, Question
from learnapp.db import hold_write_lock
from learnapp.learn.limits import LimitReached, lock_learner, now, setting
from learnapp.models import QuizAttempt, User

SUBMISSION_PATTERN = re.compile(r"^[0-9a-f]{32}$")
FIELD_PREFIX = "q-"
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    chosen: frozenset[str]
    correct: bool


@dataclass
class QuizAnswers:
    chosen: dict[str, frozenset[str]]
    errors: dict[str, str]
    tampered: bool = False


def field_name(question: Question) -> str:
    return FIELD_PREFIX + question.id


def read_answers(lesson: Lesson, form: MultiDict) -> QuizAnswers:
    """The learner's choices per question; unanswered or impossible choices become errors."""
    result = QuizAnswers(chosen={}, errors={})
    for question in lesson.quiz:
        values = frozenset(form.getlist(field_name(question)))
        if not values:
            result.errors[question.id] = str(_l("Please choose an answer."))
            continue
        allowed = set(question.option_keys())
        too_many = question.type != "multiple" and len(values) > 1
        if not values <= allowed or too_many:
            result.errors[question.id] = str(
                _l("This answer is not one of the choices. Please choose again.")
            )
            result.tampered = True
            continue
        result.chosen[question.id] = values
    return result


def grade(lesson: Lesson, chosen: dict[str, frozenset[str]]) -> list[QuestionResult]:
    return [
        QuestionResult(q, chosen.get(q.id, frozenset()), chosen.get(q.id) == q.correct_keys())
        for q in lesson.quiz
    ]


class AlreadyStored(Exception):
    """These answers were stored before: the same press of "Check" arrived twice."""


def submission_seen(session: Session, user: User, submission_id: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    QuizAttempt.user_id == user.id, QuizAttempt.submission_id == submission_id
                )
            )
        )
    )


def store(
    session: Session,
    user: User,
    lesson: Lesson,
    results: list[QuestionResult],
    submission_id: str,
    at: datetime | None = None,
) -> None:
    """Keep one press of "Check"; more than SELF_CHECKS_PER_LESSON_PER_MINUTE raise LimitReached.

    A person reads the feedback before trying again; a flood of presses is a script. The same
    press arriving twice (a double tap, two tabs) raises AlreadyStored: the database keeps
    each question of a submission once (uq_quiz_attempt_submission), so a copy that passed
    the caller's check at the same moment fails here instead of storing the answers again.
    """
    hold_write_lock(session)
    lock_learner(session, user)
    moment = now()
    per_minute = setting("SELF_CHECKS_PER_LESSON_PER_MINUTE")
    last_minute = session.scalar(
        select(func.count(func.distinct(QuizAttempt.submission_id))).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.lesson_id == lesson.id,
            QuizAttempt.created_at > moment - MINUTE,
        )
    )
    if (last_minute or 0) >= per_minute:
        raise LimitReached(
            _(
                "You have checked your answers many times in a short while. Please read the "
                "explanations in peace; you can check again in a minute."
            )
        )
    try:
        with session.begin_nested():
            for result in results:
                session.add(
                    QuizAttempt(
                        user_id=user.id,
                        lesson_id=lesson.id,
                        question_id=result.question.id,
                        submission_id=submission_id,
                        answer=",".join(sorted(result.chosen))[:200],
                        correct=result.correct,
                        created_at=at or moment,  # an offline press: when it was made
                    )
                )
    except IntegrityError as error:
        raise AlreadyStored(submission_id) from error


def load_results(
    session: Session, user: User, lesson: Lesson, submission_id: str
) -> list[QuestionResult]:
    """Results of one earlier submission, to show its feedback again after the redirect."""
    attempts = session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.lesson_id == lesson.id,
            QuizAttempt.submission_id == submission_id,
        )
    )
    chosen = {a.question_id: frozenset(filter(None, a.answer.split(","))) for a in attempts}
    if not chosen:
        return []
    return grade(lesson, chosen)
