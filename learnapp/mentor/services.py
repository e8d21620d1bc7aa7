"""What a mentor sees of their learners, computed in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnapp.content.library import Library
from learnapp.models import HelpRequest, TandemSession, User
from learnapp.models.base import utcnow
from learnapp.progress_rules import stuck_lessons
from learnapp.tandems import queries as tandems


@dataclass
class LearnerSummary:
    """One learner on the mentor's list, with the reasons she needs her mentor now."""

    learner: User
    stuck: dict[str, int] = field(default_factory=dict)  # lesson id: failed checks
    open_help: list[HelpRequest] = field(default_factory=list)
    next_session: TandemSession | None = None
    away_days: int | None = None  # days since her last visit, when that is too long

    @property
    def help_lessons(self) -> list[str]:
        """The lessons of her open help requests, each once, oldest request first."""
        return list(dict.fromkeys(request.lesson_id for request in self.open_help))

    @property
    def urgent(self) -> bool:
        return bool(self.open_help or self.stuck or self.away_days is not None)

    def urgency(self) -> tuple:
        """Urgent learners first (open help, then failed self-checks, then the longest
        silence); the others by name, to be found quickly."""
        if not self.urgent:
            return (1, 0, 0, 0, self.learner.display_name)
        return (
            0,
            -len(self.open_help),
            -sum(self.stuck.values()),
            -(self.away_days or 0),
            self.learner.display_name,
        )


def dashboard(
    session: Session, mentor: User, *, away_after_days: int, now: datetime | None = None
) -> list[LearnerSummary]:
    """The mentor's paired learners, urgent ones first: four queries, however many."""
    now = now or utcnow()
    learners = tandems.paired_learners(session, mentor)
    ids = [learner.id for learner in learners]
    if not ids:
        return []
    summaries = {learner.id: LearnerSummary(learner) for learner in learners}
    for learner in learners:
        # Never here: counted from the day the account was made.
        last_seen = learner.last_active_at or learner.created_at
        if last_seen is not None and now - last_seen >= timedelta(days=away_after_days):
            summaries[learner.id].away_days = (now - last_seen).days
    for user_id, failures in stuck_lessons(session, ids).items():
        summaries[user_id].stuck = failures
    for request in session.scalars(
        select(HelpRequest)
        .where(HelpRequest.learner_id.in_(ids), HelpRequest.handled_at.is_(None))
        .order_by(HelpRequest.created_at)
    ):
        summaries[request.learner_id].open_help.append(request)
    for tandem in tandems.upcoming_sessions(session, mentor, ids):
        summary = summaries[tandem.learner_id]
        summary.next_session = summary.next_session or tandem
    return sorted(summaries.values(), key=LearnerSummary.urgency)


def next_sessions(summaries: list[LearnerSummary]) -> list[tuple[TandemSession, User]]:
    """Each learner's next session with the mentor and the learner, the soonest first."""
    planned = [(s.next_session, s.learner) for s in summaries if s.next_session is not None]
    return sorted(planned, key=lambda pair: pair[0].starts_at)


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


def mark_help_handled(
    session: Session, mentor: User, help_request: HelpRequest, reply: str = ""
) -> bool:
    """The mentor has taken care of a learner's call for help, with an optional short answer.

    Once: a second press (a double tap, a second tab) changes nothing and returns False.
    """
    if help_request.handled_at is not None:
        return False
    help_request.handled_at = utcnow()
    help_request.handled_by_id = mentor.id
    help_request.reply = reply
    return True
