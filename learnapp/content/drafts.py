"""Draft lessons: written and checked by authors and staff, invisible to learners.

A lesson is a draft while any of its language versions says `status: draft`: learners never
see text that is not finished in every language, and nothing unfinished is counted in their
progress or certificates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from learnapp.content.model import STATUSES, Course, Problem

if TYPE_CHECKING:  # the library itself sorts drafts out with this module
    from learnapp.content.library import Library

DEFAULT_STATUS = "published"


def draft_ids(course: Course) -> frozenset[str]:
    return frozenset(
        lesson.id
        for lessons in course.lessons.values()
        for lesson in lessons.values()
        if lesson.is_draft
    )


def status_problem(value: Any) -> str | None:
    """Why a front matter's `status` cannot be used, or None."""
    if value in STATUSES:
        return None
    return f"'status' must be one of {', '.join(STATUSES)}"


def unchecked_lessons(library: Library) -> list[Problem]:
    """A published lesson whose facts no person has checked yet gets a warning."""
    return [
        Problem(lesson.path, 2, "published lesson has no 'checked' date", "warning")
        for course in library.ordered_courses
        for lessons in course.lessons.values()
        for lesson in lessons.values()
        if not lesson.is_draft and lesson.checked is None
    ]
