"""How each figure kept on write is computed from its source rows (see learnapp/rollups.py).

Every function recomputes the figures of the keys it is given (or of everything) from the
answers, progress and sessions themselves: it never adds to what was there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from learnapp.clock import CENTRE_TZ
from learnapp.models import (
    ActiveMonth,
    LessonTrouble,
    Pairing,
    Progress,
    QuizAttempt,
    TandemSession,
)

LessonKey = tuple[int, str]
PairKey = tuple[int, int]
MonthKey = tuple[int, str]


def month_of(utc: datetime) -> str:
    """ "2026-11": the month on the centre's clock of a stored (naive UTC) time."""
    local = utc.replace(tzinfo=UTC).astimezone(CENTRE_TZ)
    return f"{local.year:04d}-{local.month:02d}"


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """First moment of the month and of the next on the centre's clock, as naive UTC."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=CENTRE_TZ)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=CENTRE_TZ)
    return (
        start.astimezone(UTC).replace(tzinfo=None),
        end.astimezone(UTC).replace(tzinfo=None),
    )


def _upsert(connection: Connection, model: type) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def refresh_lessons(connection: Connection, keys: list[LessonKey] | None) -> None:
    """Compute lesson_trouble again for these (learner, lesson) pairs (None: all of them, into
    an emptied table, as `rebuild` does)."""
    wrong: list[ColumnElement[bool]] = [QuizAttempt.correct.is_(False)]
    if keys is not None:
        wrong.append(tuple_(QuizAttempt.user_id, QuizAttempt.lesson_id).in_(keys))
    done = (
        select(Progress.id)
        .where(
            Progress.user_id == QuizAttempt.user_id,
            Progress.lesson_id == QuizAttempt.lesson_id,
            Progress.completed_at.is_not(None),
        )
        .exists()
    )
    figures = (
        select(
            QuizAttempt.user_id,
            QuizAttempt.lesson_id,
            func.count(func.distinct(QuizAttempt.submission_id)),
            func.max(QuizAttempt.created_at),
            done,
        )
        .where(*wrong)
        .group_by(QuizAttempt.user_id, QuizAttempt.lesson_id)
    )
    statement = _upsert(connection, LessonTrouble).from_select(
        ["user_id", "lesson_id", "failed_checks", "last_failed_at", "completed"], figures
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[LessonTrouble.user_id, LessonTrouble.lesson_id],
            set_={
                "failed_checks": statement.excluded.failed_checks,
                "last_failed_at": statement.excluded.last_failed_at,
                "completed": statement.excluded.completed,
            },
        )
    )
    if keys is None:
        return  # the table was emptied first: nothing left over to remove
    # Rows whose lesson has no wrong answer any more (answers deleted or corrected).
    still_wrong = exists().where(
        QuizAttempt.user_id == LessonTrouble.user_id,
        QuizAttempt.lesson_id == LessonTrouble.lesson_id,
        QuizAttempt.correct.is_(False),
    )
    connection.execute(
        delete(LessonTrouble).where(
            ~still_wrong, tuple_(LessonTrouble.user_id, LessonTrouble.lesson_id).in_(keys)
        )
    )


def refresh_pairs(connection: Connection, keys: list[PairKey] | None) -> None:
    """Compute last_held_at again for the pairings of these (mentor, learner) pairs (None:
    every pairing)."""
    newest = (
        select(func.max(TandemSession.starts_at))
        .where(
            TandemSession.mentor_id == Pairing.mentor_id,
            TandemSession.learner_id == Pairing.learner_id,
            TandemSession.took_place.is_(True),
        )
        .scalar_subquery()
    )
    statement = update(Pairing).values(last_held_at=newest)
    if keys is not None:
        statement = statement.where(tuple_(Pairing.mentor_id, Pairing.learner_id).in_(keys))
    connection.execute(statement.execution_options(synchronize_session=False))


def _active_in(user_id: int, bounds: tuple[datetime, datetime]) -> ColumnElement[bool]:
    """The monthly report's "active": opened or finished a lesson, answered a self-check, or
    (as the learner) held a session with the mentor, within the bounds."""

    def within(column: Any) -> ColumnElement[bool]:
        return and_(column >= bounds[0], column < bounds[1])

    return or_(
        select(Progress.id)
        .where(
            Progress.user_id == user_id,
            or_(
                within(Progress.started_at),
                within(Progress.completed_at),
                within(Progress.updated_at),
            ),
        )
        .exists(),
        select(QuizAttempt.id)
        .where(QuizAttempt.user_id == user_id, within(QuizAttempt.created_at))
        .exists(),
        select(TandemSession.id)
        .where(
            TandemSession.learner_id == user_id,
            TandemSession.took_place.is_(True),
            within(TandemSession.starts_at),
        )
        .exists(),
    )


def refresh_months(connection: Connection, keys: list[MonthKey]) -> None:
    """Compute active_month again for these (person, month) pairs: a few index reads each."""
    for user_id, month in keys:
        bounds = month_bounds(month)
        completed = (
            select(func.count(Progress.id))
            .where(
                Progress.user_id == user_id,
                Progress.completed_at >= bounds[0],
                Progress.completed_at < bounds[1],
            )
            .scalar_subquery()
        )
        active = _active_in(user_id, bounds)
        statement = _upsert(connection, ActiveMonth).from_select(
            ["user_id", "month", "lessons_completed"],
            select(literal(user_id), literal(month), completed).where(active),
        )
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[ActiveMonth.user_id, ActiveMonth.month],
                set_={"lessons_completed": statement.excluded.lessons_completed},
            )
        )
        connection.execute(
            delete(ActiveMonth).where(
                ActiveMonth.user_id == user_id, ActiveMonth.month == month, ~active
            )
        )


def rebuild_months(connection: Connection) -> None:
    """Every (person, month) anew: in SQL on PostgreSQL, month by month in Python on SQLite
    (which has no time zones). A completion counts once, at its completed_at."""
    connection.execute(delete(ActiveMonth))
    no, yes = literal(0), literal(1)
    times = [
        select(Progress.user_id, Progress.started_at, no),
        select(Progress.user_id, Progress.completed_at, yes).where(
            Progress.completed_at.is_not(None)
        ),
        select(Progress.user_id, Progress.updated_at, no),
        select(QuizAttempt.user_id, QuizAttempt.created_at, no),
        select(TandemSession.learner_id, TandemSession.starts_at, no).where(
            TandemSession.took_place.is_(True)
        ),
    ]
    columns = ["user_id", "month", "lessons_completed"]
    if connection.dialect.name == "postgresql":
        every = times[0].union_all(*times[1:]).subquery()
        user_id, moment, completion = every.c
        local = func.to_char(func.timezone(str(CENTRE_TZ), func.timezone("UTC", moment)), "YYYY-MM")
        months = select(user_id, local, func.sum(completion)).group_by(user_id, local)
        connection.execute(insert(ActiveMonth).from_select(columns, months))
        return
    found: dict[MonthKey, int] = {}
    for part in times:
        for user, when, completes in connection.execute(part):
            if when is not None:
                key = (user, month_of(when))
                found[key] = found.get(key, 0) + completes
    rows = [
        {"user_id": user, "month": month, "lessons_completed": count}
        for (user, month), count in sorted(found.items())
    ]
    if rows:
        connection.execute(insert(ActiveMonth), rows)


def rebuild(connection: Connection) -> None:
    """Compute every kept figure anew from the source rows (after a bulk load)."""
    connection.execute(delete(LessonTrouble))
    refresh_lessons(connection, None)
    refresh_pairs(connection, None)
    rebuild_months(connection)
