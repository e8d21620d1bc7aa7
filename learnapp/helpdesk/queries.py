"""What the learner and her mentor see of help requests, each in one query.

A request goes to whoever is the learner's mentor now: the open requests of a mentor are
those of the learners she is paired with at present (an ended pairing ends them too), so a
new mentor finds the questions still waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session, aliased

from learnapp.models import HelpRequest, Pairing, User

RECENT_ON_HOME = 3  # the learner's home shows her newest few, open or answered


@dataclass(frozen=True)
class LearnersQuestion:
    """One of her requests as her home shows it."""

    lesson_id: str
    message: str
    created_at: datetime
    handled_at: datetime | None
    reply: str
    answered_by: str | None  # who marked it handled
    mentor: str | None  # her mentor now: the one who sees it while it is open


@dataclass(frozen=True)
class OpenRequest:
    """A request on the mentor's list: the request and the learner's name."""

    request: HelpRequest
    learner_name: str


_HANDLER = aliased(User)
_MENTOR = aliased(User)


def mentor_name_of(learner_id: int) -> ScalarSelect[str]:
    """The display name of the learner's mentor now, as a scalar subquery."""
    return (
        select(_MENTOR.display_name)
        .join(Pairing, Pairing.mentor_id == _MENTOR.id)
        .where(Pairing.learner_id == learner_id, Pairing.ended_at.is_(None))
        .limit(1)
        .scalar_subquery()
    )


def learners_questions(session: Session, learner: User) -> list[LearnersQuestion]:
    """Her newest few requests, newest first, with the answer and her mentor's name."""
    rows = session.execute(
        select(
            HelpRequest.lesson_id,
            HelpRequest.message,
            HelpRequest.created_at,
            HelpRequest.handled_at,
            HelpRequest.reply,
            _HANDLER.display_name,
            mentor_name_of(learner.id),
        )
        .outerjoin(_HANDLER, _HANDLER.id == HelpRequest.handled_by_id)
        .where(HelpRequest.learner_id == learner.id)
        .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())
        .limit(RECENT_ON_HOME)
    )
    return [LearnersQuestion(*row) for row in rows]


def open_requests(session: Session, mentor: User) -> list[OpenRequest]:
    """The open requests of the mentor's learners now, the longest waiting first."""
    rows = session.execute(
        select(HelpRequest, User.display_name)
        .join(User, User.id == HelpRequest.learner_id)
        .join(Pairing, Pairing.learner_id == HelpRequest.learner_id)
        .where(
            Pairing.mentor_id == mentor.id,
            Pairing.ended_at.is_(None),
            HelpRequest.handled_at.is_(None),
        )
        .order_by(HelpRequest.created_at, HelpRequest.id)
    )
    return [OpenRequest(request, name) for request, name in rows]


def open_count(session: Session, mentor: User) -> int:
    """How many requests of the mentor's learners wait for her now (the header's number)."""
    count = session.scalar(
        select(func.count(HelpRequest.id))
        .join(Pairing, Pairing.learner_id == HelpRequest.learner_id)
        .where(
            Pairing.mentor_id == mentor.id,
            Pairing.ended_at.is_(None),
            HelpRequest.handled_at.is_(None),
        )
    )
    return count or 0
