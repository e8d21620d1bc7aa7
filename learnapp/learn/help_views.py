""" "Help" from every learner page: the form, sending it, and what happens next."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from learnapp import form_keys, mail, pages
from learnapp.access import LEARNER, roles_required, signed_in
from learnapp.db import get_session
from learnapp.helpdesk import notify
from learnapp.learn import help_requests, origins
from learnapp.learn.forms import HelpForm
from learnapp.learn.limits import LimitReached
from learnapp.models import HelpRequest, User
from learnapp.tandems.queries import current_mentor

bp = Blueprint("help", __name__, url_prefix="/help")


def _page(form: HelpForm, origin: origins.Origin | None, mentor: User | None) -> str:
    if origin is not None:
        g.setdefault(pages.HELP_ORIGIN, origins.link(origin.path))  # "Help" again: same page
    return render_template(
        "learn/help.html",
        form=form,
        origin=origin,
        back=origins.link(origin.path) if origin else url_for("learn.home"),
        mentor=mentor,
    )


@bp.route("", methods=["GET", "POST"])
@roles_required(LEARNER)
def ask() -> ResponseReturnValue:
    """A short form to ask the mentor for help, with the page it was opened from."""
    db = get_session()
    learner = signed_in()
    form = HelpForm()
    if request.method == "GET":
        origin = origins.parse(request.args.get("from"))
        form.origin.data = origins.link(origin.path) if origin else ""
        return _page(form, origin, current_mentor(db, learner))
    sent_origin = form.origin.data or ""
    origin = origins.parse(sent_origin)
    if sent_origin and origin is None:
        abort(400)  # an origin no page of ours sends: not stored, not linked
    mentor = current_mentor(db, learner)
    if not form.validate_on_submit():
        return _page(form, origin, mentor), 400

    def store() -> form_keys.Result:
        sent = help_requests.ask(db, learner, origin, form.message.data or "")
        db.flush()
        return form_keys.Result(form_keys.HELP, sent.id, url_for("help.sent", help_id=sent.id))

    try:
        result, first = form_keys.once(db, learner, form.form_key.data, form_keys.HELP, store)
    except form_keys.KeyRefused:
        form.form_key.data = form_keys.new_key()
        form.message.errors = [_("This form was not complete. Please send it again.")]
        return _page(form, origin, mentor), 400
    except LimitReached as refused:
        form.message.errors = [str(refused)]
        return _page(form, origin, mentor), 429
    settings = mail.configured()
    if first and settings is not None and mentor is not None and mentor.email:
        lesson_id = origin.lesson_id if origin else ""
        address = url_for("mentor.dashboard", _external=True)
        message = notify.announcement(mentor, learner, lesson_id, address)
        mail.send_after_commit(db, settings, message)
    return redirect(result.url)


@bp.get("/sent/<int:help_id>")
@roles_required(LEARNER)
def sent(help_id: int) -> ResponseReturnValue:
    """What happens next with a request she sent: who sees it, where the answer appears."""
    db = get_session()
    learner = signed_in()
    help_request = db.get(HelpRequest, help_id)
    if help_request is None or help_request.learner_id != learner.id:
        abort(404)
    origin = origins.parse(origins.link(help_request.origin_path))
    return render_template(
        "learn/help_sent.html",
        help_request=help_request,
        mentor=current_mentor(db, learner),
        back=origins.link(origin.path) if origin else None,
        origin=origin,
    )
