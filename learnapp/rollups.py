"""Figures kept on write so that the staff pages do not aggregate the whole programme.

- `lesson_trouble`: per learner and lesson, the failed presses of "Check", the newest wrong
  answer and whether the lesson is done (the "stuck" rule of learnapp/progress_rules.py);
- `pairing.last_held_at`: the start of the newest session the pair held.

Each is recomputed from its source rows, never counted up: after every flush that adds, changes
or deletes a self-check answer, a progress row, a tandem session or a pairing, the rows they
touch are computed again from the answers, the progress and the sessions of that learner and
lesson (or that pair), in the same transaction. A double tap, a retried write or a rolled back
savepoint cannot make a figure drift, and the flush's own indexes make each recomputation a
few index reads. An UPDATE or DELETE statement run through a session on those tables (ending a
learner's unheld sessions, say) first selects the keys of the rows it will touch, and those are
computed again after it. Bulk inserts (the demo, the bench, the migration that made the table)
bypass the ORM and call `rebuild` afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    delete,
    event,
    exists,
    func,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Result
from sqlalchemy.orm import ORMExecuteState, Session, attributes

from learnapp.models import LessonTrouble, Pairing, Progress, QuizAttempt, TandemSession

CHUNK = 400  # keys per statement: well under SQLite's limit of bound parameters
LessonKey = tuple[int, str]
PairKey = tuple[int, int]


def _values(obj: Any, name: str) -> list[Any]:
    """The attribute's value now and, if the flush changes it, the one it had."""
    history = attributes.get_history(obj, name)
    return [value for value in (*history.added, *history.unchanged, *history.deleted)]


def _touched(session: Session) -> tuple[set[LessonKey], set[PairKey]]:
    lessons: set[LessonKey] = set()
    pairs: set[PairKey] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, QuizAttempt | Progress):
            lessons.update(
                (user, lesson)
                for user in _values(obj, "user_id")
                for lesson in _values(obj, "lesson_id")
                if user is not None and lesson is not None
            )
        elif isinstance(obj, TandemSession | Pairing):
            pairs.update(
                (mentor, learner)
                for mentor in _values(obj, "mentor_id")
                for learner in _values(obj, "learner_id")
                if mentor is not None and learner is not None
            )
    return lessons, pairs


def _after_flush(session: Session, _context: object) -> None:
    lessons, pairs = _touched(session)
    if not lessons and not pairs:
        return
    connection = session.connection()
    for chunk in _chunks(sorted(lessons)):
        refresh_lessons(connection, chunk)
    for chunk in _chunks(sorted(pairs)):
        refresh_pairs(connection, chunk)
    session.info.setdefault("rollups_refreshed_pairs", set()).update(pairs)


def _on_bulk_statement(state: ORMExecuteState) -> Result[Any] | None:
    """An UPDATE or DELETE statement on a table the figures come from: recompute the figures
    of the rows it touched (their keys before it, and after it for an UPDATE)."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return None
    model = state.bind_mapper.class_
    if model in (QuizAttempt, Progress):
        keys = (model.user_id, model.lesson_id)
    elif model in (TandemSession, Pairing):
        keys = (model.mentor_id, model.learner_id)
    else:
        return None
    where = state.statement.whereclause  # type: ignore[attr-defined]
    by_primary_key = isinstance(state.parameters, list)  # update(Model), [{"id": …}, …]
    if by_primary_key:
        ids = [row["id"] for row in cast("list[dict[str, Any]]", state.parameters)]
        before = [
            row
            for chunk in _chunks(ids)
            for row in state.session.execute(select(model.id, *keys).where(model.id.in_(chunk)))
        ]
    elif where is not None:
        before = list(state.session.execute(select(model.id, *keys).where(where)))
    else:  # the whole table: every figure again
        result = state.invoke_statement()
        rebuild(state.session.connection())
        return result
    result = state.invoke_statement()
    touched = {tuple(row[1:]) for row in before}
    if state.is_update and before:
        ids = [row[0] for row in before]
        for chunk in _chunks(ids):
            touched |= {
                tuple(row)
                for row in state.session.execute(select(*keys).where(model.id.in_(chunk)))
            }
    connection = state.session.connection()
    refresh = refresh_lessons if model in (QuizAttempt, Progress) else refresh_pairs
    for chunk in _chunks(sorted(touched)):
        refresh(connection, chunk)
    return result


def _after_flush_postexec(session: Session, _context: object) -> None:
    """Pairings in memory show the newest last_held_at when next read."""
    pairs = session.info.pop("rollups_refreshed_pairs", None)
    if not pairs:
        return
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Pairing) and (obj.mentor_id, obj.learner_id) in pairs:
            session.expire(obj, ["last_held_at"])


def _chunks(keys: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def _upsert(connection: Connection) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(LessonTrouble)


def refresh_lessons(connection: Connection, keys: list[LessonKey] | None) -> None:
    """Compute lesson_trouble again for these (learner, lesson) pairs (None: all of them)."""
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
    statement = _upsert(connection).from_select(
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
    # Rows whose lesson has no wrong answer any more (answers deleted or corrected).
    still_wrong = exists().where(
        QuizAttempt.user_id == LessonTrouble.user_id,
        QuizAttempt.lesson_id == LessonTrouble.lesson_id,
        QuizAttempt.correct.is_(False),
    )
    gone: list[ColumnElement[bool]] = [~still_wrong]
    if keys is not None:
        gone.append(tuple_(LessonTrouble.user_id, LessonTrouble.lesson_id).in_(keys))
    connection.execute(delete(LessonTrouble).where(*gone))


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


def rebuild(connection: Connection) -> None:
    """Compute every kept figure anew from the source rows (after a bulk load)."""
    connection.execute(delete(LessonTrouble))
    refresh_lessons(connection, None)
    refresh_pairs(connection, None)


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "after_flush_postexec", _after_flush_postexec)
event.listen(Session, "do_orm_execute", _on_bulk_statement)
