"""Cues about a course's self-checks and practice text, reported by `flask courses check`.

Report lines, never errors: they tell an author where the self-checks lean on recall or give
the answer away.

- A **situation question** asks what the learner does or says: its text contains "Was tun Sie",
  "Was machen Sie", "Was sagen Sie", "Wie reagieren Sie" or a "… wählen Sie?"-question (English:
  "What do you do", "What do you say", "… do you choose?"), or it is a single or multiple choice
  question that opens with the learner in a scene ("Sie …", "Ihr …", "You …", "Your …").
- **Longest-answer bias**: the share of single and multiple choice questions whose longest
  answer (by characters, one answer strictly longest) is a right one. About 1 in the number of
  answers is chance; far more tells the learner to pick the longest.
- **True/false balance**: how many true/false statements are true and how many false.
- **Readability of self-check and practice text**: questions, answers, explanations, prompts,
  choices, feedback and endings, scored as the lesson text is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from learnapp.content.library import Library
from learnapp.content.model import Course, Lesson, Question
from learnapp.content.readability import Readability, measure

SITUATION_ASKS = re.compile(
    r"\b(?:was (?:tun|machen|sagen) sie|wie reagieren sie|wählen sie|"
    r"what do you (?:do|say)|do you choose|how do you react)\b",
    re.IGNORECASE,
)
SITUATION_OPENS = re.compile(r"^[\"„“]?(?:Sie|Ihr\w*|You|Your)\b")


@dataclass(frozen=True)
class CourseCues:
    course_id: str
    lang: str
    questions: int
    situations: int
    choice_questions: int
    longest_is_right: int
    true_statements: int
    false_statements: int
    readability: Readability | None

    def lines(self) -> list[str]:
        head = f"cues {self.course_id} {self.lang}:"
        return [
            f"{head} situation questions {self.situations} of {self.questions}"
            f" ({_share(self.situations, self.questions)})",
            f"{head} right answer is the longest in {self.longest_is_right} of"
            f" {self.choice_questions} choice questions"
            f" ({_share(self.longest_is_right, self.choice_questions)})",
            f"{head} true/false statements: {self.true_statements} true,"
            f" {self.false_statements} false",
            f"{head} readability of self-check and practice text:"
            f" {self.readability if self.readability else 'too little text'}",
        ]


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "-"


def is_situation(question: Question) -> bool:
    if SITUATION_ASKS.search(question.question):
        return True
    return question.type != "truefalse" and bool(SITUATION_OPENS.match(question.question))


def longest_is_right(question: Question) -> bool:
    lengths = sorted((len(answer.text), answer.correct) for answer in question.answers)
    if len(lengths) < 2 or lengths[-1][0] == lengths[-2][0]:
        return False  # no single longest answer
    return lengths[-1][1]


def exercise_text(lesson: Lesson) -> str:
    """Every sentence of the self-check and the practice, as one text to score."""
    parts: list[str] = []
    for question in lesson.quiz:
        parts += [question.question, question.why]
        for answer in question.answers:
            parts += [answer.text, answer.why]
    if lesson.scenario is not None:
        for step in lesson.scenario.steps.values():
            parts += [step.prompt, step.title, step.text]
            for choice in step.choices:
                parts += [choice.label, choice.feedback]
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def course_cues(course: Course, lang: str) -> CourseCues:
    lessons = [
        lesson
        for lesson_id in course.lesson_ids
        if (lesson := course.lessons.get(lang, {}).get(lesson_id)) is not None
    ]
    questions = [question for lesson in lessons for question in lesson.quiz]
    choices = [q for q in questions if q.type in ("single", "multiple")]
    statements = [q for q in questions if q.type == "truefalse"]
    return CourseCues(
        course_id=course.id,
        lang=lang,
        questions=len(questions),
        situations=sum(1 for q in questions if is_situation(q)),
        choice_questions=len(choices),
        longest_is_right=sum(1 for q in choices if longest_is_right(q)),
        true_statements=sum(1 for q in statements if q.answer),
        false_statements=sum(1 for q in statements if not q.answer),
        readability=measure("\n\n".join(exercise_text(lesson) for lesson in lessons), lang),
    )


def library_cues(library: Library) -> list[CourseCues]:
    return [
        course_cues(course, lang)
        for course in library.ordered_courses
        for lang in sorted(course.lessons)
    ]
