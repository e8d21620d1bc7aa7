"""The coordinator's area: early warnings first, then accounts, pairings, cards and reports."""

from __future__ import annotations

import json

import segno
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
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from learnapp import accounts, audit, form_keys
from learnapp.access import (
    ADMIN,
    COORDINATOR,
    LEARNER,
    MENTOR,
    account_or_404,
    roles_required,
    signed_in,
)
from learnapp.clock import local_now
from learnapp.content import get_library
from learnapp.content.due import DEFAULT_MONTHS, due_items
from learnapp.content.facts import app_register
from learnapp.coordinate import reports, services
from learnapp.coordinate.csv_export import to_csv
from learnapp.coordinate.forms import AccountForm, PairingForm
from learnapp.db import get_session
from learnapp.models import Centre, Pairing, User
from learnapp.whole_numbers import whole_number

bp = Blueprint("coordinate", __name__, url_prefix="/coordinate")
STAFF = (COORDINATOR, ADMIN)


def _centre_ids() -> list[int]:
    return [centre.id for centre in services.centres_of(get_session(), signed_in())]


def _days(name: str, default: int) -> int:
    days = whole_number(request.args.get(name))
    return days if days is not None and 1 <= days <= 365 else default


@bp.get("")
@roles_required(*STAFF)
def overview() -> ResponseReturnValue:
    """Early warnings first: who may be slipping away."""
    inactive_days = _days("inactive_days", current_app.config["EARLY_WARNING_INACTIVE_DAYS"])
    session_days = _days("session_days", current_app.config["EARLY_WARNING_SESSION_DAYS"])
    warnings = reports.early_warnings(get_session(), _centre_ids(), inactive_days, session_days)
    return render_template(
        "coordinate/overview.html",
        warnings=warnings,
        inactive_days=inactive_days,
        session_days=session_days,
    )


@bp.get("/accounts")
@roles_required(*STAFF)
def accounts_list() -> ResponseReturnValue:
    """Learners and mentors of the coordinator's centres."""
    db = get_session()
    centres = services.centres_of(db, signed_in())
    people = services.accounts_of(db, [c.id for c in centres])
    return render_template("coordinate/accounts.html", people=people, centres=centres)


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def account_new() -> ResponseReturnValue:
    """Create a learner or mentor; the temporary password is shown once."""
    db = get_session()
    centres = services.centres_of(db, signed_in())
    form = AccountForm()
    form.centre.choices = [SelectChoice(c.id, c.name) for c in centres]
    if form.validate_on_submit():
        try:
            made = services.new_account_once(
                db,
                signed_in(),
                form.form_key.data,
                role=form.role.data,
                display_name=form.display_name.data,
                username=form.username.data,
                centre_id=form.centre.data,
                centres=centres,
            )
        except services.AccountRefused as refused:
            form[refused.field].errors = [str(refused)]
        except form_keys.KeyRefused:
            form.form_key.data = form_keys.new_key()
            flash(_("This form was not complete. Please send it again."), "info")
        else:
            # Sent again (a double click, Back and send): the same account, its password not
            # shown again; the page says how to get a new one.
            return render_template(
                "coordinate/created.html",
                user=made.user,
                password=made.password,
                already_created=made.password is None,
            )
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("coordinate/account_new.html", form=form), status


@bp.post("/accounts/<int:user_id>/active")
@roles_required(*STAFF)
def account_active(user_id: int) -> ResponseReturnValue:
    """Deactivate or reactivate an account."""
    db = get_session()
    account = account_or_404(db, signed_in(), user_id)
    accounts.set_active(db, signed_in(), account, request.form.get("active") == "1")
    flash(_("Saved."), "success")
    return redirect(url_for("coordinate.accounts_list"))


@bp.post("/accounts/<int:user_id>/password")
@roles_required(*STAFF)
def account_password(user_id: int) -> ResponseReturnValue:
    """Give any account of the centre a temporary password."""
    db = get_session()
    account = account_or_404(db, signed_in(), user_id)
    password = accounts.set_temporary_password(db, signed_in(), account)
    return render_template("coordinate/created.html", user=account, password=password, reset=True)


@bp.post("/accounts/<int:user_id>/unlock")
@roles_required(*STAFF)
def account_unlock(user_id: int) -> ResponseReturnValue:
    """Lift a sign-in pause after too many wrong passwords."""
    db = get_session()
    account = account_or_404(db, signed_in(), user_id)
    accounts.unlock(db, signed_in(), account)
    flash(_("%(name)s can sign in again.", name=account.display_name), "success")
    return redirect(url_for("coordinate.accounts_list"))


@bp.route("/pairings", methods=["GET", "POST"])
@roles_required(*STAFF)
def pairings() -> ResponseReturnValue:
    """Active pairings and a form to pair a mentor with a learner."""
    db = get_session()
    centre_ids = _centre_ids()
    people = services.accounts_of(db, centre_ids)
    form = PairingForm()
    form.mentor.choices = [
        SelectChoice(p.id, p.display_name) for p in people if p.role == MENTOR and p.active
    ]
    form.learner.choices = [
        SelectChoice(p.id, p.display_name) for p in people if p.role == LEARNER and p.active
    ]
    if form.validate_on_submit():
        try:
            pairing = services.pair_chosen(db, signed_in(), form.mentor.data, form.learner.data)
        except services.PairingRefused as refused:
            form.learner.errors = [*form.learner.errors, str(refused)]
        else:
            flash(
                _(
                    "%(mentor)s and %(learner)s are now a tandem.",
                    mentor=pairing.mentor.display_name,
                    learner=pairing.learner.display_name,
                ),
                "success",
            )
            return redirect(url_for("coordinate.pairings"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template(
        "coordinate/pairings.html",
        form=form,
        pairings=services.active_pairings(db, centre_ids),
    ), status


@bp.post("/pairings/<int:pairing_id>/end")
@roles_required(*STAFF)
def pairing_end(pairing_id: int) -> ResponseReturnValue:
    """End a pairing (it stays in the history)."""
    db = get_session()
    pairing = db.get(Pairing, pairing_id)
    if pairing is None:
        abort(404)
    account_or_404(db, signed_in(), pairing.learner_id)
    services.end_pairing(db, signed_in(), pairing)
    flash(_("The pairing has ended."), "success")
    return redirect(url_for("coordinate.pairings"))


def _learner(user_id: int) -> User:
    account = account_or_404(get_session(), signed_in(), user_id)
    if account.role != LEARNER or account.deleted_at is not None:
        abort(404)
    return account


def _card_address(user: User) -> str:
    return url_for("auth.login", username=user.username, _external=True)


@bp.route("/learners/<int:user_id>/card", methods=["GET", "POST"])
@roles_required(*STAFF)
def login_card(user_id: int) -> ResponseReturnValue:
    """A printable login card; a password is printed only when set now (POST)."""
    db = get_session()
    learner = _learner(user_id)
    password = None
    if request.method == "POST":
        password = accounts.set_temporary_password(db, signed_in(), learner)
    return render_template(
        "coordinate/card.html",
        learner=learner,
        password=password,
        address=_card_address(learner),
        site=request.host_url,
    )


@bp.get("/learners/<int:user_id>/qr.svg")
@roles_required(*STAFF)
def login_qr(user_id: int) -> ResponseReturnValue:
    """QR code that opens the sign-in page with the username filled in."""
    learner = _learner(user_id)
    svg = segno.make(_card_address(learner), error="m").svg_inline(scale=6, border=2)
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.get("/learners/<int:user_id>/export.json")
@roles_required(*STAFF)
def export(user_id: int) -> ResponseReturnValue:
    """Everything stored about a learner, as JSON."""
    db = get_session()
    learner = _learner(user_id)
    # Recorded first: the export lists who saw her data, this download included.
    audit.record_export(db, signed_in(), learner)
    data = services.export_learner(db, learner, get_library())
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="learner-{learner.id}.json"'},
    )


@bp.route("/learners/<int:user_id>/delete", methods=["GET", "POST"])
@roles_required(*STAFF)
def delete(user_id: int) -> ResponseReturnValue:
    """Delete a learner's personal data after a confirmation."""
    db = get_session()
    learner = _learner(user_id)
    if request.method == "POST":  # CSRFProtect has checked the token
        services.delete_learner(db, signed_in(), learner)
        flash(_("The learner's personal data is deleted."), "success")
        return redirect(url_for("coordinate.accounts_list"))
    return render_template("coordinate/delete.html", learner=learner)


def _report(centres: list[Centre]) -> reports.MonthReport:
    """The month and centre asked for in the query string, within the coordinator's centres."""
    wanted = whole_number(request.args.get("centre"))
    if wanted is not None:
        centres = [c for c in centres if c.id == wanted] or centres
    month = reports.Month.parse(request.args.get("month"), local_now().date())
    return reports.month_report(get_session(), centres, month)


@bp.get("/reports")
@roles_required(*STAFF)
def report() -> ResponseReturnValue:
    """Monthly figures per centre, for funders."""
    centres = services.centres_of(get_session(), signed_in())
    return render_template(
        "coordinate/report.html",
        report=_report(centres),
        centres=centres,
        chosen_centre=request.args.get("centre", ""),
    )


@bp.get("/reports.csv")
@roles_required(*STAFF)
def report_csv() -> ResponseReturnValue:
    """The monthly figures as CSV (spreadsheet-safe)."""
    data = _report(services.centres_of(get_session(), signed_in()))
    rows: list[list[object]] = [
        [
            _("Month"),
            _("Centre"),
            _("Tandem sessions held"),
            _("Volunteer hours"),
            _("Active learners"),
            _("Lessons completed"),
            _("New learners"),
        ]
    ]
    for item in data.centres:
        rows.append(
            [
                data.month.label,
                item.centre.name,
                item.sessions_held,
                item.volunteer_hours,
                item.active_learners,
                item.lessons_completed,
                item.new_learners,
            ]
        )
    rows.append([])
    rows.append(
        [
            _("Learner"),
            _("Username"),
            _("Lessons completed"),
            _("Tandem sessions held"),
            _("Minutes"),
        ]
    )
    for person in data.learners:
        rows.append(
            [
                person.learner.display_name,
                person.learner.username,
                person.lessons_completed,
                person.sessions_held,
                person.session_minutes,
            ]
        )
    return Response(
        to_csv(rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="digitandem-{data.month.label}.csv"'
        },
    )


@bp.get("/content-due")
@roles_required(*STAFF)
def content_due() -> ResponseReturnValue:
    """Lessons and facts whose last check is older than the chosen number of months."""
    months = whole_number(request.args.get("months"))
    months = months if months is not None and 1 <= months <= 120 else DEFAULT_MONTHS
    items = due_items(get_library(), app_register(), months, local_now().date())
    return render_template("coordinate/content_due.html", items=items, months=months)
