"""The ```quiz block: a YAML list of questions (see courses/README.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from learnapp.content.model import QUESTION_TYPES, Answer, Question
from learnapp.content.yaml_lines import error_line, error_text, line_of, load_with_lines

if TYPE_CHECKING:
    from learnapp.content.parser import Collector

QUESTION_ID_LIMIT = 40
MAX_ANSWERS = 6


def parse_quiz(text: str, first_line: int, found: Collector) -> list[Question]:
    """Questions that are valid; each invalid one is reported and left out."""
    offset = first_line - 1
    try:
        data = load_with_lines(text)
    except yaml.YAMLError as error:
        found.error(offset + error_line(error), "quiz: " + error_text(error, offset))
        return []
    if not isinstance(data, list) or not data:
        found.error(first_line, "quiz: expected a list of questions starting with '- id: q1'")
        return []

    questions: list[Question] = []
    seen: set[str] = set()
    for item in data:
        line = offset + line_of(item, 1)
        question = _parse_question(item, line, found)
        if question is None:
            continue
        if question.id in seen:
            found.error(line, f"quiz: question id '{question.id}' is used twice")
            continue
        seen.add(question.id)
        questions.append(question)
    return questions


def _parse_question(item: Any, line: int, found: Collector) -> Question | None:
    if not isinstance(item, dict):
        found.error(line, "quiz: each question must be a mapping with id, type, question")
        return None
    question_id = item.get("id")
    if not isinstance(question_id, str) or not question_id.strip():
        found.error(line, "quiz: question has no 'id' (q1, q2, …)")
        return None
    if len(question_id) > QUESTION_ID_LIMIT:
        found.error(line, f"quiz: question id is longer than {QUESTION_ID_LIMIT} characters")
        return None
    kind = item.get("type")
    if kind not in QUESTION_TYPES:
        found.error(line, f"quiz {question_id}: 'type' must be one of {', '.join(QUESTION_TYPES)}")
        return None
    prompt = item.get("question")
    if not isinstance(prompt, str) or not prompt.strip():
        found.error(line, f"quiz {question_id}: 'question' text is missing")
        return None

    question = Question(id=question_id, type=kind, question=prompt.strip(), line=line)
    if kind == "truefalse":
        answer = item.get("answer")
        if not isinstance(answer, bool):
            found.error(line, f"quiz {question_id}: 'answer' must be true or false")
            return None
        why = item.get("why")
        if not isinstance(why, str) or not why.strip():
            found.error(line, f"quiz {question_id}: 'why' explanation is missing")
            return None
        question.answer, question.why = answer, why.strip()
        return question

    answers = item.get("answers")
    if not isinstance(answers, list) or not 2 <= len(answers) <= MAX_ANSWERS:
        found.error(line, f"quiz {question_id}: needs 2 to {MAX_ANSWERS} 'answers'")
        return None
    for raw in answers:
        answer_line = line + line_of(raw, 1) - line_of(item, 1)
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str | int | float):
            found.error(answer_line, f"quiz {question_id}: each answer needs a 'text'")
            return None
        correct = raw.get("correct", False)
        if not isinstance(correct, bool):
            found.error(answer_line, f"quiz {question_id}: 'correct' must be true or false")
            return None
        why = raw.get("why")
        if not isinstance(why, str) or not why.strip():
            found.error(answer_line, f"quiz {question_id}: answer has no 'why' explanation")
            return None
        question.answers.append(Answer(str(raw["text"]).strip(), correct, why.strip()))

    correct_count = sum(answer.correct for answer in question.answers)
    if kind == "single" and correct_count != 1:
        found.error(
            line, f"quiz {question_id}: a 'single' question needs exactly one correct answer"
        )
        return None
    if kind == "multiple" and correct_count < 1:
        found.error(line, f"quiz {question_id}: a 'multiple' question needs a correct answer")
        return None
    return question
