"""Test helpers: sign in through the real form, post with a CSRF token, count SQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from learnapp.db import get_db

PASSWORD = "correct-horse-battery"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FORM_KEY_FIELD = re.compile(r'name="form_key"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Auth:
    """Sign in and out through the real login form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str, password: str = PASSWORD, follow: bool = False):  # type: ignore[no-untyped-def]
        page = self.client.get("/login")
        token = csrf_from(page.get_data(as_text=True))
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            follow_redirects=follow,
        )

    def token(self, path: str = "/settings") -> str:
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def post(self, path: str, data: dict | None = None, token_from: str = "/settings", **kw):  # type: ignore[no-untyped-def]
        """POST as the form on `token_from` would: its CSRF token and one-time form key."""
        page = self.client.get(token_from).get_data(as_text=True)
        payload = {"csrf_token": csrf_from(page), **(data or {})}
        form_key = FORM_KEY_FIELD.search(page)
        if form_key and "form_key" not in payload:
            payload["form_key"] = form_key.group(1)
        return self.client.post(path, data=payload, **kw)

    def logout(self):  # type: ignore[no-untyped-def]
        return self.post("/logout")


@contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    """Collect every SQL statement the app's engine runs inside the block."""
    statements: list[str] = []
    engine = get_db_engine(app)

    def before(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def get_db_engine(app: Flask):  # type: ignore[no-untyped-def]
    with app.app_context():
        return get_db().engine
