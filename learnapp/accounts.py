"""Account operations shared by mentors, coordinators and admins; each one is audited."""

from __future__ import annotations

import itertools
import re
import secrets
import unicodedata
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnapp import audit
from learnapp.auth import throttle
from learnapp.models import User
from learnapp.models.base import utcnow

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# Temporary passwords: lower-case letters and digits without the look-alikes 0/o, 1/l (and no
# capitals, so I never appears): 32 signs, 5 bits each. Three groups of four, "kxmd-7pqa-r4tw",
# make 60 bits, typed on a tablet's keyboard without the shift key.
TEMPORARY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
TEMPORARY_GROUPS = 3
TEMPORARY_GROUP_LENGTH = 4
# Usernames: first name + digits without 0 and 1 (see suggest_username).
USERNAME_DIGITS = "23456789"
USERNAME_BASE_LENGTH = 12


def temporary_password() -> str:
    """Random, e.g. "kxmd-7pqa-r4tw": 60 bits, nothing to mix up when reading it aloud."""
    return "-".join(
        "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_GROUP_LENGTH))
        for _ in range(TEMPORARY_GROUPS)
    )


def give_temporary_password(user: User) -> str:
    """A new temporary password for `user`: it works once, and only until it expires.

    The person must choose their own password right after signing in with it (see
    auth.services.note_sign_in); TEMPORARY_PASSWORD_DAYS says how long it waits to be used.
    """
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    days = int(current_app.config["TEMPORARY_PASSWORD_DAYS"])
    user.password_expires_at = utcnow() + timedelta(days=days)
    return password


def set_temporary_password(session: Session, actor: User, user: User) -> str:
    """Give a user a new password they must change at the next sign-in; old sessions end."""
    password = give_temporary_password(user)
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


def username_base(display_name: str) -> str:
    """The first name, lower-case ASCII: "Jürgen Weiß" -> "juergen", "Zoë-Anne" -> "zoeanne"."""
    first = (display_name.split() or ["user"])[0].lower().translate(UMLAUTS)
    folded = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z]+", "", folded)[:USERNAME_BASE_LENGTH] or "user"


def suggest_username(session: Session, display_name: str) -> str:
    """A free username: the first name and two digits, "Erika Meyer" -> "erika47".

    The digits come from 2-9 only, so a 1 is never read as l or I and a 0 never as O; the name
    part has no digits, so any l or o in it is a letter. Three digits once all 64 pairs of a
    name are taken. Whether it is still free when stored is for the unique key to decide.
    """
    base = username_base(display_name)
    taken = set(
        session.scalars(select(func.lower(User.username)).where(User.username.like(f"{base}%")))
    )
    for length in (2, 3, 4):
        free = [
            name
            for digits in itertools.product(USERNAME_DIGITS, repeat=length)
            if (name := base + "".join(digits)) not in taken
        ]
        if free:
            return secrets.choice(free)
    raise RuntimeError(f"no username left for {base!r}")  # 4,000+ people of one first name
