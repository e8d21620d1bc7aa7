"""Coordination: accounts and pairings of a centre, with the rules that keep them consistent."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from learnapp import accounts, audit
from learnapp.access import LEARNER, MENTOR, coordinated_centre_ids
from learnapp.auth import throttle
from learnapp.content.library import Library
from learnapp.mentor.services import learner_detail
from learnapp.models import (
    Centre,
    HelpRequest,
    Pairing,
    QuizAttempt,
    ScenarioRun,
    TandemSession,
    User,
)
from learnapp.models.base import utcnow


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
    if current is not None:
        if current.mentor_id == mentor.id:
            raise PairingRefused(_("These two are already paired."))
        current.ended_at = utcnow()
        session.flush()
    pairing = Pairing(mentor_id=mentor.id, learner_id=learner.id)
    try:
        with session.begin_nested():
            session.add(pairing)
    except IntegrityError as error:  # someone paired the learner at the same moment
        raise PairingRefused(_("This learner was just paired by someone else.")) from error
    audit.record(session, actor, audit.PAIRED, learner, f"mentor {mentor.id}")
    return pairing


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
    session.add(user)
    session.flush()
    audit.record(session, actor, audit.CREATED, user, role)
    return user, password


def export_learner(session: Session, learner: User, library: Library) -> dict[str, Any]:
    """Everything stored about a learner, as plain data for a JSON download.

    People and centres named in her data (mentors, who answered her calls for help, where
    she met) appear by name. They are loaded in bulk: the number of queries does not grow
    with her data.
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
    people_ids: set[int | None] = {t.mentor_id for t in detail.sessions}
    people_ids |= {h.handled_by_id for h in detail.help_requests}
    people = _names(session, User, people_ids)
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
            "preferences": {
                "language": learner.locale,
                "text_size": learner.text_size,
                "contrast": learner.contrast,
                "speech_rate": learner.speech_rate,
            },
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
                "message": h.message,
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


# Her choices of how pages look and sound; deleting returns them to the column defaults.
PREFERENCES = ("text_size", "contrast", "speech_rate")


def _column_default(model: type, name: str) -> Any:
    """The plain value a column gets when a row is made without it (User.text_size: 100)."""
    default: Any = sa_inspect(model).columns[name].default
    if default is None or not default.is_scalar:
        raise RuntimeError(f"{model.__name__}.{name} has no plain default to reset to")
    return default.arg


def delete_learner(session: Session, actor: User, learner: User) -> None:
    """Erase a learner's personal data; anonymous counts (lessons done, sessions held) remain."""
    # The sign-in throttle counts failures under her username (in the database too, with
    # database://): forget them while the name is still known. First, before this session
    # writes anything, so a store in the same SQLite file is not kept waiting for its lock.
    throttle.unlock(learner.username)
    learner.display_name = "—"
    learner.username = f"deleted-{learner.id}-{secrets.token_hex(4)}"
    learner.set_password(secrets.token_urlsafe(24))
    learner.active = False
    learner.session_version += 1
    learner.locale = None
    for name in PREFERENCES:
        setattr(learner, name, _column_default(User, name))
    learner.last_active_at = None
    learner.deleted_at = utcnow()
    session.execute(delete(QuizAttempt).where(QuizAttempt.user_id == learner.id))
    session.execute(delete(ScenarioRun).where(ScenarioRun.user_id == learner.id))
    session.execute(delete(HelpRequest).where(HelpRequest.learner_id == learner.id))
    session.execute(
        update(TandemSession)
        .where(TandemSession.learner_id == learner.id)
        .values(notes="", next_steps="", agenda="", notes_shared=False)
    )
    session.execute(
        update(Pairing)
        .where(Pairing.learner_id == learner.id, Pairing.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    audit.record(session, actor, audit.DELETED, learner)
