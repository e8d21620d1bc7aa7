"""The early-warning list: one list in SQL, most urgent first, paged, with dismissals.

Each entry is (kind, person, lesson or mentor, since): `since` is the newest event that makes
the entry what it is (her last activity, her newest wrong answer on the lesson, the tandem's
last session or its start, the mentor's last session or the account's start). A dismissal of
(person, kind) hides the entries of that kind whose `since` is not newer than the dismissal:
the entry comes back as soon as something new happens (she signs in and goes quiet again, she
answers wrongly again, the tandem meets and stops again).

Every part starts from the coordinator's centres and the counts per reason come from SQL; only
one page of people is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CTE,
    ColumnElement,
    DateTime,
    Integer,
    Row,
    SQLColumnExpression,
    String,
    Subquery,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from learnapp import audit
from learnapp.access import LEARNER, MENTOR, in_centres
from learnapp.coordinate.people import PAGE_SIZE, current_mentor_names
from learnapp.models import Pairing, TandemSession, User, WarningDismissal
from learnapp.models.base import utcnow
from learnapp.progress_rules import stuck_lessons_since

STUCK = "stuck"
INACTIVE = "inactive"
QUIET_PAIR = "pairs"
QUIET_MENTOR = "mentors"
# Most urgent first: a learner asking for help by failing, then silence, then quiet tandems.
KINDS = (STUCK, INACTIVE, QUIET_PAIR, QUIET_MENTOR)

REASONS: dict[str, LazyString] = {
    "contacted": _l("We have spoken with them"),
    "away": _l("Away for a while (holiday, illness)"),
    "paused": _l("Taking a break on purpose"),
    "handled": _l("Already taken care of"),
}
DISMISSED = "warning-dismissed"


@dataclass(frozen=True)
class Entry:
    kind: str
    person: User
    since: datetime
    lesson_id: str | None = None
    mentor: User | None = None  # the tandem's mentor (quiet tandems)
    current_mentor: str | None = None  # learners: the name of their mentor, None if unpaired


@dataclass
class WarningPage:
    entries: list[Entry]
    counts: dict[str, int]
    page: int
    pages: int
    kind: str = ""
    by_kind: dict[str, list[Entry]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _as_time(column: ColumnElement[Any]) -> ColumnElement[datetime]:
    return type_coerce(column, DateTime)


def _later(first: SQLColumnExpression[Any], second: SQLColumnExpression[Any]) -> ColumnElement[Any]:
    """The later of two times, NULL meaning "never" (GREATEST is not in SQLite)."""
    return case((second.is_(None), first), (first >= second, first), else_=second)


def entries_query(
    centre_ids: list[int] | None, inactive_days: int, session_days: int, now: datetime
) -> Subquery:
    """(kind, rank, person_id, mentor_id, lesson_id, since) of every warning in the centres
    (None: every centre)."""
    inactive_since = now - timedelta(days=inactive_days)
    quiet_since = now - timedelta(days=session_days)
    # Every part starts from the people of the centres (index on centre_id) and looks up each
    # one's rows through an index of their own (migration 0011): no part reads the programme.
    here = in_centres(User.centre_id, centre_ids)
    learner_here = (
        here,
        User.role == LEARNER,
        User.active.is_(True),
        User.deleted_at.is_(None),
    )
    no_mentor = cast(null(), Integer)
    no_lesson = cast(null(), String)

    stuck = stuck_lessons_since(*learner_here).subquery()
    stuck_part = select(
        literal(STUCK).label("kind"),
        literal(KINDS.index(STUCK)).label("rank"),
        stuck.c.user_id.label("person_id"),
        no_mentor.label("mentor_id"),
        stuck.c.lesson_id.label("lesson_id"),
        _as_time(stuck.c.since).label("since"),
    )

    last_seen = func.coalesce(User.last_active_at, User.created_at)
    inactive_part = select(
        literal(INACTIVE),
        literal(KINDS.index(INACTIVE)),
        User.id,
        no_mentor,
        no_lesson,
        _as_time(last_seen),
    ).where(*learner_here, last_seen < inactive_since)

    # The pair's last held session is kept on the pairing (learnapp/rollups.py): reading it
    # costs one row per tandem of the centres, not the sessions of the whole programme.
    pairs_part = (
        select(
            literal(QUIET_PAIR),
            literal(KINDS.index(QUIET_PAIR)),
            Pairing.learner_id,
            Pairing.mentor_id,
            no_lesson,
            _as_time(_later(Pairing.started_at, Pairing.last_held_at)),
        )
        .join(User, User.id == Pairing.learner_id)
        .where(
            here,
            Pairing.ended_at.is_(None),
            Pairing.started_at < quiet_since,
            or_(Pairing.last_held_at.is_(None), Pairing.last_held_at < quiet_since),
        )
    )

    # A quiet mentor has no held session since `quiet_since`: one probe of the index of her
    # sessions by start each; the newest session is looked up only for the quiet ones.
    held_since = (
        select(TandemSession.id)
        .where(
            TandemSession.mentor_id == User.id,
            TandemSession.took_place.is_(True),
            TandemSession.starts_at >= quiet_since,
        )
        .exists()
    )
    last_held = (
        select(func.max(TandemSession.starts_at))
        .where(TandemSession.mentor_id == User.id, TandemSession.took_place.is_(True))
        .scalar_subquery()
    )
    mentors_part = select(
        literal(QUIET_MENTOR),
        literal(KINDS.index(QUIET_MENTOR)),
        User.id,
        no_mentor,
        no_lesson,
        _as_time(_later(User.created_at, last_held)),
    ).where(
        User.role == MENTOR,
        User.active.is_(True),
        here,
        User.created_at < quiet_since,
        ~held_since,
    )
    return union_all(stuck_part, inactive_part, pairs_part, mentors_part).subquery("warning")


def _not_dismissed(entries: Subquery) -> ColumnElement[bool]:
    dismissed = select(WarningDismissal.id).where(
        WarningDismissal.user_id == entries.c.person_id,
        WarningDismissal.kind == entries.c.kind,
        WarningDismissal.dismissed_at >= entries.c.since,
    )
    return ~dismissed.exists()


def warning_page(
    session: Session,
    centre_ids: list[int] | None,
    inactive_days: int,
    session_days: int,
    page: int = 1,
    kind: str = "",
) -> WarningPage:
    """One page (PAGE_SIZE entries) of the open warnings, and how many there are of each kind."""
    counts = dict.fromkeys(KINDS, 0)
    if centre_ids is not None and not centre_ids:
        return WarningPage([], counts, 1, 1, kind)
    entries = entries_query(centre_ids, inactive_days, session_days, utcnow())
    open_entries = select(entries).where(_not_dismissed(entries)).cte("open_entries")
    counts_found, rows = _counts_and_page(session, open_entries, kind, page)
    counts.update(counts_found)
    shown = counts[kind] if kind else sum(counts.values())
    pages = max(1, -(-shown // PAGE_SIZE))
    page = min(max(1, page), pages)  # as the statement clamped it
    people_ids = {row.person_id for row in rows} | {row.mentor_id for row in rows if row.mentor_id}
    people = (
        {user.id: user for user in session.scalars(select(User).where(User.id.in_(people_ids)))}
        if people_ids
        else {}
    )
    learner_ids = [row.person_id for row in rows if row.kind in (STUCK, INACTIVE)]
    mentors = current_mentor_names(session, learner_ids)
    found = [
        Entry(
            kind=row.kind,
            person=people[row.person_id],
            since=row.since,
            lesson_id=row.lesson_id,
            mentor=people.get(row.mentor_id) if row.mentor_id else None,
            current_mentor=mentors.get(row.person_id),
        )
        for row in rows
    ]
    result = WarningPage(found, counts, page, pages, kind)
    for entry in found:
        result.by_kind.setdefault(entry.kind, []).append(entry)
    return result


def _counts_and_page(
    session: Session, open_entries: CTE, kind: str, page: int
) -> tuple[dict[str, int], list[Row[Any]]]:
    """The number of open warnings of each kind and one page of them, in one statement: the
    warnings are computed once (PostgreSQL keeps a CTE used twice), not once per question."""
    found = open_entries.c
    shown = select(open_entries).order_by(found.rank, found.since, found.person_id, found.lesson_id)
    if kind:
        shown = shown.where(found.kind == kind)
    # Past the end (an old link) is the last page: the offset is clamped in the same statement.
    how_many = select(func.count()).select_from(open_entries)
    if kind:
        how_many = how_many.where(found.kind == kind)
    asked, last = (
        literal((max(page, 1) - 1) * PAGE_SIZE),
        (func.count() - 1) // PAGE_SIZE * PAGE_SIZE,
    )
    offset = how_many.with_only_columns(case((asked > last, last), else_=asked))
    one_page = shown.limit(PAGE_SIZE).offset(offset.scalar_subquery()).subquery()
    no_number = cast(null(), Integer)
    statement = union_all(
        select(*one_page.c, no_number.label("how_many")),
        select(
            found.kind,
            no_number,
            no_number,
            no_number,
            cast(null(), String),
            cast(null(), DateTime),
            func.count(),
        ).group_by(found.kind),
    )
    counts: dict[str, int] = {}
    rows = []
    for row in session.execute(statement):
        if row.how_many is None:
            rows.append(row)
        else:
            counts[row.kind] = row.how_many
    # A union's order is not kept: the page is put in order again (at most PAGE_SIZE rows).
    rows.sort(key=lambda row: (row.rank, row.since, row.person_id, row.lesson_id or ""))
    return counts, rows


def dismiss(session: Session, actor: User, person: User, kind: str, reason: str) -> None:
    """Put this warning about this person aside with a reason (kept, and in the audit log).

    Once per (person, kind) in the database: a second dismissal replaces the reason and time.
    """
    now = utcnow()
    existing = _dismissal(session, person.id, kind)
    if existing is None:
        try:
            with session.begin_nested():  # dismissed at the same moment from another tablet
                session.add(
                    WarningDismissal(
                        user_id=person.id,
                        kind=kind,
                        reason=reason,
                        dismissed_by_id=actor.id,
                        dismissed_at=now,
                    )
                )
        except IntegrityError:
            existing = _dismissal(session, person.id, kind)
    if existing is not None:
        existing.reason, existing.dismissed_by_id, existing.dismissed_at = reason, actor.id, now
    audit.record(session, actor, DISMISSED, person, f"{kind}: {reason}")


def _dismissal(session: Session, user_id: int, kind: str) -> WarningDismissal | None:
    return session.scalars(
        select(WarningDismissal).where(
            WarningDismissal.user_id == user_id, WarningDismissal.kind == kind
        )
    ).first()


def dismissals_of(session: Session, person: User) -> list[tuple[WarningDismissal, str | None]]:
    """The warnings put aside about this person, newest first, with who put them aside."""
    rows = session.execute(
        select(WarningDismissal, User.display_name)
        .outerjoin(User, User.id == WarningDismissal.dismissed_by_id)
        .where(WarningDismissal.user_id == person.id)
        .order_by(WarningDismissal.dismissed_at.desc())
    )
    return [(dismissal, name) for dismissal, name in rows]
