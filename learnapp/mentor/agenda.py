"""What to work on in a tandem session: the lessons that come next for the learner first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnapp.content.library import Library
from learnapp.models import Progress

# Per course, how many of the lessons after the last completed one are offered first.
SUGGESTED_PER_COURSE = 3


@dataclass
class CourseLessons:
    """The lessons of one course offered on the form, in course order."""

    course_id: str
    title: str
    lessons: list[tuple[str, str]] = field(default_factory=list)  # (lesson id, title)


@dataclass
class AgendaChoices:
    """Suggested lessons (grouped by course) and all others (also by course, to fold away)."""

    suggested: list[CourseLessons]
    others: list[CourseLessons]
    done: set[str]


def agenda_choices(
    session: Session, learner_id: int | None, library: Library, lang: str
) -> AgendaChoices:
    """Lessons for the planning form: after the learner's last completed lesson of each course
    she has worked in (the most recent course first), the next lessons she has not done.

    Nothing completed yet: the first lessons of the first course. Without a learner (no
    choice yet), no suggestions: every lesson is among the others.
    """
    completed: dict[str, datetime] = {}
    if learner_id is not None:
        completed = {
            lesson_id: at
            for lesson_id, at in session.execute(
                select(Progress.lesson_id, Progress.completed_at).where(
                    Progress.user_id == learner_id, Progress.completed_at.is_not(None)
                )
            )
            if at is not None
        }
    courses = [c for c in library.ordered_courses if c.lesson_ids]
    suggested: dict[str, list[str]] = {}
    last_done_at: dict[str, datetime] = {}
    for course in courses:
        done_here = [i for i in course.lesson_ids if i in completed]
        if not done_here:
            continue
        last = max(done_here, key=lambda i: completed[i])
        last_done_at[course.id] = completed[last]
        after = course.lesson_ids[course.lesson_ids.index(last) + 1 :]
        upcoming = [i for i in after if i not in completed][:SUGGESTED_PER_COURSE]
        if upcoming:
            suggested[course.id] = upcoming
    if learner_id is not None and not completed and courses:
        suggested[courses[0].id] = courses[0].lesson_ids[:SUGGESTED_PER_COURSE]
    order = sorted(suggested, key=lambda c: last_done_at.get(c, datetime.min), reverse=True)
    by_id = {c.id: c for c in courses}

    def group(course_id: str, lesson_ids: list[str]) -> CourseLessons:
        course = by_id[course_id]
        lessons = [
            (i, lesson.title)
            for i in lesson_ids
            if (lesson := course.lesson(i, lang, library.default_lang)) is not None
        ]
        return CourseLessons(course_id, course.title(lang, library.default_lang), lessons)

    picked = {i for ids in suggested.values() for i in ids}
    others = [
        group(c.id, [i for i in c.lesson_ids if i not in picked])
        for c in courses
        if any(i not in picked for i in c.lesson_ids)
    ]
    return AgendaChoices([group(c, suggested[c]) for c in order], others, set(completed))
