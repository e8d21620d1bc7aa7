"""Checking credentials and finding the user behind a session cookie."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from learnapp.models import User

# Checked when the username is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalise_username(raw: str) -> str:
    return raw.strip().lower()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, else None (no hint which part was wrong)."""
    user = session.scalars(
        select(User).where(func.lower(User.username) == normalise_username(username))
    ).first()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def load_user(session: Session, cookie_id: str) -> User | None:
    """The user of a session cookie, if the cookie's session version is still current."""
    user_id, _, version = cookie_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
