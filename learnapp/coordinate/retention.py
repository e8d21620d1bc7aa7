"""Accounts nobody has used for a long time: listed for the coordinator, then anonymised.

"Inactive" is measured from the last activity (or the creation, for an account never used).
Learners are anonymised exactly like a deletion by the coordinator (services.delete_learner),
so the monthly report's figures stay the same; a mentor keeps the sessions she held (the
volunteer hours) without her name.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from learnapp import audit
from learnapp.access import LEARNER, MENTOR
from learnapp.coordinate import services
from learnapp.models import Pairing, User

LISTED_ROLES = (LEARNER, MENTOR)
NOTICE_DAYS = 60  # the coordinator sees an account this long before it is due


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (earlier if negative); the 31st becomes the month's last day."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def cutoff(months: int, now: datetime) -> datetime:
    """Accounts last seen before this moment are due for anonymisation."""
    return add_months(now, -months)


@dataclass(frozen=True)
class InactiveAccount:
    user: User
    last_seen: datetime
    due_on: datetime  # when `flask privacy purge` anonymises it (in the past: due now)


def inactive_accounts(
    session: Session, centre_ids: list[int] | None, months: int, now: datetime, most: int = 200
) -> tuple[list[InactiveAccount], int]:
    """Accounts due now or within NOTICE_DAYS, longest unused first, and how many there are."""
    seen = func.coalesce(User.last_active_at, User.created_at)
    listed: list[ColumnElement[bool]] = [
        User.role.in_(LISTED_ROLES),
        User.deleted_at.is_(None),
        seen < cutoff(months, now) + timedelta(days=NOTICE_DAYS),
    ]
    if centre_ids is not None:
        listed.append(User.centre_id.in_(centre_ids))
    total = session.scalar(select(func.count()).select_from(User).where(*listed)) or 0
    rows = session.execute(select(User, seen).where(*listed).order_by(seen, User.id).limit(most))
    return [
        InactiveAccount(user, seen_at, add_months(seen_at, months)) for user, seen_at in rows
    ], total


def due_accounts(session: Session, months: int, now: datetime) -> list[User]:
    seen = func.coalesce(User.last_active_at, User.created_at)
    return list(
        session.scalars(
            select(User)
            .where(
                User.role.in_(LISTED_ROLES),
                User.deleted_at.is_(None),
                seen < cutoff(months, now),
            )
            .order_by(User.id)
        )
    )


def anonymise_mentor(session: Session, mentor: User) -> None:
    """Her name, sign-in and preferences go; the sessions she held stay, without her name."""
    now = services.erase_identity(mentor)
    session.execute(
        update(Pairing)
        .where(Pairing.mentor_id == mentor.id, Pairing.ended_at.is_(None))
        .values(ended_at=now)
    )


def purge(session: Session, months: int, now: datetime) -> list[tuple[str, int]]:
    """Anonymise every account unused for `months`; returns (role, id) of each one."""
    done: list[tuple[str, int]] = []
    for user in due_accounts(session, months, now):
        if user.role == LEARNER:
            services.delete_learner(session, None, user)
        else:
            anonymise_mentor(session, user)
            audit.record(session, None, audit.DELETED, None, MENTOR)
        done.append((user.role, user.id))
    return done
