"""Parse course and lesson files into model objects, collecting problems with line numbers."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from learnapp.content.drafts import DEFAULT_STATUS, status_problem
from learnapp.content.model import (
    LESSON_TYPES,
    Course,
    Lesson,
    Problem,
)
from learnapp.content.quiz_parser import parse_quiz
from learnapp.content.scenario_parser import parse_scenario
from learnapp.content.yaml_lines import LINE_KEY, error_line, error_text, line_of, load_with_lines

ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
FENCE_OPEN = re.compile(r"^```\s*(quiz|scenario)\s*$")
FENCE_CLOSE = re.compile(r"^```\s*$")
FM_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
KNOWN_LESSON_KEYS = {
    "id",
    "title",
    "summary",
    "order",
    "minutes",
    "checked",
    "type",
    "quiz_required",
    "status",
    LINE_KEY,
}


class Collector:
    """Problems of one file, with line numbers relative to the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message, "error"))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message, "warning"))

    @property
    def has_errors(self) -> bool:
        return any(problem.severity == "error" for problem in self.problems)


def parse_course_file(path: Path) -> tuple[Course | None, list[Problem]]:
    """Read a course.yaml; None when it cannot be used."""
    found = Collector(path)
    try:
        data = load_with_lines(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        found.error(1, "file is not UTF-8 text")
        return None, found.problems
    except yaml.YAMLError as error:
        found.error(error_line(error), error_text(error))
        return None, found.problems
    if not isinstance(data, dict):
        found.error(1, "course file must be a mapping with id, order, title and summary")
        return None, found.problems

    course_id = data.get("id")
    if not isinstance(course_id, str) or not ID_PATTERN.match(course_id):
        found.error(1, "course 'id' is missing or not lower-case letters, digits and '-'")
        return None, found.problems
    order = data.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        found.error(1, "course 'order' must be a whole number")
        order = 0
    titles = _language_map(data.get("title"), "title", found)
    summaries = _language_map(data.get("summary"), "summary", found)
    if not titles:
        found.error(1, "course needs a 'title' with one entry per language, e.g. de: …")
        return None, found.problems
    return Course(course_id, order, titles, summaries, path.parent), found.problems


def _language_map(value: Any, name: str, found: Collector) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        found.error(1, f"course '{name}' must map languages to text (de: …, en: …)")
        return {}
    result = {}
    for lang, text in value.items():
        if lang == LINE_KEY:
            continue
        if not isinstance(text, str) or not text.strip():
            found.error(line_of(value), f"course '{name}' for '{lang}' must be text")
            continue
        result[str(lang)] = text.strip()
    return result


def parse_lesson_file(path: Path, course_id: str, lang: str) -> tuple[Lesson | None, list[Problem]]:
    """Read one lesson; None when its front matter is unusable (the problems say why)."""
    found = Collector(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        found.error(1, "file is not UTF-8 text")
        return None, found.problems
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        found.error(1, "lesson must start with front matter between two '---' lines")
        return None, found.problems
    try:
        closing = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        found.error(1, "front matter is not closed by a second '---' line")
        return None, found.problems

    try:
        meta = load_with_lines("\n".join(lines[1:closing]))
    except yaml.YAMLError as error:
        found.error(1 + error_line(error), error_text(error, 1))
        return None, found.problems
    if not isinstance(meta, dict):
        found.error(2, "front matter must be 'key: value' lines (id, title, summary, order, …)")
        return None, found.problems

    key_lines: dict[str, int] = {}
    for number, fm_line in enumerate(lines[1:closing], start=2):
        key = FM_KEY.match(fm_line)
        if key:
            key_lines.setdefault(key.group(1), number)
    lesson = _lesson_from_meta(meta, key_lines, path, course_id, lang, found)
    if lesson is None:
        return None, found.problems

    body_start = closing + 1  # 0-based index of the first body line
    body_lines, blocks = _split_blocks(lines[body_start:], body_start + 1, found)
    lesson.body = "\n".join(body_lines).rstrip("\n")  # leading lines kept: line numbers
    lesson.body_line = body_start + 1
    lesson.mtime_ns = path.stat().st_mtime_ns

    for kind, first_line, block_text in blocks:
        if kind == "quiz":
            if lesson.quiz:
                found.error(first_line, "a lesson has at most one quiz block")
                continue
            lesson.quiz = parse_quiz(block_text, first_line, found)
        elif lesson.scenario is not None:
            found.error(first_line, "a lesson has at most one scenario block")
        else:
            lesson.scenario = parse_scenario(block_text, first_line, found)

    if lesson.type == "scenario" and lesson.scenario is None:
        found.error(2, "a lesson with 'type: scenario' needs a ```scenario block")
    if lesson.type == "lesson" and any(kind == "scenario" for kind, _, _ in blocks):
        found.error(2, "a ```scenario block needs 'type: scenario' in the front matter")
        lesson.scenario = None
    if lesson.quiz_required and not lesson.quiz:
        found.warning(2, "'quiz_required' is true but the lesson has no usable quiz")
    return lesson, found.problems


def _lesson_from_meta(
    meta: dict[str, Any],
    key_lines: dict[str, int],
    path: Path,
    course_id: str,
    lang: str,
    found: Collector,
) -> Lesson | None:
    def line(key: str) -> int:
        # A missing key is reported at the start of the front matter.
        return key_lines.get(key, 2)

    lesson_id = meta.get("id")
    if lesson_id is None:
        found.error(line("id"), "front matter has no 'id'")
        return None
    if not isinstance(lesson_id, str) or not ID_PATTERN.match(lesson_id):
        found.error(line("id"), f"'id' {lesson_id!r} must be lower-case letters, digits and '-'")
        return None

    def text_field(key: str, required: bool = True) -> str:
        value = meta.get(key)
        if value is None:
            if required:
                found.error(line(key), f"front matter has no '{key}'")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            found.error(line(key), f"'{key}' must be text")
            return ""
        return str(value).strip()

    def int_field(key: str, default: int, low: int, high: int) -> int:
        value = meta.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            found.error(line(key), f"'{key}' must be a whole number from {low} to {high}")
            return default
        return value

    title = text_field("title")
    summary = text_field("summary")
    order = int_field("order", 0, 0, 10_000)
    if "order" not in meta:
        found.error(line("order"), "front matter has no 'order'")
    minutes = int_field("minutes", 5, 1, 120)
    if "minutes" not in meta:
        found.warning(line("minutes"), "front matter has no 'minutes' (reading time)")

    lesson_type = meta.get("type", "lesson")
    if lesson_type not in LESSON_TYPES:
        found.error(line("type"), f"'type' must be one of {', '.join(LESSON_TYPES)}")
        lesson_type = "lesson"

    checked = meta.get("checked")
    if checked is not None and not isinstance(checked, date):
        found.error(line("checked"), "'checked' must be a date written as YYYY-MM-DD")
        checked = None

    quiz_required = meta.get("quiz_required", False)
    if not isinstance(quiz_required, bool):
        found.error(line("quiz_required"), "'quiz_required' must be true or false")
        quiz_required = False

    status = meta.get("status", DEFAULT_STATUS)
    if problem := status_problem(status):
        found.error(line("status"), problem)
        status = "draft"  # hidden from learners until the author fixes it

    for key in meta:
        if key not in KNOWN_LESSON_KEYS:
            found.warning(line(key), f"unknown front-matter field '{key}'")

    return Lesson(
        id=lesson_id,
        course_id=course_id,
        lang=lang,
        title=title or lesson_id,
        summary=summary,
        order=order,
        minutes=minutes,
        path=path,
        body="",
        body_line=0,
        type=lesson_type,
        checked=checked,
        quiz_required=quiz_required,
        status=status,
    )


def _split_blocks(
    lines: list[str], first_line_number: int, found: Collector
) -> tuple[list[str], list[tuple[str, int, str]]]:
    """Separate ```quiz / ```scenario blocks from the Markdown body.

    Returns the body lines and (kind, file line of the block's first YAML line, text) tuples.
    """
    body: list[str] = []
    blocks: list[tuple[str, int, str]] = []
    index = 0
    while index < len(lines):
        opening = FENCE_OPEN.match(lines[index])
        if not opening:
            body.append(lines[index])
            index += 1
            continue
        start = index
        index += 1
        while index < len(lines) and not FENCE_CLOSE.match(lines[index]):
            index += 1
        if index >= len(lines):
            found.error(first_line_number + start, f"```{opening.group(1)} block is not closed")
        block_text = "\n".join(lines[start + 1 : index])
        blocks.append((opening.group(1), first_line_number + start + 1, block_text))
        index += 1
    return body, blocks
