"""The learner's preferences, stored on the account so every tablet shows them."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _

from learnapp import accounts
from learnapp.access import LEARNER, MENTOR, can_read_courses, signed_in
from learnapp.db import get_session
from learnapp.settings.forms import PreferencesForm
from learnapp.tandems.queries import current_mentor

bp = Blueprint("settings", __name__)


@bp.route("/settings", methods=["GET", "POST"])
@can_read_courses
def settings() -> ResponseReturnValue:
    """Show and change text size, contrast and language."""
    user = signed_in()
    languages = tuple(current_app.config["LANGUAGES"])
    form = PreferencesForm(languages)
    if user.role != MENTOR:
        del form.email  # only a mentor is told of help requests by e-mail
    if form.validate_on_submit():
        accounts.set_preferences(
            user,
            text_size=int(form.text_size.data),
            contrast=form.contrast.data,
            locale=form.language.data,
            speech_rate=int(form.speech_rate.data) if form.speech_rate.data else None,
        )
        if user.role == MENTOR and "email" in request.form:  # an older form keeps the address
            user.email = form.email.data or None
        with force_locale(user.locale):
            flash(_("Your settings are saved. They apply on every tablet you use."), "success")
        return redirect(url_for("settings.settings"))
    if not form.is_submitted():
        form.text_size.data = str(user.text_size)
        form.contrast.data = user.contrast
        form.language.data = user.locale or str(current_app.config["BABEL_DEFAULT_LOCALE"])
        form.speech_rate.data = str(user.speech_rate)
        if user.role == MENTOR:
            form.email.data = user.email or ""
    status = 400 if form.errors else 200
    mentor = current_mentor(get_session(), user) if user.role == LEARNER else None
    return render_template("settings/settings.html", form=form, mentor=mentor), status
