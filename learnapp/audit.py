"""The audit log: who looked at or changed which person's data."""

from __future__ import annotations

from sqlalchemy.orm import Session

from learnapp.db import side_write
from learnapp.models import AuditEntry, User

VIEWED = "viewed"
EXPORTED = "exported"
CHANGED = "changed"
PASSWORD_RESET = "password-reset"
DEACTIVATED = "deactivated"
REACTIVATED = "reactivated"
CREATED = "created"
DELETED = "deleted"
PAIRED = "paired"
UNPAIRED = "unpaired"
UNLOCKED = "unlocked"


def record(
    session: Session, actor: User | None, action: str, subject: User | None = None, detail: str = ""
) -> None:
    """Add an entry; it is committed with the change it describes."""
    session.add(
        AuditEntry(
            actor_id=actor.id if actor else None,
            subject_id=subject.id if subject else None,
            action=action,
            detail=detail[:300],
        )
    )


def record_view(session: Session, actor: User, subject: User, detail: str) -> None:
    """A page showed this person's data: a declared side write of a GET."""
    side_write(session, "viewed")
    record(session, actor, VIEWED, subject, detail)


def record_export(session: Session, actor: User, subject: User) -> None:
    """This person's data left the system as a download: a declared side write of a GET."""
    side_write(session, "exported")
    record(session, actor, EXPORTED, subject)
