"""Who is paired with whom, and a learner's whole learning: read by mentors and coordinators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnapp.content.library import Library
from learnapp.content.model import Course
from learnapp.models import (
    HelpRequest,
    Pairing,
    Progress,
    QuizAttempt,
    ScenarioChoice,
    ScenarioRun,
    TandemSession,
    User,
)
from learnapp.models.base import utcnow


def paired_learners(session: Session, mentor: User) -> list[User]:
    """The learners a mentor is paired with now."""
    return list(
        session.scalars(
            select(User)
            .join(Pairing, Pairing.learner_id == User.id)
            .where(Pairing.mentor_id == mentor.id, Pairing.ended_at.is_(None))
        )
    )


def upcoming_sessions(
    session: Session, mentor: User, learner_ids: list[int]
) -> list[TandemSession]:
    """The mentor's sessions with these learners not yet recorded, from 12 hours ago on."""
    return list(
        session.scalars(
            select(TandemSession)
            .where(
                TandemSession.mentor_id == mentor.id,
                TandemSession.learner_id.in_(learner_ids),
                TandemSession.took_place.is_(None),
                TandemSession.starts_at >= utcnow() - timedelta(hours=12),
            )
            .order_by(TandemSession.starts_at)
        )
    )


@dataclass
class LearnerDetail:
    progress: dict[str, Progress]
    attempts: dict[str, list[QuizAttempt]]
    runs: list[ScenarioRun]
    run_paths: dict[int, list[ScenarioChoice]]
    sessions: list[TandemSession]
    help_requests: list[HelpRequest]
    courses: list[Course]


def learner_detail(session: Session, learner: User, library: Library) -> LearnerDetail:
    """Everything about one learner's learning, for their mentor or coordinator."""
    progress = {
        row.lesson_id: row
        for row in session.scalars(select(Progress).where(Progress.user_id == learner.id))
    }
    attempts: dict[str, list[QuizAttempt]] = {}
    for attempt in session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == learner.id)
        .order_by(QuizAttempt.created_at, QuizAttempt.id)
    ):
        attempts.setdefault(attempt.lesson_id, []).append(attempt)
    runs = list(
        session.scalars(
            select(ScenarioRun)
            .where(ScenarioRun.user_id == learner.id)
            .order_by(ScenarioRun.started_at.desc())
        )
    )
    # Load every run's choices in one query instead of one per run.
    choices: dict[int, list[ScenarioChoice]] = {}
    if runs:
        for choice in session.scalars(
            select(ScenarioChoice)
            .where(ScenarioChoice.run_id.in_([run.id for run in runs]))
            .order_by(ScenarioChoice.id)
        ):
            choices.setdefault(choice.run_id, []).append(choice)
    sessions = list(
        session.scalars(
            select(TandemSession)
            .where(TandemSession.learner_id == learner.id)
            .order_by(TandemSession.starts_at.desc())
        )
    )
    help_requests = list(
        session.scalars(
            select(HelpRequest)
            .where(HelpRequest.learner_id == learner.id)
            .order_by(HelpRequest.created_at.desc())
        )
    )
    return LearnerDetail(
        progress, attempts, runs, choices, sessions, help_requests, library.ordered_courses
    )


def current_mentor(session: Session, learner: User) -> User | None:
    """The learner's active mentor, shown on their settings page (privacy)."""
    return session.scalars(
        select(User)
        .join(Pairing, Pairing.mentor_id == User.id)
        .where(Pairing.learner_id == learner.id, Pairing.ended_at.is_(None))
    ).first()
