"""Tandem sessions: plan, check for clashes, record what happened, export to a calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import Row, Select, bindparam, select, union_all
from sqlalchemy.orm import Session, aliased

from learnapp.clock import CENTRE_TZ, local_now
from learnapp.models import Centre, TandemSession, User
from learnapp.models.base import utcnow

LONGEST_SESSION = timedelta(hours=8)
OLDEST_RECORDABLE = timedelta(days=366)


def clash_with(
    session: Session, mentor: User, starts_at: datetime, minutes: int, ignore_id: int | None = None
) -> TandemSession | None:
    """Another session of the same mentor that overlaps this time, if any."""
    ends_at = starts_at + timedelta(minutes=minutes)
    candidates = session.scalars(
        select(TandemSession).where(
            TandemSession.mentor_id == mentor.id,
            TandemSession.took_place.is_not(False),
            TandemSession.starts_at < ends_at,
            TandemSession.starts_at > starts_at - LONGEST_SESSION,
        )
    )
    for other in candidates:
        if other.id != ignore_id and other.ends_at > starts_at:
            return other
    return None


def planning_problem(
    session: Session, mentor: User, starts_at: datetime, minutes: int, ignore_id: int | None = None
) -> str | None:
    """Why this time cannot be planned, in plain words; None when it can."""
    if starts_at < local_now() - OLDEST_RECORDABLE:
        return _("This date is more than a year ago. Please check the year.")
    other = clash_with(session, mentor, starts_at, minutes, ignore_id)
    if other is not None:
        return _(
            "You already have a session with %(name)s at that time (%(when)s). "
            "Please choose another time.",
            name=other.learner.display_name,
            when=other.starts_at.strftime("%d.%m.%Y %H:%M"),
        )
    return None


@dataclass(frozen=True)
class LearnersTandem:
    """What the learner's home page shows of the tandem: the next meeting, the last advice.

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
    since = local_now() - timedelta(hours=2)
    found = session.execute(_HOME_TANDEM, {"learner_id": learner.id, "since": since}).all()
    return LearnersTandem(
        upcoming=next((t for t in found if t.took_place is None), None),
        next_steps=next((t for t in found if t.took_place is not None), None),
    )


def to_ics(
    tandem: TandemSession, summary: str, location: str, description: str, host: str
) -> bytes:
    """An iCalendar file with the one session, in the centre's time zone."""
    calendar = Calendar()
    calendar.add("prodid", "-//DigiTandem//Tandem session//DE")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"tandem-{tandem.id}@{host}")
    event.add("dtstamp", utcnow().replace(tzinfo=ZoneInfo("UTC")))
    event.add("dtstart", tandem.starts_at.replace(tzinfo=CENTRE_TZ))
    event.add("dtend", tandem.ends_at.replace(tzinfo=CENTRE_TZ))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()
