"""What is due for a re-check: lessons and facts whose `checked` date is older than a cut-off.

Shown by `flask courses due --months 6` and on the coordinators' content page. Drafts are not
listed: they are checked before they are published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from learnapp.content.facts import Register
from learnapp.content.library import Library

DEFAULT_MONTHS = 6


@dataclass(frozen=True)
class Due:
    kind: str  # "lesson" or "fact"
    id: str
    title: str  # a lesson's title, a fact's statement
    where: str  # the file (and line for a fact), for the author
    checked: date | None  # None: never checked


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, or the month's last day when it has fewer days."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for candidate in range(day.day, 27, -1):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    return date(year, month + 1, min(day.day, 28))


def due_items(library: Library, register: Register, months: int, today: date) -> list[Due]:
    """Lessons (each language file) and facts checked before the cut-off or never checked."""
    cutoff = months_before(today, months)
    items: list[Due] = []
    for course in library.ordered_courses:
        for lesson_id in course.lesson_ids:
            for lang in sorted(course.lessons):
                lesson = course.lessons[lang].get(lesson_id)
                if lesson is not None and (lesson.checked is None or lesson.checked < cutoff):
                    where = f"{course.id}/{lang}/{lesson.path.name}"
                    items.append(Due("lesson", lesson.id, lesson.title, where, lesson.checked))
    for fact in register.facts.values():
        if fact.checked < cutoff:
            where = f"{register.path.name}:{fact.line}"
            items.append(Due("fact", fact.id, fact.statement, where, fact.checked))
    return items
