"""Help from every learner page: the journey through HTTP, the origin check, the e-mail to the
mentor through a real SMTP server (aiosmtpd on 127.0.0.1), and what nobody else may see."""

from __future__ import annotations

import html
import re
import socket
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from urllib.parse import unquote

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, exc, func, select
from sqlalchemy.orm import Session

from learnapp.db import get_session
from learnapp.models import HelpRequest, User
from tests.helpers import FORM_KEY_FIELD, Auth, count_queries, csrf_from
from tests.world import World

PRACTICE = "/courses/sample/sample-practice"
HELP_LINK = re.compile(r'class="button button-secondary help-link" href="([^"]+)"')


class Inbox:
    """aiosmtpd's handler: every message the server accepted."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"

    def wait(self, count: int, seconds: float = 5) -> list[Message]:
        end = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < end:
            time.sleep(0.05)
        return self.messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="hilfe@example.org")
    yield handler
    controller.stop()


def set_email(app: Flask, user_id: int, email: str | None) -> None:
    with app.app_context():
        db = get_session()
        db.get(User, user_id).email = email
        db.commit()


def help_link(page: str) -> str:
    match = HELP_LINK.search(page)
    assert match, "no Help link in the header"
    return html.unescape(match.group(1))


def send_help(client: FlaskClient, form_page: str, message: str) -> tuple[str, dict[str, str]]:
    """Open the help page (as the header link does) and send it; (confirmation URL, fields)."""
    page = client.get(form_page).get_data(as_text=True)
    origin = re.search(r'name="origin" type="hidden" value="([^"]*)"', page)
    origin = origin or re.search(r'id="origin" name="origin" type="hidden" value="([^"]*)"', page)
    fields = {
        "csrf_token": csrf_from(page),
        "form_key": FORM_KEY_FIELD.search(page).group(1),
        "origin": html.unescape(origin.group(1)) if origin else "",
        "message": message,
    }
    # buffered: the test client then closes the response, as a WSGI server does
    response = client.post("/help", data=fields, buffered=True)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"], fields


def requests_stored(app: Flask) -> list[HelpRequest]:
    with app.app_context():
        return list(get_session().scalars(select(HelpRequest).order_by(HelpRequest.id)))


def test_journey_from_a_practice_step_and_from_settings_to_the_answer_on_home(
    client: FlaskClient, auth: Auth, world: World, app: Flask, inbox: Inbox
):
    set_email(app, world.mentor_a, "mia@example.org")
    auth.login("learnera")
    step_url = auth.post(f"{PRACTICE}/practice", token_from=PRACTICE).headers["Location"]
    step_page = client.get(step_url).get_data(as_text=True)
    link = help_link(step_page)
    assert unquote(link) == f"/help?from={step_url}"
    form = client.get(link).get_data(as_text=True)
    assert "Mia Mentorin" in form and "Sie waren gerade hier" in form
    sent_url, fields = send_help(client, link, "Wo  tippe ich?")
    confirmation = client.get(sent_url).get_data(as_text=True)
    assert "Ihre Frage geht an Mia Mentorin" in confirmation and step_url in confirmation
    # The same form again (a double tap): the same confirmation, one row.
    again = client.post("/help", data=fields, buffered=True)
    assert again.status_code == 302 and again.headers["Location"] == sent_url
    stored = requests_stored(app)
    assert len(stored) == 1
    assert (stored[0].origin_path, stored[0].lesson_id) == (step_url, "sample-practice")
    assert stored[0].message == "Wo tippe ich?"

    mails = inbox.wait(1)
    assert len(mails) == 1  # once, not for the second copy
    mail = mails[0]
    body = mail.get_payload(decode=True).decode()
    assert mail["To"] == "mia@example.org" and "Erika" in mail["Subject"]
    assert "Erika" in body and "/mentor" in body
    with app.test_request_context():
        from learnapp.pages import lesson_title

        assert lesson_title("sample-practice") in body
    for private in ("Lernend", "Wo tippe", "learnera", step_url):
        assert private not in body and private not in mail["Subject"]

    settings_link = help_link(client.get("/settings").get_data(as_text=True))
    assert unquote(settings_link) == "/help?from=/settings"
    send_help(client, settings_link, "")
    stored = requests_stored(app)
    assert (stored[1].origin_path, stored[1].lesson_id, stored[1].course_id) == (
        "/settings",
        "",
        "",
    )
    home = html.unescape(client.get("/").get_data(as_text=True))
    assert home.count("Ihre Frage an Mia Mentorin – offen") == 2
    auth.logout()

    auth.login("mentora")
    dashboard = html.unescape(client.get("/mentor").get_data(as_text=True))
    first_urgent = dashboard[dashboard.index("urgent-list") :].split("</li>")[0]
    assert "Bittet um Hilfe" in first_urgent  # first on the page, linked to the answers
    assert 'id="help-requests"' in dashboard
    assert "Wo tippe ich?" in dashboard and "Erika Lernend" in dashboard
    learner_page = html.unescape(
        client.get(f"/mentor/learners/{world.learner_a}").get_data(as_text=True)
    )
    assert "2 offene Fragen" in learner_page  # the count on another staff page
    answered = auth.post(
        f"/mentor/help/{stored[0].id}/handled",
        {"reply": "Tippen Sie unten auf  den grünen Knopf."},
        token_from="/mentor",
    )
    assert answered.status_code == 302
    # Sent again: the first answer stays.
    auth.post(f"/mentor/help/{stored[0].id}/handled", {"reply": "Anders."}, token_from="/mentor")
    assert "1 offene Frage" in html.unescape(client.get("/settings").get_data(as_text=True))
    auth.logout()

    auth.login("learnera")
    home = html.unescape(client.get("/").get_data(as_text=True))
    assert "Ihre Frage an Mia Mentorin – erledigt am" in home
    assert "Tippen Sie unten auf den grünen Knopf." in home and "Anders." not in home
    assert "Ihre Frage an Mia Mentorin – offen" in home  # the one from settings


def test_another_mentor_neither_sees_nor_answers_it(
    client: FlaskClient, auth: Auth, world: World, app: Flask
):
    auth.login("learnera")
    send_help(client, "/help?from=/settings", "Geheim")
    help_id = requests_stored(app)[0].id
    auth.logout()
    auth.login("mentorb")
    dashboard = client.get("/mentor").get_data(as_text=True)
    assert "Geheim" not in dashboard and "offene Frage" not in dashboard
    refused = auth.post(f"/mentor/help/{help_id}/handled", {"reply": "x"}, token_from="/mentor")
    assert refused.status_code == 404
    assert requests_stored(app)[0].handled_at is None
    auth.logout()
    auth.login("learnera2")
    assert client.get(f"/help/sent/{help_id}").status_code == 404


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example/x",
        "//evil.example/courses",
        "/\\evil.example",
        "javascript:alert(1)",
        "/mentor",  # a page of the app, but not a learner's
        "/courses/sample/no-such-lesson/practice/1x",
    ],
)
def test_a_foreign_origin_is_neither_linked_nor_stored(
    client: FlaskClient, auth: Auth, world: World, app: Flask, origin: str
):
    auth.login("learnera")
    page = client.get("/help", query_string={"from": origin}).get_data(as_text=True)
    assert "evil" not in page and "javascript:" not in page
    assert 'name="origin" type="hidden" value=""' in page or 'value="" ' in page
    token = csrf_from(page)
    key = FORM_KEY_FIELD.search(page).group(1)
    response = client.post(
        "/help", data={"csrf_token": token, "form_key": key, "origin": origin, "message": "x"}
    )
    assert response.status_code == 400
    assert requests_stored(app) == []


def test_under_a_script_root_the_origin_carries_it_and_is_stored_without_it(
    client: FlaskClient, auth: Auth, world: World, app: Flask
):
    auth.login("learnera")
    mounted = {"base_url": "http://localhost/sub/"}
    settings = client.get("/settings", **mounted).get_data(as_text=True)
    assert unquote(help_link(settings)) == "/sub/help?from=/sub/settings"
    outside = client.get("/help", query_string={"from": "/settings"}, **mounted)
    assert 'value="/sub/settings"' not in outside.get_data(as_text=True)  # not under the root
    page = client.get("/help", query_string={"from": "/sub/settings"}, **mounted)
    text = page.get_data(as_text=True)
    assert 'value="/sub/settings"' in text
    fields = {
        "csrf_token": csrf_from(text),
        "form_key": FORM_KEY_FIELD.search(text).group(1),
        "origin": "/sub/settings",
    }
    sent = client.post("/help", data=fields, **mounted)
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/sub/help/sent/")
    assert requests_stored(app)[0].origin_path == "/settings"


def test_mail_server_down_keeps_the_request_and_the_learner_sees_no_error(
    client: FlaskClient, auth: Auth, world: World, app: Flask, caplog: pytest.LogCaptureFixture
):
    set_email(app, world.mentor_a, "mia@example.org")
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens there
    auth.login("learnera")
    sent_url, _fields = send_help(client, f"/help?from={PRACTICE}", "Hallo")
    assert client.get(sent_url).status_code == 200
    assert len(requests_stored(app)) == 1
    end = time.monotonic() + 5  # the mail is tried from a thread of its own
    while "not sent" not in caplog.text and time.monotonic() < end:
        time.sleep(0.05)
    assert "not sent" in caplog.text


def test_no_mail_when_the_request_is_not_stored_in_the_end(
    client: FlaskClient, auth: Auth, world: World, app: Flask, inbox: Inbox
):
    """The request's final commit is refused (a lost connection, a timeout): the learner gets
    the app's error page, nothing is stored and the mentor is told nothing."""
    set_email(app, world.mentor_a, "mia@example.org")
    auth.login("learnera")
    page = client.get(f"/help?from={PRACTICE}").get_data(as_text=True)

    def note_a_stored_request(session: Session, _flush: object) -> None:
        if any(isinstance(row, HelpRequest) for row in session.new):
            session.info["help_request_stored"] = True

    def refuse_the_final_commit(session: Session) -> None:
        # savepoints (form_keys.once) commit too: only the request's own, outer commit fails
        if session.info.get("help_request_stored") and not session.in_nested_transaction():
            raise exc.OperationalError("COMMIT", {}, Exception("connection lost"))

    fields = {
        "csrf_token": csrf_from(page),
        "form_key": FORM_KEY_FIELD.search(page).group(1),
        "origin": PRACTICE,
        "message": "Hallo",
    }
    event.listen(Session, "after_flush", note_a_stored_request)
    event.listen(Session, "before_commit", refuse_the_final_commit)
    try:
        response = client.post("/help", data=fields, buffered=True)
    finally:
        event.remove(Session, "before_commit", refuse_the_final_commit)
        event.remove(Session, "after_flush", note_a_stored_request)
    assert response.status_code == 503
    time.sleep(1)
    assert inbox.messages == []
    assert requests_stored(app) == []


def test_no_mail_without_an_address_or_without_a_server(
    client: FlaskClient, auth: Auth, world: World, app: Flask, inbox: Inbox
):
    auth.login("learnera")
    send_help(client, f"/help?from={PRACTICE}", "")  # the mentor gave no address
    app.config["MAIL_SERVER"] = ""
    set_email(app, world.mentor_a, "mia@example.org")
    send_help(client, "/help?from=/settings", "")
    time.sleep(0.5)
    assert inbox.messages == []
    assert len(requests_stored(app)) == 2


def test_without_a_mentor_the_page_says_nobody_can_answer_yet(
    client: FlaskClient, auth: Auth, world: World, app: Flask
):
    auth.login("learnera2")
    form = html.unescape(client.get("/help?from=/").get_data(as_text=True))
    assert "Sie haben noch keinen Mentor" in form and "niemand" in form
    send_help(client, "/help?from=/", "")
    home = html.unescape(client.get("/").get_data(as_text=True))
    assert "Ihre Frage – offen. Sie haben noch keinen Mentor." in home


def _queries(app: Flask, client: FlaskClient, path: str) -> int:
    client.get(path)
    with count_queries(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def _add_requests(app: Flask, learner_id: int, how_many: int, handled_by: int | None) -> None:
    with app.app_context():
        db = get_session()
        for n in range(how_many):
            db.add(
                HelpRequest(
                    learner_id=learner_id,
                    course_id="sample",
                    lesson_id="sample-first",
                    message=f"Frage {n}",
                    handled_by_id=handled_by if n % 2 else None,
                    handled_at=None,
                )
            )
        db.commit()


def test_home_and_mentor_pages_run_as_many_queries_with_more_questions(
    client: FlaskClient, auth: Auth, world: World, app: Flask
):
    auth.login("learnera")
    _add_requests(app, world.learner_a, 1, None)
    home_few = _queries(app, client, "/")
    _add_requests(app, world.learner_a, 6, world.mentor_a)
    home_many = _queries(app, client, "/")
    assert home_few == home_many
    auth.logout()
    auth.login("mentora")
    mentor_many = _queries(app, client, "/mentor")
    settings_many = _queries(app, client, "/settings")
    with app.app_context():
        db = get_session()
        db.execute(HelpRequest.__table__.delete().where(HelpRequest.id > 1))
        db.commit()
        assert db.scalar(select(func.count(HelpRequest.id))) == 1
    assert _queries(app, client, "/mentor") == mentor_many
    assert _queries(app, client, "/settings") == settings_many


def test_hostile_message_and_reply_stay_text_on_every_page(
    client: FlaskClient, auth: Auth, world: World, app: Flask
):
    from tests.security.hostile import VECTORS, assert_no_active_content

    with app.app_context():
        db = get_session()
        for n, vector in enumerate(VECTORS[:12]):
            db.add(
                HelpRequest(
                    learner_id=world.learner_a,
                    course_id="",
                    lesson_id="",
                    origin_path="/settings",
                    message=vector,
                    reply=vector if n % 2 else "",
                    handled_by_id=world.mentor_a if n % 2 else None,
                )
            )
        db.commit()
    auth.login("mentora")
    for path in ("/mentor", f"/mentor/learners/{world.learner_a}"):
        assert_no_active_content(client.get(path).get_data(as_text=True), path)
    auth.logout()
    auth.login("learnera")
    assert_no_active_content(client.get("/").get_data(as_text=True), "home")
    last = requests_stored(app)[-1].id
    assert_no_active_content(client.get(f"/help/sent/{last}").get_data(as_text=True), "sent")


def test_a_mentor_sets_an_address_a_learner_cannot(
    client: FlaskClient, auth: Auth, world: World, app: Flask
):
    fields = {"text_size": "100", "contrast": "normal", "language": "de", "speech_rate": "100"}
    auth.login("mentora")
    wrong = auth.post("/settings", {**fields, "email": "nicht-gültig"})
    assert wrong.status_code == 400
    assert 'id="email-error"' in wrong.get_data(as_text=True)
    assert auth.post("/settings", {**fields, "email": " mia@example.org "}).status_code == 302
    auth.logout()
    auth.login("learnera")
    assert 'name="email"' not in client.get("/settings").get_data(as_text=True)
    assert auth.post("/settings", {**fields, "email": "erika@example.org"}).status_code == 302
    with app.app_context():
        db = get_session()
        assert db.get(User, world.mentor_a).email == "mia@example.org"
        assert db.get(User, world.learner_a).email is None
