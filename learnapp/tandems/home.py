"""What the learner's home page shows of the tandem: the next meeting, the last advice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Row, Select, bindparam, select, union_all
from sqlalchemy.orm import Session, aliased

from learnapp.models import Centre, TandemSession, User
from learnapp.models.base import utcnow


@dataclass(frozen=True)
class LearnersTandem:
    """The next meeting and the last advice.

    Plain rows with the columns the page shows (starts_at, place, centre_name, mentor_name,
    next_steps, notes, notes_shared): a fraction of the cost of sessions with their people.
    """

    upcoming: Row | None
    next_steps: Row | None


def _latest_next_steps_id() -> Select:
    return (
        select(TandemSession.id)
        .where(
            TandemSession.learner_id == bindparam("learner_id"),
            TandemSession.took_place.is_(True),
            TandemSession.next_steps != "",
        )
        .order_by(TandemSession.starts_at.desc())
        .limit(1)
    )


def _upcoming_id() -> Select:
    return (
        select(TandemSession.id)
        .where(
            TandemSession.learner_id == bindparam("learner_id"),
            TandemSession.took_place.is_(None),
            TandemSession.starts_at >= bindparam("since"),
        )
        .order_by(TandemSession.starts_at)
        .limit(1)
    )


# Both in one round trip, with the mentor's name and the centre's; built once, as the home
# page runs it on every visit. (Each part is a subquery: SQLite allows no LIMIT in a UNION.)
_MENTOR = aliased(User)
_HOME_TANDEM = (
    select(
        TandemSession.took_place,
        TandemSession.starts_at,
        TandemSession.place,
        TandemSession.next_steps,
        TandemSession.notes,
        TandemSession.notes_shared,
        Centre.name.label("centre_name"),
        _MENTOR.display_name.label("mentor_name"),
    )
    .join(_MENTOR, _MENTOR.id == TandemSession.mentor_id)
    .outerjoin(Centre, Centre.id == TandemSession.centre_id)
    .where(
        TandemSession.id.in_(
            union_all(
                select(_latest_next_steps_id().subquery().c.id),
                select(_upcoming_id().subquery().c.id),
            )
        )
    )
)


def learners_tandem(session: Session, learner: User) -> LearnersTandem:
    """The next planned session (from two hours ago on) and the latest held one with advice."""
    since = utcnow() - timedelta(hours=2)
    found = session.execute(_HOME_TANDEM, {"learner_id": learner.id, "since": since}).all()
    return LearnersTandem(
        upcoming=next((t for t in found if t.took_place is None), None),
        next_steps=next((t for t in found if t.took_place is not None), None),
    )
