"""The default throttle store is shared: every app process over one database sees one count.

Two app instances over the same database stand for two gunicorn workers (or two servers);
the test database is SQLite by default, PostgreSQL with LEARNAPP_TEST_DATABASE_URL.
"""

from __future__ import annotations

from flask import Flask

from learnapp import create_app
from learnapp.auth import throttle
from learnapp.auth.throttle import refuse_unshared_store
from tests.helpers import PASSWORD, Auth

LOCK_AFTER = 6


def _second_instance(app: Flask) -> Flask:
    """Another process's app: the same settings and database, its own throttle object."""
    keys = ("TESTING", "SECRET_KEY", "DATABASE_URL", "CONTENT_DIR", "CONTENT_AUTO_RELOAD")
    return create_app({key: app.config[key] for key in keys} | _limits())


def _limits() -> dict[str, int]:
    return {"LOGIN_SLOWDOWN_AFTER": 1000, "LOGIN_LOCK_AFTER": LOCK_AFTER}


def _sign_in(app: Flask, password: str = "wrong-password") -> int:
    return Auth(app.test_client()).login("erika", password).status_code


def _with_limits(app: Flask) -> Flask:
    app.config.update(_limits())
    throttle.init_app(app)
    return app


def test_the_default_store_is_the_database(app):
    assert app.config["RATELIMIT_STORAGE_URL"] == "database://"
    assert isinstance(app.extensions[throttle.EXTENSION_KEY].store, throttle.DatabaseCounterStore)


def test_two_app_instances_share_one_count(app, learner):
    first, second = _with_limits(app), _second_instance(app)
    try:
        for instance in [first, second] * (LOCK_AFTER // 2 - 1) + [first]:
            assert _sign_in(instance) == 401
        assert _sign_in(second) == 429  # the sixth failure, the first three seen by each
        assert _sign_in(first, PASSWORD) == 429  # paused for both, the right password too
        assert _sign_in(second, PASSWORD) == 429
    finally:
        second.extensions["learnapp_db"].engine.dispose()


def test_cli_unlock_reaches_a_running_instance(app, learner):
    running, cli = _with_limits(app), _second_instance(app)
    try:
        for _ in range(LOCK_AFTER):
            _sign_in(running)
        assert _sign_in(running, PASSWORD) == 429
        result = cli.test_cli_runner().invoke(args=["users", "unlock", "Erika"])
        assert result.exit_code == 0, result.output
        assert _sign_in(running, PASSWORD) == 302
    finally:
        cli.extensions["learnapp_db"].engine.dispose()


def test_a_per_process_store_is_refused_with_several_workers():
    refuse_unshared_store("memory://", 1)  # one worker: one count, fine
    refuse_unshared_store("database://", 4)
    refuse_unshared_store("redis://127.0.0.1:6379/0", 4)
    for url in ("memory://", "MEMORY://", " memory:// "):
        try:
            refuse_unshared_store(url, 2)
        except RuntimeError as error:
            assert "RATELIMIT_STORAGE_URL" in str(error) and "2 workers" in str(error)
        else:
            raise AssertionError(f"{url!r} with 2 workers was not refused")
