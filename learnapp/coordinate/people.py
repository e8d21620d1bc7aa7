"""The accounts of a coordinator's centres: searched, filtered and paged in SQL.

Every query starts from the centres (a handful of ids) and draws one page: its cost follows the
page, not the size of the centre. Names of the current mentors and sign-in pauses are looked up
once per page, for the (at most PAGE_SIZE) people on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from learnapp.access import LEARNER, MENTOR, in_centres
from learnapp.auth import throttle
from learnapp.models import Pairing, TandemSession, User
from learnapp.models.base import utcnow
from learnapp.whole_numbers import whole_number

PAGE_SIZE = 50
ROLES = (LEARNER, MENTOR)
STATES = ("active", "deactivated", "locked")
MAX_TEXT = 80


@dataclass(frozen=True)
class AccountFilter:
    """What the coordinator asked for, read from the query string (unknown values ignored)."""

    text: str = ""
    role: str = ""
    state: str = ""
    without_mentor: bool = False
    quiet_days: int | None = None  # no tandem session held for this many days
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AccountFilter:
        quiet = whole_number(args.get("quiet_days"))
        return cls(
            text=search_text(args.get("q")),
            role=args.get("role", "") if args.get("role") in ROLES else "",
            state=args.get("state", "") if args.get("state") in STATES else "",
            without_mentor=args.get("without_mentor") == "1",
            quiet_days=quiet if quiet is not None and 1 <= quiet <= 3650 else None,
            page=max(1, whole_number(args.get("page")) or 1),
        )

    def query_args(self, **changes: Any) -> dict[str, str]:
        """The query string of this filter (with changes): what the page links keep."""
        wanted = replace(self, **changes)
        args = {
            "q": wanted.text,
            "role": wanted.role,
            "state": wanted.state,
            "without_mentor": "1" if wanted.without_mentor else "",
            "quiet_days": str(wanted.quiet_days or ""),
            "page": str(wanted.page) if wanted.page > 1 else "",
        }
        return {name: value for name, value in args.items() if value}

    @property
    def narrowed(self) -> bool:
        return bool(self.query_args(page=1))


@dataclass(frozen=True)
class AccountRow:
    user: User
    mentor_name: str | None
    locked: bool


@dataclass
class AccountPage:
    rows: list[AccountRow]
    total: int
    page: int
    pages: int
    wanted: AccountFilter = field(default_factory=AccountFilter)


def search_text(value: str | None) -> str:
    """The search text as the pages keep it: spaces collapsed, at most MAX_TEXT characters."""
    return " ".join((value or "").split())[:MAX_TEXT]


def name_matches(text: str) -> ColumnElement[bool]:
    """The person's name or username contains the text, whatever the case (% and _ are
    plain characters here)."""
    needle = text.lower()
    return or_(
        func.lower(User.display_name).contains(needle, autoescape=True),
        func.lower(User.username).contains(needle, autoescape=True),
    )


def _filtered(centre_ids: list[int] | None, wanted: AccountFilter, locked: set[str]) -> Select:
    conditions: list[ColumnElement[bool]] = [
        in_centres(User.centre_id, centre_ids),
        User.role.in_(ROLES),
        User.deleted_at.is_(None),
    ]
    if wanted.text:
        conditions.append(name_matches(wanted.text))
    if wanted.role:
        conditions.append(User.role == wanted.role)
    if wanted.state == "active":
        conditions.append(User.active.is_(True))
    elif wanted.state == "deactivated":
        conditions.append(User.active.is_(False))
    elif wanted.state == "locked":
        conditions.append(User.username.in_(sorted(locked)))  # the few paused right now
    if wanted.without_mentor:
        paired = select(Pairing.id).where(Pairing.learner_id == User.id, Pairing.ended_at.is_(None))
        conditions.extend([User.role == LEARNER, ~paired.exists()])
    if wanted.quiet_days is not None:
        since = utcnow() - timedelta(days=wanted.quiet_days)
        held = select(TandemSession.id).where(
            or_(TandemSession.learner_id == User.id, TandemSession.mentor_id == User.id),
            TandemSession.took_place.is_(True),
            TandemSession.starts_at >= since,
        )
        conditions.append(~held.exists())
    return select(User).where(and_(*conditions))


def find_accounts(
    session: Session, centre_ids: list[int] | None, wanted: AccountFilter
) -> AccountPage:
    """One page of the accounts that match: a count, the page, its mentors, its pauses.
    `centre_ids` None: every centre."""
    if centre_ids is not None and not centre_ids:
        return AccountPage([], 0, 1, 1, wanted)
    locked = throttle.locked_usernames() if wanted.state == "locked" else set()
    statement = _filtered(centre_ids, wanted, locked)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(wanted.page, pages)
    people = list(
        session.scalars(
            statement.order_by(User.role, User.display_name, User.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    mentors = current_mentor_names(session, [p.id for p in people if p.role == LEARNER])
    paused = throttle.locked_among([p.username for p in people])
    rows = [AccountRow(p, mentors.get(p.id), p.username in paused) for p in people]
    return AccountPage(rows, total, page, pages, replace(wanted, page=page))


def current_mentor_names(session: Session, learner_ids: list[int]) -> dict[int, str]:
    """learner id -> the display name of her current mentor, for one page of learners."""
    if not learner_ids:
        return {}
    mentor = aliased(User)
    rows = session.execute(
        select(Pairing.learner_id, mentor.display_name)
        .join(mentor, mentor.id == Pairing.mentor_id)
        .where(Pairing.learner_id.in_(learner_ids), Pairing.ended_at.is_(None))
    )
    return {learner_id: name for learner_id, name in rows}
