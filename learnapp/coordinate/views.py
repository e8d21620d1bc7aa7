"""The coordinator's area: early warnings first, then accounts, pairings, cards and reports."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from babel.numbers import get_decimal_symbol
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
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from learnapp import accounts, audit, form_keys
from learnapp.access import (
    ADMIN,
    COORDINATOR,
    LEARNER,
    MENTOR,
    account_or_404,
    coordinated_centre_ids,
    roles_required,
    signed_in,
)
from learnapp.auth import throttle
from learnapp.clock import local_now
from learnapp.content import get_library
from learnapp.content.due import DEFAULT_MONTHS, due_items
from learnapp.content.facts import app_register
from learnapp.coordinate import people, reports, retention, services, warnings
from learnapp.coordinate.cards import learners_created_on, qr_svg
from learnapp.coordinate.csv_export import to_csv
from learnapp.coordinate.forms import AccountForm, DismissForm, PairingForm
from learnapp.coordinate.spreadsheets import report_rows, to_xlsx
from learnapp.db import get_session
from learnapp.models import Centre, Pairing, User
from learnapp.models.base import utcnow
from learnapp.whole_numbers import whole_number

bp = Blueprint("coordinate", __name__, url_prefix="/coordinate")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAFF = (COORDINATOR, ADMIN)


def _centre_ids() -> list[int]:
    return [centre.id for centre in services.centres_of(get_session(), signed_in())]


def _scope() -> list[int] | None:
    """The signed-in person's centres, None for every centre (an admin): the programme-wide
    lists then filter on nothing rather than on a list of every centre."""
    found = coordinated_centre_ids(get_session(), signed_in())
    return None if found is None else sorted(found)


def _days(name: str, default: int) -> int:
    days = whole_number(request.args.get(name))
    return days if days is not None and 1 <= days <= 365 else default


@bp.get("")
@roles_required(*STAFF)
def overview() -> ResponseReturnValue:
    """Early warnings, most urgent first: who may be slipping away, and what to do."""
    inactive_days = _days("inactive_days", current_app.config["EARLY_WARNING_INACTIVE_DAYS"])
    session_days = _days("session_days", current_app.config["EARLY_WARNING_SESSION_DAYS"])
    reason = request.args.get("reason", "")
    found = warnings.warning_page(
        get_session(),
        _scope(),
        inactive_days,
        session_days,
        page=whole_number(request.args.get("page")) or 1,
        kind=reason if reason in warnings.KINDS else "",
    )
    return render_template(
        "coordinate/overview.html",
        found=found,
        inactive_days=inactive_days,
        session_days=session_days,
    )


@bp.get("/accounts")
@roles_required(*STAFF)
def accounts_list() -> ResponseReturnValue:
    """Learners and mentors of the coordinator's centres: searched, filtered, 50 a page."""
    db = get_session()
    wanted = people.AccountFilter.from_args(request.args)
    found = people.find_accounts(db, _scope(), wanted)
    return render_template("coordinate/accounts.html", found=found, wanted=found.wanted)


@bp.get("/people/<int:user_id>")
@roles_required(*STAFF)
def person(user_id: int) -> ResponseReturnValue:
    """One learner or mentor with everything a coordinator can do for them."""
    db = get_session()
    account = account_or_404(db, signed_in(), user_id)
    pairing = services.current_pairing(db, account) if account.role == LEARNER else None
    return render_template(
        "coordinate/person.html",
        person=account,
        pairing=pairing,
        learners=services.learners_of_mentor(db, account) if account.role == MENTOR else [],
        locked=bool(throttle.locked_among([account.username])),
        dismissals=warnings.dismissals_of(db, account),
        reasons=warnings.REASONS,
    )


def _confirmed() -> bool:
    """The POST came from a confirmation page (which alone carries this field)."""
    return request.form.get("confirm") == "yes"


def _confirmation(
    *,
    title: str,
    consequences: list[str],
    action: str,
    button: str,
    back: str,
    hidden: dict[str, str] | None = None,
) -> ResponseReturnValue:
    """The page that asks before a destructive action; nothing has changed yet."""
    return render_template(
        "coordinate/confirm.html",
        title=title,
        consequences=consequences,
        action=action,
        button=button,
        back=back,
        hidden=hidden or {},
    )


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
    """Deactivate (after a confirmation) or reactivate an account."""
    db = get_session()
    account = account_or_404(db, signed_in(), user_id)
    active = request.form.get("active") == "1"
    if not active and account.active and not _confirmed():
        return _confirmation(
            title=_("Deactivate the account of %(name)s?", name=account.display_name),
            consequences=[
                _(
                    "%(name)s can no longer sign in and is signed out on every device.",
                    name=account.display_name,
                ),
                _("Nothing is deleted. You can reactivate the account later."),
            ],
            action=url_for("coordinate.account_active", user_id=account.id),
            button=_("Yes, deactivate"),
            back=url_for("coordinate.person", user_id=account.id),
            hidden={"active": "0"},
        )
    accounts.set_active(db, signed_in(), account, active)
    flash(_("Saved."), "success")
    return redirect(url_for("coordinate.person", user_id=account.id))


@bp.post("/accounts/<int:user_id>/password")
@roles_required(*STAFF)
def account_password(user_id: int) -> ResponseReturnValue:
    """Give any account of the centre a temporary password (after a confirmation)."""
    db = get_session()
    account = account_or_404(db, signed_in(), user_id)
    if not _confirmed():
        return _confirmation(
            title=_("A new password for %(name)s?", name=account.display_name),
            consequences=[
                _(
                    "The present password of %(name)s stops working at once.",
                    name=account.display_name,
                ),
                _(
                    "%(name)s is signed out on every device and chooses a new password at the "
                    "next sign-in.",
                    name=account.display_name,
                ),
            ],
            action=url_for("coordinate.account_password", user_id=account.id),
            button=_("Yes, give a new password"),
            back=url_for("coordinate.person", user_id=account.id),
        )
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
    return redirect(url_for("coordinate.person", user_id=account.id))


@dataclass(frozen=True)
class PairingPage:
    """The centre whose people the pairing form lists, and what the form lists."""

    centres: list[Centre]
    centre: Centre | None
    text: str  # the name searched for among the learners without a mentor
    form: PairingForm
    waiting_total: int
    waiting_shown: int


def _pairing_centre(
    centres: list[Centre], learner: tuple[User, str | None] | None, posted: bool
) -> Centre | None:
    """A posted learner's own centre; else ?centre= if it is one of the person's, else the
    centre of the learner in ?learner=, else the first of the person's centres by name."""
    by_id = {centre.id: centre for centre in centres}
    asked = whole_number(request.args.get("centre"))
    learner_centre = by_id.get(learner[0].centre_id or 0) if learner is not None else None
    if posted and learner_centre is not None:
        return learner_centre
    if asked in by_id:
        return by_id[asked]
    if learner_centre is not None:
        return learner_centre
    return centres[0] if centres else None


def _pairing_page(db: Session) -> PairingPage:
    """One centre's mentors (with their number of learners) and at most PAGE_SIZE of its
    learners without a mentor, longest waiting first, narrowed by a name search. The learner
    chosen in the address (from her page) is listed and preselected, else the first without a
    mentor; a posted learner of any of the person's centres is a valid choice, with the mentors
    of her centre. A constant number of queries, each bounded by one centre."""
    actor = signed_in()
    centres = services.centres_of(db, actor)
    form = PairingForm()
    posted = form.is_submitted()
    wanted = whole_number(request.form.get("learner") if posted else request.args.get("learner"))
    mine = {centre.id for centre in centres}
    chosen = services.pairable_learner(db, wanted, mine)
    centre = _pairing_centre(centres, chosen, posted)
    if chosen is not None and (centre is None or chosen[0].centre_id != centre.id):
        chosen = None  # another of her centres was asked for: its people only
    text = people.search_text(request.args.get("q"))
    choices = (
        services.pairing_choices(
            db,
            centre.id,
            matching=people.name_matches(text) if text else None,
            limit=people.PAGE_SIZE,
        )
        if centre is not None
        else services.PairingChoices([], [], 0)
    )
    form.mentor.choices = [
        SelectChoice(
            m.id,
            ngettext(
                "%(name)s (%(num)d learner)",
                "%(name)s (%(num)d learners)",
                count,
                name=m.display_name,
            ),
        )
        for m, count in choices.mentors
    ]
    waiting = [SelectChoice(p.id, p.display_name) for p in choices.waiting]
    groups: dict[str, list[SelectChoice]] = {
        "": [SelectChoice(0, _("Please choose a learner"))],
        str(_("Without a mentor")): waiting,
    }
    if chosen is not None and all(p.id != chosen[0].id for p in choices.waiting):
        learner, mentor_name = chosen
        if mentor_name is None:
            waiting.insert(0, SelectChoice(learner.id, learner.display_name))
        else:
            groups[str(_("With a mentor (the tandem ends)"))] = [
                SelectChoice(
                    learner.id,
                    _(
                        "%(name)s (mentor: %(mentor)s)",
                        name=learner.display_name,
                        mentor=mentor_name,
                    ),
                )
            ]
    form.learner.choices = groups
    if not posted:
        if chosen is not None:
            form.learner.data = chosen[0].id
        else:
            form.learner.data = choices.waiting[0].id if choices.waiting else 0
    return PairingPage(centres, centre, text, form, choices.waiting_total, len(choices.waiting))


@bp.route("/pairings", methods=["GET", "POST"])
@roles_required(*STAFF)
def pairings() -> ResponseReturnValue:
    """A form to pair a mentor with a learner of one centre, and the active tandems of all the
    person's centres, 50 a page."""
    db = get_session()
    shown = _pairing_page(db)
    form = shown.form
    # the chosen centre stays in the address (after a pairing, on the pager) when there is a choice
    here: dict[str, Any] = (
        {"centre": shown.centre.id} if shown.centre is not None and len(shown.centres) > 1 else {}
    )
    if form.validate_on_submit():
        learner = db.get(User, form.learner.data)
        current = services.current_pairing(db, learner) if learner is not None else None
        mentor = db.get(User, form.mentor.data)
        if (
            current is not None
            and mentor is not None
            and learner is not None
            and current.mentor_id != mentor.id
            and not _confirmed()
        ):
            return _confirmation(
                title=_(
                    "Pair %(learner)s with %(mentor)s?",
                    learner=learner.display_name,
                    mentor=mentor.display_name,
                ),
                consequences=[
                    _(
                        "%(learner)s is in a tandem with %(old)s. This tandem ends.",
                        learner=learner.display_name,
                        old=current.mentor.display_name,
                    ),
                    _("The sessions so far stay in the history."),
                ],
                action=url_for("coordinate.pairings", **here),
                button=_("Yes, pair them"),
                back=url_for("coordinate.pairings", learner=learner.id, **here),
                hidden={"mentor": str(mentor.id), "learner": str(learner.id)},
            )
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
            return redirect(url_for("coordinate.pairings", **here))
    page = whole_number(request.args.get("page")) or 1
    centre_ids = [centre.id for centre in shown.centres]
    active, total = services.active_pairings_page(db, centre_ids, page, people.PAGE_SIZE)
    pages = max(1, -(-total // people.PAGE_SIZE))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template(
        "coordinate/pairings.html",
        form=form,
        shown=shown,
        here=here,
        pairings=active,
        total=total,
        page=min(page, pages),
        pages=pages,
    ), status


@bp.post("/pairings/<int:pairing_id>/end")
@roles_required(*STAFF)
def pairing_end(pairing_id: int) -> ResponseReturnValue:
    """End a pairing after a confirmation (it stays in the history)."""
    db = get_session()
    pairing = db.get(Pairing, pairing_id)
    if pairing is None:
        abort(404)
    account_or_404(db, signed_in(), pairing.learner_id)
    back = url_for("coordinate.person", user_id=pairing.learner_id)
    if pairing.ended_at is None and not _confirmed():
        return _confirmation(
            title=_(
                "End the tandem of %(mentor)s and %(learner)s?",
                mentor=pairing.mentor.display_name,
                learner=pairing.learner.display_name,
            ),
            consequences=[
                _(
                    "%(learner)s has no mentor afterwards, until you pair her again.",
                    learner=pairing.learner.display_name,
                ),
                _(
                    "%(mentor)s no longer sees her page. The sessions so far stay in the history.",
                    mentor=pairing.mentor.display_name,
                ),
            ],
            action=url_for("coordinate.pairing_end", pairing_id=pairing.id),
            button=_("Yes, end the tandem"),
            back=back,
        )
    services.end_pairing(db, signed_in(), pairing)
    flash(_("The pairing has ended."), "success")
    return redirect(back)


@bp.route("/warnings/<int:user_id>/<kind>/dismiss", methods=["GET", "POST"])
@roles_required(*STAFF)
def warning_dismiss(user_id: int, kind: str) -> ResponseReturnValue:
    """Put one early warning aside with a reason; it comes back when something new happens."""
    db = get_session()
    account = account_or_404(db, signed_in(), user_id)
    if kind not in warnings.KINDS:
        abort(404)
    form = DismissForm()
    form.reason.choices = [SelectChoice(code, label) for code, label in warnings.REASONS.items()]
    if form.validate_on_submit():
        warnings.dismiss(db, signed_in(), account, kind, form.reason.data)
        flash(_("The warning about %(name)s is put aside.", name=account.display_name), "success")
        return redirect(url_for("coordinate.overview"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("coordinate/dismiss.html", form=form, person=account, kind=kind), status


def _learner(user_id: int) -> User:
    account = account_or_404(get_session(), signed_in(), user_id)
    if account.role != LEARNER or account.deleted_at is not None:
        abort(404)
    return account


def _card_address(user: User) -> str:
    return url_for("auth.login", username=user.username, _external=True)


@bp.get("/learners/<int:user_id>/card")
@roles_required(*STAFF)
def login_card(user_id: int) -> ResponseReturnValue:
    """A printable login card without the password (that is printed only when it is given)."""
    learner = _learner(user_id)
    return render_template("coordinate/card.html", learner=learner, site=request.host_url)


@bp.get("/cards/today")
@roles_required(*STAFF)
def card_sheet() -> ResponseReturnValue:
    """Login cards of every learner created today at the coordinator's centres, for a class."""
    learners = learners_created_on(get_session(), _centre_ids(), local_now().date())
    return render_template("coordinate/card_sheet.html", learners=learners, site=request.host_url)


@bp.get("/learners/<int:user_id>/qr.svg")
@roles_required(*STAFF)
def login_qr(user_id: int) -> ResponseReturnValue:
    """QR code that opens the sign-in page with the username filled in."""
    learner = _learner(user_id)
    return Response(
        qr_svg(_card_address(learner)),
        mimetype="image/svg+xml",
        headers={"Cache-Control": "no-store"},
    )


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
    """Delete a learner's personal data; only the confirmation page's button does it."""
    db = get_session()
    learner = _learner(user_id)
    if request.method == "POST" and _confirmed():  # CSRFProtect has checked the token
        services.delete_learner(db, signed_in(), learner)
        flash(_("The learner's personal data is deleted."), "success")
        return redirect(url_for("coordinate.accounts_list"))
    return render_template("coordinate/delete.html", learner=learner)


def _report(centres: list[Centre], *, with_learners: bool = True) -> reports.MonthReport:
    """The month and centre asked for in the query string, within the coordinator's centres;
    the rows per learner only for the exports (`with_learners`)."""
    wanted = whole_number(request.args.get("centre"))
    chosen = [c for c in centres if c.id == wanted]
    month = reports.Month.parse(request.args.get("month"), local_now().date())
    return reports.month_report(
        get_session(),
        chosen or centres,
        month,
        with_learners=with_learners,
        every_centre=not chosen and _scope() is None,
    )


@bp.get("/reports")
@roles_required(*STAFF)
def report() -> ResponseReturnValue:
    """Monthly figures per centre, for funders."""
    centres = services.centres_of(get_session(), signed_in())
    return render_template(
        "coordinate/report.html",
        report=_report(centres, with_learners=False),
        centres=centres,
        chosen_centre=request.args.get("centre", ""),
    )


@bp.get("/reports.csv")
@roles_required(*STAFF)
def report_csv() -> ResponseReturnValue:
    """The monthly figures as CSV (spreadsheet-safe; decimals as the page's language writes)."""
    data = _report(services.centres_of(get_session(), signed_in()))
    decimal_sign = get_decimal_symbol(str(get_locale() or "de"))
    return Response(
        to_csv(report_rows(data), decimal_sign=decimal_sign),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="digitandem-{data.month.label}.csv"'
        },
    )


@bp.get("/retention")
@roles_required(*STAFF)
def retention_list() -> ResponseReturnValue:
    """Accounts unused for so long that the regular purge will anonymise them."""
    months = int(current_app.config["RETENTION_INACTIVE_MONTHS"])
    now = utcnow()
    accounts_due, total = retention.inactive_accounts(get_session(), _centre_ids(), months, now)
    return render_template(
        "coordinate/retention.html", accounts=accounts_due, total=total, months=months, now=now
    )


@bp.get("/reports.xlsx")
@roles_required(*STAFF)
def report_xlsx() -> ResponseReturnValue:
    """The monthly figures as an Excel file: numbers are numbers in every spreadsheet program."""
    data = _report(services.centres_of(get_session(), signed_in()))
    return Response(
        to_xlsx(report_rows(data), title=data.month.label),
        mimetype=XLSX_MIMETYPE,
        headers={
            "Content-Disposition": f'attachment; filename="digitandem-{data.month.label}.xlsx"'
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
