"""Help from every page, in a real browser without JavaScript: from a practice step and from
the settings to the help page, sent; the mentor sees both first on /mentor with their number
in the menu, answers one; the learner's home shows the answer. The mentor's e-mail arrives at
a real SMTP server on 127.0.0.1 (aiosmtpd) with the first name and the lesson only."""

from __future__ import annotations

import socket
import time
from email import message_from_bytes
from email.message import Message

import pytest
from sqlalchemy import select

from learnapp.db import get_session
from learnapp.models import User
from tests.browser.accounts import HELP_LEARNER, HELP_MENTOR, HELP_MENTOR_NAME
from tests.browser.pages import CHAT_PRACTICE

aiosmtpd = pytest.importorskip("aiosmtpd.controller")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


def tap(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.click(selector)


@pytest.fixture
def inbox(live_server):  # type: ignore[no-untyped-def]
    handler = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = aiosmtpd.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app = live_server.app
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        db = get_session()
        db.scalars(select(User).where(User.username == HELP_MENTOR)).one().email = "l@example.org"
        db.commit()
    yield handler
    app.config.update(MAIL_SERVER="")
    controller.stop()


def test_help_from_a_practice_step_and_from_settings_to_the_answer(browsing, inbox):
    learner = browsing.open(HELP_LEARNER, javascript=False).page
    learner.goto(CHAT_PRACTICE)
    tap(learner, ".practice-start button[type=submit]")
    step = learner.url
    tap(learner, ".site-header .help-link")
    assert "/help?from=" in learner.url
    assert "Sie waren gerade hier" in learner.inner_text("main")
    learner.fill("#message", "Soll ich die Nummer speichern?")
    tap(learner, ".help-form button[type=submit]")
    assert f"Ihre Frage geht an {HELP_MENTOR_NAME}" in learner.inner_text("main")
    tap(learner, ".button-row .button-primary")  # back to where she was
    assert learner.url == step

    learner.goto("/settings")
    tap(learner, ".site-header .help-link")
    tap(learner, ".help-form button[type=submit]")  # no message: that is fine
    assert "Ihre Frage ist gesendet" in learner.inner_text("main")

    end = time.monotonic() + 20  # the mail goes out after the response; CI can be busy
    while len(inbox.messages) < 2 and time.monotonic() < end:
        time.sleep(0.1)
    assert len(inbox.messages) == 2
    bodies = [m.get_payload(decode=True).decode() for m in inbox.messages]
    assert all("Erika bittet Sie um Hilfe" in body and "/mentor" in body for body in bodies)
    assert all("Meyer" not in body and "Nummer speichern" not in body for body in bodies)

    mentor = browsing.open(HELP_MENTOR, javascript=False).page
    mentor.goto("/mentor/sessions/new")  # another staff page: the number in the menu
    assert "2 offene Fragen" in mentor.inner_text(".main-nav")
    tap(mentor, ".main-nav .help-count")
    first_urgent = mentor.locator(".urgent-list > li").first.inner_text()
    assert "Bittet um Hilfe" in first_urgent  # who asks comes first, linked to the answers
    mentor.click(".help-request summary >> nth=0")  # one line each; it opens to the answer
    assert "Soll ich die Nummer speichern?" in mentor.inner_text("#help-requests")
    mentor.fill(".help-request textarea >> nth=0", "Nein, löschen Sie die Nachricht.")
    tap(mentor, ".help-request button[type=submit] >> nth=0")
    assert "1 offene Frage" in mentor.inner_text(".main-nav")

    learner.goto("/")
    questions = learner.inner_text(".questions-card")
    assert f"Ihre Frage an {HELP_MENTOR_NAME} – erledigt am" in questions
    assert "Nein, löschen Sie die Nachricht." in questions
    assert f"Ihre Frage an {HELP_MENTOR_NAME} – offen" in questions
