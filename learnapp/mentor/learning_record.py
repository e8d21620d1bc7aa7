"""A learner's practice runs and self-checks as a mentor reads them: in the page's language,
one line per attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from learnapp.content.library import Library
from learnapp.content.model import Lesson
from learnapp.models import QuizAttempt, ScenarioChoice, ScenarioRun


@dataclass(frozen=True)
class RunLine:
    """One walk through a practice: how it ended and the answers chosen on the way.

    `choices` holds each chosen answer's words, or None where the step or answer is no
    longer in the lesson (it was changed after the run).
    """

    run: ScenarioRun
    outcome: str | None  # "safe", "unsafe", or None while not finished
    ending: str  # the title of the ending reached, "" while not finished
    choices: list[str | None]


@dataclass(frozen=True)
class CheckAttempt:
    """One press of "Check" in a lesson's self-check."""

    at: datetime
    right: int
    total: int


def _lesson(library: Library, lesson_id: str, lang: str) -> Lesson | None:
    course_id = library.lesson_course.get(lesson_id)
    if course_id is None:
        return None
    return library.courses[course_id].lesson(lesson_id, lang, library.default_lang)


def _chosen(lesson: Lesson | None, choice: ScenarioChoice) -> str | None:
    step = lesson.scenario.steps.get(choice.step_id) if lesson and lesson.scenario else None
    if step is None or not 0 <= choice.choice_index < len(step.choices):
        return None
    return step.choices[choice.choice_index].label


def practice_runs(
    library: Library,
    runs: list[ScenarioRun],
    choices: dict[int, list[ScenarioChoice]],
    lang: str,
) -> list[RunLine]:
    """Each run with its ending's title and its chosen answers, in the language `lang`."""
    lines = []
    for run in runs:
        lesson = _lesson(library, run.lesson_id, lang)
        ending = ""
        if run.outcome and lesson and lesson.scenario:
            step = lesson.scenario.steps.get(run.current_step)
            ending = step.title if step else ""
        path = [_chosen(lesson, choice) for choice in choices.get(run.id, [])]
        lines.append(RunLine(run, run.outcome, ending, path))
    return lines


def check_attempts(attempts: list[QuizAttempt]) -> list[CheckAttempt]:
    """A lesson's self-check answers grouped by press of "Check", in the order they came."""
    grouped: dict[str, list[QuizAttempt]] = {}
    for answer in attempts:
        grouped.setdefault(answer.submission_id, []).append(answer)
    return [
        CheckAttempt(
            at=min(answer.created_at for answer in answers),
            right=sum(1 for answer in answers if answer.correct),
            total=len(answers),
        )
        for answers in grouped.values()
    ]
