"""What keeps one learner's presses from flooding the app: counted in the database.

Counting rows in the database (not in a process's memory) makes a limit hold however many
workers or servers share the work. While counting, the learner's own account row is locked
(`SELECT ... FOR UPDATE` on PostgreSQL), so two presses at the same moment are counted one
after the other instead of both seeing room for one more.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnapp.models import User
from learnapp.models.base import utcnow


class LimitReached(Exception):
    """A press the learner may not make now; the message says why, kindly, in her language."""


def now() -> datetime:
    """The one clock of the learner's limits (naive UTC, like every stored time)."""
    return utcnow()


def setting(name: str) -> int:
    """A limit from the configuration (see config.py)."""
    return int(current_app.config[name])


def lock_learner(session: Session, learner: User) -> None:
    """Hold the learner's row until the transaction ends; no-op where rows cannot be locked.

    FOR NO KEY UPDATE: two presses still wait for each other, yet rows that refer to her (a
    form key, an answer) can be inserted meanwhile. A plain FOR UPDATE would wait for those
    inserts' key locks, and two presses that each inserted one first deadlock.
    """
    session.execute(select(User.id).where(User.id == learner.id).with_for_update(key_share=True))
