"""When a learner counts as stuck: one rule for the mentor's list and the coordinator's.

A learner is stuck on a lesson when its self-check went wrong at two presses of "Check" or
more and the lesson is not done. Pressing "Done" (after a right answer) ends it: a completed
lesson is never stuck, whoever looks. A right answer alone does not, as the learner may still
be unsure; how long ago they tried is the "inactive" warning's business, not this one's.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from learnapp.models import Progress, QuizAttempt

STUCK_AFTER_FAILED_CHECKS = 2


def stuck_lessons_query(among: Sequence[int] | Select | None = None) -> Select:
    """(user_id, lesson_id) of each learner (among these ids, if given) and their stuck lesson."""
    wrong: list[ColumnElement[bool]] = [QuizAttempt.correct.is_(False)]
    if among is not None:
        wrong.append(QuizAttempt.user_id.in_(among))
    failed = (
        select(QuizAttempt.user_id, QuizAttempt.lesson_id)
        .where(*wrong)
        .group_by(QuizAttempt.user_id, QuizAttempt.lesson_id)
        .having(func.count(func.distinct(QuizAttempt.submission_id)) >= STUCK_AFTER_FAILED_CHECKS)
        .subquery()
    )
    completed = select(Progress.id).where(
        Progress.user_id == failed.c.user_id,
        Progress.lesson_id == failed.c.lesson_id,
        Progress.completed_at.is_not(None),
    )
    return select(failed.c.user_id, failed.c.lesson_id).where(~completed.exists())


def stuck_lessons(session: Session, learner_ids: list[int]) -> dict[int, list[str]]:
    """The lessons each of these learners is stuck on (learners who are not, left out)."""
    if not learner_ids:
        return {}
    rows = session.execute(stuck_lessons_query(learner_ids))
    result: dict[int, list[str]] = {}
    for user_id, lesson_id in rows:
        result.setdefault(user_id, []).append(lesson_id)
    return result
