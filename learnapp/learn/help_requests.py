""" "Help": a learner's request to her mentor, within limits that keep it meaningful.

At most one open request per lesson (the mentor already knows), and at most
HELP_REQUESTS_PER_HOUR requests in any hour. Both are counted in the database under a lock
on the learner's row (learnapp/learn/limits.py). A request from a page that is not a lesson
(home, settings) is limited by the hour alone.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from learnapp.learn.limits import LimitReached, lock_learner, now, setting
from learnapp.learn.origins import Origin
from learnapp.models import HelpRequest, User

HOUR = timedelta(hours=1)


def ask(session: Session, learner: User, origin: Origin | None, message: str) -> HelpRequest:
    """Store the request from `origin` (None: unknown), or raise LimitReached kindly."""
    lock_learner(session, learner)
    moment = now()
    lesson_id = origin.lesson_id if origin else ""
    open_here = select(
        exists().where(
            HelpRequest.learner_id == learner.id,
            HelpRequest.lesson_id == lesson_id,
            HelpRequest.handled_at.is_(None),
        )
    )
    if lesson_id and session.scalar(open_here):
        raise LimitReached(
            _(
                "You have already asked for help with this lesson. "
                "Your mentor has not answered yet: you see the answer on your start page."
            )
        )
    per_hour = setting("HELP_REQUESTS_PER_HOUR")
    last_hour = session.scalar(
        select(func.count(HelpRequest.id)).where(
            HelpRequest.learner_id == learner.id, HelpRequest.created_at > moment - HOUR
        )
    )
    if (last_hour or 0) >= per_hour:
        raise LimitReached(
            _(
                "You have asked for help %(count)s times in the last hour. Your mentor sees "
                "your questions. Please ask again later if you still need help.",
                count=per_hour,
            )
        )
    request = HelpRequest(
        learner_id=learner.id,
        course_id=origin.course_id if origin else "",
        lesson_id=lesson_id,
        origin_path=origin.path if origin else "",
        message=message,
        created_at=moment,
    )
    session.add(request)
    return request
