"""A course's mentor guide: the `!!! mentor` notes of its lessons, lesson by lesson, to print."""

from __future__ import annotations

import re
from dataclasses import dataclass

from learnapp.content.handout import box_end
from learnapp.content.model import Course, Lesson

MENTOR_BOX = re.compile(r"^!!!\s+mentor\b")


@dataclass(frozen=True)
class GuideEntry:
    lesson: Lesson
    source: str  # the lesson's mentor boxes, as Markdown


def mentor_notes(lesson: Lesson) -> str | None:
    lines = lesson.body.split("\n")
    boxes: list[str] = []
    index = 0
    while index < len(lines):
        if MENTOR_BOX.match(lines[index]):
            end = box_end(lines, index + 1)
            boxes.append("\n".join(lines[index:end]).strip())
            index = end
        else:
            index += 1
    return "\n\n".join(boxes) if boxes else None


def mentor_guide(course: Course, lang: str, fallback: str) -> list[GuideEntry]:
    """Each published lesson with mentor notes, in course order."""
    entries = []
    for lesson_id in course.lesson_ids:
        lesson = course.lesson(lesson_id, lang, fallback)
        source = mentor_notes(lesson) if lesson is not None else None
        if lesson is not None and source is not None:
            entries.append(GuideEntry(lesson, source))
    return entries
