"""The e-mail a mentor gets for a new help request: the learner's first name, the lesson's
title and the address of /mentor, nothing else about her (no message, no full name)."""

from __future__ import annotations

from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from learnapp import pages
from learnapp.models import User


def first_name(display_name: str) -> str:
    parts = display_name.split()
    return parts[0] if parts else ""


def announcement(mentor: User, learner: User, lesson_id: str, dashboard_url: str) -> EmailMessage:
    """The message to `mentor` (who has an address), in the mentor's language."""
    assert mentor.email
    name = first_name(learner.display_name)
    with force_locale(mentor.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        lesson_title = pages.lesson_title(lesson_id) if lesson_id else ""
        subject = _("DigiTandem: %(name)s asks for help", name=name)
        if lesson_title:
            asks = _(
                "%(name)s asks for your help with the lesson “%(lesson)s”.",
                name=name,
                lesson=lesson_title,
            )
        else:
            asks = _("%(name)s asks for your help.", name=name)
        body = "\n\n".join(
            [
                asks,
                _("You can read the question and answer it here:"),
                dashboard_url,
                _("You get this e-mail because you entered your address in DigiTandem."),
            ]
        )
    message = EmailMessage()
    message["To"] = mentor.email
    message["Subject"] = subject
    message.set_content(body + "\n")
    return message
