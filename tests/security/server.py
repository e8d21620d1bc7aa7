"""Run the real app under gunicorn for tests: a free port, its own database and settings.

Used by the slow tests (load and faults, throttling across workers, restart safety). The
server only ever listens on 127.0.0.1 and every test stops it.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from learnapp import migrate
from learnapp.models import Centre, User
from learnapp.paths import PROJECT_ROOT

SECRET_KEY = "load-test-secret-key-0123456789abcdef0123456789"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_postgres_database(name: str) -> str:
    """Drop and create a separate database (never the suite's own `test` database)."""
    assert re.fullmatch(r"learnapp_[a-z_]+", name)
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return str(make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False))


def drop_postgres_database(name: str) -> None:
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def prepare_database(url: str, learners: int, password: str) -> list[str]:
    """`flask db upgrade` (the same function), then a centre and learners; their usernames."""
    migrate.upgrade(url)
    engine = create_engine(url)
    password_hash = generate_password_hash(password)
    names = [f"learner{n:03d}" for n in range(learners)]
    with Session(engine) as session:
        centre = Centre(name="Zentrum", town="Oldenburg")
        session.add(centre)
        session.flush()
        for name in names:
            session.add(
                User(
                    username=name,
                    display_name=name,
                    role="learner",
                    centre_id=centre.id,
                    password_hash=password_hash,
                )
            )
        session.commit()
    engine.dispose()
    return names


@dataclass
class Server:
    """A gunicorn master with its workers, on 127.0.0.1:port."""

    port: int
    env: dict[str, str]
    log_path: Path
    workers: int = 4
    process: subprocess.Popen | None = None
    killed: list[int] = field(default_factory=list)

    def start(self, timeout: float = 30) -> Server:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--backlog",
            "256",
            "learnapp:create_app()",
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-3000:]}")
            try:
                if request(self.port, "GET", "/healthz").status == 200 and (
                    len(self.worker_pids()) == self.workers
                ):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not come up: {self.log_path.read_text()[-3000:]}")

    def worker_pids(self) -> list[int]:
        """Children of the master, read from /proc."""
        assert self.process is not None
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def kill_a_worker(self) -> int:
        """SIGKILL one worker mid-load; gunicorn's master starts a new one."""
        victim = self.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        self.killed.append(victim)
        return victim

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def server_env(database_url: str, content_dir: Path, **settings: str) -> dict[str, str]:
    """The environment for gunicorn: LEARNAPP_* settings only, nothing from the test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEARNAPP_", "FLASK_"))}
    env.update(
        {
            "LEARNAPP_DATABASE_URL": database_url,
            "LEARNAPP_SECRET_KEY": SECRET_KEY,
            "LEARNAPP_CONTENT_DIR": str(content_dir),
            "LEARNAPP_ENVIRONMENT": "production",
            # plain HTTP on 127.0.0.1 in the test; production runs behind HTTPS
            "LEARNAPP_SESSION_COOKIE_SECURE": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update({f"LEARNAPP_{key}": value for key, value in settings.items()})
    return env


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


def request(
    port: int,
    method: str,
    path: str,
    form: dict | list | None = None,
    cookie: str = "",
    timeout: float = 30,
) -> Reply:
    """One HTTP request on a new connection (gunicorn's sync workers close each one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


class Browser:
    """A learner's browser: keeps the session cookie, finds CSRF tokens."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""

    def go(self, method: str, path: str, form: dict | list | None = None) -> Reply:
        reply = request(self.port, method, path, form, self.cookie)
        for header in reply.headers.get_all("Set-Cookie") or []:
            if header.startswith("session="):
                self.cookie = header.split(";", 1)[0]
        return reply

    @staticmethod
    def token(page: str) -> str:
        match = CSRF_FIELD.search(page)
        if not match:
            raise AssertionError("no CSRF token on the page")
        return match.group(1)

    def sign_in(self, username: str, password: str) -> Reply:
        page = self.go("GET", "/login")
        return self.go(
            "POST",
            "/login",
            {"username": username, "password": password, "csrf_token": self.token(page.body)},
        )
