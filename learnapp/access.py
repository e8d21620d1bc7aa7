"""Who may see what: role constants and access rules, decided here and nowhere else."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

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
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


# Every signed-in role may read the courses: mentors and coordinators prepare sessions with them.
can_read_courses = roles_required(*ROLES)
