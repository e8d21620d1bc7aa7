"""The CSRF walk: every form that changes something refuses a missing or someone else's token.

For every rule in the URL map that accepts POST, PUT, PATCH or DELETE, the walk signs in as an
account allowed to use it and sends the same request three times:

1. without any CSRF token,
2. with a valid token from another signed-in session (another browser, another person),
3. with the right token of its own session.

The first two must get the app's CSRF page (400, "the form was too old or incomplete") and
must leave every row of every table as it was. The third, the positive control, must not be
refused and must write: otherwise a route that refuses everything, or is simply broken, would
pass the first two for the wrong reason.

Flask-WTF's CSRFProtect checks the token in a `before_request` hook that comes before the
sign-in checks of the views, so an anonymous POST without a token is refused as CSRF too (not
sent to the sign-in page); the sign-in form and the second sign-in step are walked as well.

Sign-in failures are counted in the database for this walk (`database://` throttle store), so
that unlocking and signing in leave visible traces in the tables the walk compares.

The table must name every state-changing route: a new one fails the walk until it is added.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pyotp
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from learnapp.auth import throttle
from learnapp.auth.views import TOTP_SETUP_KEY
from learnapp.clock import local_now
from learnapp.db import get_session
from learnapp.models import Base, HelpRequest, Pairing, ScenarioRun, TandemSession, User
from learnapp.models.base import utcnow
from tests.helpers import PASSWORD, Auth, csrf_from, get_db_engine

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ANONYMOUS = "anonymous"
# The attacker's session: signed in as someone no route of the walk acts as.
OTHER_SESSION = "learner_b"
# What the app's CSRF page says (templates/errors/400.html with csrf=True) in German, the
# language of accounts without a choice. The plain 400 page says something else.
CSRF_PAGE = "Das Formular war zu alt oder nicht vollständig"
TOTP_SECRET = pyotp.random_base32()
NEW_PASSWORD = "Gartenbank-Regen-7"
# note_activity() writes these on a signed-in request at most every five minutes; such a write
# must not count as "the positive control did something". (Refused requests never get that
# far, so the comparison after them ignores nothing.)
ACTIVITY_COLUMNS = {"user_account": {"last_active_at", "updated_at"}}

Ids = SimpleNamespace  # the world's ids plus the objects made for URLs (help_id, run_id, ...)
FIRST_LESSON = {"course_id": "sample", "lesson_id": "sample-first"}
PRACTICE_LESSON = {"course_id": "sample", "lesson_id": "sample-practice"}


def _code() -> str:
    return pyotp.TOTP(TOTP_SECRET).now()


def _failed_sign_in(username: str) -> Callable[[Flask, Ids], None]:
    """Before the walk: one wrong password, so unlocking or signing in has counters to clear."""

    def prepare(app: Flask, _ids: Ids) -> None:
        response = Auth(app.test_client()).login(username, "wrong-password")
        assert response.status_code == 401

    return prepare


def _authenticator_app(name: str) -> Callable[[Flask, Ids], None]:
    """Before the walk: this account has the second sign-in step switched on."""

    def prepare(app: Flask, ids: Ids) -> None:
        with app.app_context():
            db = get_session()
            db.get(User, getattr(ids, name)).totp_secret = TOTP_SECRET
            db.commit()

    return prepare


@dataclass(frozen=True)
class Walk:
    """How to use one route for real: who signs in, where, with which form."""

    actor: str  # a name of the world (tests/world.py), or ANONYMOUS
    url: Callable[[Ids], dict[str, Any]] = lambda _ids: {}
    data: Callable[[Ids], dict[str, Any]] = lambda _ids: {}
    ok_status: int = 302  # what the accepted request answers
    token_page: str = "/settings"  # a page of the actor's session that carries its token
    prepare: Callable[[Flask, Ids], None] | None = None  # database state before sign-in
    session: dict[str, Any] = field(default_factory=dict)  # put into the actor's session


# The field only a confirmation page sends: without it a destructive POST changes nothing.
CONFIRMED = {"confirm": "yes"}

WALK: dict[tuple[str, str], Walk] = {
    # --- signing in and out ---
    ("POST", "auth.login"): Walk(
        ANONYMOUS,
        data=lambda _ids: {"username": "learnera", "password": PASSWORD},
        token_page="/login",
        prepare=_failed_sign_in("learnera"),  # a right password clears the failure count
    ),
    ("POST", "auth.login_code"): Walk(
        "coord_a",  # the password was accepted; the session waits for the code
        data=lambda _ids: {"code": _code()},
        token_page="/login/code",
        prepare=_authenticator_app("coord_a"),
    ),
    ("POST", "auth.logout"): Walk("learner_a"),
    ("POST", "auth.change_password"): Walk(
        "learner_a",
        data=lambda _ids: {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    ),
    ("POST", "auth.two_factor"): Walk(
        "coord_a",
        data=lambda _ids: {"code": _code(), "current_password": PASSWORD},
        session={TOTP_SETUP_KEY: TOTP_SECRET},  # as after opening the set-up page
    ),
    # --- learning ---
    ("POST", "learn.done"): Walk("learner_a", url=lambda _ids: FIRST_LESSON),
    ("POST", "learn.check"): Walk(
        "learner_a",
        url=lambda _ids: FIRST_LESSON,
        data=lambda _ids: {"submission": uuid.uuid4().hex, "q-q1": "0", "q-q2": "true"},
    ),
    ("POST", "help.ask"): Walk(
        "learner_a",
        # Not the first lesson: she has an open request there, and one per lesson is the limit.
        data=lambda _ids: {
            "message": "Ich finde den Knopf nicht.",
            "form_key": uuid.uuid4().hex,
            "origin": "/courses/sample/sample-practice",
        },
    ),
    ("POST", "learn.practice_start"): Walk("learner_a", url=lambda _ids: PRACTICE_LESSON),
    ("POST", "learn.practice_step"): Walk(
        "learner_a",
        url=lambda ids: {**PRACTICE_LESSON, "run_id": ids.run_id},
        data=lambda _ids: {"step": "message", "choice": "0"},
    ),
    ("POST", "settings.settings"): Walk(
        "learner_a",
        data=lambda _ids: {
            "text_size": "150",
            "contrast": "high",
            "language": "de",  # the CSRF page is looked for in German
            "speech_rate": "125",
        },
    ),
    # --- mentoring ---
    ("POST", "mentor.reset_password"): Walk(
        "mentor_a",
        url=lambda ids: {"learner_id": ids.learner_a},
        data=lambda _ids: CONFIRMED,
        ok_status=200,
    ),
    ("POST", "mentor.unlock"): Walk(
        "mentor_a",
        url=lambda ids: {"learner_id": ids.learner_a},
        prepare=_failed_sign_in("learnera"),
    ),
    ("POST", "mentor.help_handled"): Walk(
        "mentor_a",
        url=lambda ids: {"help_id": ids.help_id},
        data=lambda _ids: {"back": "learner"},
    ),
    ("POST", "mentor.plan_session"): Walk(
        "mentor_a",
        data=lambda ids: {
            "learner": str(ids.learner_a),
            "date": (local_now().date() + timedelta(days=1)).isoformat(),
            "time": "10:00",
            "planned_minutes": "60",
            "place": "centre",
            "agenda": ["sample-first"],
            "form_key": uuid.uuid4().hex,
        },
    ),
    ("POST", "mentor.session"): Walk(
        "mentor_a",
        url=lambda ids: {"tandem_id": ids.tandem_id},
        data=lambda _ids: {
            "took_place": "yes",
            "length_minutes": "60",
            "notes": "Fotos verschickt.",
            "notes_shared": "y",
            "next_steps": "Eine Nachricht mit Bild schicken.",
        },
    ),
    # --- coordinating ---
    ("POST", "coordinate.account_new"): Walk(
        "coord_a",
        data=lambda ids: {
            "display_name": "Nora Neu",
            "username": "noraneu",
            "centre": str(ids.centre_a),
            "role": "learner",
            "form_key": uuid.uuid4().hex,
        },
        ok_status=200,  # the page with the temporary password
    ),
    ("POST", "coordinate.account_active"): Walk(
        "coord_a",
        url=lambda ids: {"user_id": ids.learner_a2},
        data=lambda _ids: {"active": "0", **CONFIRMED},
    ),
    ("POST", "coordinate.account_password"): Walk(
        "coord_a",
        url=lambda ids: {"user_id": ids.learner_a2},
        data=lambda _ids: CONFIRMED,
        ok_status=200,
    ),
    ("POST", "coordinate.account_unlock"): Walk(
        "coord_a",
        url=lambda ids: {"user_id": ids.learner_a2},
        prepare=_failed_sign_in("learnera2"),
    ),
    ("POST", "coordinate.pairings"): Walk(
        "coord_a",
        data=lambda ids: {"mentor": str(ids.mentor_a), "learner": str(ids.learner_a2)},
    ),
    ("POST", "coordinate.pairing_end"): Walk(
        "coord_a", url=lambda ids: {"pairing_id": ids.pairing_id}, data=lambda _ids: CONFIRMED
    ),
    ("POST", "coordinate.warning_dismiss"): Walk(
        "coord_a",
        url=lambda ids: {"user_id": ids.learner_a2, "kind": "inactive"},
        data=lambda _ids: {"reason": "away"},
    ),
    ("POST", "coordinate.delete"): Walk(
        "coord_a", url=lambda ids: {"user_id": ids.learner_a2}, data=lambda _ids: CONFIRMED
    ),
    # --- administration ---
    ("POST", "admin.overview"): Walk(
        "admin", data=lambda _ids: {"action": "centre", "c-name": "Zentrum C", "c-town": "Emden"}
    ),
    ("POST", "admin.unassign"): Walk(
        "admin", url=lambda ids: {"user_id": ids.coord_a, "centre_id": ids.centre_a}
    ),
}


# --- helpers ---


def _state_changing_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in (rule.methods or set()) & UNSAFE_METHODS
    }


def _count_sign_in_failures_in_the_database(app: Flask) -> None:
    """The throttle's counters become rows the walk compares (memory:// would hide them)."""
    app.config["RATELIMIT_STORAGE_URL"] = "database://"
    throttle.init_app(app)


def _ids(app: Flask, world) -> Ids:  # type: ignore[no-untyped-def]
    """The world's ids and, as in the access matrix, objects of centre A's paired learner."""
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
        return Ids(
            **vars(world),
            help_id=help_request.id,
            tandem_id=tandem.id,
            run_id=run.id,
            pairing_id=pairing_id,
        )


def _sign_in(app: Flask, world, name: str) -> FlaskClient:  # type: ignore[no-untyped-def]
    """A browser of its own (own cookie, own session), signed in as `name` unless anonymous."""
    client = app.test_client()
    if name != ANONYMOUS:
        response = Auth(client).login(world.username(name))
        assert response.status_code == 302, f"{name} could not sign in"
    return client


def _token(client: FlaskClient, page: str) -> str:
    response = client.get(page)
    assert response.status_code == 200, f"{page} answered {response.status_code}"
    return csrf_from(response.get_data(as_text=True))


def _url(app: Flask, endpoint: str, values: dict[str, Any]) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def _send(client: FlaskClient, method: str, url: str, data: dict[str, Any], token: str | None):  # type: ignore[no-untyped-def]
    payload = dict(data) if token is None else {**data, "csrf_token": token}
    return client.open(url, method=method, data=payload)


def _refused_as_csrf(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 400 and CSRF_PAGE in response.get_data(as_text=True)


Snapshot = dict[str, list[dict[str, Any]]]


def _snapshot(app: Flask, ignore: dict[str, set[str]] | None = None) -> Snapshot:
    """Every row of every table, ordered by primary key: row counts and contents at once."""
    ignore = ignore or {}
    snapshot: Snapshot = {}
    # In the app's context: a sealed column (the TOTP secret) is read with the app's key.
    with app.app_context(), get_db_engine(app).connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in ignore.get(table.name, set())]
            order = list(table.primary_key.columns) or columns
            rows = connection.execute(select(*columns).order_by(*order))
            snapshot[table.name] = [dict(row._mapping) for row in rows]
    return snapshot


def _differences(before: Snapshot, after: Snapshot) -> list[str]:
    """What changed, table by table, in words a failing test can show."""
    found = []
    for name, old in before.items():
        new = after[name]
        if old != new:
            gone = [row for row in old if row not in new][:3]
            came = [row for row in new if row not in old][:3]
            found.append(f"{name}: {len(old)} -> {len(new)} rows; was {gone}, now {came}")
    return found


# --- the tests ---


def test_every_state_changing_route_is_walked(app):
    routes = _state_changing_routes(app)
    missing = sorted(routes - WALK.keys())
    assert missing == [], f"add this route to the CSRF walk table: {missing}"
    gone = sorted(WALK.keys() - routes)
    assert gone == [], f"the CSRF walk table names routes that no longer exist: {gone}"


@pytest.mark.parametrize(
    ("method", "endpoint"), sorted(WALK), ids=[f"{m} {e}" for m, e in sorted(WALK)]
)
def test_route_refuses_missing_and_foreign_tokens(app, world, method, endpoint):
    walk = WALK[(method, endpoint)]
    _count_sign_in_failures_in_the_database(app)
    ids = _ids(app, world)
    if walk.prepare is not None:
        walk.prepare(app, ids)
    actor = _sign_in(app, world, walk.actor)
    if walk.session:
        with actor.session_transaction() as session:
            session.update(walk.session)
    # Fetching its own token first gives the actor's session a CSRF secret, so the foreign
    # token is refused because it belongs to another session, not because this one has none.
    own_token = _token(actor, walk.token_page)
    foreign_token = _token(_sign_in(app, world, OTHER_SESSION), "/settings")
    assert foreign_token != own_token
    url = _url(app, endpoint, walk.url(ids))
    before = _snapshot(app)

    attacks = {"without a token": None, "with another session's token": foreign_token}
    for attempt, token in attacks.items():
        response = _send(actor, method, url, walk.data(ids), token)
        assert _refused_as_csrf(response), (
            f"{method} {url} {attempt} was not refused as CSRF: {response.status_code}"
        )
        assert _differences(before, _snapshot(app)) == [], f"{method} {url} {attempt} wrote"

    # Positive control: the same request with its own token reaches the view and writes
    # something more than the "last active" note any signed-in request may make.
    quiet_before = _snapshot(app, ignore=ACTIVITY_COLUMNS)
    response = _send(actor, method, url, walk.data(ids), own_token)
    assert not _refused_as_csrf(response), f"{method} {url} refused its own session's token"
    assert response.status_code == walk.ok_status, (
        f"{method} {url} with its own token: {response.status_code}, "
        f"expected {walk.ok_status}; fix the walk's form data or the route"
    )
    written = _differences(quiet_before, _snapshot(app, ignore=ACTIVITY_COLUMNS))
    assert written != [], f"{method} {url} with its own token wrote nothing"


def test_anonymous_posts_without_a_token_are_refused_before_anything_else(app, world):
    """No token, no session: every state-changing route shows the CSRF page, not the sign-in."""
    _count_sign_in_failures_in_the_database(app)
    ids = _ids(app, world)
    client = app.test_client()
    before = _snapshot(app)
    for method, endpoint in sorted(WALK):
        walk = WALK[(method, endpoint)]
        url = _url(app, endpoint, walk.url(ids))
        response = _send(client, method, url, walk.data(ids), None)
        assert _refused_as_csrf(response), f"anonymous {method} {url}: {response.status_code}"
    assert _differences(before, _snapshot(app)) == []
