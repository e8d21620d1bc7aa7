"""A session's absolute lifetime and the staff's shorter idle timeout, at N-1, N and N+1."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from werkzeug.test import TestResponse

from learnapp.access import ADMIN, COORDINATOR, LEARNER, MENTOR
from learnapp.auth import sessions
from learnapp.config import DefaultConfig
from tests.helpers import Auth

MINUTE = 60
HOUR = 60 * MINUTE
EDGES = [
    pytest.param(-1, False, id="a second before"),
    pytest.param(0, False, id="exactly then"),
    pytest.param(1, True, id="a second after"),
]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    clock = SimpleNamespace(now=float(int(time.time())))
    monkeypatch.setattr(sessions, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


def _signed_out(response: TestResponse) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_defaults():
    assert DefaultConfig.SESSION_MAX_HOURS == 12
    assert DefaultConfig.STAFF_IDLE_TIMEOUT_MINUTES == 30
    assert DefaultConfig.IDLE_TIMEOUT_MINUTES == 180


@pytest.mark.parametrize("hours", [pytest.param(None, id="default"), pytest.param(2, id="2 h")])
@pytest.mark.parametrize(("offset", "signed_out"), EDGES)
def test_a_busy_session_ends_after_its_lifetime(
    app, client, learner, clock, hours, offset, signed_out
):
    if hours is not None:
        app.config["SESSION_MAX_HOURS"] = hours
    lifetime = app.config["SESSION_MAX_HOURS"] * HOUR
    assert Auth(client).login("erika").status_code == 302
    signed_in_at = clock.now
    while clock.now + 20 * MINUTE < signed_in_at + lifetime:  # a click every 20 minutes
        clock.now += 20 * MINUTE
        assert client.get("/courses/alpha").status_code == 200
    clock.now = signed_in_at + lifetime + offset
    response = client.get("/courses/alpha?lang=en")
    assert _signed_out(response) is signed_out
    if signed_out:
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "we sign everyone out after a few hours" in page


def test_a_lifetime_of_zero_never_ends_a_busy_session(app, client, learner, clock):
    app.config["SESSION_MAX_HOURS"] = 0
    Auth(client).login("erika")
    for _ in range(100):
        clock.now += 2 * HOUR
        assert client.get("/courses/alpha").status_code == 200


@pytest.mark.parametrize("role", [MENTOR, COORDINATOR, ADMIN])
@pytest.mark.parametrize(("offset", "signed_out"), EDGES)
def test_staff_are_signed_out_sooner_when_idle(
    app, client, make_user, clock, role, offset, signed_out
):
    app.config["STAFF_IDLE_TIMEOUT_MINUTES"] = 20
    make_user(role=role, username="staff")
    assert Auth(client).login("staff").status_code == 302
    clock.now += 20 * MINUTE + offset
    assert _signed_out(client.get("/courses/alpha")) is signed_out


@pytest.mark.parametrize(("offset", "signed_out"), EDGES)
def test_learners_keep_the_longer_idle_timeout(app, client, make_user, clock, offset, signed_out):
    app.config["STAFF_IDLE_TIMEOUT_MINUTES"] = 20
    make_user(role=LEARNER, username="lena")
    assert Auth(client).login("lena").status_code == 302
    clock.now += 20 * MINUTE + 1
    assert client.get("/courses/alpha").status_code == 200  # past the staff's timeout: fine
    clock.now += app.config["IDLE_TIMEOUT_MINUTES"] * MINUTE + offset
    assert _signed_out(client.get("/courses/alpha")) is signed_out
