"""Account operations shared by mentors, coordinators and admins; each one is audited."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnapp import audit
from learnapp.auth import throttle
from learnapp.models import User

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# Easy to read aloud and to type on a tablet; long enough to be safe for a first sign-in.
_WORDS = (
    "Apfel",
    "Birne",
    "Blume",
    "Boot",
    "Brot",
    "Garten",
    "Himmel",
    "Kaffee",
    "Katze",
    "Kuchen",
    "Leuchte",
    "Mond",
    "Rose",
    "Sonne",
    "Stern",
    "Tanne",
    "Vogel",
    "Wolke",
)


def temporary_password() -> str:
    """Two words and a number, e.g. "Sonne-Garten-47"."""
    first, second = secrets.choice(_WORDS), secrets.choice(_WORDS)
    return f"{first}-{second}-{secrets.randbelow(90) + 10}"


def set_temporary_password(session: Session, actor: User, user: User) -> str:
    """Give a user a new password they must change at the next sign-in; old sessions end."""
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.session_version += 1
    audit.record(session, actor, audit.PASSWORD_RESET, user)
    return password


def set_active(session: Session, actor: User, user: User, active: bool) -> None:
    if user.active == active:
        return
    user.active = active
    if not active:
        user.session_version += 1  # signs the person out everywhere
    audit.record(session, actor, audit.REACTIVATED if active else audit.DEACTIVATED, user)


def set_preferences(
    user: User, *, text_size: int, contrast: str, locale: str, speech_rate: int | None
) -> None:
    """How pages look and sound for this person, on every tablet (their own choice: no audit)."""
    user.text_size = text_size
    user.contrast = contrast
    user.locale = locale
    if speech_rate is not None:  # not offered on every page: None keeps the current one
        user.speech_rate = speech_rate


def unlock(session: Session, actor: User, user: User) -> None:
    """Lift the sign-in pause after too many wrong passwords (the pause is kept by the throttle)."""
    throttle.unlock(user.username)
    audit.record(session, actor, audit.UNLOCKED, user)


def sign_in_paused(user: User) -> bool:
    """Too many wrong passwords: signing in with this name waits until someone unlocks it."""
    return throttle.is_locked(user.username)


def suggest_username(session: Session, display_name: str) -> str:
    """A free username from a display name: "Erika Meyer" -> "erika.meyer" (or with a number)."""
    base = display_name.lower().translate(UMLAUTS)
    base = re.sub(r"[^a-z0-9]+", ".", base).strip(".")[:30] or "user"
    taken = set(
        session.scalars(select(func.lower(User.username)).where(User.username.like(f"{base}%")))
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"
