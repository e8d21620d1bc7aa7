"""What a mentor sees of their learners, computed in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnapp.clock import local_now
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

STUCK_AFTER_FAILED_CHECKS = 2


@dataclass
class LearnerSummary:
    learner: User
    done_by_course: dict[str, int] = field(default_factory=dict)
    trouble: list[tuple[str, str]] = field(default_factory=list)  # (course_id, lesson_id)
    open_help: list[HelpRequest] = field(default_factory=list)
    next_session: TandemSession | None = None

    def urgency(self) -> tuple:
        """Open help first, then trouble with quizzes, then the longest silence."""
        last = self.learner.last_active_at or datetime.min
        return (-len(self.open_help), -len(self.trouble), last)


def failed_checks(session: Session, learner_ids: list[int]) -> dict[int, list[str]]:
    """Lessons where a learner's self-check went wrong twice or more, per learner."""
    if not learner_ids:
        return {}
    rows = session.execute(
        select(QuizAttempt.user_id, QuizAttempt.lesson_id)
        .where(QuizAttempt.user_id.in_(learner_ids), QuizAttempt.correct.is_(False))
        .group_by(QuizAttempt.user_id, QuizAttempt.lesson_id)
        .having(func.count(func.distinct(QuizAttempt.submission_id)) >= STUCK_AFTER_FAILED_CHECKS)
    )
    result: dict[int, list[str]] = {}
    for user_id, lesson_id in rows:
        result.setdefault(user_id, []).append(lesson_id)
    return result


def completed_per_course(session: Session, learner_ids: list[int]) -> dict[int, dict[str, int]]:
    if not learner_ids:
        return {}
    rows = session.execute(
        select(Progress.user_id, Progress.course_id, func.count())
        .where(Progress.user_id.in_(learner_ids), Progress.completed_at.is_not(None))
        .group_by(Progress.user_id, Progress.course_id)
    )
    result: dict[int, dict[str, int]] = {}
    for user_id, course_id, count in rows:
        result.setdefault(user_id, {})[course_id] = count
    return result


def dashboard(session: Session, mentor: User, library: Library) -> list[LearnerSummary]:
    """The mentor's paired learners, most urgent first."""
    learners = session.scalars(
        select(User)
        .join(Pairing, Pairing.learner_id == User.id)
        .where(Pairing.mentor_id == mentor.id, Pairing.ended_at.is_(None))
    ).all()
    ids = [learner.id for learner in learners]
    summaries = {learner.id: LearnerSummary(learner) for learner in learners}
    if not ids:
        return []
    for user_id, counts in completed_per_course(session, ids).items():
        summaries[user_id].done_by_course = counts
    for user_id, lesson_ids in failed_checks(session, ids).items():
        summaries[user_id].trouble = [
            (library.lesson_course.get(lesson_id, ""), lesson_id) for lesson_id in lesson_ids
        ]
    for request in session.scalars(
        select(HelpRequest)
        .where(HelpRequest.learner_id.in_(ids), HelpRequest.handled_at.is_(None))
        .order_by(HelpRequest.created_at)
    ):
        summaries[request.learner_id].open_help.append(request)
    for tandem in session.scalars(
        select(TandemSession)
        .where(
            TandemSession.mentor_id == mentor.id,
            TandemSession.learner_id.in_(ids),
            TandemSession.took_place.is_(None),
            TandemSession.starts_at >= local_now() - timedelta(hours=12),
        )
        .order_by(TandemSession.starts_at)
    ):
        summary = summaries[tandem.learner_id]
        summary.next_session = summary.next_session or tandem
    return sorted(summaries.values(), key=LearnerSummary.urgency)


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


def lesson_titles(library: Library, lang: str) -> dict[str, str]:
    """Every lesson id with "Course: Lesson" in the wanted language, in course order."""
    titles = {}
    for course in library.ordered_courses:
        course_title = course.title(lang, library.default_lang)
        for lesson_id in course.lesson_ids:
            lesson = course.lesson(lesson_id, lang, library.default_lang)
            if lesson is not None:
                titles[lesson_id] = f"{course_title}: {lesson.title}"
    return titles


def current_mentor(session: Session, learner: User) -> User | None:
    """The learner's active mentor, shown on their settings page (privacy)."""
    return session.scalars(
        select(User)
        .join(Pairing, Pairing.mentor_id == User.id)
        .where(Pairing.learner_id == learner.id, Pairing.ended_at.is_(None))
    ).first()
