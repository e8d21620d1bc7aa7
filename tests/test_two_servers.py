"""Two app servers over one PostgreSQL and one Redis behave as one site.

Two gunicorn instances (gunicorn.conf.py, wsgi:app, configured only through LEARNAPP_*
variables as docs/deploy.md says) on two ports share a database made for this test
(learnapp_two_servers, dropped afterwards) and Redis database 12. Runs when
LEARNAPP_TWO_SERVERS=1 (set by .ci/run when PostgreSQL and Redis answer on 127.0.0.1).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.client import Browser, csrf_from
from learnapp import create_app, migrate
from learnapp.access import LEARNER
from learnapp.db import get_session
from learnapp.models import Centre, User
from learnapp.paths import PROJECT_ROOT
from tests.security.server import free_port
from tests.services import POSTGRES_PORT, REDIS_PORT, in_ci, reachable

DATABASE = "learnapp_two_servers"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/12"
SECRET = "two-servers-test-secret-key-0123456789abcdef"
PASSWORD = "Zwei-Server-2026"
LESSON = "/courses/sample/sample-first"
LOCK_AFTER = 4
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"


pytestmark = [
    pytest.mark.two_servers,
    pytest.mark.skipif(
        os.environ.get("LEARNAPP_TWO_SERVERS") != "1",
        reason="two-server test: set LEARNAPP_TWO_SERVERS=1 (.ci/run does when PostgreSQL "
        "and Redis answer on 127.0.0.1)",
    ),
]


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def _drop_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


@dataclass
class Site:
    ports: tuple[int, int]


def _start(port: int, tmp_path: Path, log) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "LEARNAPP_DATABASE_URL": DATABASE_URL,
        "LEARNAPP_SECRET_KEY": SECRET,
        "LEARNAPP_RATELIMIT_STORAGE_URL": REDIS_URL,
        "LEARNAPP_CONTENT_DIR": str(FIXTURE_CONTENT),
        "LEARNAPP_ASSETS_DIR": str(tmp_path / f"assets-{port}"),
        "LEARNAPP_SESSION_COOKIE_SECURE": "false",  # plain http on 127.0.0.1
        "LEARNAPP_LOGIN_LOCK_AFTER": str(LOCK_AFTER),
        "LEARNAPP_LOGIN_SLOWDOWN_AFTER": "100",  # no waits: only the pause is tested
        "LEARNAPP_REQUEST_LOG": "false",
    }
    command = ["timeout", "--signal=TERM", "120", sys.executable, "-m", "gunicorn"]
    command += ["--config", str(PROJECT_ROOT / "gunicorn.conf.py"), "wsgi:app"]
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )


def _wait(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server on {port} stopped:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            if Browser(port).get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"server on {port} did not answer within 30 s")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not in_ci() and not (reachable(POSTGRES_PORT) and reachable(REDIS_PORT)):
        pytest.skip("two-server test: PostgreSQL and Redis must answer on 127.0.0.1")
    import redis

    tmp_path = tmp_path_factory.mktemp("two-servers")
    _recreate_database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    migrate.upgrade(DATABASE_URL)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": SECRET, "DATABASE_URL": DATABASE_URL, "REQUEST_LOG": False}
    )
    with app.app_context():
        session = get_session()
        centre = Centre(name="Zentrum", town="Leer")
        session.add(centre)
        session.flush()
        for name in ("anna", "bernd", "carla"):
            user = User(username=name, display_name=name.title(), role=LEARNER, centre=centre)
            user.set_password(PASSWORD)
            session.add(user)
        session.commit()
    app.extensions["learnapp_db"].engine.dispose()

    ports = (free_port(), free_port())
    logs = [open(tmp_path / f"gunicorn-{port}.log", "wb") for port in ports]  # noqa: SIM115
    processes = [_start(port, tmp_path, log) for port, log in zip(ports, logs, strict=True)]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait(port, process, tmp_path / f"gunicorn-{port}.log")
        yield Site(ports)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        for log in logs:
            log.close()
        redis.Redis.from_url(REDIS_URL).flushdb()
        _drop_database()


def test_progress_written_through_one_is_read_through_the_other(site: Site) -> None:
    one, other = (Browser(port) for port in site.ports)
    one.sign_in("anna", PASSWORD)
    token = csrf_from(one.get(LESSON).text)
    assert one.post(LESSON + "/done", {"csrf_token": token}).status == 302

    other.cookies = dict(one.cookies)  # the same tablet, the other server behind nginx
    page = other.get(LESSON)
    assert page.status == 200
    assert 'name="undo"' in page.text  # "Mark as not done": the lesson is finished


def test_signing_out_through_one_ends_the_session_on_the_other(site: Site) -> None:
    one, other = (Browser(port) for port in site.ports)
    one.sign_in("bernd", PASSWORD)
    old_cookies = dict(one.cookies)
    other.cookies = dict(old_cookies)
    assert other.get("/").status == 200  # signed in on both

    token = csrf_from(one.get("/").text)
    assert one.post("/logout", {"csrf_token": token}).status == 302

    other.cookies = dict(old_cookies)  # a copy of the cookie from before signing out
    reply = other.get("/courses")  # "/" welcomes visitors; a signed-in page shows the end
    assert reply.status == 302
    assert "/login" in reply.headers["location"]


def test_sign_in_throttling_counts_attempts_across_both_servers(site: Site) -> None:
    def attempt(port: int, password: str) -> int:
        browser = Browser(port)
        token = browser.csrf_token("/login")
        return browser.post(
            "/login", {"username": "carla", "password": password, "csrf_token": token}
        ).status

    first, second = site.ports
    for number in range(LOCK_AFTER - 1):  # wrong passwords, taking turns
        assert attempt(site.ports[number % 2], "wrong-password") == 401
    assert attempt(site.ports[(LOCK_AFTER - 1) % 2], "wrong-password") == 429
    # Paused on both servers now, even with the right password.
    assert attempt(first, PASSWORD) == 429
    assert attempt(second, PASSWORD) == 429
