"""The idle sign-out at N-1, N and N+1 minutes, and the numbers' defaults in one place."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from learnapp.auth import sessions, throttle
from learnapp.config import DefaultConfig
from learnapp.progress_rules import STUCK_AFTER_FAILED_CHECKS

MINUTE = 60


@pytest.mark.parametrize(
    "timeout",
    [pytest.param(30, id="configured 30 minutes"), pytest.param(None, id="the default")],
)
@pytest.mark.parametrize(
    ("idle", "signed_out"),
    [
        pytest.param(-MINUTE, False, id="N-1 minutes"),
        pytest.param(0, False, id="exactly N minutes"),
        pytest.param(MINUTE, True, id="N+1 minutes"),
    ],
)
def test_idle_tablet_is_signed_out_after_the_timeout(
    app, client, auth, learner, monkeypatch, timeout, idle, signed_out
):
    if timeout is not None:
        app.config["IDLE_TIMEOUT_MINUTES"] = timeout
    minutes = app.config["IDLE_TIMEOUT_MINUTES"]
    clock = SimpleNamespace(now=float(int(time.time())))
    monkeypatch.setattr(sessions, "time", SimpleNamespace(time=lambda: clock.now))
    assert auth.login("erika").status_code == 302
    clock.now += minutes * MINUTE + idle
    response = client.get("/courses/alpha")
    if signed_out:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=/courses/alpha")
    else:
        assert response.status_code == 200


def test_a_timeout_of_zero_never_signs_out(app, client, auth, learner, monkeypatch):
    app.config["IDLE_TIMEOUT_MINUTES"] = 0
    app.config["SESSION_MAX_HOURS"] = 0  # the absolute lifetime has tests of its own
    clock = SimpleNamespace(now=float(int(time.time())))
    monkeypatch.setattr(sessions, "time", SimpleNamespace(time=lambda: clock.now))
    auth.login("erika")
    clock.now += 365 * 24 * 60 * MINUTE
    assert client.get("/courses/alpha").status_code == 200


def test_the_numbers_defaults(app):
    """Changing one of these is a decision for the project, not a side effect."""
    expected = {
        "LOGIN_SLOWDOWN_AFTER": 3,
        "LOGIN_LOCK_AFTER": 10,
        "LOGIN_LOCK_MINUTES": 15,
        "LOGIN_WINDOW_MINUTES": 15,
        "LOGIN_ADDRESS_SLOWDOWN_AFTER": 30,
        "LOGIN_ADDRESS_LOCK_AFTER": 100,
        "EARLY_WARNING_INACTIVE_DAYS": 14,
        "EARLY_WARNING_SESSION_DAYS": 28,
        "IDLE_TIMEOUT_MINUTES": 180,
    }
    assert {name: getattr(DefaultConfig, name) for name in expected} == expected
    assert {name: app.config[name] for name in expected} == expected  # the tests' app too
    assert app.extensions[throttle.EXTENSION_KEY].limits == throttle.Limits(
        window=15 * 60,
        slowdown_after=3,
        lock_after=10,
        lock_seconds=15 * 60,
        address_slowdown_after=30,
        address_lock_after=100,
    )
    assert throttle.MAX_WAIT_SECONDS == 30
    assert STUCK_AFTER_FAILED_CHECKS == 2
