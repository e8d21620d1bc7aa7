"""Fixtures of the boundary tests: their own courses, a coordinator, a stopped clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from learnapp.access import COORDINATOR
from learnapp.db import get_session
from learnapp.models import CoordinatorCentre
from tests.boundaries.support import CONTENT, FROZEN_AT, Frozen
from tests.helpers import Auth


@pytest.fixture
def content_dir() -> Path:
    """Two courses of different length and one without lessons (see content/)."""
    return CONTENT


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Frozen:
    """Stop the clock the early warnings read, so "exactly N days" means exactly that."""
    clock = Frozen(FROZEN_AT)
    monkeypatch.setattr("learnapp.coordinate.reports.utcnow", lambda: clock.utc)
    monkeypatch.setattr("learnapp.coordinate.warnings.utcnow", lambda: clock.utc)
    return clock


@pytest.fixture
def staff(app: Flask, make_user, centre) -> FlaskClient:  # type: ignore[no-untyped-def]
    """A second client, signed in as the coordinator of the test centre."""
    coordinator = make_user(role=COORDINATOR, username="coordinator", display_name="Cora Koord")
    with app.app_context():
        session = get_session()
        session.add(CoordinatorCentre(coordinator_id=coordinator.id, centre_id=centre.id))
        session.commit()
    client = app.test_client()
    assert Auth(client).login("coordinator").status_code == 302
    return client
