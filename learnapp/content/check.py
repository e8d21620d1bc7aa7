"""`flask courses check`: everything an author must fix, as `path:line: message`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from learnapp.content import parity
from learnapp.content.drafts import unchecked_lessons
from learnapp.content.lesson_length import MAX_SCREENS, estimated_screens
from learnapp.content.library import Library
from learnapp.content.model import Course, Lesson, Problem, Scenario
from learnapp.content.readability import Readability, TextLengths, lengths, measure
from learnapp.content.wording import (
    DISAPPOINTED_WORDS,
    VERDICT_WORDS,
    opening_word,
    says_several_are_right,
)

IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
LESSON_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(lesson:([^)\s]*)\)")
HTML_IMG = re.compile(r"<img\b", re.I)
RESERVED_LESSON_IDS = frozenset({"images"})
ADMONITION = re.compile(r"^!!!\s+(\w+)")
ADMONITION_KINDS = frozenset({"tip", "note", "warning", "mentor"})
MIN_AMSTAD, MAX_WIENER, MIN_FLESCH, MIN_ATESMAN = 60.0, 8.0, 60.0, 60.0
ORIGINAL_LANGUAGE = "de"  # every translation is compared with the German original
COMPLETE_LANGUAGES = ("de", "en")  # every lesson exists in these


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    readability: dict[tuple[str, str], Readability | TextLengths] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def check_library(library: Library, languages: tuple[str, ...]) -> Report:
    """Structure problems found while loading, plus the checks only authors need."""
    report = Report(problems=list(library.problems))
    for course in library.ordered_courses:
        _check_translations(course, languages, report)
        for lessons in course.lessons.values():
            for lesson in lessons.values():
                _check_body(library, course, lesson, report)
                _check_readability(lesson, report)
                _check_wording(lesson, report)
                _check_length(lesson, report)
    report.problems.extend(unchecked_lessons(library))
    report.problems.sort(key=lambda p: (p.display_path, p.line))
    return report


def _check_translations(course: Course, languages: tuple[str, ...], report: Report) -> None:
    """Every lesson in the complete languages; every translation true to the German original.

    German and English are complete: a lesson missing in one of them is an error. In the other
    languages a missing lesson shows in German with a notice; the check counts them per course.
    Every translation present is compared with the original, served language or not.
    """
    course_file = course.folder / "course.yaml"
    for lang in languages:
        if lang not in course.titles:
            severity = "error" if lang in COMPLETE_LANGUAGES else "warning"
            report.problems.append(
                Problem(course_file, 1, f"course title has no '{lang}' entry", severity)
            )
    missing: dict[str, int] = {}
    for lesson_id in course.all_lesson_ids:
        present = {
            lang: lessons[lesson_id]
            for lang, lessons in sorted(course.lessons.items())
            if lesson_id in lessons
        }
        reference = present.get(ORIGINAL_LANGUAGE) or next(iter(present.values()))
        for lang in languages:
            if lang in present:
                continue
            if lang in COMPLETE_LANGUAGES:
                report.problems.append(
                    Problem(reference.path, 2, f"lesson '{lesson_id}' has no '{lang}' translation")
                )
            else:
                missing[lang] = missing.get(lang, 0) + 1
        for lesson in present.values():
            if lesson is not reference:
                _compare_versions(reference, lesson, report)
        if lesson_id in RESERVED_LESSON_IDS:
            report.problems.append(Problem(reference.path, 2, f"'{lesson_id}' is a reserved id"))
    total = len(course.all_lesson_ids)
    for lang, count in sorted(missing.items()):
        report.problems.append(
            Problem(
                course_file,
                1,
                f"{count} of {total} lessons have no '{lang}' translation yet "
                "(they show in German with a notice)",
                "warning",
            )
        )


def _compare_versions(reference: Lesson, other: Lesson, report: Report) -> None:
    def differ(message: str, line: int = 2) -> None:
        report.problems.append(
            Problem(other.path, line, f"{message} (compared with {reference.lang})")
        )

    if reference.type != other.type:
        differ("'type' differs from the other language")
    if reference.order != other.order:
        differ("'order' differs from the other language", 2)
    ref_quiz = [(q.id, q.type, len(q.answers)) for q in reference.quiz]
    other_quiz = [(q.id, q.type, len(q.answers)) for q in other.quiz]
    if ref_quiz != other_quiz:
        differ("quiz questions differ (ids, types or number of answers must match)")
    else:
        for ref_q, other_q in zip(reference.quiz, other.quiz, strict=True):
            if ref_q.correct_keys() != other_q.correct_keys():
                differ(f"quiz {other_q.id}: the correct answers differ", other_q.line)
    if reference.scenario and other.scenario:
        _compare_scenarios(reference.scenario, other.scenario, differ)
    elif reference.scenario or other.scenario:
        differ("one language has a scenario, the other has none")
    report.problems.extend(parity.compare(reference, other))


def _compare_scenarios(reference: Scenario, other: Scenario, differ: Callable[..., None]) -> None:
    if reference.start != other.start:
        differ(f"scenario: 'start' is '{other.start}', not '{reference.start}'", other.line)
    for step_id in reference.steps.keys() - other.steps.keys():
        differ(f"scenario step '{step_id}' is missing", other.line)
    for step_id in other.steps.keys() - reference.steps.keys():
        differ(f"scenario step '{step_id}' is not in the original", other.steps[step_id].line)
    for step_id in reference.steps.keys() & other.steps.keys():
        ref_step, other_step = reference.steps[step_id], other.steps[step_id]
        if parity.step_shape(ref_step) != parity.step_shape(other_step):
            differ(
                f"scenario step '{step_id}': its screen kind, ending, choices' 'next' "
                "or 'tap' differ",
                other_step.line,
            )


def _check_body(library: Library, course: Course, lesson: Lesson, report: Report) -> None:
    for offset, line in enumerate(lesson.body.split("\n")):
        number = lesson.body_line + offset
        for alt, src in IMAGE.findall(line):
            _check_image(course, lesson, number, alt, src, report)
        for target in LESSON_LINK.findall(line):
            if target not in library.lesson_course:
                report.problems.append(
                    Problem(lesson.path, number, f"link to unknown lesson 'lesson:{target}'")
                )
        if HTML_IMG.search(line):
            report.problems.append(
                Problem(lesson.path, number, "write pictures as ![alt text](images/…), not <img>")
            )
        admonition = ADMONITION.match(line)
        if admonition and admonition.group(1) not in ADMONITION_KINDS:
            kinds = ", ".join(sorted(ADMONITION_KINDS))
            report.problems.append(
                Problem(lesson.path, number, f"unknown box '{admonition.group(1)}' (use {kinds})")
            )


def _check_image(
    course: Course, lesson: Lesson, number: int, alt: str, src: str, report: Report
) -> None:
    if not alt.strip():
        report.problems.append(Problem(lesson.path, number, f"picture '{src}' has no alt text"))
    if not src.startswith("images/") or ".." in src:
        report.problems.append(
            Problem(lesson.path, number, f"picture '{src}' must be in the course's images/ folder")
        )
        return
    if not (course.folder / src).is_file():
        report.problems.append(Problem(lesson.path, number, f"picture '{src}' does not exist"))


def _check_readability(lesson: Lesson, report: Report) -> None:
    figure = measure(lesson.body, lesson.lang)
    if figure is None:
        # No formula for this language: sentence and word length are reported instead.
        sizes = lengths(lesson.body)
        if sizes is not None:
            report.readability[(lesson.lang, lesson.id)] = sizes
        return
    report.readability[(lesson.lang, lesson.id)] = figure
    hard = (
        figure.score < MIN_AMSTAD or (figure.wiener or 0) > MAX_WIENER
        if lesson.lang == "de"
        else figure.score < (MIN_ATESMAN if lesson.lang == "tr" else MIN_FLESCH)
    )
    if hard:
        report.problems.append(
            Problem(lesson.path, 1, f"hard to read: {figure} — use shorter sentences", "warning")
        )


def _check_wording(lesson: Lesson, report: Report) -> None:
    """Warn where a text would repeat what the page says itself, or sound disappointed."""

    def warn(line: int, message: str) -> None:
        report.problems.append(Problem(lesson.path, line, message, "warning"))

    for question in lesson.quiz:
        explanations = [question.why] if question.type == "truefalse" else []
        explanations += [answer.why for answer in question.answers]
        for text in explanations:
            word = opening_word(text, lesson.lang, VERDICT_WORDS)
            if word:
                warn(
                    question.line,
                    f"quiz {question.id}: an explanation starts with '{word}' — the page "
                    "already says whether the answer is right; start with the reason",
                )
        if question.type == "multiple" and says_several_are_right(question.question, lesson.lang):
            warn(
                question.line,
                f"quiz {question.id}: the question says itself that several answers are "
                "right — the page adds that hint; remove it from the question",
            )
    if lesson.scenario is None:
        return
    for step in lesson.scenario.steps.values():
        for number, choice in enumerate(step.choices, start=1):
            verdict = opening_word(choice.feedback, lesson.lang, VERDICT_WORDS)
            sad = opening_word(choice.feedback, lesson.lang, DISAPPOINTED_WORDS)
            if verdict:
                warn(
                    step.line,
                    f"scenario step '{step.id}', choice {number}: feedback starts with "
                    f"'{verdict}' — say what happens and why instead of a verdict",
                )
            if sad:
                warn(
                    step.line,
                    f"scenario step '{step.id}', choice {number}: feedback starts with "
                    f"'{sad}' — never sound disappointed; say what to do instead",
                )


def _check_length(lesson: Lesson, report: Report) -> None:
    screens = estimated_screens(lesson.body)
    if screens > MAX_SCREENS:
        report.problems.append(
            Problem(
                lesson.path,
                1,
                f"long: about {screens:.1f} tablet screens of text (at most {MAX_SCREENS}) — "
                "split it into two lessons or shorten it",
                "warning",
            )
        )
