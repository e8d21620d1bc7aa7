"""A request id for every request, and one log line per request with status and time.

The id is short and made of digits, so a learner can read it from the error page to a mentor
("tell your mentor this number"), and the mentor finds the matching lines in the log.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import sys
import textwrap
import time
from typing import TextIO

from flask import Flask, Response, current_app, g, has_request_context, request
from flask.logging import default_handler
from sqlalchemy import inspect

log = logging.getLogger("learnapp.requests")
HEADER = "X-Request-ID"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: request=%(request_id)s %(message)s"


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
            "%s %s %s %.1fms user=%s pid=%d",
            request.method,
            request.path,
            response.status_code,
            millis,
            user_id,
            os.getpid(),  # which gunicorn worker served it
        )
    return response


# Characters that could end a log line or hide text: C0 and C1 controls, DEL, the Unicode line
# and paragraph separators. A backslash is escaped too, so a typed "\x0a" stays told apart.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str) -> str:
    """One log record stays one line: a %0a in a path cannot write a line of its own."""
    return _UNSAFE.sub(_escape_one, text)


def _known_user_id(user: object) -> str:
    """The id of the user the page already looked up, without asking the database.

    After a failed write the session has expired the user: reading `user.id` would query
    the database again, the very one that just failed.
    """
    state = inspect(user, raiseerr=False) if user is not None else None
    identity = state.identity if state is not None else None
    return str(identity[0]) if identity else "-"


class RequestIdFilter(logging.Filter):
    """On the handler: every record it writes carries the id of the request it came from.

    A filter on a handler (not on a logger) sees the records of every logger that reach it,
    the app's own, the libraries' and Flask's error reports alike.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id() or "-"
        return True


class SafeFormatter(logging.Formatter):
    """The message with control characters escaped; a traceback indented under its record.

    Whatever a request brings (path, user agent, username) is logged through the message, so
    escaping it here covers every value. Traceback lines are indented, so no line that an
    exception's text contains can pass for a record of its own.
    """

    def format(self, record: logging.LogRecord) -> str:
        record.message = escape_control(record.getMessage())
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        line = self.formatMessage(record)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        extra = [record.exc_text] if record.exc_text else []
        if record.stack_info:
            extra.append(self.formatStack(record.stack_info))
        for block in extra:
            line += "\n" + textwrap.indent(block.replace("\r", "\\r"), "    | ", lambda _: True)
        return line


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is now (test runners swap it between tests)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(SafeFormatter(LOG_FORMAT))
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr  # not setStream: that flushes the old one, maybe closed by now
        super().emit(record)


def _ensure_handler(logger: logging.Logger) -> None:
    if not any(isinstance(h, StderrHandler) for h in logger.handlers):
        logger.addHandler(StderrHandler())


def init_app(app: Flask) -> None:
    log.setLevel(logging.INFO)
    # One handler, on the root logger: records of every logger (the app's, Flask's error
    # reports, the libraries') are written once, with the request id, escaped.
    _ensure_handler(logging.getLogger())
    app.logger.removeHandler(default_handler)  # else Flask's errors would be written twice
    app.before_request(start_request)
    app.after_request(finish_request)
    app.context_processor(lambda: {"request_id": request_id()})
