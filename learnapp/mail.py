"""Short e-mails through the operator's SMTP server (MAIL_* settings; no server: no mail).

Sent after the request's transaction committed, from a thread of its own (see
`send_after_commit`): a mail server that is slow, down or refuses never costs a stored row,
delays the page or shows an error to anyone; it is logged.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

LOG = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    use_tls: bool
    use_ssl: bool
    username: str
    password: str
    sender: str


def configured() -> MailSettings | None:
    """The app's mail settings, or None when the operator set up no server."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return None
    use_ssl = bool(config.get("MAIL_USE_SSL"))
    return MailSettings(
        server=str(config["MAIL_SERVER"]),
        port=int(config.get("MAIL_PORT") or (465 if use_ssl else 25)),
        use_tls=bool(config.get("MAIL_USE_TLS")),
        use_ssl=use_ssl,
        username=str(config.get("MAIL_USERNAME") or ""),
        password=str(config.get("MAIL_PASSWORD") or ""),
        sender=str(config.get("MAIL_FROM") or f"digitandem@{config['MAIL_SERVER']}"),
    )


def send(settings: MailSettings, message: EmailMessage) -> bool:
    """Deliver one message; False (and a log line) when it could not be handed over."""
    message["From"] = settings.sender
    try:
        if settings.use_ssl:
            context = ssl.create_default_context()
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.server, settings.port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            client = smtplib.SMTP(settings.server, settings.port, timeout=TIMEOUT_SECONDS)
        with client:
            if settings.use_tls and not settings.use_ssl:
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                client.login(settings.username, settings.password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        LOG.warning("mail to the server %s not sent: %s", settings.server, error)
        return False
    return True


def send_after_commit(session: Session, settings: MailSettings, message: EmailMessage) -> None:
    """Send `message` once `session` has committed, without holding up the response.

    Nothing is announced that was not stored: a commit that fails never fires the event. Not
    tied to the response's close either, which a development server skips when the browser
    drops the connection early (a mail then went missing).
    """

    def start_sending(_session: Session) -> None:
        threading.Thread(target=send, args=(settings, message), name="mail", daemon=True).start()

    event.listen(session, "after_commit", start_sending, once=True)
