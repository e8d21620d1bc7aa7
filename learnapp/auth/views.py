"""Sign in (with throttling and an optional second step), sign out, change the password."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import Field

from learnapp import security
from learnapp.access import signed_in
from learnapp.auth import services, sessions
from learnapp.auth.forms import ChangePasswordForm, CodeForm, EnableTwoFactorForm, LoginForm
from learnapp.auth.sessions import safe_next
from learnapp.auth.throttle import Verdict, get_throttle
from learnapp.db import get_session
from learnapp.models import User

bp = Blueprint("auth", __name__)
TOTP_SETUP_KEY = "_totp_setup"

__all__ = ["bp", "safe_next"]


def _address() -> str:
    return request.remote_addr or "unknown"


def _refusal(verdict: Verdict) -> str:
    """Why a sign-in was not tried: kind words, no countdown."""
    if verdict.locked:
        return _(
            "For your safety, signing in with this name is paused for a while, because the "
            "password was wrong several times. Please ask your mentor or the centre: "
            "they can unlock it for you."
        )
    return _("Please wait a few seconds, then try again.")


def _expired_password() -> str:
    return _(
        "This temporary password no longer works: it was used already, or it is too old. "
        "Please ask your mentor or the centre for a new one."
    )


def _wrong_password() -> str:
    return _(
        "The username or the password is not right. Please try again, or ask your mentor for help."
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Sign in with username and password; errors are shown next to the field."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.home"))
    form = LoginForm()
    if request.method == "GET" and request.args.get("username"):
        form.username.data = request.args["username"][:80]
    status = 200
    if form.validate_on_submit():
        username = services.normalise_username(form.username.data or "")
        throttle = get_throttle()
        verdict = throttle.check(username, _address())
        if verdict.allowed:
            db = get_session()
            try:
                user = services.authenticate(db, username, form.password.data or "")
            except services.PasswordExpired:
                form.password.errors = [_expired_password()]
                return render_template("auth/login.html", form=form, failed=True), 401
            if user is not None:
                next_path = safe_next(request.args.get("next"))
                if user.totp_secret:
                    db.commit()  # a password hash renewed to the current method
                    sessions.start_second_step(user, next_path)
                    return redirect(url_for("auth.login_code"))
                services.note_sign_in(user)
                # Committed before the throttle writes on its own connection: on SQLite that
                # write would otherwise wait for this request's lock until the busy timeout.
                db.commit()
                throttle.record_success(username)
                replayed = sessions.sign_in(user)
                return redirect(replayed or next_path or url_for("learn.home"))
            verdict = throttle.record_failure(username, _address())
        status = 429 if not verdict.allowed else 401
        form.password.errors = [_refusal(verdict) if not verdict.allowed else _wrong_password()]
    return render_template("auth/login.html", form=form, failed=status != 200), status


@bp.route("/login/code", methods=["GET", "POST"])
def login_code() -> ResponseReturnValue:
    """The second step for accounts with an authenticator app: six digits."""
    db = get_session()
    pending = sessions.pending_second_step(db)
    if pending is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    user, next_path = pending
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        throttle = get_throttle()
        verdict = throttle.check(user.username, _address())
        if verdict.allowed:
            if services.verify_totp(user, form.code.data or ""):
                services.note_sign_in(user)
                db.commit()
                throttle.record_success(user.username)
                replayed = sessions.sign_in(user)
                return redirect(replayed or next_path or url_for("learn.home"))
            verdict = throttle.record_failure(user.username, _address())
        status = 429 if not verdict.allowed else 401
        form.code.errors = [
            _refusal(verdict)
            if not verdict.allowed
            else _("This code is not right. Please look at the app and type the new code.")
        ]
    return render_template("auth/code.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out: the session version moves on, so this cookie never works again."""
    if current_user.is_authenticated:
        services.end_all_sessions(signed_in())
    sessions.end()
    flash(
        _(
            "You are signed out. Everything you did is saved. "
            "Sign in again to go on where you were."
        ),
        "success",
    )
    back = _page_left(request.referrer)
    target = url_for("auth.login", next=back) if back else url_for("auth.login")
    return security.clear_site_data(make_response(redirect(target)))


def _page_left(referrer: str | None) -> str | None:
    """The page of this site the sign-out was sent from: a sign-out by mistake costs nothing,
    the next sign-in returns there. (Referrer-Policy same-origin: only this site's pages.)"""
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host:
        return None
    if parts.path.removeprefix(request.script_root).startswith(("/login", "/logout")):
        return None
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Choose a new password: the current one first, unless a mentor just set a temporary one."""
    user = signed_in()
    forced = user.must_change_password
    form = ChangePasswordForm(user.username, need_current=not forced)
    if form.validate_on_submit():
        throttle = get_throttle()
        if not forced:
            _check_current_password(user, form.current_password)
        if not form.errors:
            services.change_password(user, form.new_password.data or "")
            throttle.record_success(user.username)
            sessions.begin(user)
            flash(_("Your new password is saved. Please use it from now on."), "success")
            return redirect(url_for("learn.home"))
    status = 400 if form.errors else 200
    return render_template("auth/password.html", form=form, forced=forced), status


def _check_current_password(user: User, field: Field) -> bool:
    """The password asked again before a change; wrong tries count like wrong sign-ins."""
    throttle = get_throttle()
    verdict = throttle.check(user.username, _address())
    if not verdict.allowed:
        field.errors = [_refusal(verdict)]
        return False
    if not user.check_password(field.data or ""):
        verdict = throttle.record_failure(user.username, _address())
        field.errors = [
            _refusal(verdict)
            if not verdict.allowed
            else _("This is not your current password. Please try again.")
        ]
        return False
    return True


def _totp_page(user: User, form: CodeForm, status: int = 200) -> ResponseReturnValue:
    secret = session.get(TOTP_SETUP_KEY) if not user.totp_secret else None
    groups = [secret[i : i + 4] for i in range(0, len(secret), 4)] if secret else []
    return (
        render_template(
            "auth/two_factor.html",
            form=form,
            enabled=bool(user.totp_secret),
            required=sessions.totp_required(user),
            secret_groups=groups,
        ),
        status,
    )


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor() -> ResponseReturnValue:
    """Turn the second step (an authenticator app) on (with the password again) or off."""
    user = signed_in()
    if not sessions.totp_allowed(user):
        abort(404)
    if not user.totp_secret:
        secret = session.get(TOTP_SETUP_KEY)
        if not isinstance(secret, str) or not secret:
            session[TOTP_SETUP_KEY] = secret = services.new_totp_secret()
        enable_form = EnableTwoFactorForm()
        if not enable_form.validate_on_submit():
            return _totp_page(user, enable_form, 400 if enable_form.errors else 200)
        if not _check_current_password(user, enable_form.current_password):
            return _totp_page(user, enable_form, 400)
        step = services.totp_step(secret, enable_form.code.data or "")
        if step is None:
            enable_form.code.errors = [
                _("This code is not right. Please look at the app and try again.")
            ]
            return _totp_page(user, enable_form, 400)
        user.totp_secret, user.totp_last_step = secret, step
        services.end_all_sessions(user)  # other devices sign in again, now with the code
        sessions.begin(user)
        flash(_("The second step is on. From now on you also type a code from the app."), "success")
        return redirect(url_for("auth.two_factor"))

    form = CodeForm()
    if request.method == "POST":
        if sessions.totp_required(user):
            abort(403)
        if form.validate_on_submit():
            if services.verify_totp(user, form.code.data or ""):
                user.totp_secret, user.totp_last_step = None, None
                flash(_("The second step is off."), "success")
                return redirect(url_for("auth.two_factor"))
            form.code.errors = [_("This code is not right. Please look at the app and try again.")]
        return _totp_page(user, form, 400)
    return _totp_page(user, form)


@bp.get("/two-factor/qr.svg")
@login_required
def two_factor_qr() -> ResponseReturnValue:
    """The QR code an authenticator app scans while the second step is being set up."""
    secret = session.get(TOTP_SETUP_KEY)
    user = signed_in()
    if user.totp_secret or not isinstance(secret, str):
        abort(404)
    uri = services.totp_uri(secret, user.username, current_app.config["TOTP_ISSUER"])
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=6, border=4, xmldecl=False)
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response
