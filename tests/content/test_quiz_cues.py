"""Self-check cues per course in `flask courses check`: situation share, longest-answer bias,
true/false balance and the readability of self-check and practice text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from learnapp.content.library import load_library
from learnapp.content.model import Answer, Question
from learnapp.content.quiz_cues import is_situation, longest_is_right
from tests.conftest import FIXTURE_CONTENT

QUIZ_LESSON = """---
id: sample-cues
title: Fragen
summary: S
order: 5
minutes: 2
checked: 2026-11-20
---

Text.

```quiz
- id: q1
  type: single
  question: Eine SMS mit einem Code kommt. Was tun Sie?
  answers:
    - text: Ich schicke den Code sofort an die Person, die danach fragt.
      why: Nein.
    - text: Nichts schicken.
      correct: true
      why: Ja.
- id: q2
  type: single
  question: Wie lautet die Nummer des Sperr-Notrufs?
  answers:
    - text: Die Nummer 116 116, Tag und Nacht
      correct: true
      why: Ja.
    - text: Die 110
      why: Nein.
- id: q3
  type: truefalse
  question: Die Bank fragt nie am Telefon nach einer TAN.
  answer: true
  why: So ist es.
- id: q4
  type: truefalse
  question: Ein Schloss heißt, die Seite ist sicher.
  answer: false
  why: Nein.
- id: q5
  type: truefalse
  question: Betrüger schreiben oft mit Zeitdruck.
  answer: true
  why: Ja.
```
"""


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (root / "sample" / "de" / "05-fragen.md").write_text(QUIZ_LESSON, "utf-8")
    return root


def single(question: str, *answers: tuple[str, bool]) -> Question:
    return Question("q1", "single", question, [Answer(t, c, "") for t, c in answers])


def test_situation_questions_ask_what_the_learner_does():
    assert is_situation(single("Eine SMS kommt. Was tun Sie?"))
    assert is_situation(single("A text arrives. What do you do?"))
    assert is_situation(single("Sie richten ein neues Handy ein. Welche Zahl nehmen Sie?"))
    assert not is_situation(single("Wie lautet die Nummer des Sperr-Notrufs?"))
    tf = Question("q", "truefalse", "Sie brauchen eine PIN.", answer=True)
    assert not is_situation(tf)  # a statement about the learner is still recall


def test_longest_answer_counts_only_a_single_longest_right_answer():
    assert longest_is_right(single("?", ("kurz", False), ("die viel längere", True)))
    assert not longest_is_right(single("?", ("die viel längere", False), ("kurz", True)))
    assert not longest_is_right(single("?", ("gleich", True), ("gleich", False)))


def test_courses_check_reports_the_cues_per_course_and_language(runner):
    result = runner.invoke(args=["courses", "check"])
    lines = result.output.splitlines()
    # the sample course's German self-checks: its own questions plus the five above
    situation = next(line for line in lines if line.startswith("cues sample de: situation"))
    longest = next(line for line in lines if line.startswith("cues sample de: right answer"))
    balance = next(line for line in lines if line.startswith("cues sample de: true/false"))
    readability = next(line for line in lines if line.startswith("cues sample de: readab"))
    errors = [line for line in lines if ": error:" in line]
    assert all("has no 'en' translation" in line for line in errors)  # cues are not errors
    assert "Flesch-Amstad" in readability
    situations, total = map(int, situation.split("questions ")[1].split(" (")[0].split(" of "))
    assert (situations, total) == (1 + base_counts()["situations"], 5 + base_counts()["total"])
    base = base_counts()
    right_longest, choices = 1 + base["longest"], 2 + base["choices"]  # q2 here, not q1
    share = round(100 * right_longest / choices)
    assert longest.endswith(f"in {right_longest} of {choices} choice questions ({share} %)")
    assert balance.endswith(f"{2 + base_counts()['true']} true, {1 + base_counts()['false']} false")


def base_counts() -> dict[str, int]:
    """The fixture course's own German questions, counted by the same rules."""
    library = load_library(FIXTURE_CONTENT, "de")
    questions = [
        q for lesson in library.courses["sample"].lessons["de"].values() for q in lesson.quiz
    ]
    return {
        "situations": sum(1 for q in questions if is_situation(q)),
        "total": len(questions),
        "choices": sum(1 for q in questions if q.type != "truefalse"),
        "longest": sum(1 for q in questions if q.type != "truefalse" and longest_is_right(q)),
        "true": sum(1 for q in questions if q.type == "truefalse" and q.answer),
        "false": sum(1 for q in questions if q.type == "truefalse" and not q.answer),
    }
