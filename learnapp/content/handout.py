"""The "Merkblatt" of a lesson: one A4 page with its steps and warnings, to print.

The author marks what goes on it: every `!!! warning` box, and every section whose `##` or
`###` heading ends with `{: .merkblatt }` (the section runs to the next heading of the same or a
higher level). A lesson with neither has no Merkblatt. The mark is dropped from the lesson page
itself (attr_list reads it; the sanitiser keeps no such class).
"""

from __future__ import annotations

import re

from learnapp.content.library import Library
from learnapp.content.model import Lesson, Problem

MARKED_HEADING = re.compile(r"^(#{2,3})\s+(.*?)\s*\{:\s*\.merkblatt\s*\}\s*$")
HEADING = re.compile(r"^(#{1,6})\s")
WARNING_BOX = re.compile(r"^!!!\s+warning\b")
# Short enough for one A4 page in large print, with the title and the footer.
MAX_WORDS = 220


def handout_source(lesson: Lesson) -> str | None:
    """The Markdown of the lesson's Merkblatt, or None when the author marked nothing."""
    lines = lesson.body.split("\n")
    parts: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        heading = MARKED_HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            end = _section_end(lines, index + 1, level)
            parts.append("\n".join([f"## {heading.group(2)}", *lines[index + 1 : end]]).strip())
            index = end
        elif WARNING_BOX.match(line):
            end = box_end(lines, index + 1)
            parts.append("\n".join(lines[index:end]).strip())
            index = end
        else:
            index += 1
    return "\n\n".join(parts) if parts else None


def word_count(source: str) -> int:
    return len(re.findall(r"\w+", re.sub(r"<!--.*?-->", "", source)))


def _section_end(lines: list[str], start: int, level: int) -> int:
    for index in range(start, len(lines)):
        found = HEADING.match(lines[index])
        if found and len(found.group(1)) <= level:
            return index
    return len(lines)


def box_end(lines: list[str], start: int) -> int:
    """A box runs on over indented lines and blank lines between them."""
    index = start
    while index < len(lines) and (lines[index].startswith("    ") or not lines[index].strip()):
        index += 1
    while index > start and not lines[index - 1].strip():
        index -= 1
    return index


def handout_problems(library: Library) -> list[Problem]:
    """A Merkblatt too long for one A4 page in large print is a warning."""
    problems = []
    for course in library.ordered_courses:
        for lessons in course.lessons.values():
            for lesson in lessons.values():
                source = handout_source(lesson)
                if source is not None and word_count(source) > MAX_WORDS:
                    message = (
                        f"the Merkblatt has {word_count(source)} words, more than {MAX_WORDS}: "
                        "it may not fit on one A4 page"
                    )
                    problems.append(Problem(lesson.path, 2, message, "warning"))
    return problems
