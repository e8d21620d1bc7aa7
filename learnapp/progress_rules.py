"""When a learner counts as stuck: one rule for the mentor's list and the coordinator's.

A learner is stuck on a lesson when its self-check went wrong at two presses of "Check" or
more and the lesson is not done. Pressing "Done" (after a right answer) ends it: a completed
lesson is never stuck, whoever looks. A right answer alone does not, as the learner may still
be unsure; how long ago they tried is the "inactive" warning's business, not this one's.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, Subquery, func, select
from sqlalchemy.orm import Session

from learnapp.models import LessonTrouble, Progress, QuizAttempt, User

STUCK_AFTER_FAILED_CHECKS = 2


def _failed_checks(among: Sequence[int] | Select | None) -> Subquery:
    """(user_id, lesson_id, failures): presses of "Check" with a wrong answer, where there were
    enough to count as stuck."""
    wrong: list[ColumnElement[bool]] = [QuizAttempt.correct.is_(False)]
    if among is not None:
        wrong.append(QuizAttempt.user_id.in_(among))
    failures = func.count(func.distinct(QuizAttempt.submission_id))
    return (
        select(QuizAttempt.user_id, QuizAttempt.lesson_id, failures.label("failures"))
        .where(*wrong)
        .group_by(QuizAttempt.user_id, QuizAttempt.lesson_id)
        .having(failures >= STUCK_AFTER_FAILED_CHECKS)
        .subquery()
    )


def _not_completed(failed: Subquery) -> ColumnElement[bool]:
    completed = select(Progress.id).where(
        Progress.user_id == failed.c.user_id,
        Progress.lesson_id == failed.c.lesson_id,
        Progress.completed_at.is_not(None),
    )
    return ~completed.exists()


def stuck_lessons_query(among: Sequence[int] | Select | None = None) -> Select:
    """(user_id, lesson_id) of each learner (among these ids, if given) and their stuck lesson,
    counted from every answer: the reference the kept figures are checked against."""
    failed = _failed_checks(among)
    return select(failed.c.user_id, failed.c.lesson_id).where(_not_completed(failed))


def _open_trouble() -> list[ColumnElement[bool]]:
    return [
        LessonTrouble.failed_checks >= STUCK_AFTER_FAILED_CHECKS,
        LessonTrouble.completed.is_(False),
    ]


def stuck_lessons_since(*learners: ColumnElement[bool]) -> Select:
    """(user_id, lesson_id, since) of each stuck lesson of the learners these conditions on
    User pick, `since` the newest wrong answer. It starts from those learners (a join, never an
    IN list) and reads the figures kept on write (learnapp/rollups.py) from a partial index of
    the open trouble only: its cost follows the learners picked, not the programme's answers."""
    return (
        select(
            LessonTrouble.user_id,
            LessonTrouble.lesson_id,
            LessonTrouble.last_failed_at.label("since"),
        )
        .join(User, User.id == LessonTrouble.user_id)
        .where(*learners, *_open_trouble())
    )


def stuck_lessons(session: Session, learner_ids: list[int]) -> dict[int, dict[str, int]]:
    """The lessons each of these learners is stuck on, with the number of failed checks of
    each (learners who are not stuck, left out)."""
    if not learner_ids:
        return {}
    rows = session.execute(
        select(LessonTrouble.user_id, LessonTrouble.lesson_id, LessonTrouble.failed_checks)
        .where(LessonTrouble.user_id.in_(learner_ids), *_open_trouble())
        .order_by(
            LessonTrouble.user_id, LessonTrouble.failed_checks.desc(), LessonTrouble.lesson_id
        )
    )
    result: dict[int, dict[str, int]] = {}
    for user_id, lesson_id, failures in rows:
        result.setdefault(user_id, {})[lesson_id] = failures
    return result
