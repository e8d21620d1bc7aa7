"""Pressing "Done" (or "Not done") on a lesson: from the page, or kept over a sign-in.

A "Done" sent after the session ended is kept in the cookie and done here once the same
learner signs in again (see auth.sessions.register_replay): pressing it twice changes
nothing, so doing it later is safe.
"""

from __future__ import annotations

from datetime import datetime

from flask import flash, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from learnapp.auth.sessions import PendingAction
from learnapp.content import get_library
from learnapp.content.model import Course, Lesson
from learnapp.db import get_session
from learnapp.learn import offline_writes, services
from learnapp.models import User

UNDO_FIELD = "undo"


def press(
    session: Session,
    user: User,
    course: Course,
    lesson: Lesson,
    undo: bool,
    at: datetime | None = None,
) -> str:
    """Tick the lesson off (or untick it); returns the page to show next.

    `at`: the press was made offline at that time and is sent now (learn/offline_writes.py).
    """
    page = url_for("learn.lesson", course_id=course.id, lesson_id=lesson.id)
    if undo:
        services.mark_not_done(session, user, lesson.id)
        return page
    if lesson.quiz_required and not services.quiz_passed(
        session, user, lesson.id, len(lesson.quiz)
    ):
        if at is None:
            message = _("Please answer the self-check correctly first. Then press “Done”.")
            flash(message, "done-error")
            return f"{page}#done"
        # Offline, the lesson allowed "Done" (or her answers are still queued): hers counts.
        offline_writes.accepted_conflict(user.id, lesson.id, "done before the self-check")
    services.mark_done(session, user, course.id, lesson.id, at=at)
    flash(_("Well done! This lesson is ticked off."), "success")
    return f"{page}#done"


def replay(user: User, pending: PendingAction) -> str | None:
    """The kept "Done" of this learner, pressed now; None if its lesson is gone."""
    library = get_library()
    course = library.courses.get(pending.view_args.get("course_id", ""))
    lesson_id = pending.view_args.get("lesson_id", "")
    if course is None or lesson_id not in course.lesson_ids:
        return None
    lesson = course.lesson(lesson_id, library.default_lang, library.default_lang)
    if lesson is None:
        return None
    flash(_("Your last step from before signing in is saved now."), "info")
    return press(get_session(), user, course, lesson, bool(pending.form.get(UNDO_FIELD)))
