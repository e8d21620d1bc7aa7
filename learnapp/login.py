"""Flask-Login and CSRF wiring: who is signed in, and what happens when nobody is."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from learnapp.auth.services import load_user
from learnapp.db import get_session, side_write
from learnapp.models import User
from learnapp.models.base import utcnow
from learnapp.side_writes import tolerated

# Writing "last active" on every request would cost a write each time; once in a while is enough.
LAST_ACTIVE_RESOLUTION = timedelta(minutes=5)

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"
csrf = CSRFProtect()


@login_manager.user_loader
def _load(cookie_id: str) -> User | None:
    return load_user(get_session(), cookie_id)


def note_activity() -> None:
    if not current_user.is_authenticated:
        return
    now = utcnow()
    last = current_user.last_active_at
    if last is None or now - last > LAST_ACTIVE_RESOLUTION:
        with tolerated("last active"):
            side_write(get_session(), "last active")
            current_user.last_active_at = now


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    csrf.init_app(app)
    app.before_request(note_activity)
