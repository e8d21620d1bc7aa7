"""The parts of a lesson body for its reader: mentor boxes only for staff, sources apart.

Mentor boxes (`!!! mentor`) are hints for the tandem session; a learner reading alone does not
need them. The `## Quellen` / `## Sources` section is for whoever wants to check the facts, so
the page folds it away at the end. Both are found in the Markdown source, the way the admonition
extension and python-markdown find them: a box runs while its lines are indented or blank, a
section until the next heading of the same level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MENTOR_BOX = re.compile(r"^!!!\s+mentor\b")
# The sources heading in each language the lessons are written in.
SOURCES_HEADING = re.compile(
    r"^##\s+(Quellen|Sources|Kaynaklar|Источники|Джерела|Źródła|المصادر)\s*#*\s*$", re.IGNORECASE
)
H2 = re.compile(r"^##\s")
SECTION_HEADING = re.compile(r"^#{1,2}\s")
FENCE = re.compile(r"^(```|~~~)")
INDENTED = re.compile(r"^( {4}|\t)")


@dataclass(frozen=True)
class LessonParts:
    """A lesson body split for one audience: the text, and its sources (may be empty)."""

    text: str
    sources: str


def _outside_fences(lines: list[str]) -> list[bool]:
    """For each line: whether it is ordinary Markdown, not inside a fenced code block."""
    outside, in_fence = [], False
    for line in lines:
        if FENCE.match(line):
            in_fence = not in_fence
            outside.append(False)
        else:
            outside.append(not in_fence)
    return outside


def without_mentor_boxes(body: str) -> str:
    """The body with every `!!! mentor` box removed (blank lines keep the paragraphs apart)."""
    lines = body.split("\n")
    outside = _outside_fences(lines)
    kept: list[str] = []
    in_box = False
    for line, plain in zip(lines, outside, strict=True):
        if in_box and (not line.strip() or INDENTED.match(line)):
            continue
        in_box = plain and bool(MENTOR_BOX.match(line))
        kept.append("" if in_box else line)
    return "\n".join(kept)


def split_sources(body: str) -> LessonParts:
    """The body without its sources section, and that section's content without the heading."""
    lines = body.split("\n")
    outside = _outside_fences(lines)
    start = next(
        (i for i, line in enumerate(lines) if outside[i] and SOURCES_HEADING.match(line)), None
    )
    if start is None:
        return LessonParts(body, "")
    end = next(
        (i for i in range(start + 1, len(lines)) if outside[i] and SECTION_HEADING.match(lines[i])),
        len(lines),
    )
    text = "\n".join(lines[:start] + lines[end:])
    return LessonParts(text, "\n".join(lines[start + 1 : end]).strip("\n"))


def sections(text: str) -> list[str]:
    """A body's text cut before each `## ` heading (outside fenced blocks): the introduction,
    then one piece per section. The parity check keeps the same headings in every language."""
    lines = text.split("\n")
    outside = _outside_fences(lines)
    pieces: list[list[str]] = [[]]
    for line, plain in zip(lines, outside, strict=True):
        if plain and H2.match(line):
            pieces.append([])
        pieces[-1].append(line)
    return ["\n".join(piece) for piece in pieces]


def lesson_parts(body: str, *, staff: bool) -> LessonParts:
    """What a reader sees of a body: staff (mentors, coordinators) see the mentor boxes too."""
    return split_sources(body if staff else without_mentor_boxes(body))
