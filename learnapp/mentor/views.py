"""The mentor's area: learners at a glance, a learner's page, help requests, tandem sessions."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from learnapp import accounts, audit
from learnapp.access import (
    ADMIN,
    COORDINATOR,
    MENTOR,
    learner_or_404,
    may_open_tandem,
    paired_learner_ids,
    roles_required,
    signed_in,
    tandem_session_or_404,
)
from learnapp.auth import throttle
from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.mentor import services, sessions
from learnapp.mentor.forms import PlanSessionForm, RecordSessionForm
from learnapp.models import HelpRequest, TandemSession, User
from learnapp.models.base import utcnow
from learnapp.whole_numbers import whole_number

bp = Blueprint("mentor", __name__, url_prefix="/mentor")
STAFF = (MENTOR, COORDINATOR, ADMIN)


@bp.get("")
@roles_required(MENTOR)
def dashboard():  # type: ignore[no-untyped-def]
    """The mentor's paired learners at a glance, most urgent first."""
    library = get_library()
    summaries = services.dashboard(get_session(), signed_in(), library)
    return render_template("mentor/dashboard.html", summaries=summaries, library=library)


@bp.get("/learners/<int:learner_id>")
@roles_required(*STAFF)
def learner(learner_id: int):  # type: ignore[no-untyped-def]
    """One learner's progress, self-checks, practice, sessions and help requests."""
    db = get_session()
    person = learner_or_404(db, signed_in(), learner_id)
    library = get_library()
    detail = services.learner_detail(db, person, library)
    audit.record(db, signed_in(), audit.VIEWED, person, "learner page")
    db.commit()
    return render_template(
        "mentor/learner.html",
        learner=person,
        detail=detail,
        openable={t.id for t in detail.sessions if may_open_tandem(signed_in(), t)},
        library=library,
        locked=throttle.is_locked(person.username),
    )


@bp.post("/learners/<int:learner_id>/password")
@roles_required(*STAFF)
def reset_password(learner_id: int):  # type: ignore[no-untyped-def]
    """Give a learner a temporary password that they change at the next sign-in."""
    db = get_session()
    person = learner_or_404(db, signed_in(), learner_id)
    password = accounts.set_temporary_password(db, signed_in(), person)
    db.commit()
    return render_template("mentor/temporary_password.html", learner=person, password=password)


@bp.post("/learners/<int:learner_id>/unlock")
@roles_required(*STAFF)
def unlock(learner_id: int):  # type: ignore[no-untyped-def]
    """Lift the pause after too many wrong passwords, so the learner can sign in again."""
    db = get_session()
    person = learner_or_404(db, signed_in(), learner_id)
    throttle.unlock(person.username)
    audit.record(db, signed_in(), audit.UNLOCKED, person)
    db.commit()
    flash(_("%(name)s can sign in again.", name=person.display_name), "success")
    return redirect(url_for("mentor.learner", learner_id=person.id))


@bp.post("/help/<int:help_id>/handled")
@roles_required(*STAFF)
def help_handled(help_id: int):  # type: ignore[no-untyped-def]
    """Mark a help request as handled."""
    db = get_session()
    help_request = db.get(HelpRequest, help_id)
    if help_request is None:
        abort(404)
    learner_or_404(db, signed_in(), help_request.learner_id)
    if help_request.handled_at is None:
        help_request.handled_at = utcnow()
        help_request.handled_by_id = signed_in().id
        db.commit()
    flash(_("The help request is marked as handled."), "success")
    if request.form.get("back") == "learner":
        return redirect(url_for("mentor.learner", learner_id=help_request.learner_id))
    return redirect(url_for("mentor.dashboard"))


def _lang() -> str:
    return str(get_locale() or "de")


def _plan_form(db: Session) -> PlanSessionForm:
    form = PlanSessionForm()
    people = db.scalars(
        select(User)
        .where(User.id.in_(paired_learner_ids(db, signed_in())))
        .order_by(User.display_name)
    )
    form.learner.choices = [SelectChoice(p.id, p.display_name) for p in people]
    titles = services.lesson_titles(get_library(), _lang())
    form.agenda.choices = [SelectChoice(lesson_id, title) for lesson_id, title in titles.items()]
    return form


@bp.route("/sessions/new", methods=["GET", "POST"])
@roles_required(MENTOR)
def plan_session():  # type: ignore[no-untyped-def]
    """Plan a tandem session with a paired learner."""
    db = get_session()
    form = _plan_form(db)
    wanted = whole_number(request.args.get("learner"))
    if request.method == "GET" and wanted is not None:
        form.learner.data = wanted
    if form.validate_on_submit():
        starts_at = datetime.combine(form.date.data, form.time.data)
        problem = sessions.planning_problem(db, signed_in(), starts_at, form.planned_minutes.data)
        if problem:
            form.time.errors = [*form.time.errors, problem]
        else:
            learner_person = learner_or_404(db, signed_in(), form.learner.data)
            tandem = TandemSession(
                mentor_id=signed_in().id,
                learner_id=learner_person.id,
                starts_at=starts_at,
                planned_minutes=form.planned_minutes.data,
                place=form.place.data,
                centre_id=learner_person.centre_id if form.place.data == "centre" else None,
                agenda="\n".join(form.agenda.data or []),
            )
            db.add(tandem)
            db.commit()
            flash(_("The session is planned."), "success")
            return redirect(url_for("mentor.session", tandem_id=tandem.id))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("mentor/plan_session.html", form=form), status


@bp.route("/sessions/<int:tandem_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def session(tandem_id: int):  # type: ignore[no-untyped-def]
    """A session's details; after it, its mentor records what happened."""
    db = get_session()
    tandem = tandem_session_or_404(db, signed_in(), tandem_id)
    form = RecordSessionForm(obj=None)
    if request.method == "GET" and tandem.took_place is not None:
        form.took_place.data = "yes" if tandem.took_place else "no"
        form.length_minutes.data = tandem.length_minutes
        form.notes.data = tandem.notes
        form.notes_shared.data = tandem.notes_shared
        form.next_steps.data = tandem.next_steps
    if request.method == "POST":
        if tandem.mentor_id != signed_in().id:
            abort(403)
        if form.validate_on_submit():
            tandem.took_place = form.took_place.data == "yes"
            tandem.length_minutes = form.length_minutes.data if tandem.took_place else None
            tandem.notes = (form.notes.data or "").strip()
            tandem.notes_shared = bool(form.notes_shared.data)
            tandem.next_steps = (form.next_steps.data or "").strip()
            tandem.recorded_at = utcnow()
            audit.record(
                db, signed_in(), audit.CHANGED, tandem.learner, f"session {tandem.id} recorded"
            )
            db.commit()
            flash(_("Thank you! The session is recorded."), "success")
            return redirect(url_for("mentor.session", tandem_id=tandem.id))
    library = get_library()
    titles = services.lesson_titles(library, _lang())
    status = 400 if form.errors else 200
    return render_template(
        "mentor/session.html", tandem=tandem, form=form, agenda_titles=titles
    ), status


@bp.get("/sessions/<int:tandem_id>.ics")
@roles_required(*STAFF)
def session_ics(tandem_id: int):  # type: ignore[no-untyped-def]
    """The session as a calendar file."""
    db = get_session()
    tandem = tandem_session_or_404(db, signed_in(), tandem_id)
    location = tandem.centre.name if tandem.centre else _("By phone")
    body = sessions.to_ics(
        tandem,
        summary=_("Tandem session with %(name)s", name=tandem.learner.display_name),
        location=location,
        description=_("DigiTandem – learning together"),
        host=request.host.split(":")[0] or "digitandem",
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="tandem-{tandem.id}.ics"'},
    )


@bp.get("/sessions/<int:tandem_id>/summary")
@roles_required(*STAFF)
def session_summary(tandem_id: int):  # type: ignore[no-untyped-def]
    """A large-print summary the learner can take home."""
    db = get_session()
    tandem = tandem_session_or_404(db, signed_in(), tandem_id)
    titles = services.lesson_titles(get_library(), _lang())
    return render_template("mentor/summary.html", tandem=tandem, agenda_titles=titles)
