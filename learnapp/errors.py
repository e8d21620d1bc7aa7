"""Friendly error pages in the learner's language; a 500 rolls the session back first."""

from __future__ import annotations

from flask import Flask, g, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

SHOWN_CODES = (400, 403, 404, 405, 413, 500)


def _page(code: int):  # type: ignore[no-untyped-def]
    return render_template(f"errors/{code}.html", code=code), code


def handle_http(error: HTTPException):  # type: ignore[no-untyped-def]
    code = error.code or 500
    if code not in SHOWN_CODES:
        return error
    return _page(code)


def handle_csrf(_error: CSRFError):  # type: ignore[no-untyped-def]
    return render_template("errors/400.html", code=400, csrf=True), 400


def handle_server_error(_error: Exception):  # type: ignore[no-untyped-def]
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    return _page(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InternalServerError, handle_server_error)
