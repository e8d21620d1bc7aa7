"""Sign-in throttling: a short wait after a few failures, a pause after many; unlocking."""

from __future__ import annotations

import time
import uuid

import pytest

from learnapp.auth import throttle
from learnapp.db import get_db
from tests.helpers import PASSWORD, csrf_from
from tests.services import needs_redis

WAIT = "Please wait a few seconds"
PAUSED = "paused for a while"
WRONG = "not right"


STORES = [
    "memory://",
    "database://",
    pytest.param(
        "redis://127.0.0.1:6379/0",
        marks=needs_redis,
    ),
]


@pytest.fixture
def configure(app):  # type: ignore[no-untyped-def]
    """Rebuild the throttle with other settings (store, limits)."""

    def apply(**settings) -> throttle.Throttle:  # type: ignore[no-untyped-def]
        app.config.update(settings)
        app.config["RATELIMIT_KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
        throttle.init_app(app)
        return app.extensions[throttle.EXTENSION_KEY]

    return apply


def _try(client, username: str, password: str = "wrong-password", address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/login?lang=en").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code, response.get_data(as_text=True)


def _no_waiting(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Skip the short waits by pretending they passed: the store forgets 'wait' keys."""
    original = throttle.Throttle.check

    def check(self, username, address):  # type: ignore[no-untyped-def]
        for who, what in (("user", username), ("addr", address)):
            self.store.clear(self._key("wait", who, what))
        return original(self, username, address)

    monkeypatch.setattr(throttle.Throttle, "check", check)


@pytest.mark.parametrize("url", STORES)
def test_slowdown_then_lock_then_unlock(app, client, learner, configure, monkeypatch, url):
    configure(RATELIMIT_STORAGE_URL=url, LOGIN_SLOWDOWN_AFTER=3, LOGIN_LOCK_AFTER=6)
    for _ in range(3):
        assert _try(client, "erika")[0] == 401
    # the third failure asks for a short wait: an immediate try is not even checked
    status, page = _try(client, "erika", PASSWORD)
    assert status == 429 and WAIT in page
    _no_waiting(monkeypatch)
    for _ in range(2):
        assert _try(client, "erika")[0] == 401
    status, page = _try(client, "erika")
    assert status == 429 and PAUSED in page and "ask your mentor" in page
    # paused: even the right password is refused, and the message is friendly
    status, page = _try(client, "erika", PASSWORD)
    assert status == 429 and PAUSED in page
    with app.test_request_context("/"):
        assert throttle.is_locked("Erika ")
        throttle.unlock("erika")
        assert not throttle.is_locked("erika")
    assert _try(client, "erika", PASSWORD)[0] == 302


def test_success_forgets_earlier_failures(client, auth, learner, configure, monkeypatch):
    configure(LOGIN_SLOWDOWN_AFTER=100, LOGIN_LOCK_AFTER=3)
    for _ in range(2):
        assert _try(client, "erika")[0] == 401  # counted: one more would pause the name
    assert _try(client, "erika", PASSWORD)[0] == 302
    auth.logout()
    for _ in range(2):
        assert _try(client, "erika")[0] == 401  # counting starts again


def test_unknown_usernames_are_throttled_the_same_way(client, configure):
    configure(LOGIN_SLOWDOWN_AFTER=100, LOGIN_LOCK_AFTER=2)
    assert _try(client, "nobody")[0] == 401
    status, page = _try(client, "nobody")
    assert status == 429 and PAUSED in page  # no hint whether the account exists


def test_one_address_trying_many_names_is_paused(client, learner, configure, monkeypatch):
    configure(
        LOGIN_SLOWDOWN_AFTER=100,
        LOGIN_LOCK_AFTER=100,
        LOGIN_ADDRESS_SLOWDOWN_AFTER=100,
        LOGIN_ADDRESS_LOCK_AFTER=5,
    )
    for n in range(4):
        assert _try(client, f"guess{n}", address="192.0.2.7")[0] == 401
    assert _try(client, "guess-last", address="192.0.2.7")[0] == 429
    assert _try(client, "erika", PASSWORD, address="192.0.2.7")[0] == 429
    # another address (another centre) is not affected
    assert _try(client, "erika", PASSWORD, address="192.0.2.8")[0] == 302
    with client.application.test_request_context("/"):
        throttle.unlock_address("192.0.2.7")


def test_wrong_current_password_on_the_password_page_counts_too(client, auth, learner, configure):
    configure(LOGIN_SLOWDOWN_AFTER=100, LOGIN_LOCK_AFTER=3)
    auth.login("erika")
    for expected in (400, 400, 400):
        page = client.get("/password?lang=en").get_data(as_text=True)
        response = client.post(
            "/password",
            data={
                "csrf_token": csrf_from(page),
                "current_password": "guess-guess",
                "new_password": "Blumen-Wiese-3",
                "new_password_again": "Blumen-Wiese-3",
            },
        )
        assert response.status_code == expected
    assert PAUSED in response.get_data(as_text=True)


def test_a_store_that_is_down_does_not_keep_people_out(client, learner, configure, caplog):
    configure(RATELIMIT_STORAGE_URL="redis://127.0.0.1:1/0")  # nothing listens there
    assert _try(client, "erika")[0] == 401
    assert _try(client, "erika", PASSWORD)[0] == 302
    assert "throttle store unreachable" in caplog.text


def test_database_store_counts_atomically_and_expires(app):
    with app.app_context():
        store = throttle.DatabaseCounterStore(get_db().engine)
    assert [store.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert store.get("k") == 3
    assert store.incr("short", 0.01) == 1
    time.sleep(0.05)
    assert store.get("short") == 0 and store.incr("short", 60) == 1  # a new window
    store.clear("k")
    assert store.get("k") == 0
