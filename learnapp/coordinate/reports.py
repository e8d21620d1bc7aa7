"""Monthly reports for funders and the early-warning list, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, func, select
from sqlalchemy.orm import Session, joinedload

from learnapp.access import LEARNER, MENTOR, in_centres
from learnapp.models import (
    ActiveMonth,
    Centre,
    Pairing,
    Progress,
    TandemSession,
    User,
)
from learnapp.models.base import utcnow
from learnapp.progress_rules import stuck_lessons_query
from learnapp.rollup_figures import month_bounds


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str | None, today: date) -> Month:
        """`2026-11`; anything else means the current month."""
        try:
            year, month = (int(part) for part in (text or "").split("-"))
        except ValueError:
            return cls(today.year, today.month)
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return cls(year, month)
        return cls(today.year, today.month)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def local_bounds(self) -> tuple[datetime, datetime]:
        """First moment of the month and of the next, on the centre's clock."""
        start = datetime(self.year, self.month, 1)
        end = datetime(self.year + self.month // 12, self.month % 12 + 1, 1)
        return start, end

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """The same month in UTC, how activity timestamps are stored: the very bounds the kept
        active months are counted in (learnapp/rollup_figures.py)."""
        return month_bounds(self.label)


@dataclass
class CentreMonth:
    centre: Centre
    sessions_held: int = 0
    volunteer_minutes: int = 0
    active_learners: int = 0
    lessons_completed: int = 0
    new_learners: int = 0

    @property
    def volunteer_hours(self) -> float:
        return round(self.volunteer_minutes / 60, 1)


@dataclass
class LearnerMonth:
    learner: User
    lessons_completed: int = 0
    sessions_held: int = 0
    session_minutes: int = 0


@dataclass
class MonthReport:
    month: Month
    centres: list[CentreMonth]
    learners: list[LearnerMonth] = field(default_factory=list)


Bounds = tuple[datetime, datetime]


def _in(column: SQLColumnExpression[Any], bounds: Bounds) -> ColumnElement[bool]:
    return and_(column >= bounds[0], column < bounds[1])


def month_report(
    session: Session,
    centres: list[Centre],
    month: Month,
    *,
    with_learners: bool = True,
    every_centre: bool = False,
) -> MonthReport:
    """Sessions held, volunteer hours, active and new learners, lessons completed; the rows
    per learner only `with_learners` (the exports; the page does not draw them).
    `every_centre`: `centres` are all of them (the admin's report), so the queries need not
    name each one.

    Every count starts from the learners of the centres and looks up each one's rows of the
    month through a per-learner index (migrations 0005, 0011), or the months they were active
    (kept on write, 0013): the cost follows the centres shown, not the programme.
    """
    # Keyed as the rows' User.centre_id comes back (typed optional; never None here).
    by_id: dict[int | None, CentreMonth] = {centre.id: CentreMonth(centre) for centre in centres}
    report = MonthReport(month, list(by_id.values()))
    if not by_id:
        return report
    ids = list(by_id)
    utc = month.utc_bounds()  # sessions too: their starts are instants (naive UTC)
    in_these = in_centres(User.centre_id, None if every_centre else [c.id for c in centres])
    here = (User.role == LEARNER, in_these)

    held = _in(TandemSession.starts_at, utc) & TandemSession.took_place.is_(True)
    for centre_id, count, minutes in session.execute(
        select(User.centre_id, func.count(TandemSession.id), func.sum(TandemSession.length_minutes))
        .join(TandemSession, TandemSession.learner_id == User.id)
        .where(held, in_these)
        .group_by(User.centre_id)
    ):
        by_id[centre_id].sessions_held = count
        by_id[centre_id].volunteer_minutes = int(minutes or 0)

    for centre_id, count in session.execute(
        select(User.centre_id, func.count(User.id))
        .where(_in(User.created_at, utc), *here)
        .group_by(User.centre_id)
    ):
        by_id[centre_id].new_learners = count

    # Active: opened or finished a lesson, answered a self-check, or met their mentor; the
    # months and their completed lessons are kept on write (learnapp/rollups.py), so this
    # reads one month's rows.
    for centre_id, count, completed in session.execute(
        select(User.centre_id, func.count(User.id), func.sum(ActiveMonth.lessons_completed))
        .join(ActiveMonth, ActiveMonth.user_id == User.id)
        .where(*here, ActiveMonth.month == month.label)
        .group_by(User.centre_id)
    ):
        by_id[centre_id].active_learners = count
        by_id[centre_id].lessons_completed = int(completed or 0)

    if with_learners:
        report.learners = _learner_rows(session, ids, utc)
    return report


def _learner_rows(
    session: Session, centre_ids: list[int | None], utc: Bounds
) -> list[LearnerMonth]:
    """Per learner of the centres: lessons completed and sessions held in the month (the
    centres' learners joined, never as a list of ids)."""
    here = (User.role == LEARNER, User.centre_id.in_(centre_ids))
    rows = {
        user.id: LearnerMonth(user)
        for user in session.scalars(select(User).where(*here).order_by(User.display_name))
    }
    if not rows:
        return []
    for user_id, count in session.execute(
        select(Progress.user_id, func.count())
        .join(User, User.id == Progress.user_id)
        .where(*here, _in(Progress.completed_at, utc))
        .group_by(Progress.user_id)
    ):
        rows[user_id].lessons_completed = count
    for user_id, count, minutes in session.execute(
        select(TandemSession.learner_id, func.count(), func.sum(TandemSession.length_minutes))
        .join(User, User.id == TandemSession.learner_id)
        .where(*here, TandemSession.took_place.is_(True), _in(TandemSession.starts_at, utc))
        .group_by(TandemSession.learner_id)
    ):
        rows[user_id].sessions_held = count
        rows[user_id].session_minutes = int(minutes or 0)
    return list(rows.values())


@dataclass
class Warnings:
    inactive: list[User]
    stuck: list[tuple[User, str]]  # learner, lesson id
    quiet_pairs: list[Pairing]
    quiet_mentors: list[User]

    @property
    def count(self) -> int:
        return (
            len(self.inactive) + len(self.stuck) + len(self.quiet_pairs) + len(self.quiet_mentors)
        )


def early_warnings(
    session: Session, centre_ids: list[int], inactive_days: int, session_days: int
) -> Warnings:
    """Who may be slipping away: silent learners, stuck learners, tandems that stopped meeting."""
    if not centre_ids:
        return Warnings([], [], [], [])
    inactive_since = utcnow() - timedelta(days=inactive_days)
    quiet_since_utc = utcnow() - timedelta(days=session_days)
    in_centres = User.centre_id.in_(centre_ids)

    inactive = list(
        session.scalars(
            select(User)
            .where(
                User.role == LEARNER,
                User.active.is_(True),
                in_centres,
                func.coalesce(User.last_active_at, User.created_at) < inactive_since,
            )
            .order_by(func.coalesce(User.last_active_at, User.created_at))
        )
    )

    stuck_rows = stuck_lessons_query().subquery()
    stuck = [
        (user, lesson_id)
        for user, lesson_id in session.execute(
            select(User, stuck_rows.c.lesson_id)
            .join(stuck_rows, stuck_rows.c.user_id == User.id)
            .where(in_centres, User.active.is_(True))
            .order_by(User.display_name)
        )
    ]

    last_held = (
        select(
            TandemSession.mentor_id,
            TandemSession.learner_id,
            func.max(TandemSession.starts_at).label("last"),
        )
        .where(TandemSession.took_place.is_(True))
        .group_by(TandemSession.mentor_id, TandemSession.learner_id)
        .subquery()
    )
    learner_alias = select(User.id).where(in_centres)
    quiet_pairs = list(
        session.scalars(
            select(Pairing)
            # Both names come in the same query: no query per pair, whatever the list's length.
            .options(joinedload(Pairing.mentor), joinedload(Pairing.learner))
            .outerjoin(
                last_held,
                (last_held.c.mentor_id == Pairing.mentor_id)
                & (last_held.c.learner_id == Pairing.learner_id),
            )
            .where(
                Pairing.ended_at.is_(None),
                Pairing.learner_id.in_(learner_alias),
                Pairing.started_at < quiet_since_utc,
                (last_held.c.last.is_(None)) | (last_held.c.last < quiet_since_utc),
            )
        )
    )
    recent_mentors = select(TandemSession.mentor_id).where(
        TandemSession.took_place.is_(True), TandemSession.starts_at >= quiet_since_utc
    )
    quiet_mentors = list(
        session.scalars(
            select(User)
            .where(
                User.role == MENTOR,
                User.active.is_(True),
                in_centres,
                User.created_at < quiet_since_utc,
                User.id.not_in(recent_mentors),
            )
            .order_by(User.display_name)
        )
    )
    return Warnings(inactive, stuck, quiet_pairs, quiet_mentors)
