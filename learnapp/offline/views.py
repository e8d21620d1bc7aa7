"""The service worker's script, its offline page, and lessons drawn for keeping offline."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from learnapp import fragments
from learnapp.access import can_read_courses
from learnapp.assets import send_static
from learnapp.content import get_library

bp = Blueprint("offline", __name__)

WORKER = "js/service-worker.js"  # in static/; sent compressed like the other static files


@bp.get("/service-worker.js")
def service_worker() -> Response:
    """At the site's root, so that it may look after every page; never kept by the HTTP cache
    (learnapp/security.py answers "no-store"), so a new version reaches every tablet."""
    return send_static(WORKER)


@bp.get("/offline")
def offline_page() -> ResponseReturnValue:
    """Shown by the worker for a page it has not kept; its script lists what is kept."""
    return render_template("offline/offline.html", lang=str(get_locale()))


@bp.get("/offline/lessons/<course_id>/<lesson_id>")
@can_read_courses
def lesson_copy(course_id: str, lesson_id: str) -> ResponseReturnValue:
    """A lesson as anybody sees it before starting: no name, no token, no progress.

    Its forms carry empty page fields; the worker fills in a fresh submission number when it
    queues a self-check and the page's token when it sends the queue.
    """
    library = get_library()
    lang = str(get_locale())
    course = library.courses.get(course_id)
    lesson = course.lesson(lesson_id, lang, library.default_lang) if course else None
    if course is None or lesson is None:
        abort(404)
    main = fragments.draw(
        "fragments/lesson_main.html",
        lang=lang,
        library=library,
        course_id=course.id,
        lesson_id=lesson.id,
        done=False,
        german="",
        is_learner=True,
        script_root=request.script_root,
        problems=(),
        answers=None,
        results=(),
        done_errors=(),
        help_errors=(),
        quiz_errors=(),
    )
    empty = {"csrf_token": "", "submission": "", "form_key": ""}
    return render_template(
        "offline/lesson.html",
        lesson=lesson,
        lang=lang,
        main=fragments.with_page_fields(main, empty),
        online_url=url_for("learn.lesson", course_id=course.id, lesson_id=lesson.id),
    )


@bp.get("/offline/courses/<course_id>.json")
@can_read_courses
def course_files(course_id: str) -> ResponseReturnValue:
    """What "Save for offline use" keeps of a course: the offline copy of each lesson.

    The worker adds each copy's pictures and style sheets as it stores it.
    """
    library = get_library()
    course = library.courses.get(course_id)
    if course is None:
        abort(404)
    return jsonify(
        {
            "course": url_for("learn.course", course_id=course.id),
            "lessons": [
                url_for("offline.lesson_copy", course_id=course.id, lesson_id=lesson_id)
                for lesson_id in course.lesson_ids
            ],
        }
    )
