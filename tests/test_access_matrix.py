"""Every route of every blueprint, for every role, with the status it must answer.

The table must name every endpoint: a new route without an entry fails this test.
Expectations: "ok" (the page or action works: 2xx, 3xx elsewhere than the sign-in, or a 400
form message), "login" (302 to the sign-in), 403 (wrong role), 404 (not theirs: ids of other
people's data are indistinguishable from ids that do not exist).
"""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from learnapp.db import get_session
from learnapp.models import HelpRequest, Pairing, ScenarioRun, TandemSession
from learnapp.models.base import utcnow
from tests.helpers import Auth, csrf_from

ROLES = (
    "anonymous",
    "learner",
    "mentor",
    "other_mentor",
    "coordinator",
    "other_coordinator",
    "admin",
)
LOGINS = {
    "learner": "learnera",
    "mentor": "mentora",
    "other_mentor": "mentorb",
    "coordinator": "coorda",
    "other_coordinator": "coordb",
    "admin": "admin",
}


def row(anonymous, learner, mentor, other_mentor, coordinator, other_coordinator, admin):
    return dict(
        zip(
            ROLES,
            (anonymous, learner, mentor, other_mentor, coordinator, other_coordinator, admin),
            strict=True,
        )
    )


ALL = row("login", "ok", "ok", "ok", "ok", "ok", "ok")
PUBLIC = row("ok", "ok", "ok", "ok", "ok", "ok", "ok")
LEARNER_ONLY = row("login", "ok", 403, 403, 403, 403, 403)
MENTOR_ONLY = row("login", 403, "ok", "ok", 403, 403, 403)
# A learner's data: their mentor, their centre's coordinator, the admin.
ABOUT_LEARNER = row("login", 403, "ok", 404, "ok", 404, "ok")
STAFF_ONLY = row("login", 403, 403, 403, "ok", "ok", "ok")
CENTRE_OBJECT = row("login", 403, 403, 403, "ok", 404, "ok")
ADMIN_ONLY = row("login", 403, 403, 403, 403, 403, "ok")

# (method, endpoint) -> expectations. Object ids point at centre A's learner and her mentor.
TABLE: dict[tuple[str, str], dict[str, object]] = {
    ("GET", "health.healthz"): PUBLIC,
    ("GET", "auth.login"): row("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    # The second sign-in step only exists after a password was accepted.
    ("GET", "auth.login_code"): row("login", "login", "login", "login", "login", "login", "login"),
    ("GET", "auth.change_password"): ALL,
    ("GET", "auth.two_factor"): row("login", 404, 404, 404, "ok", "ok", "ok"),
    ("GET", "auth.two_factor_qr"): row("login", 404, 404, 404, "ok", "ok", "ok"),
    ("GET", "learn.home"): ALL,
    ("GET", "learn.courses"): ALL,
    ("GET", "learn.course"): ALL,
    ("GET", "learn.lesson"): ALL,
    ("GET", "learn.image"): ALL,
    ("GET", "learn.certificate"): ALL,  # everyone's own certificate (or how far they are)
    ("POST", "learn.done"): ALL,
    ("POST", "learn.check"): ALL,
    ("POST", "learn.practice_start"): ALL,
    ("GET", "learn.practice_step"): row("login", "ok", 404, 404, 404, 404, 404),
    ("POST", "learn.ask_for_help"): LEARNER_ONLY,
    ("GET", "settings.settings"): ALL,
    ("GET", "mentor.dashboard"): MENTOR_ONLY,
    ("GET", "mentor.learner"): ABOUT_LEARNER,
    ("POST", "mentor.reset_password"): ABOUT_LEARNER,
    ("POST", "mentor.unlock"): ABOUT_LEARNER,
    ("POST", "mentor.help_handled"): ABOUT_LEARNER,
    ("GET", "mentor.plan_session"): MENTOR_ONLY,
    ("GET", "mentor.session"): ABOUT_LEARNER,
    ("POST", "mentor.session"): row("login", 403, "ok", 404, 403, 404, 403),
    ("GET", "mentor.session_ics"): ABOUT_LEARNER,
    ("GET", "mentor.session_summary"): ABOUT_LEARNER,
    ("GET", "coordinate.overview"): STAFF_ONLY,
    ("GET", "coordinate.accounts_list"): STAFF_ONLY,
    ("GET", "coordinate.account_new"): STAFF_ONLY,
    ("POST", "coordinate.account_password"): CENTRE_OBJECT,
    ("POST", "coordinate.account_unlock"): CENTRE_OBJECT,
    ("GET", "coordinate.pairings"): STAFF_ONLY,
    ("GET", "coordinate.login_card"): CENTRE_OBJECT,
    ("GET", "coordinate.login_qr"): CENTRE_OBJECT,
    ("GET", "coordinate.export"): CENTRE_OBJECT,
    ("GET", "coordinate.delete"): CENTRE_OBJECT,
    ("GET", "coordinate.report"): STAFF_ONLY,
    ("GET", "coordinate.report_csv"): STAFF_ONLY,
    ("POST", "coordinate.pairing_end"): CENTRE_OBJECT,
    ("POST", "coordinate.account_active"): CENTRE_OBJECT,
    ("POST", "coordinate.delete"): CENTRE_OBJECT,
    ("GET", "admin.overview"): ADMIN_ONLY,
    ("GET", "admin.all_accounts"): ADMIN_ONLY,
    ("GET", "admin.audit_log"): ADMIN_ONLY,
    ("POST", "admin.unassign"): ADMIN_ONLY,
    # Sign-out last: it ends the session the other requests use, then shows the sign-in.
    ("POST", "auth.logout"): row("login", "login", "login", "login", "login", "login", "login"),
}
# Methods that share an endpoint with a listed one and are covered through it (forms that
# re-render on POST): the GET of these is in the table, the POST is exercised in feature tests.
FORM_POSTS = {
    "auth.login",
    "auth.login_code",
    "auth.change_password",
    "auth.two_factor",
    "settings.settings",
    "mentor.plan_session",
    "coordinate.account_new",
    "coordinate.pairings",
    "coordinate.login_card",
    "learn.practice_step",
    "admin.overview",
}


def test_every_route_has_an_entry(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            key = (method, rule.endpoint)
            if key not in TABLE and not (method == "POST" and rule.endpoint in FORM_POSTS):
                missing.append(key)
    assert missing == [], "add these routes to the access table"


def _objects(app, world) -> dict[str, object]:
    """Ids for every URL variable, all belonging to centre A's paired learner."""
    with app.app_context():
        db = get_session()
        help_request = HelpRequest(
            learner_id=world.learner_a, course_id="sample", lesson_id="sample-first"
        )
        tandem = TandemSession(
            mentor_id=world.mentor_a, learner_id=world.learner_a, starts_at=utcnow()
        )
        run = ScenarioRun(
            user_id=world.learner_a, lesson_id="sample-practice", current_step="message"
        )
        db.add_all([help_request, tandem, run])
        db.commit()
        pairing_id = db.scalars(
            select(Pairing.id).where(Pairing.learner_id == world.learner_a)
        ).one()
        return {
            "course_id": "sample",
            "lesson_id": "sample-practice",
            "filename": "tablet.svg",
            "learner_id": world.learner_a,
            "user_id": world.learner_a,
            "help_id": help_request.id,
            "tandem_id": tandem.id,
            "run_id": run.id,
            "pairing_id": pairing_id,
            "centre_id": world.centre_a,
            "coordinator_id": world.coord_a,
        }


def _url(app, endpoint: str, values: dict[str, object]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {**values, **{k: values.get(v, v) for k, v in OVERRIDES.get(endpoint, {}).items()}}
    with app.test_request_context():
        return url_for(endpoint, **{k: values[k] for k in rule.arguments})


# Routes that need another object than the practice lesson or the learner.
OVERRIDES = {
    "learn.check": {"lesson_id": "sample-first"},
    "learn.done": {"lesson_id": "sample-first"},
    "learn.ask_for_help": {"lesson_id": "sample-first"},
    "admin.unassign": {"user_id": "coordinator_id"},  # a name here means: that object's id
}


def _outcome(response) -> object:
    if response.status_code in (401, 403, 404):
        return response.status_code
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return "login"
    assert response.status_code < 500, response.status_code
    return "ok"


@pytest.mark.parametrize("role", ROLES)
def test_access_for_every_route(app, client, world, role):
    values = _objects(app, world)
    auth = Auth(client)
    if role != "anonymous":
        assert auth.login(LOGINS[role]).status_code == 302
    token = csrf_from(client.get("/login").get_data(as_text=True)) if role == "anonymous" else None
    failures = []
    for (method, endpoint), expected in TABLE.items():
        url = _url(app, endpoint, values)
        if method == "GET":
            response = client.get(url)
        else:
            if token is None or role != "anonymous":
                token = (
                    csrf_from(client.get("/settings").get_data(as_text=True))
                    if role != "anonymous"
                    else token
                )
            response = client.post(url, data={"csrf_token": token})
        got = _outcome(response)
        response.close()
        if got != expected[role]:
            failures.append(f"{method} {url} as {role}: expected {expected[role]}, got {got}")
    assert failures == [], "\n".join(failures)
