"""What a mentor sees of their learners, computed in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnapp.content.library import Library
from learnapp.models import HelpRequest, Progress, TandemSession, User
from learnapp.models.base import utcnow
from learnapp.progress_rules import stuck_lessons
from learnapp.tandems import queries as tandems


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
    learners = tandems.paired_learners(session, mentor)
    ids = [learner.id for learner in learners]
    summaries = {learner.id: LearnerSummary(learner) for learner in learners}
    if not ids:
        return []
    for user_id, counts in completed_per_course(session, ids).items():
        summaries[user_id].done_by_course = counts
    for user_id, lesson_ids in stuck_lessons(session, ids).items():
        summaries[user_id].trouble = [
            (library.lesson_course.get(lesson_id, ""), lesson_id) for lesson_id in lesson_ids
        ]
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
