"""The admin's changes: centres, coordinator accounts and which centres they coordinate."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnapp import accounts, audit
from learnapp.access import COORDINATOR
from learnapp.models import Centre, CoordinatorCentre, User


class UsernameTaken(Exception):
    """The wanted username belongs to someone already."""


def create_centre(session: Session, name: str, town: str) -> Centre:
    centre = Centre(name=name.strip(), town=town.strip())
    session.add(centre)
    return centre


def create_coordinator(
    session: Session, actor: User, display_name: str, username: str | None, centre_id: int
) -> tuple[User, str]:
    """A coordinator of one centre, with a temporary password to change at the first sign-in."""
    username = username or accounts.suggest_username(session, display_name)
    if session.scalars(select(User.id).where(User.username == username)).first():
        raise UsernameTaken(username)
    user = User(
        username=username,
        display_name=display_name.strip(),
        role=COORDINATOR,
        centre_id=centre_id,
    )
    password = accounts.give_temporary_password(user)
    session.add(user)
    session.flush()
    session.add(CoordinatorCentre(coordinator_id=user.id, centre_id=centre_id))
    audit.record(session, actor, audit.CREATED, user, COORDINATOR)
    return user, password


def assign_centre(session: Session, coordinator_id: int, centre_id: int) -> None:
    """Let a coordinator coordinate one more centre (again: no change)."""
    if session.get(CoordinatorCentre, (coordinator_id, centre_id)) is None:
        session.add(CoordinatorCentre(coordinator_id=coordinator_id, centre_id=centre_id))


def unassign_centre(session: Session, link: CoordinatorCentre) -> None:
    session.delete(link)
