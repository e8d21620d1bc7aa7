"""The audit log: who looked at or changed which person's data."""

from __future__ import annotations

from sqlalchemy.orm import Session

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
