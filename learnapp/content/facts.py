"""The facts register (courses/facts.yaml) in the authors' tooling.

Lessons cite a fact with `<!-- fact: ID -->`. `flask courses check` fails on a cited id that is
not in the register and on an incomplete register entry, and warns when a cited fact was
re-checked after the lesson's own `checked` date: the lesson may need the change too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from flask import current_app

from learnapp.content import content_root
from learnapp.content.library import Library
from learnapp.content.model import Lesson, Problem
from learnapp.content.yaml_lines import LINE_KEY, error_line, error_text, load_with_lines

FACTS_FILE_NAME = "facts.yaml"
FIELDS = ("id", "statement", "source", "checked")
CITATION = re.compile(r"<!--\s*fact:\s*(\S+?)\s*-->")


@dataclass(frozen=True)
class Fact:
    id: str
    statement: str
    source: str
    checked: date
    line: int


@dataclass
class Register:
    path: Path
    facts: dict[str, Fact]
    problems: list[Problem]


def facts_path(content_root: Path, configured: str = "") -> Path:
    """The register: FACTS_FILE if set, else facts.yaml next to the content folder."""
    return Path(configured) if configured else content_root.parent / FACTS_FILE_NAME


def load_register(path: Path) -> Register:
    """Every complete entry of the register; each incomplete one is an error."""
    register = Register(path, {}, [])

    def error(line: int, message: str) -> None:
        register.problems.append(Problem(path, line, message))

    if not path.is_file():
        return register  # no register: only citations can be wrong (unknown ids)
    try:
        entries = load_with_lines(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as problem:
        error(error_line(problem), error_text(problem))
        return register
    if not isinstance(entries, list):
        error(1, "the facts register must be a list of entries (- id: …)")
        return register
    for entry in entries:
        line = entry.get(LINE_KEY, 1) if isinstance(entry, dict) else 1
        if not isinstance(entry, dict):
            error(line, "a register entry must have id, statement, source and checked")
            continue
        missing = [name for name in FIELDS if entry.get(name) in (None, "")]
        if missing:
            error(line, f"register entry has no {', '.join(missing)}")
            continue
        if not isinstance(entry["checked"], date):
            error(line, "register entry's 'checked' must be a date written as YYYY-MM-DD")
            continue
        fact_id = str(entry["id"])
        if fact_id in register.facts:
            error(line, f"fact id '{fact_id}' is in the register twice")
            continue
        register.facts[fact_id] = Fact(
            fact_id, str(entry["statement"]), str(entry["source"]), entry["checked"], line
        )
    return register


def citations(lesson: Lesson) -> list[tuple[str, int]]:
    """(fact id, file line) of every citation in the lesson's file."""
    text = lesson.path.read_text(encoding="utf-8")
    return [
        (match.group(1), number)
        for number, line in enumerate(text.split("\n"), start=1)
        for match in CITATION.finditer(line)
    ]


def check_citations(library: Library, register: Register) -> list[Problem]:
    """Register problems, unknown cited ids, and lessons older than the facts they cite."""
    problems = list(register.problems)
    for course in library.ordered_courses:
        for lessons in course.lessons.values():
            for lesson in lessons.values():
                problems.extend(_lesson_problems(lesson, register))
    return problems


def _lesson_problems(lesson: Lesson, register: Register) -> list[Problem]:
    problems = []
    newer: dict[str, Fact] = {}
    for fact_id, line in citations(lesson):
        fact = register.facts.get(fact_id)
        if fact is None:
            problems.append(
                Problem(lesson.path, line, f"cited fact '{fact_id}' is not in the facts register")
            )
        elif lesson.checked is not None and fact.checked > lesson.checked:
            newer.setdefault(fact_id, fact)
    for fact in newer.values():
        problems.append(
            Problem(
                lesson.path,
                2,
                f"fact '{fact.id}' was re-checked on {fact.checked.isoformat()}, after this "
                f"lesson's 'checked' date {lesson.checked}: does the lesson need the change?",
                "warning",
            )
        )
    return problems


def app_register() -> Register:
    """The register the running app reads (FACTS_FILE, or facts.yaml next to the content)."""
    app = current_app
    return load_register(facts_path(content_root(app), app.config.get("FACTS_FILE", "")))
