"""The coordinator's "locked" filter lists the paused accounts from every kind of store: the
database (one server), Redis (several servers) and memory (development)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from limits.storage import storage_from_string

from learnapp.auth.throttle import DatabaseCounterStore, Limits, Throttle
from learnapp.db import get_db

LIMITS = Limits(
    window=600,
    slowdown_after=3,
    lock_after=5,
    lock_seconds=900,
    address_slowdown_after=50,
    address_lock_after=100,
)


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(params=["database", "memory", "redis"])
def throttle(request: pytest.FixtureRequest, app: Flask) -> Iterator[Throttle]:
    if request.param == "database":
        with app.app_context():
            store = DatabaseCounterStore(get_db().engine)
    elif request.param == "memory":
        store = storage_from_string("memory://")
    else:
        if not redis_reachable():  # CI's machine runs Redis: there a missing one is a failure
            if os.environ.get("CI") == "true":
                pytest.fail("CI=true, but Redis is not running on 127.0.0.1:6379")
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        store = storage_from_string("redis://127.0.0.1:6379/14")
    # a prefix of its own, with characters Redis' patterns would read as wildcards
    yield Throttle(store, LIMITS, f"test[{uuid.uuid4().hex[:8]}]*")
    store.reset()


def pause(throttle: Throttle, username: str) -> None:
    for _attempt in range(LIMITS.lock_after):
        throttle.record_failure(username, "192.0.2.1")


def test_the_paused_accounts_are_listed_and_no_others(throttle: Throttle) -> None:
    assert throttle.locked_usernames() == set()
    pause(throttle, "erika42")
    pause(throttle, "hans57")
    throttle.record_failure("gisela33", "192.0.2.9")  # one failure: not paused
    assert throttle.locked_usernames() == {"erika42", "hans57"}
    throttle.unlock("hans57")
    assert throttle.locked_usernames() == {"erika42"}


def test_another_programmes_pauses_are_not_listed(throttle: Throttle) -> None:
    neighbour = Throttle(throttle.store, LIMITS, "neighbour")
    pause(neighbour, "erika42")
    assert throttle.locked_usernames() == set()
