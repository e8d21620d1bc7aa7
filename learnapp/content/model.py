"""What the content loader produces: courses, lessons, quizzes, scenarios and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from learnapp.content.wording import says_several_are_right
from learnapp.paths import PROJECT_ROOT

QUESTION_TYPES = ("single", "multiple", "truefalse")
LESSON_TYPES = ("lesson", "scenario")
STATUSES = ("published", "draft")
ENDINGS = ("safe", "unsafe")


@dataclass(frozen=True)
class Problem:
    """Something wrong in a content file, reported as `path:line: message`."""

    path: Path
    line: int
    message: str
    severity: str = "error"  # or "warning"

    @property
    def display_path(self) -> str:
        try:
            return str(self.path.relative_to(PROJECT_ROOT))
        except ValueError:
            return str(self.path)

    def __str__(self) -> str:
        return f"{self.display_path}:{self.line}: {self.severity}: {self.message}"


@dataclass
class Answer:
    text: str
    correct: bool
    why: str


@dataclass
class Question:
    id: str
    type: str
    question: str
    answers: list[Answer] = field(default_factory=list)
    answer: bool | None = None  # truefalse only
    why: str = ""  # truefalse only
    line: int = 0

    def option_keys(self) -> list[str]:
        if self.type == "truefalse":
            return ["true", "false"]
        return [str(index) for index in range(len(self.answers))]

    def correct_keys(self) -> frozenset[str]:
        if self.type == "truefalse":
            return frozenset({"true" if self.answer else "false"})
        return frozenset(str(i) for i, answer in enumerate(self.answers) if answer.correct)


@dataclass
class Choice:
    label: str
    next: str
    feedback: str


@dataclass
class Step:
    id: str
    screen: dict[str, Any] = field(default_factory=dict)
    prompt: str = ""
    choices: list[Choice] = field(default_factory=list)
    end: str | None = None  # "safe" / "unsafe" for endings
    tap: int | None = None  # the choice (from 0) the screen's own control stands for
    title: str = ""
    text: str = ""
    line: int = 0


@dataclass
class Scenario:
    start: str
    steps: dict[str, Step]
    line: int = 0


@dataclass
class Lesson:
    id: str
    course_id: str
    lang: str
    title: str
    summary: str
    order: int
    minutes: int
    path: Path
    body: str
    body_line: int
    type: str = "lesson"
    checked: date | None = None
    quiz_required: bool = False
    quiz: list[Question] = field(default_factory=list)
    scenario: Scenario | None = None
    mtime_ns: int = 0
    status: str = "published"

    @property
    def is_scenario(self) -> bool:
        return self.type == "scenario"

    def adds_multiple_hint(self, question: Question) -> bool:
        """The page says "choose all that are right", unless the question says so itself."""
        return question.type == "multiple" and not says_several_are_right(
            question.question, self.lang
        )

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass
class Course:
    id: str
    order: int
    titles: dict[str, str]
    summaries: dict[str, str]
    folder: Path
    # lessons[lang][lesson_id]
    lessons: dict[str, dict[str, Lesson]] = field(default_factory=dict)
    # What learners see and count: published lessons only, in order.
    lesson_ids: list[str] = field(default_factory=list)
    # Every lesson in order, drafts included: what authors and staff see.
    all_lesson_ids: list[str] = field(default_factory=list)
    draft_ids: frozenset[str] = frozenset()

    def listed_ids(self, with_drafts: bool) -> list[str]:
        return self.all_lesson_ids if with_drafts else self.lesson_ids

    def ids_around(self, lesson_id: str) -> list[str]:
        """The row a lesson is counted in: published lessons, or every lesson for a draft."""
        return self.all_lesson_ids if lesson_id in self.draft_ids else self.lesson_ids

    def title(self, lang: str, fallback: str) -> str:
        return (
            self.titles.get(lang) or self.titles.get(fallback) or next(iter(self.titles.values()))
        )

    def summary(self, lang: str, fallback: str) -> str:
        return self.summaries.get(lang) or self.summaries.get(fallback, "")

    def lesson(self, lesson_id: str, lang: str, fallback: str) -> Lesson | None:
        """The lesson in the wanted language, else the fallback language, else any."""
        for candidate in (lang, fallback, *sorted(self.lessons)):
            found = self.lessons.get(candidate, {}).get(lesson_id)
            if found is not None:
                return found
        return None
