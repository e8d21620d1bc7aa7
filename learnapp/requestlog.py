"""A request id for every request, and one log line per request with status and time.

The id is short and made of digits, so a learner can read it from the error page to a mentor
("tell your mentor this number"), and the mentor finds the matching lines in the log.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
import time
from typing import TextIO

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import inspect

log = logging.getLogger("learnapp.requests")
HEADER = "X-Request-ID"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def new_request_id() -> str:
    """Eight digits in two groups, e.g. 4821-0937: easy to read aloud."""
    number = f"{secrets.randbelow(10**8):08d}"
    return f"{number[:4]}-{number[4:]}"


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return g.get("request_id") if has_request_context() else None


def start_request() -> None:
    g.request_id = new_request_id()
    g.request_started = time.perf_counter()


def finish_request(response: Response) -> Response:
    """Write the request's line and hand its id to the client."""
    rid = g.get("request_id")
    if rid is None:  # a request that failed before start_request ran
        start_request()
        rid = g.request_id
    response.headers[HEADER] = rid
    if current_app.config["REQUEST_LOG"]:
        millis = (time.perf_counter() - g.request_started) * 1000
        user_id = _known_user_id(getattr(g, "_login_user", None))
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        # The path without the query string: queries may carry a username or a next= page.
        log.log(
            level,
            "request=%s %s %s %s %.1fms user=%s pid=%d",
            rid,
            request.method,
            request.path,
            response.status_code,
            millis,
            user_id,
            os.getpid(),  # which gunicorn worker served it
        )
    return response


def _known_user_id(user: object) -> str:
    """The id of the user the page already looked up, without asking the database.

    After a failed write the session has expired the user: reading `user.id` would query
    the database again, the very one that just failed.
    """
    state = inspect(user, raiseerr=False) if user is not None else None
    identity = state.identity if state is not None else None
    return str(identity[0]) if identity else "-"


class RequestIdFilter(logging.Filter):
    """Put the request id in front of every message logged during a request (errors too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = request_id()
        if rid and not getattr(record, "request_id", None):
            record.request_id = rid
            if record.name != log.name:
                record.msg = f"request={rid} {record.msg}"
        return True


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is now (test runners swap it between tests)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr  # under the handler's lock (Handler.handle holds it)
        super().emit(record)


def _ensure_handler(logger: logging.Logger) -> None:
    if not any(isinstance(h, StderrHandler) for h in logger.handlers):
        logger.addHandler(StderrHandler())
    if not any(isinstance(f, RequestIdFilter) for f in logger.filters):
        logger.addFilter(RequestIdFilter())


def init_app(app: Flask) -> None:
    log.setLevel(logging.INFO)
    _ensure_handler(log)
    log.propagate = False
    # Flask logs unhandled exceptions on app.logger: give those lines the request id too.
    if not any(isinstance(f, RequestIdFilter) for f in app.logger.filters):
        app.logger.addFilter(RequestIdFilter())
    app.before_request(start_request)
    app.after_request(finish_request)
    app.context_processor(lambda: {"request_id": request_id()})
