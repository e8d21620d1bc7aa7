"""Session life: begin and end cleanly, end idle sessions kindly, insist on account steps.

Sessions are signed cookies. What ends one on the server side is the user's session version
(see services.load_user) and two times kept in the cookie itself: the last request (after
IDLE_TIMEOUT_MINUTES, or STAFF_IDLE_TIMEOUT_MINUTES for mentors, coordinators and admins, who
can see other people's data, the next request signs the person out) and the sign-in (after
SESSION_MAX_HOURS the session ends however busy it was, so a stolen cookie does not live on).
The sign-in page says why. Progress is saved with every click; a click that itself arrives
after the session ended is not lost either when it is one of the safe learner steps that
register a replay (see `register_replay`): it waits in the cookie, bound to the person, and is
done for them as soon as the same person signs in again. Any other late click is not kept, and
the sign-in page says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask.sansio.app import App
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from learnapp.models import User

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

SEEN_KEY = "_seen"
STARTED_KEY = "_started"
STAFF_KEY = "_staff"
STAFF_ROLES = frozenset({"mentor", "coordinator", "admin"})
SEEN_RESOLUTION_SECONDS = 60  # the idle clock moves in minutes, so the cookie changes rarely
SECOND_STEP_KEY = "_second_step"
SECOND_STEP_SECONDS = 300
KEPT_KEYS = ("lang",)  # what a visitor chose before signing in stays (the page language)
# Pages that stay reachable while an account step (new password, second factor) is due.
STEP_ENDPOINTS = frozenset(
    {
        "auth.change_password",
        "auth.logout",
        "auth.two_factor",
        "auth.two_factor_qr",
        "static",
        "health.healthz",
    }
)
UNTRACKED_ENDPOINTS = frozenset({"static", "health.healthz"})
PENDING_KEY = "_pending_action"
PENDING_MAX_SECONDS = 24 * 3600  # a step from yesterday is not what someone means today
PENDING_MAX_FIELDS = 10
PENDING_MAX_CHARS = 1000  # the whole action has to fit in the signed cookie (about 4 KB)
REPLAYS_KEY = "learnapp_replays"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class PendingAction:
    """A form sent after the session ended: which page, with what, by whom."""

    user_id: str
    endpoint: str
    view_args: dict[str, str]
    form: dict[str, str]


# Does a kept step again for the person who signed in; returns the page it leads to.
Replay = Callable[[User, PendingAction], str | None]


def register_replay(app: App, endpoint: str, replay: Replay) -> None:
    """Allow a late form of this endpoint to be kept and done after the next sign-in.

    Only for steps that are safe to do twice and need nothing but the person and the
    fields (such as "Done" on a lesson): the replay checks everything the view checks.
    """
    app.extensions.setdefault(REPLAYS_KEY, {})[endpoint] = replay


def _replays() -> dict[str, Replay]:
    replays: dict[str, Replay] = current_app.extensions.get(REPLAYS_KEY, {})
    return replays


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no backslash or control-character tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers drop tabs and newlines inside URLs ("/\t/evil.example" becomes "//evil...")
    # and read a backslash as a slash, so any of them makes the target unusable.
    if any(ch == "\\" or ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _fresh_session(keep_pending: bool = False) -> None:
    keys = (*KEPT_KEYS, PENDING_KEY) if keep_pending else KEPT_KEYS
    kept = {key: session[key] for key in keys if key in session}
    session.clear()
    session.update(kept)


def begin(user: User) -> None:
    """Sign in with a brand-new session: nothing from before sign-in is carried over."""
    _fresh_session()
    login_user(user)
    session.permanent = True
    session[SEEN_KEY] = session[STARTED_KEY] = int(time.time())
    session[STAFF_KEY] = user.role in STAFF_ROLES


def end() -> None:
    """Forget the signed-in user and everything in the session but the language."""
    logout_user()
    _fresh_session()


def sign_in(user: User) -> str | None:
    """Begin a session and do the step the same person sent after their last session ended.

    Returns the page that step leads to, if one was done. A step kept for somebody else
    (another person on the same tablet) is dropped unseen.
    """
    pending = _take_pending(user)
    begin(user)
    if pending is None:
        return None
    replay = _replays().get(pending.endpoint)
    return replay(user, pending) if replay else None


def start_second_step(user: User, next_path: str | None) -> None:
    """The password was right; the code from the app is still to come."""
    _fresh_session(keep_pending=True)
    session[SECOND_STEP_KEY] = {
        "user": user.id,
        "version": user.session_version,
        "next": next_path,
        "at": int(time.time()),
    }


def pending_second_step(db_session: Session) -> tuple[User, str | None] | None:
    """The user waiting to enter a code, if they started less than five minutes ago."""
    pending = session.get(SECOND_STEP_KEY)
    if not isinstance(pending, dict):
        return None
    started = pending.get("at")
    if not isinstance(started, int) or time.time() - started > SECOND_STEP_SECONDS:
        session.pop(SECOND_STEP_KEY, None)
        return None
    user = db_session.get(User, pending.get("user"))
    if user is None or not user.active or user.session_version != pending.get("version"):
        return None
    return user, safe_next(pending.get("next"))


def totp_required(user: User) -> bool:
    return user.role in current_app.config["TOTP_REQUIRED_ROLES"]


def totp_allowed(user: User) -> bool:
    return user.role in current_app.config["TOTP_ROLES"] or totp_required(user)


def _return_path() -> str | None:
    """Where to continue after signing in again: this page, or for a form the page it was on."""
    if request.method == "GET":
        return safe_next(request.full_path.rstrip("?"))
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    return safe_next(referrer.path)


def _idle_timeout_seconds() -> int:
    """Staff see other people's data: their sessions end sooner when left alone."""
    key = "STAFF_IDLE_TIMEOUT_MINUTES" if session.get(STAFF_KEY) else "IDLE_TIMEOUT_MINUTES"
    return int(current_app.config[key]) * 60


def _late_form() -> PendingAction | None:
    """This request's form, if it may be kept for after sign-in (see `register_replay`).

    The token must still match the ended session: so the form came from this person's own
    page on this tablet, not from another site. Its fields are bounded to fit the cookie.
    """
    if request.method != "POST" or request.endpoint not in _replays():
        return None
    try:
        validate_csrf(request.form.get(CSRF_FIELD))
    except (ValidationError, CSRFError):
        return None
    form = {key: value for key, value in request.form.items() if key != CSRF_FIELD}
    view_args = {key: str(value) for key, value in (request.view_args or {}).items()}
    size = sum(len(key) + len(value) for key, value in (*form.items(), *view_args.items()))
    if len(form) > PENDING_MAX_FIELDS or size > PENDING_MAX_CHARS:
        return None
    user_id = str(session["_user_id"]).split(":", 1)[0]  # the cookie id is "id:version"
    return PendingAction(user_id, str(request.endpoint), view_args, form)


def _keep(pending: PendingAction) -> None:
    session[PENDING_KEY] = {
        "user": pending.user_id,
        "endpoint": pending.endpoint,
        "args": pending.view_args,
        "form": pending.form,
        "at": int(time.time()),
    }


def _take_pending(user: User) -> PendingAction | None:
    """The kept step, once, if it belongs to this person and is recent; else nothing."""
    kept = session.pop(PENDING_KEY, None)
    if not isinstance(kept, dict):
        return None
    at, endpoint = kept.get("at"), kept.get("endpoint")
    args, form = kept.get("args"), kept.get("form")
    if (
        kept.get("user") != str(user.id)
        or not isinstance(at, int)
        or time.time() - at > PENDING_MAX_SECONDS
        or not isinstance(endpoint, str)
        or not isinstance(args, dict)
        or not isinstance(form, dict)
    ):
        return None
    return PendingAction(str(user.id), endpoint, args, form)


def _sign_out_with(why: str) -> ResponseReturnValue:
    next_path = _return_path()
    pending = _late_form()
    unsaved = request.method == "POST" and pending is None
    end()
    if pending is not None:
        _keep(pending)
        what = _(
            "Your last step is kept and will be saved as soon as you sign in again. "
            "Everything you did before is saved."
        )
    elif unsaved:
        what = _(
            "Your last step could not be saved, so please do it once more after signing in. "
            "Everything you did before it is saved."
        )
    else:
        what = _("Everything you did is saved.")
    flash(f"{why} {what} {_('Please sign in again to continue.')}", "info")
    return redirect(url_for("auth.login", next=next_path))


def end_idle_session() -> ResponseReturnValue | None:
    """End a session idle too long or older than its lifetime; otherwise note that it is in use."""
    if request.endpoint in UNTRACKED_ENDPOINTS or "_user_id" not in session:
        return None
    now = int(time.time())
    started = session.get(STARTED_KEY)
    lifetime = int(current_app.config["SESSION_MAX_HOURS"]) * 3600
    if isinstance(started, int) and lifetime > 0 and now - started > lifetime:
        return _sign_out_with(_("For your safety we sign everyone out after a few hours."))
    if not isinstance(started, int):  # a session from before this rule: its lifetime starts now
        session[STARTED_KEY] = now
    seen = session.get(SEEN_KEY)
    timeout = _idle_timeout_seconds()
    if isinstance(seen, int) and timeout > 0 and now - seen > timeout:
        return _sign_out_with(
            _("You were away for a while, so we signed you out to protect your account.")
        )
    if not isinstance(seen, int) or now - seen >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_KEY] = now
    return None


def require_account_steps() -> ResponseReturnValue | None:
    """A new password (after a reset) or a second factor (where required) comes first."""
    if request.endpoint in STEP_ENDPOINTS or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    if totp_required(current_user) and not current_user.totp_secret:
        return redirect(url_for("auth.two_factor"))
    return None


def init_app(app: Flask) -> None:
    app.before_request(end_idle_session)
    app.before_request(require_account_steps)
