"""Planning and recording tandem sessions: the rules, and the only place that writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnapp import audit
from learnapp.models import TandemSession, User
from learnapp.models.base import utcnow
from learnapp.models.mentoring import PLACE_CENTRE
from learnapp.pages import wall_clock  # the reader's own order of day, month and time

LONGEST_SESSION = timedelta(hours=8)
OLDEST_RECORDABLE = timedelta(days=366)


class PlanningRefused(Exception):
    """A time that cannot be planned; the message says why in plain words."""


def clash_with(
    session: Session, mentor: User, starts_at: datetime, minutes: int, ignore_id: int | None = None
) -> TandemSession | None:
    """Another session of the same mentor that overlaps this time (instants, UTC), if any."""
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
    if starts_at < utcnow() - OLDEST_RECORDABLE:
        return _("This date is more than a year ago. Please check the year.")
    other = clash_with(session, mentor, starts_at, minutes, ignore_id)
    if other is not None:
        return _(
            "You already have a session with %(name)s at that time (%(when)s). "
            "Please choose another time.",
            name=other.learner.display_name,
            when=wall_clock(other.starts_at),
        )
    return None


def plan(
    session: Session,
    mentor: User,
    learner: User,
    starts_at: datetime,
    minutes: int,
    place: str,
    agenda: list[str],
) -> TandemSession:
    """A new session of a mentor with their learner; refused when the time does not work.

    The caller has checked that the learner is the mentor's. `starts_at` is the instant
    (naive UTC, see learnapp.clock.to_utc). A session at the centre takes place at the
    learner's centre.
    """
    problem = planning_problem(session, mentor, starts_at, minutes)
    if problem:
        raise PlanningRefused(problem)
    tandem = TandemSession(
        mentor_id=mentor.id,
        learner_id=learner.id,
        starts_at=starts_at,
        planned_minutes=minutes,
        place=place,
        centre_id=learner.centre_id if place == PLACE_CENTRE else None,
        agenda="\n".join(agenda),
    )
    session.add(tandem)
    session.flush()  # the page it leads to needs the id
    return tandem


@dataclass(frozen=True)
class Record:
    """What the mentor says about a session afterwards."""

    took_place: bool
    length_minutes: int | None
    notes: str
    notes_shared: bool
    next_steps: str


class RecordRefused(Exception):
    """A record that cannot be true (held before it began); the message says why."""


def record_problem(tandem: TandemSession, what: Record) -> str | None:
    """Why this record cannot be stored, in plain words; None when it can.

    A session is held from its start on: recorded as held earlier, it would count in the
    wrong month's report. That it will not take place can be said at any time.
    """
    if what.took_place and tandem.starts_at > utcnow():
        return _(
            "This session is planned for %(when)s. You can record it as held from then on.",
            when=wall_clock(tandem.starts_at),
        )
    return None


def record(session: Session, mentor: User, tandem: TandemSession, what: Record) -> None:
    """Store what happened in a session (again, if corrected); only its mentor may."""
    if tandem.mentor_id != mentor.id:
        raise PermissionError("only the session's mentor records it")
    problem = record_problem(tandem, what)
    if problem:
        raise RecordRefused(problem)
    tandem.took_place = what.took_place
    tandem.length_minutes = what.length_minutes if what.took_place else None
    tandem.notes = what.notes.strip()
    tandem.notes_shared = what.notes_shared
    tandem.next_steps = what.next_steps.strip()
    tandem.recorded_at = utcnow()
    audit.record(session, mentor, audit.CHANGED, tandem.learner, f"session {tandem.id} recorded")
