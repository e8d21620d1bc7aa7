"""Release identical POSTs at one moment through a real, threaded server (a double tap, two tabs).

Each try signs a person in over HTTP, draws the form page once, then lets `copies` threads send
the very same form at the same instant (a threading.Barrier), each with its own copy of the
same signed-in cookies. It returns what the server answered and how many rows the form made,
so a test can ask for exactly one row and the same page for every copy, and a measurement can
count how many tries out of many stored a second copy.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask
from sqlalchemy import Select, func, select
from werkzeug.serving import WSGIRequestHandler, make_server

from learnapp.db import get_session
from learnapp.models import HelpRequest, QuizAttempt, ScenarioChoice, TandemSession, User
from tests.helpers import PASSWORD

QUIZ_LESSON = "/courses/sample/sample-first"
PRACTICE_LESSON = "/courses/sample/sample-practice"


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on 127.0.0.1 and a free port, one thread per request (like production)."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="double-submits", daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    body: str


@dataclass
class Browser:
    """One browser: a cookie jar and plain HTTP (no redirects followed)."""

    host: str
    cookies: dict[str, str] = field(default_factory=dict)

    def copy(self) -> Browser:
        return Browser(self.host, dict(self.cookies))

    def request(self, method: str, path: str, fields: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection(self.host, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
            location = urlsplit(response.headers.get("Location", ""))
            path_only = location.path + (f"?{location.query}" if location.query else "")
            if location.fragment:
                path_only += f"#{location.fragment}"
            return Answer(response.status, path_only, text)
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        return self.request("POST", path, fields)


class _Forms(HTMLParser):
    """The hidden fields of each form of a page, by the form's action."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = values.get("action") or self.page_path
            self._current = self.forms.setdefault(action.split("#")[0], {})
        elif tag == "input" and self._current is not None and values.get("type") == "hidden":
            self._current[values.get("name", "")] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def hidden_fields(browser: Browser, page: str, action: str) -> dict[str, str]:
    """The hidden fields (CSRF token, one-time keys) of the form posting to `action`."""
    answer = browser.get(page)
    assert answer.status == 200, (page, answer.status)
    forms = _Forms(page)
    forms.feed(answer.body)
    assert action in forms.forms, f"{page} has no form for {action}: {list(forms.forms)}"
    return forms.forms[action]


def sign_in(host: str, username: str) -> Browser:
    browser = Browser(host)
    fields = hidden_fields(browser, "/login", "/login")
    answer = browser.post("/login", {**fields, "username": username, "password": PASSWORD})
    assert answer.status == 302, f"sign-in of {username} answered {answer.status}"
    return browser


def release(browser: Browser, path: str, fields: dict[str, str], copies: int) -> list[Answer]:
    """Send the same form `copies` times at one instant, each from a copy of the browser."""
    barrier = threading.Barrier(copies)
    answers: list[Answer | BaseException] = [RuntimeError("no answer")] * copies

    def send(index: int, twin: Browser) -> None:
        try:
            barrier.wait(timeout=30)
            answers[index] = twin.post(path, fields)
        except BaseException as error:  # noqa: BLE001 (reported by the caller)
            answers[index] = error

    threads = [
        threading.Thread(target=send, args=(i, browser.copy()), daemon=True) for i in range(copies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
    return [a for a in answers if isinstance(a, Answer)]


def count(app: Flask, statement: Select[Any]) -> int:
    with app.app_context():
        return int(get_session().scalar(statement) or 0)


@dataclass(frozen=True)
class Outcome:
    """What one release made: rows added by the form and the server's answers."""

    rows: int
    answers: list[Answer]
    expected_location: str = ""  # where the first copy led, when it redirects


# --- The five forms --------------------------------------------------------------------------


def self_check(app: Flask, host: str, username: str, copies: int) -> Outcome:
    learner = sign_in(host, username)
    action = f"{QUIZ_LESSON}/check"
    fields = hidden_fields(learner, QUIZ_LESSON, action) | {"q-q1": "0", "q-q2": "true"}
    user_id = count(app, select(User.id).where(User.username == username))
    before = count(app, select(func.count(QuizAttempt.id)).where(QuizAttempt.user_id == user_id))
    answers = release(learner, action, fields, copies)
    rows = count(app, select(func.count(QuizAttempt.id)).where(QuizAttempt.user_id == user_id))
    expected = f"{QUIZ_LESSON}?checked={fields['submission']}#quiz"
    return Outcome(rows - before, answers, expected)


def practice_step(app: Flask, host: str, username: str, copies: int) -> Outcome:
    learner = sign_in(host, username)
    start = f"{PRACTICE_LESSON}/practice"
    started = learner.post(start, hidden_fields(learner, PRACTICE_LESSON, start))
    assert started.status == 302, started.status
    run_page = started.location
    fields = hidden_fields(learner, run_page, run_page) | {"choice": "0"}
    run_id = int(run_page.rsplit("/", 1)[1])
    answers = release(learner, run_page, fields, copies)
    rows = count(app, select(func.count(ScenarioChoice.id)).where(ScenarioChoice.run_id == run_id))
    return Outcome(rows, answers, run_page)


def tandem_session(
    app: Flask, host: str, username: str, learner_id: int, copies: int, day: int = 7
) -> Outcome:
    mentor = sign_in(host, username)
    page = "/mentor/sessions/new"
    when = date.today() + timedelta(days=day)
    fields = hidden_fields(mentor, page, page) | {
        "learner": str(learner_id),
        "date": when.isoformat(),
        "time": "10:00",
        "planned_minutes": "60",
        "place": "centre",
    }
    before = count(app, select(func.count(TandemSession.id)))
    answers = release(mentor, page, fields, copies)
    rows = count(app, select(func.count(TandemSession.id))) - before
    newest = count(app, select(func.max(TandemSession.id)))
    return Outcome(rows, answers, f"/mentor/sessions/{newest}")


def help_request(app: Flask, host: str, username: str, copies: int) -> Outcome:
    learner = sign_in(host, username)
    action = "/help"
    fields = hidden_fields(learner, f"/help?from={QUIZ_LESSON}", action) | {"message": "Wie?"}
    before = count(app, select(func.count(HelpRequest.id)))
    answers = release(learner, action, fields, copies)
    rows = count(app, select(func.count(HelpRequest.id))) - before
    newest = count(app, select(func.max(HelpRequest.id)))
    return Outcome(rows, answers, f"/help/sent/{newest}")


def new_account(
    app: Flask,
    host: str,
    username: str,
    centre_id: int,
    copies: int,
    name: str = "Erna Zweimal",
    chosen_username: str = "",
) -> Outcome:
    coordinator = sign_in(host, username)
    page = "/coordinate/accounts/new"
    fields = hidden_fields(coordinator, page, page) | {
        "role": "learner",
        "display_name": name,
        "username": chosen_username,
        "centre": str(centre_id),
    }
    answers = release(coordinator, page, fields, copies)
    rows = count(app, select(func.count(User.id)).where(User.display_name == name))
    return Outcome(rows, answers)


FORMS: dict[str, Callable[..., Outcome]] = {
    "self-check": self_check,
    "practice step": practice_step,
    "tandem session": tandem_session,
    "help request": help_request,
    "account": new_account,
}
