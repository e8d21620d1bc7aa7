"""Staff pages and query counts: p50/p95 over repeated requests, SQL statements per page."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from bench.client import Browser, csrf_from
from learnapp import create_app


@dataclass
class Timing:
    name: str
    path: str
    samples_ms: list[float]
    status: int
    bytes: int

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "path": self.path,
            "p50_ms": round(self.p50_ms, 1),
            "p95_ms": round(self.p95_ms, 1),
            "max_ms": round(max(self.samples_ms), 1),
            "requests": len(self.samples_ms),
            "status": self.status,
            "bytes": self.bytes,
        }


def time_page(browser: Browser, name: str, path: str, repeat: int, warmup: int = 3) -> Timing:
    """The same page again and again, one request at a time, as its user."""
    for _ in range(warmup):
        browser.get(path)
    samples, status, size = [], 0, 0
    for _ in range(repeat):
        reply = browser.get(path)
        if reply.status != 200:
            raise RuntimeError(f"{path}: HTTP {reply.status}")
        samples.append(reply.seconds * 1000)
        status, size = reply.status, len(reply.body)
    return Timing(name, path, samples, status, size)


def count_queries(
    app_config: dict[str, Any], pages: list[tuple[str, str]], password: str
) -> dict[str, int]:
    """SQL statements per page, each as its user, in-process (after one warm-up visit)."""
    config = {**app_config, "SESSION_COOKIE_SECURE": False, "REQUEST_LOG": False}
    app = create_app(config)
    engine = app.extensions["learnapp_db"].engine
    counts: dict[str, int] = {}
    clients: dict[str, Any] = {}
    try:
        for username, path in pages:
            client = clients.get(username)
            if client is None:
                client = clients[username] = app.test_client()
                token = csrf_from(client.get("/login").get_data(as_text=True))
                reply = client.post(
                    "/login", data={"username": username, "password": password, "csrf_token": token}
                )
                if reply.status_code != 302:
                    raise RuntimeError(f"sign-in of {username} failed: {reply.status_code}")
            client.get(path)  # warm-up: first-visit writes (progress, last active)
            statements: list[str] = []

            def before(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
                statements.append(statement)  # noqa: B023 - used within this iteration only

            event.listen(engine, "before_cursor_execute", before)
            try:
                reply = client.get(path)
            finally:
                event.remove(engine, "before_cursor_execute", before)
            if reply.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {reply.status_code}")
            counts[path] = len(statements)
    finally:
        engine.dispose()
    return counts
