"""The local services some tests need (PostgreSQL, Redis), and how their absence is handled.

On a developer's machine a missing service skips those tests with the reason shown. Under CI
(CI=true) the machine starts both before the run, so a missing one must not turn into a quiet
skip: the tests then run and fail on the connection.
"""

from __future__ import annotations

import os
import socket

import pytest

POSTGRES_PORT = 5432
REDIS_PORT = 6379


def reachable(port: int) -> bool:
    """Something answers on 127.0.0.1:port."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def needs(name: str, port: int) -> pytest.MarkDecorator:
    """Skip when the service is missing, except under CI, where that must fail."""
    return pytest.mark.skipif(
        not in_ci() and not reachable(port),
        reason=f"{name} is not running on 127.0.0.1:{port} (CI requires it)",
    )


needs_postgres = needs("PostgreSQL", POSTGRES_PORT)
needs_redis = needs("Redis", REDIS_PORT)
