"""Practice scenarios: walk the steps, record each choice, finish at an ending."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnapp.content.model import Lesson, Step
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


def get_run(session: Session, user: User, lesson: Lesson, run_id: int) -> ScenarioRun | None:
    """The run if it belongs to this learner and lesson; anything else is "not found"."""
    return session.scalars(
        select(ScenarioRun).where(
            ScenarioRun.id == run_id,
            ScenarioRun.user_id == user.id,
            ScenarioRun.lesson_id == lesson.id,
        )
    ).first()


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
    """Take a choice at the run's current step; returns the step it leads to."""
    step = current_step(lesson, run)
    if run.ended_at is not None or step is None or step.end:
        raise PracticeError("ended")
    if step_id != run.current_step:
        raise PracticeError("stale")
    index = whole_number(choice_raw)
    if index is None or not 0 <= index < len(step.choices):
        raise PracticeError("unknown-choice")
    target_id = step.choices[index].next
    session.add(
        ScenarioChoice(run_id=run.id, step_id=step.id, choice_index=index, next_step=target_id)
    )
    run.current_step = target_id
    assert lesson.scenario is not None
    target = lesson.scenario.steps[target_id]
    if target.end:
        run.outcome = target.end
        run.ended_at = utcnow()
    return target
