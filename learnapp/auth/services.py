"""Checking credentials, finding the user behind a session cookie, ending sessions."""

from __future__ import annotations

import functools
import hmac
import time

import pyotp
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from learnapp.models import User, people
from learnapp.models.base import utcnow
from learnapp.whole_numbers import whole_number


@functools.cache
def _dummy_hash(method: str) -> str:
    """A hash to check when the username is unknown, so both cases take the same time.

    Made on first use, not at import: it is slow on purpose and start-up should not wait.
    """
    return generate_password_hash("not-a-real-password", method=method)


def _current_prefix() -> str:
    """ "scrypt:32768:8:1" and the like: hashes made otherwise are renewed at sign-in."""
    return _dummy_hash(people.PASSWORD_HASH_METHOD).split("$", 1)[0]


TOTP_STEP_SECONDS = 30


def normalise_username(raw: str) -> str:
    return raw.strip().lower()


class PasswordExpired(Exception):
    """The right temporary password, but too late, or used once already."""

    def __init__(self, user: User) -> None:
        super().__init__(user.username)
        self.user = user


def note_sign_in(user: User) -> None:
    """A temporary password is used up by the sign-in it allowed (the caller commits)."""
    if user.password_expires_at is not None:
        user.password_expires_at = min(user.password_expires_at, utcnow())


def in_use(user: User) -> bool:
    """Active and not deleted: a deleted account never signs in, even if it was reactivated."""
    return user.active and user.deleted_at is None


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, else None (no hint which part was wrong)."""
    user = session.scalars(
        select(User).where(func.lower(User.username) == normalise_username(username))
    ).first()
    if user is None:
        check_password_hash(_dummy_hash(people.PASSWORD_HASH_METHOD), password)
        return None
    if not user.check_password(password) or not in_use(user):
        return None
    if user.password_expires_at is not None and utcnow() >= user.password_expires_at:
        raise PasswordExpired(user)
    if not user.password_hash.startswith(_current_prefix() + "$"):
        user.set_password(password)  # the caller commits
    return user


# Every signed-in request runs this: built once (cheaper than session.get's statement each time).
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


def load_user(session: Session, cookie_id: str) -> User | None:
    """The user of a session cookie, if the cookie's session version is still current."""
    user_id, _, version = cookie_id.partition(":")
    user_number, version_number = whole_number(user_id), whole_number(version)
    if user_number is None or version_number is None:
        return None
    user = session.scalars(_USER_BY_ID, {"user_id": user_number}).first()
    if user is None or not in_use(user) or user.session_version != version_number:
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Every cookie issued to this user stops working (sign-out, new password, deactivation)."""
    user.session_version += 1


def change_password(user: User, new_password: str, must_change: bool = False) -> None:
    """Set a new password; every session of the user ends (the caller signs this one in again)."""
    user.set_password(new_password)
    user.must_change_password = must_change
    user.password_expires_at = None
    end_all_sessions(user)


# --- Second factor (TOTP, RFC 6238): six digits from an app on the phone. ---


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def totp_step(
    secret: str, code: str, after: int | None = None, now: float | None = None
) -> int | None:
    """The time step a code belongs to (one step of clock drift allowed), else None.

    A step at or before `after` was used already: a code is accepted only once.
    """
    code = "".join(ch for ch in code if ch in "0123456789")
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // TOTP_STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.at(step * TOTP_STEP_SECONDS), code):
            return step
    return None


def verify_totp(user: User, code: str) -> bool:
    """Check a code against the user's secret and remember its step (the caller commits)."""
    if not user.totp_secret:
        return False
    step = totp_step(user.totp_secret, code, after=user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True
