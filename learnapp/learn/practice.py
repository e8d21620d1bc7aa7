"""Practice scenarios: walk the steps, record each choice, finish at an ending."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from learnapp.content.model import Lesson, Step
from learnapp.db import hold_write_lock
from learnapp.models import ScenarioChoice, ScenarioRun, User
from learnapp.models.base import utcnow
from learnapp.whole_numbers import whole_number


class PracticeError(Exception):
    """A choice that cannot be taken (replayed, tampered, or the run has ended)."""


def start_run(session: Session, user: User, lesson: Lesson) -> ScenarioRun:
    assert lesson.scenario is not None
    run = ScenarioRun(user_id=user.id, lesson_id=lesson.id, current_step=lesson.scenario.start)
    session.add(run)
    session.flush()
    return run


def get_run(
    session: Session, user: User, lesson: Lesson, run_id: int, *, to_choose: bool = False
) -> ScenarioRun | None:
    """The run if it belongs to this learner and lesson; anything else is "not found".

    to_choose: the run is read to take a choice. Its row is then locked (PostgreSQL) or the
    write lock taken first (SQLite), so a second copy of the same choice reads the step the
    first one led to, and is refused as stale.
    """
    statement = select(ScenarioRun).where(
        ScenarioRun.id == run_id,
        ScenarioRun.user_id == user.id,
        ScenarioRun.lesson_id == lesson.id,
    )
    if to_choose:
        hold_write_lock(session)
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return session.scalars(statement).first()


def current_step(lesson: Lesson, run: ScenarioRun) -> Step | None:
    assert lesson.scenario is not None
    return lesson.scenario.steps.get(run.current_step)


def last_choice(session: Session, run: ScenarioRun) -> ScenarioChoice | None:
    return session.scalars(
        select(ScenarioChoice)
        .where(ScenarioChoice.run_id == run.id)
        .order_by(ScenarioChoice.id.desc())
        .limit(1)
    ).first()


def choose(
    session: Session, lesson: Lesson, run: ScenarioRun, step_id: str, choice_raw: str
) -> Step:
    """Take a choice at the run's current step; returns the step it leads to.

    Each choice is the run's next position; the database keeps one choice per position
    (uq_scenario_choice_position), so a copy of the same choice that got past the checks
    at the same moment is refused as stale instead of taking the step twice.
    """
    step = current_step(lesson, run)
    if run.ended_at is not None or step is None or step.end:
        raise PracticeError("ended")
    if step_id != run.current_step:
        raise PracticeError("stale")
    index = whole_number(choice_raw)
    if index is None or not 0 <= index < len(step.choices):
        raise PracticeError("unknown-choice")
    target_id = step.choices[index].next
    made = session.scalar(
        select(func.count(ScenarioChoice.id)).where(ScenarioChoice.run_id == run.id)
    )
    try:
        with session.begin_nested():
            session.add(
                ScenarioChoice(
                    run_id=run.id,
                    step_id=step.id,
                    position=(made or 0) + 1,
                    choice_index=index,
                    next_step=target_id,
                )
            )
    except IntegrityError as error:
        raise PracticeError("stale") from error
    run.current_step = target_id
    assert lesson.scenario is not None
    target = lesson.scenario.steps[target_id]
    if target.end:
        run.outcome = target.end
        run.ended_at = utcnow()
    return target
