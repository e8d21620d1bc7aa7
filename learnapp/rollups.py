"""Figures kept on write so that the staff pages do not aggregate the whole programme.

- `lesson_trouble`: per learner and lesson, the failed presses of "Check", the newest wrong
  answer and whether the lesson is done (the "stuck" rule of learnapp/progress_rules.py);
- `pairing.last_held_at`: the start of the newest session the pair held ("quiet tandems");
- `active_month`: the months in which a person was active (the monthly report).

Each is recomputed from its source rows, never counted up (learnapp/rollup_figures.py): after
every flush that adds, changes or deletes a self-check answer, a progress row, a tandem session
or a pairing, the figures of the keys those rows had before and have after are computed again,
in the same transaction. A double tap, a retried write or a rolled back savepoint cannot make a
figure drift, and each recomputation is a few index reads. An UPDATE or DELETE statement run
through a session on those tables (ending a learner's unheld sessions, coarsening her times)
first selects the rows it will touch, and their keys are computed again after it. Bulk inserts
(the demo, the bench) bypass the ORM and call `rebuild` afterwards; so must any future code
that inserts completed progress or held sessions with an INSERT statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, event, select
from sqlalchemy.engine import Result
from sqlalchemy.orm import ORMExecuteState, Session, attributes

from learnapp.models import Pairing, Progress, QuizAttempt, TandemSession
from learnapp.rollup_figures import (
    LessonKey,
    MonthKey,
    PairKey,
    month_of,
    rebuild,
    refresh_lessons,
    refresh_months,
    refresh_pairs,
)

__all__ = ["rebuild"]

CHUNK = 400  # keys per statement: well under SQLite's limit of bound parameters
# The columns that say which figures a row of each source table counts in: its keys and times.
WATCHED: dict[type[Any], tuple[str, ...]] = {
    QuizAttempt: ("user_id", "lesson_id", "created_at"),
    Progress: ("user_id", "lesson_id", "started_at", "completed_at", "updated_at"),
    TandemSession: ("mentor_id", "learner_id", "starts_at"),
    Pairing: ("mentor_id", "learner_id"),
}
TIMES: dict[type[Any], tuple[str, ...]] = {
    QuizAttempt: ("created_at",),
    Progress: ("started_at", "completed_at", "updated_at"),
    TandemSession: ("starts_at",),
}


@dataclass
class Touched:
    lessons: set[LessonKey] = field(default_factory=set)
    pairs: set[PairKey] = field(default_factory=set)
    months: set[MonthKey] = field(default_factory=set)

    def add(self, model: type[Any], values: dict[str, list[Any]]) -> None:
        """The keys of a row, given every value each of its columns has had."""

        def each(name: str) -> list[Any]:
            return [value for value in values[name] if value is not None]

        if model in (QuizAttempt, Progress):
            self.lessons.update(
                (u, lesson) for u in each("user_id") for lesson in each("lesson_id")
            )
            people = each("user_id")
        else:
            self.pairs.update((m, u) for m in each("mentor_id") for u in each("learner_id"))
            people = each("learner_id")
        months = {month_of(moment) for name in TIMES.get(model, ()) for moment in each(name)}
        self.months.update((person, month) for person in people for month in months)

    def refresh(self, connection: Connection) -> None:
        for chunk in _chunks(sorted(self.lessons)):
            refresh_lessons(connection, chunk)
        for chunk in _chunks(sorted(self.pairs)):
            refresh_pairs(connection, chunk)
        refresh_months(connection, sorted(self.months))


def _chunks(keys: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def _history(obj: Any, name: str) -> list[Any]:
    """The attribute's value now and, if the flush changes it, the one it had."""
    history = attributes.get_history(obj, name)
    return [*history.added, *history.unchanged, *history.deleted]


def _after_flush(session: Session, _context: object) -> None:
    touched = Touched()
    for obj in (*session.new, *session.dirty, *session.deleted):
        model = type(obj)
        if model in WATCHED:
            touched.add(model, {name: _history(obj, name) for name in WATCHED[model]})
    if touched.lessons or touched.pairs or touched.months:
        touched.refresh(session.connection())
        session.info.setdefault("rollups_refreshed_pairs", set()).update(touched.pairs)


def _after_flush_postexec(session: Session, _context: object) -> None:
    """Pairings in memory show the newest last_held_at when next read."""
    pairs = session.info.pop("rollups_refreshed_pairs", None)
    if not pairs:
        return
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Pairing) and (obj.mentor_id, obj.learner_id) in pairs:
            session.expire(obj, ["last_held_at"])


def _rows_of(state: ORMExecuteState, model: Any, ids: list[int]) -> list[Any]:
    columns = [getattr(model, name) for name in WATCHED[model]]
    return [
        row
        for chunk in _chunks(ids)
        for row in state.session.execute(select(model.id, *columns).where(model.id.in_(chunk)))
    ]


def _on_bulk_statement(state: ORMExecuteState) -> Result[Any] | None:
    """An UPDATE or DELETE statement on a source table: recompute the figures of the rows it
    touched (as they were before it, and after it for an UPDATE)."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return None
    model = state.bind_mapper.class_
    if model not in WATCHED:
        return None
    where = state.statement.whereclause  # type: ignore[attr-defined]
    if isinstance(state.parameters, list):  # update(Model), [{"id": …}, …]: by primary key
        ids = [row["id"] for row in cast("list[dict[str, Any]]", state.parameters)]
        before = _rows_of(state, model, ids)
    elif where is not None:
        columns = [getattr(model, name) for name in WATCHED[model]]
        before = list(state.session.execute(select(model.id, *columns).where(where)))
    else:  # the whole table: every figure again
        result = state.invoke_statement()
        rebuild(state.session.connection())
        return result
    result = state.invoke_statement()
    after = _rows_of(state, model, [row[0] for row in before]) if state.is_update else []
    touched = Touched()
    for row in (*before, *after):
        touched.add(
            model, {name: [value] for name, value in zip(WATCHED[model], row[1:], strict=True)}
        )
    touched.refresh(state.session.connection())
    return result


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "after_flush_postexec", _after_flush_postexec)
event.listen(Session, "do_orm_execute", _on_bulk_statement)
