"""The log cannot be forged: one record is one line, and every record names its request."""

from __future__ import annotations

import logging
import re

import pytest
from flask import request

LINE_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ")
FORGED = "2026-01-01 10:00:00,000 INFO learnapp.requests: request=0000-0000 GET /admin 200"


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.splitlines()


def test_a_newline_in_the_path_writes_no_line_of_its_own(client, capsys):
    _lines(capsys)
    client.get("/login%0a" + FORGED.replace(" ", "%20"))
    client.get("/login%0d%0a" + FORGED.replace(" ", "%20"))
    lines = _lines(capsys)
    assert len(lines) == 2
    assert all(LINE_START.match(line) for line in lines)
    assert "/login\\x0a2026-01-01" in lines[0] and "/login\\x0d\\x0a2026" in lines[1]


def test_nul_and_other_controls_do_not_reach_the_log(client, capsys):
    _lines(capsys)
    client.get("/x%00y%1b[31m%7f%e2%80%a8z")
    err = capsys.readouterr().err
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u2028]", err)
    assert "/x\\x00y\\x1b[31m\\x7f\\u2028z" in err


def test_records_of_any_logger_carry_the_request_id_and_are_escaped(app, client, capsys):
    @app.get("/agent")
    def agent() -> str:
        name = request.headers.get("User-Agent", "")
        logging.getLogger("some.library").warning("odd agent %s, user %r", name, "erika\n")
        return "ok"

    _lines(capsys)
    response = client.get("/agent", environ_base={"HTTP_USER_AGENT": "Tablet\r\n" + FORGED})
    rid = response.headers["X-Request-ID"]
    lines = [line for line in _lines(capsys) if "some.library" in line]
    assert len(lines) == 1
    assert f"some.library: request={rid} odd agent Tablet\\x0d\\x0a2026-01-01" in lines[0]
    assert "'erika\\\\n'" in lines[0]  # repr's own escape, its backslash escaped once more


def test_outside_a_request_the_id_is_a_dash(app, capsys):
    _lines(capsys)
    logging.getLogger("learnapp.startup").warning("ready")
    assert "learnapp.startup: request=- ready" in capsys.readouterr().err


def test_a_traceback_stays_indented_under_its_record(app, client, capsys):
    @app.get("/boom")
    def boom() -> str:
        raise ValueError("bad\n" + FORGED)

    app.config["PROPAGATE_EXCEPTIONS"] = False
    _lines(capsys)
    client.get("/boom")
    lines = _lines(capsys)
    records = [line for line in lines if LINE_START.match(line)]
    assert len(records) == 2  # the error with its traceback, and the request's line
    assert "Exception on /boom" in records[0] and "GET /boom 500" in records[1]
    assert any(line.startswith("    | ") and FORGED in line for line in lines)
