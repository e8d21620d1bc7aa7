"""gunicorn started by hand, its master SIGKILLed: the workers notice within seconds and stop
(no unsupervised serving), and a new master can bind the port at once. Slow: real gunicorn."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from learnapp import migrate
from learnapp.paths import PROJECT_ROOT
from tests.conftest import FIXTURE_CONTENT
from tests.security.server import free_port, request, server_env

pytestmark = pytest.mark.slow

WORKERS = 2
NOTICE_WITHIN_S = 5


def _state(pid: int) -> str | None:
    """The process state letter (None: no such process; "Z": exited, not yet reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _running(pid: int) -> bool:
    return _state(pid) not in (None, "Z")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py, as docs/deploy.md runs it."""

    def __init__(self, port: int, env: dict[str, str], log: Path) -> None:
        self.port, self.env, self.log = port, env, log
        self.pids: list[int] = []

    def start(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]
        with self.log.open("ab") as log:
            process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.pids.append(process.pid)
        return process

    def ready(self, process: subprocess.Popen[bytes], within_s: float) -> bool:
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline and process.poll() is None:
            try:
                answered = request(self.port, "GET", "/healthz").status == 200
                if answered and len(_children(process.pid)) == WORKERS:
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def stop_all(self) -> None:
        for pid in self.pids:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[Gunicorn]:
    database = f"sqlite:///{tmp_path / 'learnapp.db'}"
    migrate.upgrade(database)
    port = free_port()
    env = server_env(database, FIXTURE_CONTENT, ASSETS_DIR=str(tmp_path / "assets"))
    env.update({"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(WORKERS)})
    server = Gunicorn(port, env, tmp_path / "gunicorn.log")
    yield server
    server.stop_all()


def test_workers_stop_when_their_master_is_killed_and_a_new_master_binds(
    gunicorn: Gunicorn,
) -> None:
    master = gunicorn.start()
    assert gunicorn.ready(master, 60), gunicorn.log.read_text()[-3000:]
    workers = _children(master.pid)
    gunicorn.pids += workers

    os.kill(master.pid, signal.SIGKILL)
    master.wait()
    killed_at = time.monotonic()
    while any(_running(pid) for pid in workers) and time.monotonic() - killed_at < 30:
        time.sleep(0.05)
    took = time.monotonic() - killed_at
    assert took < NOTICE_WITHIN_S, f"the orphaned workers served on for {took:.1f} s"

    second = gunicorn.start()
    assert gunicorn.ready(second, 30), gunicorn.log.read_text()[-3000:]
    gunicorn.pids += _children(second.pid)
    assert request(gunicorn.port, "GET", "/healthz").status == 200
    second.send_signal(signal.SIGTERM)
    second.wait(30)
