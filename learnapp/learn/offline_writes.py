"""Presses made on the tablet without a connection, sent later by the service worker.

The worker queues "Done" and self-check answers while offline and sends the same forms when the
connection is back, with `offline_at`: when the learner pressed. That time is kept (within
limits: not in the future, not older than OFFLINE_DAYS). A retry never counts twice: "Done"
twice is "Done" once, and a self-check submission is stored once per submission id (a unique
key in the database). Where the lesson changed meanwhile, the learner's press wins and the
conflict is logged (see `accepted_conflict`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask import request

from learnapp.models.base import utcnow

FIELD = "offline_at"
OFFLINE_DAYS = 30  # a tablet left offline longer than this: the press counts from today
log = logging.getLogger(__name__)


def pressed_at() -> datetime | None:
    """When an offline press happened (naive UTC), or None for a press made online."""
    text = request.form.get(FIELD, "")
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    moment = moment.astimezone(UTC).replace(tzinfo=None)
    now = utcnow()
    if moment > now or moment < now - timedelta(days=OFFLINE_DAYS):
        return now
    return moment


def accepted_conflict(user_id: int, lesson_id: str, what: str) -> None:
    """The lesson changed while the tablet was offline; the learner's press counts anyway."""
    log.warning(
        "offline press accepted despite a changed lesson: user=%s lesson=%s %s",
        user_id,
        lesson_id,
        what,
    )
