"""The file `flask courses new` writes: a draft in the lesson's own language.

It is a draft and `checked` stays empty: only a person who has checked the facts sets that date.
"""

from __future__ import annotations

_GERMAN = """---
id: {id}
title: "{title}"
summary: Ein Satz – was die Lernenden danach können.
order: {order}
minutes: 5
status: draft
checked:
quiz_required: false
---

Schreiben Sie die Lektion hier. Kurze Sätze, ein Gedanke je Absatz.

## Quellen

- …

```quiz
- id: q1
  type: single
  question: Eine Situation aus dem Alltag. Was tun Sie?
  answers:
    - text: Die richtige Antwort
      correct: true
      why: Warum sie richtig ist.
    - text: Eine falsche Antwort
      why: Warum sie falsch ist.
- id: q2
  type: truefalse
  question: Eine Aussage, die richtig oder falsch ist.
  answer: true
  why: Warum sie richtig ist.
```
"""

_ENGLISH = """---
id: {id}
title: "{title}"
summary: One sentence – what the learner will be able to do.
order: {order}
minutes: 5
status: draft
checked:
quiz_required: false
---

Write the lesson here. Short sentences, one idea per paragraph.

## Sources

- …

```quiz
- id: q1
  type: single
  question: A situation from everyday life. What do you do?
  answers:
    - text: The right answer
      correct: true
      why: Why it is right.
    - text: A wrong answer
      why: Why it is wrong.
- id: q2
  type: truefalse
  question: A statement that is true or false.
  answer: true
  why: Why it is true.
```
"""

TEMPLATES = {"de": _GERMAN, "en": _ENGLISH}


def new_lesson_text(lang: str, lesson_id: str, title: str, order: int) -> str:
    """The new file's text; a language without its own template gets the English one."""
    template = TEMPLATES.get(lang, _ENGLISH)
    return template.format(id=lesson_id, title=title.replace('"', "'"), order=order)
