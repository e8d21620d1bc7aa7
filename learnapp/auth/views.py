"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from learnapp.auth.forms import LoginForm
from learnapp.auth.services import authenticate
from learnapp.db import get_session

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """Sign in with username and password; errors are shown next to the field."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.home"))
    form = LoginForm()
    if request.method == "GET" and request.args.get("username"):
        form.username.data = request.args["username"][:80]
    failed = False
    if form.validate_on_submit():
        db = get_session()
        user = authenticate(db, form.username.data or "", form.password.data or "")
        if user is not None:
            keep_lang = session.get("lang")
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            if keep_lang:
                session["lang"] = keep_lang
            login_user(user)
            session.permanent = True
            return redirect(safe_next(request.args.get("next")) or url_for("learn.home"))
        failed = True
        form.password.errors = [
            _(
                "The username or the password is not right. Please try again, "
                "or ask your mentor for help."
            )
        ]
    return render_template("auth/login.html", form=form, failed=failed), (401 if failed else 200)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    """Sign out: the session version moves on, so this cookie never works again."""
    if current_user.is_authenticated:
        db = get_session()
        user = current_user._get_current_object()  # type: ignore[attr-defined]
        user.session_version += 1
        db.commit()
    keep_lang = session.get("lang")
    logout_user()
    session.clear()
    if keep_lang:
        session["lang"] = keep_lang
    flash(_("You are signed out. See you soon!"), "success")
    return redirect(url_for("auth.login"))
