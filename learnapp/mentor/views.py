"""The mentor's area: learners at a glance, a learner's page, help requests, tandem sessions."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from learnapp import accounts, audit, form_keys
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
from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.helpdesk import queries as helpdesk
from learnapp.mentor import learning_record, services
from learnapp.mentor.agenda import agenda_choices
from learnapp.mentor.forms import PlanSessionForm, RecordSessionForm
from learnapp.models import HelpRequest, User
from learnapp.tandems import calendar, planning, queries
from learnapp.whole_numbers import whole_number

bp = Blueprint("mentor", __name__, url_prefix="/mentor")
STAFF = (MENTOR, COORDINATOR, ADMIN)
REPLY_LIMIT = 1000  # a mentor's answer to a help request: a sentence or two


@bp.get("")
@roles_required(MENTOR)
def dashboard() -> ResponseReturnValue:
    """The mentor's paired learners at a glance: the urgent ones first, with their reasons."""
    away_after = current_app.config["EARLY_WARNING_INACTIVE_DAYS"]
    db = get_session()
    summaries = services.dashboard(db, signed_in(), away_after_days=away_after)
    return render_template(
        "mentor/dashboard.html",
        summaries=summaries,
        upcoming=services.next_sessions(summaries),
        library=get_library(),
        open_help=helpdesk.open_requests(db, signed_in()),
    )


@bp.get("/learners/<int:learner_id>")
@roles_required(*STAFF)
def learner(learner_id: int) -> ResponseReturnValue:
    """One learner's progress, self-checks, practice, sessions and help requests."""
    db = get_session()
    person = learner_or_404(db, signed_in(), learner_id)
    library = get_library()
    detail = queries.learner_detail(db, person, library)
    audit.record_view(db, signed_in(), person, "learner page")
    return render_template(
        "mentor/learner.html",
        learner=person,
        detail=detail,
        runs=learning_record.practice_runs(library, detail.runs, detail.run_paths, _lang()),
        checks={
            lesson_id: learning_record.check_attempts(answers)
            for lesson_id, answers in detail.attempts.items()
        },
        openable={t.id for t in detail.sessions if may_open_tandem(signed_in(), t)},
        library=library,
        locked=accounts.sign_in_paused(person),
    )


@bp.post("/learners/<int:learner_id>/password")
@roles_required(*STAFF)
def reset_password(learner_id: int) -> ResponseReturnValue:
    """Give a learner a temporary password that they change at the next sign-in, after a
    confirmation: a POST without it shows the confirmation page and changes nothing."""
    db = get_session()
    person = learner_or_404(db, signed_in(), learner_id)
    if request.form.get("confirm") != "yes":  # only the confirmation page carries it
        return render_template("mentor/temporary_password.html", learner=person, password=None)
    password = accounts.set_temporary_password(db, signed_in(), person)
    return render_template("mentor/temporary_password.html", learner=person, password=password)


@bp.post("/learners/<int:learner_id>/unlock")
@roles_required(*STAFF)
def unlock(learner_id: int) -> ResponseReturnValue:
    """Lift the pause after too many wrong passwords, so the learner can sign in again."""
    db = get_session()
    person = learner_or_404(db, signed_in(), learner_id)
    accounts.unlock(db, signed_in(), person)
    flash(_("%(name)s can sign in again.", name=person.display_name), "success")
    return redirect(url_for("mentor.learner", learner_id=person.id))


@bp.post("/help/<int:help_id>/handled")
@roles_required(*STAFF)
def help_handled(help_id: int) -> ResponseReturnValue:
    """Answer a help request in a sentence (optional) and mark it as handled, once."""
    db = get_session()
    help_request = db.get(HelpRequest, help_id)
    if help_request is None:
        abort(404)
    learner_or_404(db, signed_in(), help_request.learner_id)
    back = (
        url_for("mentor.learner", learner_id=help_request.learner_id)
        if request.form.get("back") == "learner"
        else url_for("mentor.dashboard")
    )
    reply = " ".join(request.form.get("reply", "").split())
    if len(reply) > REPLY_LIMIT:
        flash(_("Please write at most %(limit)s characters.", limit=REPLY_LIMIT), "info")
        return redirect(back)
    if services.mark_help_handled(db, signed_in(), help_request, reply):
        flash(_("The help request is marked as handled."), "success")
    else:
        flash(_("This help request was handled already."), "info")
    return redirect(back)


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
def plan_session() -> ResponseReturnValue:
    """Plan a tandem session with a paired learner."""
    db = get_session()
    form = _plan_form(db)
    wanted = whole_number(request.args.get("learner"))
    if request.method == "GET" and wanted is not None:
        form.learner.data = wanted
    starts_at = form.starts_at if form.validate_on_submit() else None
    if starts_at is not None:
        learner_person = learner_or_404(db, signed_in(), form.learner.data)

        def plan() -> form_keys.Result:
            tandem = planning.plan(
                db,
                signed_in(),
                learner_person,
                starts_at=starts_at,
                minutes=form.planned_minutes.data,
                place=form.place.data,
                agenda=form.agenda.data or [],
            )
            url = url_for("mentor.session", tandem_id=tandem.id)
            return form_keys.Result(form_keys.TANDEM, tandem.id, url)

        try:
            # Sent twice (a double tap, a second tab): the second shows the first's session.
            result, _first = form_keys.once(
                db, signed_in(), form.form_key.data, form_keys.TANDEM, plan
            )
        except planning.PlanningRefused as refused:
            form.time.errors = [*form.time.errors, str(refused)]
        except form_keys.KeyRefused:
            form.form_key.data = form_keys.new_key()
            flash(_("This form was not complete. Please send it again."), "info")
            return _plan_page(db, form), 400
        else:
            flash(_("The session is planned."), "success")
            return redirect(result.url)
    status = 400 if form.is_submitted() and form.errors else 200
    return _plan_page(db, form), status


def _plan_page(db: Session, form: PlanSessionForm) -> str:
    """The planning form with the lessons that come next for the chosen learner first."""
    learner_ids = [choice.value for choice in form.learner.choices or []]
    # Without a choice yet, the browser shows the first learner of the list as chosen.
    chosen = form.learner.data if form.learner.data in learner_ids else None
    chosen = chosen if chosen is not None else next(iter(learner_ids), None)
    choices = agenda_choices(db, chosen, get_library(), _lang())
    return render_template("mentor/plan_session.html", form=form, agenda=choices, chosen=chosen)


@bp.route("/sessions/<int:tandem_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def session(tandem_id: int) -> ResponseReturnValue:
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
            what = planning.Record(
                took_place=form.took_place.data == "yes",
                length_minutes=form.length_minutes.data,
                notes=form.notes.data or "",
                notes_shared=bool(form.notes_shared.data),
                next_steps=form.next_steps.data or "",
            )
            try:
                planning.record(db, signed_in(), tandem, what)
            except planning.RecordRefused as refused:
                form.took_place.errors = [*form.took_place.errors, str(refused)]
            else:
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
def session_ics(tandem_id: int) -> ResponseReturnValue:
    """The session as a calendar file."""
    db = get_session()
    tandem = tandem_session_or_404(db, signed_in(), tandem_id)
    centre = tandem.centre
    location = f"{centre.name}, {centre.town}" if centre else _("By phone")
    titles = services.lesson_titles(get_library(), _lang())
    agenda = [f"- {titles.get(lesson_id, lesson_id)}" for lesson_id in tandem.agenda_ids]
    description = _("DigiTandem – learning together")
    if agenda:
        description += "\n\n" + _("What we want to work on:") + "\n" + "\n".join(agenda)
    summary = _("Tandem session with %(name)s", name=tandem.learner.display_name)
    body = calendar.to_ics(
        tandem,
        summary=summary,
        location=location,
        description=description,
        reminder=_("Tomorrow: %(summary)s", summary=summary),
        host=request.host.split(":")[0] or "digitandem",
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="tandem-{tandem.id}.ics"'},
    )


@bp.get("/sessions/<int:tandem_id>/summary")
@roles_required(*STAFF)
def session_summary(tandem_id: int) -> ResponseReturnValue:
    """A large-print summary the learner can take home."""
    db = get_session()
    tandem = tandem_session_or_404(db, signed_in(), tandem_id)
    titles = services.lesson_titles(get_library(), _lang())
    return render_template("mentor/summary.html", tandem=tandem, agenda_titles=titles)
