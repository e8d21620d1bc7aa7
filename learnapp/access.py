"""Who may see what: role constants and access rules, decided here and nowhere else."""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from learnapp.models import CoordinatorCentre, Pairing, TandemSession, User

LEARNER = "learner"
MENTOR = "mentor"
COORDINATOR = "coordinator"
ADMIN = "admin"
ROLES = (LEARNER, MENTOR, COORDINATOR, ADMIN)

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: str) -> Callable[[F], F]:
    """Signed-in users with one of `roles` pass; others get 403, anonymous users the sign-in."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require_role(roles)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def require_role(roles: tuple[str, ...]) -> None:
    """403 unless the signed-in person has one of `roles`.

    A function of its own, run at each request: what `roles_required` itself does runs once,
    when the views are defined.
    """
    if current_user.role not in roles:
        abort(403)


def signed_in() -> User:
    """The signed-in person as a model object (not Flask-Login's proxy), for the services."""
    user = current_user._get_current_object()
    if not isinstance(user, User):
        abort(401)  # only reached by a view that forgot its roles_required
    return user


# Every signed-in role may read the courses: mentors and coordinators prepare sessions with them.
can_read_courses = roles_required(*ROLES)


def visitors_welcomed(welcome: Callable[[], Any]) -> Callable[[F], F]:
    """Signed-in roles as `can_read_courses`; a visitor who is not signed in gets `welcome`
    (a page that greets and explains) instead of being sent to the sign-in with a warning."""

    def decorator(view: F) -> F:
        guarded = can_read_courses(view)

        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return welcome()
            return guarded(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


# --- Object rules: every id in a URL is checked here against the pairing or the centre. ---


def in_centres(column: Any, centre_ids: Collection[int] | None) -> ColumnElement[bool]:
    """`column` (a centre id) is one of these centres; None: any centre (the admin's view,
    which needs no list of every centre's id in its queries)."""
    return column.is_not(None) if centre_ids is None else column.in_(centre_ids)


def coordinated_centre_ids(session: Session, user: User) -> set[int] | None:
    """Centres a coordinator works for; None means every centre (admin)."""
    if user.role == ADMIN:
        return None
    if user.role != COORDINATOR:
        return set()
    return set(
        session.scalars(
            select(CoordinatorCentre.centre_id).where(CoordinatorCentre.coordinator_id == user.id)
        )
    )


def paired_learner_ids(session: Session, mentor: User) -> set[int]:
    """Learners a mentor is actively paired with."""
    return set(
        session.scalars(
            select(Pairing.learner_id).where(
                Pairing.mentor_id == mentor.id, Pairing.ended_at.is_(None)
            )
        )
    )


def can_see_learner(session: Session, viewer: User, learner: User) -> bool:
    """Learners see themselves; mentors their paired learners; coordinators their centres."""
    if learner.role != LEARNER or learner.deleted_at is not None:
        return False
    if viewer.role == ADMIN or viewer.id == learner.id:
        return True
    if viewer.role == MENTOR:
        return learner.id in paired_learner_ids(session, viewer)
    if viewer.role == COORDINATOR:
        centres = coordinated_centre_ids(session, viewer)
        return centres is not None and learner.centre_id in centres
    return False


def can_manage_account(session: Session, viewer: User, account: User) -> bool:
    """Coordinators manage learners and mentors of their centres; admins manage everyone.

    Nobody manages a deleted account: it stays only as an anonymous row for the reports.
    """
    if account.deleted_at is not None:
        return False
    if viewer.role == ADMIN:
        return True
    if viewer.role != COORDINATOR or account.role not in (LEARNER, MENTOR):
        return False
    centres = coordinated_centre_ids(session, viewer)
    return centres is not None and account.centre_id in centres


def learner_or_404(session: Session, viewer: User, learner_id: int) -> User:
    """The learner behind an id, if this viewer may see them; otherwise "not found"."""
    learner = session.get(User, learner_id)
    if learner is None or not can_see_learner(session, viewer, learner):
        abort(404)
    return learner


def account_or_404(session: Session, viewer: User, user_id: int) -> User:
    """An account this viewer manages. A deleted one is "not found" here in its own right, so
    no account action (reactivate, new password, unlock) can ever bring it back to life."""
    account = session.get(User, user_id)
    if account is None or account.deleted_at is not None:
        abort(404)
    if not can_manage_account(session, viewer, account):
        abort(404)
    return account


def may_open_tandem(viewer: User, tandem: TandemSession) -> bool:
    """Of a learner's sessions, a mentor opens only her own (not a former mentor's notes)."""
    return viewer.role != MENTOR or tandem.mentor_id == viewer.id


def tandem_session_or_404(session: Session, viewer: User, tandem_id: int) -> TandemSession:
    """A tandem session: its mentor (while paired), its centre's coordinators, admins."""
    tandem = session.get(TandemSession, tandem_id)
    if tandem is None:
        abort(404)
    if not may_open_tandem(viewer, tandem):
        abort(404)
    if viewer.role == LEARNER or not can_see_learner(session, viewer, tandem.learner):
        abort(404)
    return tandem
