"""The lesson page: the site around it rendered for each request, the lesson itself a fragment.

Everything below the site header (trail, title and body, self-check, Done, the help link,
practice form, Previous/Next) is one fragment (templates/fragments/lesson_main.html, learnapp/
fragments.py), drawn from the lesson, the language, the done state, the role and the German view
(`?german=side`) alone and kept; the page's own token and one-time number are filled into its
fields for each page, and the learner's reading speed is set on <main>. With messages, an
author's problem list, or a learner's answers or results, the fragment is drawn for this page
alone and not kept.
"""

from __future__ import annotations

import uuid

from flask import get_flashed_messages, render_template, request
from flask_login import current_user

from learnapp import fragments
from learnapp.access import LEARNER
from learnapp.content.handout import handout_source
from learnapp.content.library import Library
from learnapp.content.model import Course, Lesson, Problem
from learnapp.learn.quiz import QuestionResult, QuizAnswers
from learnapp.pages import csrf_token

TEMPLATE = "learn/lesson.html"


def render(
    library: Library,
    course: Course,
    lesson: Lesson,
    lang: str,
    done: bool,
    problems: list[Problem],
    submission_id: str | None = None,
    answers: QuizAnswers | None = None,
    results: list[QuestionResult] | None = None,
    german: str = "",
) -> str:
    """The page's HTML; `answers` (sent with gaps) or `results` (graded) are the self-check's.
    `german` is "side" for a translation beside its German original (else under each part)."""
    messages = {
        category: tuple(get_flashed_messages(category_filter=[category]))
        for category in ("done-error", "quiz-error")
    }
    # Only what is the same for everyone is kept; the rest is drawn for this page alone.
    mine = bool(problems or answers or results or any(messages.values()))
    main = fragments.draw(
        "fragments/lesson_main.html",
        lang=lang,
        library=library,
        keep=not mine,
        course_id=course.id,
        lesson_id=lesson.id,
        done=done,
        german=german,
        is_learner=current_user.role == LEARNER,
        script_root=request.script_root,  # in the body's `lesson:` links
        problems=tuple(str(problem) for problem in problems),
        answers=answers if mine else None,
        results=tuple(results or ()),
        done_errors=messages["done-error"],
        quiz_errors=messages["quiz-error"],
    )
    number = submission_id or uuid.uuid4().hex  # the self-check's
    values = {"csrf_token": csrf_token(), "submission": number}
    return render_template(
        TEMPLATE,
        lesson=lesson,
        drafts=course.draft_ids,
        has_merkblatt=handout_source(lesson) is not None,
        main=fragments.with_page_fields(main, values),
        reading_rate=str((current_user.speech_rate or 100) / 100),
    )
