"""Progress: what a learner has started and finished, and where they continue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from learnapp.content.library import Library
from learnapp.content.model import Course
from learnapp.db import insert_ignoring_duplicates, side_write
from learnapp.models import Progress, QuizAttempt, User
from learnapp.models.base import utcnow

REVISIT_WRITE_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True)
class ContinuePoint:
    course: Course
    lesson_id: str
    started: bool  # False: the learner has not begun anything yet


def progress_by_lesson(session: Session, user: User) -> dict[str, Row]:
    """A learner's progress, keyed by lesson id (one query; plain rows, read-only).

    The rows carry id, lesson_id, completed_at and updated_at: what the pages read. Plain rows
    cost a fraction of ORM objects, and a learner may have hundreds.
    """
    rows = session.execute(
        select(Progress.id, Progress.lesson_id, Progress.completed_at, Progress.updated_at).where(
            Progress.user_id == user.id
        )
    )
    return {row.lesson_id: row for row in rows}


def course_progress(library: Library, progress: dict[str, Row]) -> list[CourseProgress]:
    result = []
    for course in library.ordered_courses:
        done = sum(
            1
            for lesson_id in course.lesson_ids
            if (row := progress.get(lesson_id)) is not None and row.completed_at is not None
        )
        result.append(CourseProgress(course, done, len(course.lesson_ids)))
    return result


def continue_point(library: Library, progress: dict[str, Row]) -> ContinuePoint | None:
    """The lesson to offer on "Continue": in the course last worked on, the next unfinished one."""
    courses = library.ordered_courses
    known = [row for row in progress.values() if row.lesson_id in library.lesson_course]
    if not known:
        for course in courses:
            if course.lesson_ids:
                return ContinuePoint(course, course.lesson_ids[0], started=False)
        return None

    latest = max(known, key=lambda row: (row.updated_at, row.id))
    current = library.courses[library.lesson_course[latest.lesson_id]]
    if latest.completed_at is None:
        return ContinuePoint(current, latest.lesson_id, started=True)

    def unfinished(lesson_id: str) -> bool:
        row = progress.get(lesson_id)
        return row is None or row.completed_at is None

    ids = current.lesson_ids
    after = ids[ids.index(latest.lesson_id) + 1 :] + ids[: ids.index(latest.lesson_id)]
    for lesson_id in after:
        if unfinished(lesson_id):
            return ContinuePoint(current, lesson_id, started=True)
    start = courses.index(current)
    for course in courses[start + 1 :] + courses[:start]:
        for lesson_id in course.lesson_ids:
            if unfinished(lesson_id):
                return ContinuePoint(course, lesson_id, started=True)
    return None


# Run on every lesson page: built once, as building costs more than the database's answer.
_PROGRESS_ROW = select(Progress).where(
    Progress.user_id == bindparam("user_id"), Progress.lesson_id == bindparam("lesson_id")
)


def _get_or_create(session: Session, user: User, course_id: str, lesson_id: str) -> Progress:
    row = session.scalars(_PROGRESS_ROW, {"user_id": user.id, "lesson_id": lesson_id}).first()
    return row if row is not None else _create(session, user, course_id, lesson_id)


def _create(session: Session, user: User, course_id: str, lesson_id: str) -> Progress:
    which = {"user_id": user.id, "lesson_id": lesson_id}
    # Two tabs may open the same lesson at once: the unique constraint decides, we re-read.
    # (An insert that ignores a duplicate needs no savepoint, so it also works in a GET.)
    session.execute(
        insert_ignoring_duplicates(session, Progress, ["user_id", "lesson_id"]).values(
            user_id=user.id, course_id=course_id, lesson_id=lesson_id
        )
    )
    return session.scalars(_PROGRESS_ROW, which).one()


def record_visit(
    session: Session, user: User, course_id: str, lesson_id: str, same_as_last: bool = False
) -> Progress:
    """Note that the learner opened a lesson (it becomes "where was I").

    Reloading the lesson that was also the last one opened changes nothing about "where was
    I", so within a minute it is not written again: a reload then costs no write (and, in a
    GET, no transaction).
    """
    row = session.scalars(_PROGRESS_ROW, {"user_id": user.id, "lesson_id": lesson_id}).first()
    now = utcnow()
    if row is not None and same_as_last and now - row.updated_at <= REVISIT_WRITE_AFTER:
        return row
    side_write(session, "where the learner was")
    row = row or _create(session, user, course_id, lesson_id)
    row.updated_at = now
    return row


def mark_done(
    session: Session, user: User, course_id: str, lesson_id: str, at: datetime | None = None
) -> Progress:
    """Tick the lesson off; `at`: when she pressed "Done" (offline, sent later), else now."""
    row = _get_or_create(session, user, course_id, lesson_id)
    now = utcnow()
    if row.completed_at is None:
        row.completed_at = at or now
        row.started_at = min(row.started_at, row.completed_at)
    row.updated_at = now
    return row


def mark_not_done(session: Session, user: User, lesson_id: str) -> None:
    row = session.scalars(
        select(Progress).where(Progress.user_id == user.id, Progress.lesson_id == lesson_id)
    ).first()
    if row is not None:
        row.completed_at = None
        row.updated_at = utcnow()


def quiz_passed(session: Session, user: User, lesson_id: str, question_count: int) -> bool:
    """True when one press of "Check" answered every question correctly."""
    attempts = session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user.id, QuizAttempt.lesson_id == lesson_id
        )
    )
    by_submission: dict[str, list[bool]] = {}
    for attempt in attempts:
        by_submission.setdefault(attempt.submission_id, []).append(attempt.correct)
    return any(len(marks) >= question_count and all(marks) for marks in by_submission.values())
