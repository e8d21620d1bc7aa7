"""The admin area: centres, coordinators and their centres, every account, the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from learnapp import accounts, audit
from learnapp.access import ADMIN, COORDINATOR, roles_required, signed_in
from learnapp.admin.forms import AssignForm, CentreForm, CoordinatorForm
from learnapp.db import get_session
from learnapp.models import AuditEntry, Centre, CoordinatorCentre, User
from learnapp.whole_numbers import whole_number

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 100


def _page() -> int:
    page = whole_number(request.args.get("page"))
    return max(1, min(page, 10_000)) if page is not None else 1


@bp.route("", methods=["GET", "POST"])
@roles_required(ADMIN)
def overview() -> ResponseReturnValue:
    """Centres, and coordinators with their centres."""
    db = get_session()
    centres = list(db.scalars(select(Centre).order_by(Centre.name)))
    coordinators = list(
        db.scalars(select(User).where(User.role == COORDINATOR).order_by(User.display_name))
    )
    links = db.execute(select(CoordinatorCentre.coordinator_id, CoordinatorCentre.centre_id)).all()
    centre_names = {c.id: c.name for c in centres}
    by_coordinator: dict[int, list[tuple[int, str]]] = {}
    for coordinator_id, centre_id in links:
        by_coordinator.setdefault(coordinator_id, []).append((centre_id, centre_names[centre_id]))

    centre_form, person_form, assign_form = (
        CentreForm(prefix="c"),
        CoordinatorForm(prefix="p"),
        AssignForm(prefix="a"),
    )
    centre_choices = [SelectChoice(c.id, c.name) for c in centres]
    person_form.centre.choices = centre_choices
    assign_form.centre.choices = centre_choices
    assign_form.coordinator.choices = [SelectChoice(u.id, u.display_name) for u in coordinators]
    action = request.form.get("action")
    if action == "centre" and centre_form.validate_on_submit():
        db.add(
            Centre(name=centre_form.name.data.strip(), town=(centre_form.town.data or "").strip())
        )
        db.commit()
        flash(_("The centre is created."), "success")
        return redirect(url_for("admin.overview"))
    if action == "coordinator" and person_form.validate_on_submit():
        username = person_form.username.data or accounts.suggest_username(
            db, person_form.display_name.data
        )
        if db.scalars(select(User.id).where(User.username == username)).first():
            person_form.username.errors = [_("This username is taken. Please choose another one.")]
        else:
            user = User(
                username=username,
                display_name=person_form.display_name.data.strip(),
                role=COORDINATOR,
                centre_id=person_form.centre.data,
            )
            password = accounts.give_temporary_password(user)
            db.add(user)
            db.flush()
            db.add(CoordinatorCentre(coordinator_id=user.id, centre_id=person_form.centre.data))
            audit.record(db, signed_in(), audit.CREATED, user, COORDINATOR)
            db.commit()
            return render_template("coordinate/created.html", user=user, password=password)
    if action == "assign" and assign_form.validate_on_submit():
        exists = db.get(CoordinatorCentre, (assign_form.coordinator.data, assign_form.centre.data))
        if exists is None:
            db.add(
                CoordinatorCentre(
                    coordinator_id=assign_form.coordinator.data, centre_id=assign_form.centre.data
                )
            )
            db.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("admin.overview"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/overview.html",
        centres=centres,
        coordinators=coordinators,
        by_coordinator=by_coordinator,
        centre_form=centre_form,
        person_form=person_form,
        assign_form=assign_form,
    ), status


@bp.post("/coordinators/<int:user_id>/centres/<int:centre_id>/remove")
@roles_required(ADMIN)
def unassign(user_id: int, centre_id: int) -> ResponseReturnValue:
    """Take a centre away from a coordinator."""
    db = get_session()
    link = db.get(CoordinatorCentre, (user_id, centre_id))
    if link is None:
        abort(404)
    db.delete(link)
    db.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.overview"))


@bp.get("/accounts")
@roles_required(ADMIN)
def all_accounts() -> ResponseReturnValue:
    """Every account, a page at a time."""
    db = get_session()
    page = _page()
    total = db.scalar(select(func.count(User.id))) or 0
    people = db.scalars(
        select(User)
        .options(selectinload(User.centre))
        .order_by(User.role, User.display_name)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "admin/accounts.html",
        people=people,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


@bp.get("/audit")
@roles_required(ADMIN)
def audit_log() -> ResponseReturnValue:
    """Who looked at or changed whose data, newest first."""
    db = get_session()
    page = _page()
    entries = db.scalars(
        select(AuditEntry)
        .options(selectinload(AuditEntry.actor), selectinload(AuditEntry.subject))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    total = db.scalar(select(func.count(AuditEntry.id))) or 0
    return render_template(
        "admin/audit.html", entries=entries, page=page, pages=max(1, -(-total // PAGE_SIZE))
    )
