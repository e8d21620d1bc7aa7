"""Coordination: accounts and pairings of a centre, with the rules that keep them consistent."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Column, ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from learnapp import accounts, audit, form_keys
from learnapp.access import LEARNER, MENTOR, coordinated_centre_ids
from learnapp.auth import throttle
from learnapp.coarse_time import utc_month_start
from learnapp.content.library import Library
from learnapp.models import (
    AuditEntry,
    Centre,
    FormKey,
    HelpRequest,
    Pairing,
    Progress,
    QuizAttempt,
    ScenarioRun,
    TandemSession,
    User,
    WarningDismissal,
)
from learnapp.models.base import utcnow
from learnapp.tandems.queries import learner_detail


class PairingRefused(Exception):
    """A pairing that the rules do not allow; the message says why in plain words."""


def centres_of(session: Session, coordinator: User) -> list[Centre]:
    ids = coordinated_centre_ids(session, coordinator)
    statement = select(Centre).order_by(Centre.name)
    if ids is not None:
        statement = statement.where(Centre.id.in_(ids))
    return list(session.scalars(statement))


def accounts_of(session: Session, centre_ids: list[int]) -> list[User]:
    """Learners and mentors of these centres."""
    if not centre_ids:
        return []
    return list(
        session.scalars(
            select(User)
            .where(User.centre_id.in_(centre_ids), User.role.in_((LEARNER, MENTOR)))
            .order_by(User.role, User.display_name)
        )
    )


def active_pairings(session: Session, centre_ids: list[int]) -> list[Pairing]:
    """Active pairings whose learner belongs to one of the centres (mentor and learner loaded)."""
    if not centre_ids:
        return []
    learner = select(User.id).where(User.centre_id.in_(centre_ids))
    return list(
        session.scalars(
            select(Pairing)
            .options(joinedload(Pairing.mentor), joinedload(Pairing.learner))
            .where(Pairing.ended_at.is_(None), Pairing.learner_id.in_(learner))
            .order_by(Pairing.started_at.desc())
        )
    )


def pair(
    session: Session, actor: User, mentor: User, learner: User, centre_ids: set[int] | None
) -> Pairing:
    """Pair a mentor with a learner, ending the learner's previous pairing (history is kept)."""
    if mentor.role != MENTOR or not mentor.active:
        raise PairingRefused(_("The chosen mentor is not an active mentor account."))
    if learner.role != LEARNER or not learner.active:
        raise PairingRefused(_("The chosen learner is not an active learner account."))
    if centre_ids is not None and (
        mentor.centre_id not in centre_ids or learner.centre_id not in centre_ids
    ):
        raise PairingRefused(_("Both people must belong to one of your centres."))
    if mentor.centre_id != learner.centre_id:
        raise PairingRefused(_("Mentor and learner must belong to the same centre."))
    current = session.scalars(
        select(Pairing).where(Pairing.learner_id == learner.id, Pairing.ended_at.is_(None))
    ).first()
    if current is not None and current.mentor_id == mentor.id:
        raise PairingRefused(_("These two are already paired."))
    try:
        # One savepoint for both steps: if the new pairing is refused, the old one goes on.
        with session.begin_nested():
            if current is not None:
                current.ended_at = utcnow()
                session.flush()
            pairing = Pairing(mentor_id=mentor.id, learner_id=learner.id)
            session.add(pairing)
    except IntegrityError as error:  # someone paired the learner at the same moment
        raise PairingRefused(_("This learner was just paired by someone else.")) from error
    audit.record(session, actor, audit.PAIRED, learner, f"mentor {mentor.id}")
    return pairing


def pair_chosen(session: Session, actor: User, mentor_id: int, learner_id: int) -> Pairing:
    """Pair the people chosen in the form, within the centres the actor coordinates."""
    mentor, learner = session.get(User, mentor_id), session.get(User, learner_id)
    if mentor is None or learner is None:
        raise PairingRefused(_("Please choose a mentor and a learner."))
    return pair(session, actor, mentor, learner, coordinated_centre_ids(session, actor))


def end_pairing(session: Session, actor: User, pairing: Pairing) -> None:
    if pairing.ended_at is None:
        pairing.ended_at = utcnow()
        audit.record(session, actor, audit.UNPAIRED, pairing.learner, f"mentor {pairing.mentor_id}")


def create_account(
    session: Session, actor: User, *, role: str, display_name: str, username: str, centre: Centre
) -> tuple[User, str]:
    """A new learner or mentor with a temporary password to change at the first sign-in."""
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        centre_id=centre.id,
    )
    password = accounts.give_temporary_password(user)
    try:
        with session.begin_nested():  # the same username chosen at the same moment elsewhere
            session.add(user)
    except IntegrityError as error:
        raise AccountRefused(
            "username", _("This username is taken. Please choose another one.")
        ) from error
    audit.record(session, actor, audit.CREATED, user, role)
    return user, password


# A made-up username can be taken between the look-up and the insert; then another is tried.
USERNAME_ATTEMPTS = 3


class AccountRefused(Exception):
    """A new account the rules do not allow; `field` is the form field the reason belongs to."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


def new_account(
    session: Session,
    actor: User,
    *,
    role: str,
    display_name: str,
    username: str | None,
    centre_id: int,
    centres: list[Centre],
) -> tuple[User, str]:
    """Create an account in one of the actor's centres; a username is made from the name if
    none is given. Refused when the centre is not the actor's or the username is taken."""
    centre = next((c for c in centres if c.id == centre_id), None)
    if centre is None:
        raise AccountRefused("centre", _("Please choose one of your centres."))
    if username:
        if session.scalars(select(User.id).where(User.username == username)).first() is not None:
            raise AccountRefused(
                "username", _("This username is taken. Please choose another one.")
            )
        return create_account(
            session,
            actor,
            role=role,
            display_name=display_name.strip(),
            username=username,
            centre=centre,
        )
    attempts_left = USERNAME_ATTEMPTS
    while True:
        try:
            return create_account(
                session,
                actor,
                role=role,
                display_name=display_name.strip(),
                username=accounts.suggest_username(session, display_name),
                centre=centre,
            )
        except AccountRefused:  # the made-up name was taken at the same moment: another one
            attempts_left -= 1
            if not attempts_left:
                raise


@dataclass(frozen=True)
class MadeAccount:
    """The account a form made; its temporary password only when made by this very request."""

    user: User
    password: str | None


def new_account_once(
    session: Session,
    actor: User,
    form_key: str | None,
    *,
    role: str,
    display_name: str,
    username: str | None,
    centre_id: int,
    centres: list[Centre],
) -> MadeAccount:
    """new_account, once per form key: the same form sent again gives the same account back.

    The password was shown to whoever got the first answer; it is stored only as a hash, so
    a repeat shows the account without it (a new one can be given from the account list).
    """
    passwords: list[str] = []

    def create() -> form_keys.Result:
        user, password = new_account(
            session,
            actor,
            role=role,
            display_name=display_name,
            username=username,
            centre_id=centre_id,
            centres=centres,
        )
        passwords.append(password)
        return form_keys.Result(form_keys.ACCOUNT, user.id, "")

    result, first = form_keys.once(session, actor, form_key, form_keys.ACCOUNT, create)
    user = session.get(User, result.created_id)
    if user is None:  # only the form's record is left (e.g. the account was removed since)
        raise form_keys.KeyRefused("the account of this form is gone")
    return MadeAccount(user, passwords[0] if first else None)


def export_learner(session: Session, learner: User, library: Library) -> dict[str, Any]:
    """Everything stored about a learner, as plain data for a JSON download (GDPR Art. 15).

    People and centres named in her data (mentors, who answered her calls for help, where
    she met, who looked at her data) appear by name. They are loaded in bulk: the number of
    queries does not grow with her data.
    """
    detail = learner_detail(session, learner, library)
    pairings = list(
        session.execute(
            select(Pairing.started_at, Pairing.ended_at, User.display_name)
            .join(User, User.id == Pairing.mentor_id)
            .where(Pairing.learner_id == learner.id)
            .order_by(Pairing.started_at.desc(), Pairing.id.desc())
        )
    )
    actor = aliased(User)
    accesses = list(
        session.execute(
            select(AuditEntry, actor.display_name, actor.role)
            .outerjoin(actor, actor.id == AuditEntry.actor_id)
            .where(or_(AuditEntry.subject_id == learner.id, AuditEntry.actor_id == learner.id))
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        )
    )
    dismisser = aliased(User)
    dismissals = list(
        session.execute(
            select(WarningDismissal, dismisser.display_name)
            .outerjoin(dismisser, dismisser.id == WarningDismissal.dismissed_by_id)
            .where(WarningDismissal.user_id == learner.id)
            .order_by(WarningDismissal.dismissed_at.desc(), WarningDismissal.id.desc())
        )
    )
    named: set[int | None] = {t.mentor_id for t in detail.sessions}
    named |= {h.handled_by_id for h in detail.help_requests}
    people = _names(session, User, named)
    centres = _names(session, Centre, {t.centre_id for t in detail.sessions})

    def when(value: datetime | None) -> str | None:
        return value.isoformat(timespec="seconds") if value else None

    return {
        "person": {
            "display_name": learner.display_name,
            "username": learner.username,
            "role": learner.role,
            "centre": learner.centre.name if learner.centre else None,
            "created_at": when(learner.created_at),
            "last_active_at": when(learner.last_active_at),
            "preferences": {key: getattr(learner, column) for key, column in PREFERENCES.items()},
        },
        "mentors": [
            {
                "mentor": name,
                "started_at": when(started_at),
                "ended_at": when(ended_at),
            }
            for started_at, ended_at, name in pairings
        ],
        "progress": [
            {
                "course": row.course_id,
                "lesson": row.lesson_id,
                "started_at": when(row.started_at),
                "completed_at": when(row.completed_at),
                "last_active_at": when(row.updated_at),
            }
            for row in detail.progress.values()
        ],
        "self_checks": [
            {
                "lesson": a.lesson_id,
                "question": a.question_id,
                "answer": a.answer,
                "correct": a.correct,
                "at": when(a.created_at),
            }
            for attempts in detail.attempts.values()
            for a in attempts
        ],
        "practice": [
            {
                "lesson": run.lesson_id,
                "started_at": when(run.started_at),
                "ended_at": when(run.ended_at),
                "outcome": run.outcome,
                "path": [c.step_id for c in detail.run_paths.get(run.id, [])] + [run.current_step],
                "choices": [
                    {
                        "step": c.step_id,
                        "choice_index": c.choice_index,
                        "next_step": c.next_step,
                        "at": when(c.created_at),
                    }
                    for c in detail.run_paths.get(run.id, [])
                ],
            }
            for run in detail.runs
        ],
        "help_requests": [
            {
                "lesson": h.lesson_id,
                "page": h.origin_path,
                "message": h.message,
                "reply": h.reply,
                "at": when(h.created_at),
                "handled_at": when(h.handled_at),
                "handled_by": people.get(h.handled_by_id),
            }
            for h in detail.help_requests
        ],
        "tandem_sessions": [
            {
                "starts_at": when(t.starts_at),
                "mentor": people.get(t.mentor_id),
                "planned_minutes": t.planned_minutes,
                "place": t.place,
                "centre": centres.get(t.centre_id),
                "took_place": t.took_place,
                "length_minutes": t.length_minutes,
                "agenda": t.agenda_ids,
                "notes": t.notes,
                "notes_shared": t.notes_shared,
                "next_steps": t.next_steps,
            }
            for t in detail.sessions
        ],
        # Early warnings about her that a coordinator put aside, with the reason given.
        "warnings_put_aside": [
            {
                "warning": dismissal.kind,
                "reason": dismissal.reason,
                "by": name,
                "at": when(dismissal.dismissed_at),
            }
            for dismissal, name in dismissals
        ],
        # Who looked at, exported or changed her data (the centre's audit log), by name and role.
        "access_log": [
            {
                "action": entry.action,
                "detail": entry.detail,
                "at": when(entry.created_at),
                "by": name,
                "by_role": role,
            }
            for entry, name, role in accesses
        ],
    }


def _names(
    session: Session, model: type[User] | type[Centre], ids: set[int | None]
) -> dict[int | None, str]:
    """The names of these people (display name) or centres, in one query."""
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    name = User.display_name if model is User else Centre.name
    rows = session.execute(select(model.id, name).where(model.id.in_(wanted)))
    return {row_id: row_name for row_id, row_name in rows}


# Her choices of how pages look and sound (export key: User column). The export shows each;
# deleting returns each to what a new account gets.
PREFERENCES = {
    "language": "locale",
    "text_size": "text_size",
    "contrast": "contrast",
    "speech_rate": "speech_rate",
}


def _column_default(model: type, name: str) -> Any:
    """The plain value a column gets when a row is made without it (User.text_size: 100)."""
    column: Column[Any] = sa_inspect(model).columns[name]
    default = column.default
    if default is None and column.nullable:
        return None
    if not isinstance(default, ScalarElementColumnDefault):
        raise RuntimeError(f"{model.__name__}.{name} has no plain default to reset to")
    return default.arg


def erase_identity(person: User) -> datetime:
    """Her name, sign-in, second factor, e-mail and preferences go; her times keep the month.

    Returns the moment of erasing, for the caller's own records.
    """
    # The sign-in throttle counts failures under her username (in the database too, with
    # database://): forget them while the name is still known. First, before this session
    # writes anything, so a store in the same SQLite file is not kept waiting for its lock.
    throttle.unlock(person.username)
    now = utcnow()
    person.display_name = "—"
    person.username = f"deleted-{person.id}-{secrets.token_hex(4)}"
    person.set_password(secrets.token_urlsafe(24))
    person.active = False
    person.session_version += 1
    person.totp_secret = None
    person.totp_last_step = None
    person.email = None
    for column in PREFERENCES.values():
        setattr(person, column, _column_default(User, column))
    person.last_active_at = None
    person.created_at = utc_month_start(person.created_at)  # "new learners" of its month
    person.updated_at = utc_month_start(now)
    person.deleted_at = utc_month_start(now)
    return now


def delete_learner(session: Session, actor: User | None, learner: User) -> None:
    """Erase a learner's personal data; anonymous counts for the monthly report remain.

    What stays tied to her (now anonymous) account row keeps only the month of each time, so
    the centre's month report is the same before and after, yet no row says when she did
    anything: her progress, her self-check results (without her answers), the tandem
    sessions that took place (without notes), her pairings (the mentor's history). Her
    practice, her help requests, the records of forms she sent and sessions that did not take
    place are deleted. The audit
    log keeps what staff did, with its link to her cut and the time coarsened too.
    """
    now = erase_identity(learner)

    session.execute(delete(ScenarioRun).where(ScenarioRun.user_id == learner.id))
    session.execute(delete(HelpRequest).where(HelpRequest.learner_id == learner.id))
    session.execute(delete(WarningDismissal).where(WarningDismissal.user_id == learner.id))
    session.execute(
        delete(TandemSession).where(
            TandemSession.learner_id == learner.id, TandemSession.took_place.is_not(True)
        )
    )
    session.execute(
        update(Pairing)
        .where(Pairing.learner_id == learner.id, Pairing.ended_at.is_(None))
        .values(ended_at=now)
    )
    coarse = utc_month_start
    _keep_by_month(
        session,
        Progress,
        Progress.user_id == learner.id,
        {"started_at": coarse, "completed_at": coarse, "updated_at": coarse},
    )
    _keep_by_month(
        session, QuizAttempt, QuizAttempt.user_id == learner.id, {"created_at": coarse}, answer=""
    )
    _fresh_submission_ids(session, learner)
    session.execute(delete(FormKey).where(FormKey.user_id == learner.id))
    _keep_by_month(
        session,
        TandemSession,
        TandemSession.learner_id == learner.id,
        {"starts_at": coarse, "created_at": coarse, "recorded_at": coarse},
        notes="",
        next_steps="",
        agenda="",
        notes_shared=False,
    )
    _keep_by_month(
        session,
        Pairing,
        Pairing.learner_id == learner.id,
        {"started_at": coarse, "ended_at": coarse},
    )
    _keep_by_month(
        session,
        AuditEntry,
        AuditEntry.subject_id == learner.id,
        {"created_at": coarse},
        subject_id=None,
    )
    _keep_by_month(
        session,
        AuditEntry,
        AuditEntry.actor_id == learner.id,
        {"created_at": coarse},
        actor_id=None,
    )
    # Who deleted an account, and when, stays exact; which account it was is not named.
    audit.record(session, actor, audit.DELETED, None, LEARNER)


def _fresh_submission_ids(session: Session, learner: User) -> None:
    """Give each of her self-check submissions a new random id.

    The old ids were in her browser's addresses (…?checked=id); new ones tie no page to her
    results. They stay distinct: the database keeps a question once per submission
    (uq_quiz_attempt_submission), and the answers of one press stay together.
    """
    old_ids = session.scalars(
        select(QuizAttempt.submission_id).where(QuizAttempt.user_id == learner.id).distinct()
    ).all()
    for old_id in old_ids:
        session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.user_id == learner.id, QuizAttempt.submission_id == old_id)
            .values(submission_id=secrets.token_hex(16))
        )


def _keep_by_month(
    session: Session,
    model: type[Progress | QuizAttempt | TandemSession | Pairing | AuditEntry],
    mine: ColumnElement[bool],
    times: dict[str, Callable[[datetime], datetime]],
    **values: Any,
) -> None:
    """Keep her rows of a table with each time made coarse and the given columns blanked."""
    columns = [getattr(model, name) for name in times]
    rows = session.execute(select(model.id, *columns).where(mine)).all()
    changes = [
        {
            "id": row[0],
            **values,
            **{
                name: None if value is None else make_coarse(value)
                for (name, make_coarse), value in zip(times.items(), row[1:], strict=True)
            },
        }
        for row in rows
    ]
    if changes:
        session.execute(update(model), changes)


@dataclass(frozen=True)
class PairingChoices:
    """Who can be paired in one centre: its mentors with their number of learners (fewest
    first), and one page of its learners without a mentor (longest waiting first)."""

    mentors: list[tuple[User, int]]
    waiting: list[User]  # at most `limit`, account made earliest first
    waiting_total: int  # how many learners without a mentor match, listed or not


def _active_people(role: str) -> tuple[ColumnElement[bool], ...]:
    return (User.role == role, User.active.is_(True), User.deleted_at.is_(None))


def _has_mentor() -> ColumnElement[bool]:
    return (
        select(Pairing.id).where(Pairing.learner_id == User.id, Pairing.ended_at.is_(None)).exists()
    )


def pairing_choices(
    session: Session, centre_id: int, *, matching: ColumnElement[bool] | None = None, limit: int
) -> PairingChoices:
    """Three queries, each bounded by the centre (and the learners by `limit`), whatever the
    size of the centre or of the programme. `matching` narrows the learners (a name search)."""
    load = (
        select(func.count(Pairing.id))
        .where(Pairing.mentor_id == User.id, Pairing.ended_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )
    mentors = [
        (mentor, count)
        for mentor, count in session.execute(
            select(User, load)
            .where(User.centre_id == centre_id, *_active_people(MENTOR))
            .order_by(load, User.display_name, User.id)
        )
    ]
    waiting = [User.centre_id == centre_id, *_active_people(LEARNER), ~_has_mentor()]
    if matching is not None:
        waiting.append(matching)
    total = session.scalar(select(func.count(User.id)).where(*waiting)) or 0
    learners = list(
        session.scalars(
            select(User).where(*waiting).order_by(User.created_at, User.id).limit(limit)
        )
    )
    return PairingChoices(mentors, learners, total)


def pairable_learner(
    session: Session, learner_id: int | None, centre_ids: set[int] | None
) -> tuple[User, str | None] | None:
    """An active learner of one of these centres (None: every centre) and her current mentor's
    name, or None: the learner chosen in the address or posted. One query."""
    if learner_id is None:
        return None
    mentor = aliased(User)
    row = session.execute(
        select(User, mentor.display_name)
        .outerjoin(Pairing, and_(Pairing.learner_id == User.id, Pairing.ended_at.is_(None)))
        .outerjoin(mentor, mentor.id == Pairing.mentor_id)
        .where(User.id == learner_id, *_active_people(LEARNER))
    ).first()
    if row is None:
        return None
    learner, mentor_name = row
    if learner.centre_id is None or (
        centre_ids is not None and learner.centre_id not in centre_ids
    ):
        return None
    return learner, mentor_name


def current_pairing(session: Session, learner: User) -> Pairing | None:
    """The learner's active pairing (with her mentor), if she has one."""
    return session.scalars(
        select(Pairing)
        .options(joinedload(Pairing.mentor))
        .where(Pairing.learner_id == learner.id, Pairing.ended_at.is_(None))
    ).first()


def active_pairings_page(
    session: Session, centre_ids: list[int], page: int, page_size: int
) -> tuple[list[Pairing], int]:
    """One page of the active pairings of the centres (newest first), and how many there are."""
    if not centre_ids:
        return [], 0
    in_centres = Pairing.learner_id.in_(select(User.id).where(User.centre_id.in_(centre_ids)))
    active = (Pairing.ended_at.is_(None), in_centres)
    total = session.scalar(select(func.count(Pairing.id)).where(*active)) or 0
    rows = list(
        session.scalars(
            select(Pairing)
            .options(joinedload(Pairing.mentor), joinedload(Pairing.learner))
            .where(*active)
            .order_by(Pairing.started_at.desc(), Pairing.id.desc())
            .limit(page_size)
            .offset((max(1, page) - 1) * page_size)
        )
    )
    return rows, total


def learners_of_mentor(session: Session, mentor: User) -> list[User]:
    """The mentor's current learners, by name."""
    return list(
        session.scalars(
            select(User)
            .join(Pairing, Pairing.learner_id == User.id)
            .where(Pairing.mentor_id == mentor.id, Pairing.ended_at.is_(None))
            .order_by(User.display_name)
        )
    )
