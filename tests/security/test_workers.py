"""With several gunicorn workers: the sign-in throttle holds, and a restart signs nobody out."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from learnapp.models import Progress
from tests.security.server import Browser, Server, free_port, prepare_database, server_env
from tests.services import needs_redis

pytestmark = pytest.mark.slow

CONTENT = Path(__file__).parent.parent / "fixtures" / "content"
PASSWORD = "Kaffee-Kuchen-Garten"
LOCK_AFTER = 10


def _start(tmp_path: Path, url: str, **settings: str) -> Server:
    return Server(
        free_port(), server_env(url, CONTENT, **settings), tmp_path / "gunicorn.log", workers=4
    ).start()


def _fail(port: int) -> int:
    return Browser(port).sign_in("learner000", "wrong-password").status


def _login_pids(server: Server) -> set[str]:
    return set(re.findall(r"POST /login \d+ [\d.]+ms user=- pid=(\d+)", server.log()))


@pytest.mark.parametrize(
    "store",
    [
        "database://",
        pytest.param(
            "redis://127.0.0.1:6379/0",
            marks=needs_redis,
        ),
    ],
)
def test_throttle_holds_across_workers(tmp_path, store):
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    prepare_database(url, 1, PASSWORD)
    server = _start(
        tmp_path,
        url,
        RATELIMIT_STORAGE_URL=store,
        RATELIMIT_KEY_PREFIX=f"workers-{uuid.uuid4().hex}",
        LOGIN_SLOWDOWN_AFTER="1000",
        LOGIN_LOCK_AFTER=str(LOCK_AFTER),
    )
    try:
        with ThreadPoolExecutor(LOCK_AFTER - 1) as pool:  # at once: several workers serve them
            assert list(pool.map(_fail, [server.port] * (LOCK_AFTER - 1))) == [401] * 9
        assert len(_login_pids(server)) >= 2, "the failures did not spread over workers"
        assert _fail(server.port) == 429  # the tenth failure, counted across workers
        assert Browser(server.port).sign_in("learner000", PASSWORD).status == 429
    finally:
        server.stop()


def test_a_per_worker_store_is_refused_with_several_workers(tmp_path):
    """memory:// would count ten wrong passwords per worker: gunicorn must not start with it."""
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    prepare_database(url, 1, PASSWORD)
    server = Server(
        free_port(),
        server_env(url, CONTENT, RATELIMIT_STORAGE_URL="memory://"),
        tmp_path / "gunicorn.log",
        workers=2,
    )
    with pytest.raises(RuntimeError, match="gunicorn exited"):
        server.start()
    assert "RATELIMIT_STORAGE_URL is 'memory://' with 2 workers" in server.log()


def test_a_per_worker_store_is_fine_with_one_worker(tmp_path):
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    prepare_database(url, 1, PASSWORD)
    env = server_env(url, CONTENT, RATELIMIT_STORAGE_URL="memory://")
    server = Server(free_port(), env, tmp_path / "gunicorn.log", workers=1).start()
    try:
        assert Browser(server.port).sign_in("learner000", PASSWORD).status == 302
    finally:
        server.stop()


def test_a_restart_signs_nobody_out_and_forms_still_work(tmp_path):
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    prepare_database(url, 1, PASSWORD)
    server = _start(tmp_path, url)
    browser = Browser(server.port)
    try:
        assert browser.sign_in("learner000", PASSWORD).status == 302
        page = browser.go("GET", "/courses/sample/sample-practice")
        token = Browser.token(page.body)
    finally:
        server.stop()

    server = Server(server.port, server.env, server.log_path, workers=4).start()
    try:
        assert browser.go("GET", "/").status == 200  # still signed in
        done = browser.go("POST", "/courses/sample/sample-practice/done", {"csrf_token": token})
        assert done.status == 302  # the form from before the restart is accepted
    finally:
        server.stop()
    engine = create_engine(url)
    with Session(engine) as session:
        row = session.scalars(select(Progress)).one()
        assert row.lesson_id == "sample-practice" and row.completed_at is not None
    engine.dispose()
