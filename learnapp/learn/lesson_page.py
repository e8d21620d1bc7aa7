"""The lesson page: drawn once per lesson, language, role and state, then filled per learner.

What differs between two learners on the same lesson in the same language, role and state
(done or not) are the holes: the CSRF token, the text-size and contrast classes, the
self-check's submission number and the reading speed (see learnapp/page_shells.py). Feedback
after a self-check, flashed messages and an author's problem list are the learner's own: such
a page is drawn in full.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from learnapp.content.library import Library
from learnapp.content.model import Course, Lesson, Problem
from learnapp.page_shells import templates_reload
from learnapp.pages import page_classes

TEMPLATE = "learn/lesson.html"


def draw(  # type: ignore[no-untyped-def]
    library: Library,
    course: Course,
    lesson: Lesson,
    lang: str,
    done: bool,
    problems: list[Problem],
    submission_id: str | None = None,
    **feedback,
) -> str:
    """The page's HTML; `feedback` is the self-check's `answers` or `results`, if any."""
    ids = course.lesson_ids
    position = ids.index(lesson.id)
    fallback = library.default_lang
    context = {
        "course": course,
        "lesson": lesson,
        "done": done,
        "previous": course.lesson(ids[position - 1], lang, fallback) if position > 0 else None,
        "following": (
            course.lesson(ids[position + 1], lang, fallback) if position + 1 < len(ids) else None
        ),
        "position": position + 1,
        "total": len(ids),
        "lang": lang,
        "default_lang": fallback,
        "problems": problems,
        "answers": None,
        "results": [],
        **feedback,
    }
    holes = {
        "csrf_token": generate_csrf(),
        "html_classes": page_classes(),
        "submission_id": submission_id or uuid.uuid4().hex,
        "reading_rate": str((current_user.speech_rate or 100) / 100),
    }

    def render(values):  # type: ignore[no-untyped-def]
        # The body (Markdown, kept by the library) is only needed when the page is drawn.
        variables = context | values | {"body": library.render(lesson)}
        variables["csrf_token"] = lambda: values["csrf_token"]  # templates call csrf_token()
        return render_template(TEMPLATE, **variables)

    if context["answers"] or context["results"] or problems or "_flashes" in session:
        return render(holes)
    key = _key(lesson.path, lesson.mtime_ns, lang, done)
    return library.shells.fill(key, holes, render, keep=not templates_reload())


def _key(path: Path, version: int, lang: str, done: bool) -> tuple:
    # The role changes the menu and the help box; the script root every link.
    return (request.script_root, path, version, lang, current_user.role, done)
