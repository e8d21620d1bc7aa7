"""Account changes that mentors and coordinators both make go through accounts.py, audited.

Unlocking a paused sign-in was written twice (mentor and coordinator views) and audited by
each view on its own; now both call accounts.unlock.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from learnapp import audit
from learnapp.auth.throttle import get_throttle, is_locked
from learnapp.db import get_session
from learnapp.models import AuditEntry


def lock_out(app: Flask, username: str) -> None:
    with app.test_request_context():
        for _ in range(20):
            get_throttle().record_failure(username, "192.0.2.1")
        assert is_locked(username)


@pytest.mark.parametrize(
    ("staff", "path"),
    [
        ("mentora", "/mentor/learners/{id}/unlock"),
        ("coorda", "/coordinate/accounts/{id}/unlock"),
    ],
)
def test_unlocking_lifts_the_pause_and_is_audited(app, world, auth, staff, path):
    lock_out(app, "learnera")
    auth.login(staff)
    response = auth.post(path.format(id=world.learner_a))
    assert response.status_code == 302
    with app.test_request_context():
        assert not is_locked("learnera")
        entries = get_session().scalars(
            select(AuditEntry).where(AuditEntry.action == audit.UNLOCKED)
        )
        assert [(e.subject_id, e.actor_id is not None) for e in entries] == [
            (world.learner_a, True)
        ]
