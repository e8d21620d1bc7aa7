"""The lesson page: rendered for each request around parts that are the same for everyone.

The trail, the lesson's title and body (Markdown, kept by the library), the self-check's
questions, the Done, practice and help forms and the Previous/Next links are fragments
(learnapp/fragments.py), drawn from the lesson, the language and the done state alone; the
forms get this page's token when they are used. Everything else that is the learner's own
(the page's classes, the submission number, the reading speed, messages, answers) is
rendered by the page template every time.
"""

from __future__ import annotations

import uuid

from flask import render_template, request
from flask_login import current_user
from markupsafe import Markup

from learnapp import fragments
from learnapp.access import LEARNER
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
) -> str:
    """The page's HTML; `answers` (sent with gaps) or `results` (graded) are the self-check's."""
    return render_template(
        TEMPLATE,
        course=course,
        lesson=lesson,
        done=done,
        problems=problems,
        results=results or [],
        trail=fragments.draw(
            "fragments/course_trail.html", lang=lang, library=library, course_id=course.id
        ),
        article=fragments.draw(
            "fragments/lesson_article.html",
            lang=lang,
            library=library,
            course_id=course.id,
            lesson_id=lesson.id,
            script_root=request.script_root,
        ),
        quiz_questions=_quiz_questions(library, course, lesson, lang, answers, results),
        practice_start=(
            with_token(
                fragments.draw(
                    "fragments/practice_start.html",
                    lang=lang,
                    course_id=course.id,
                    lesson_id=lesson.id,
                )
            )
            if lesson.is_scenario and lesson.scenario
            else None
        ),
        done_form=with_token(
            fragments.draw(
                "fragments/done_form.html",
                lang=lang,
                course_id=course.id,
                lesson_id=lesson.id,
                done=done,
            )
        ),
        help_fields=(
            fragments.draw("fragments/help_fields.html", lang=lang)
            if current_user.role == LEARNER
            else None
        ),
        pager=fragments.draw(
            "fragments/pager.html",
            lang=lang,
            library=library,
            course_id=course.id,
            lesson_id=lesson.id,
            done=done,
        ),
        submission_id=submission_id or uuid.uuid4().hex,
        reading_rate=str((current_user.speech_rate or 100) / 100),
    )


def _quiz_questions(
    library: Library,
    course: Course,
    lesson: Lesson,
    lang: str,
    answers: QuizAnswers | None,
    results: list[QuestionResult] | None,
) -> Markup | None:
    if not lesson.quiz:
        return None
    mine = bool(answers or results)  # a learner's own answers are never kept
    return fragments.draw(
        "fragments/quiz_questions.html",
        lang=lang,
        library=library,
        keep=not mine,
        course_id=course.id,
        lesson_id=lesson.id,
        answers=answers if mine else None,
        results=tuple(results or ()),
    )


def with_token(html: Markup) -> Markup:
    """A kept fragment's forms with this page's token filled in."""
    return fragments.with_page_token(html, csrf_token())
