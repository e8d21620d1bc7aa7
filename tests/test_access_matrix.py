"""Every route, for every account of the hard world, with the answer it must give.

The expectations are written by hand from docs/access-rules.md; nothing here asks the app's own
access code what the answer should be. The table must name every GET and every POST of every
endpoint: a new route without an entry fails `test_every_route_has_an_entry`.

Answers: "ok" (the page or action works: 2xx, 3xx elsewhere than the sign-in, or a 400 form
message), "login" (302 to the sign-in), 403 (not for this role), 404 (not theirs: ids of other
people's data are indistinguishable from ids that do not exist). A 400 because the CSRF token
was refused is "csrf" and never expected: every request here carries a valid token, so a
"csrf" answer would hide whatever the route decides.

Each test runs one case (a group of requests about one hard case, or "routes": every route
against centre A's everyday objects) as one account, in a fresh world (tests/world.py,
`hard_world`); the requests of a case run in order, the ones that change data last. The app is
made once for the module and its database emptied before every test: ~180 worlds are built
here, and a new app per test would compile every template again each time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from sqlalchemy import select

from learnapp import create_app
from learnapp.auth.throttle import get_throttle
from learnapp.db import get_session
from learnapp.models import Base, User
from tests.helpers import Auth, csrf_from
from tests.world import HardWorld

LEARNER, MENTOR, COORDINATOR, ADMIN = "learner", "mentor", "coordinator", "admin"
SIGNED_IN = frozenset({LEARNER, MENTOR, COORDINATOR, ADMIN})
STAFF = frozenset({MENTOR, COORDINATOR, ADMIN})  # roles the mentor pages admit
CENTRE_STAFF = frozenset({COORDINATOR, ADMIN})  # roles the coordination pages admit
ADMINS = frozenset({ADMIN})

# Everybody of the hard world who can sign in, with their role. Deactivated, locked and
# deleted accounts cannot (see test_accounts_not_in_use_cannot_sign_in); they are objects here.
ACCOUNTS: dict[str, str | None] = {
    "anonymous": None,
    "learner_a": LEARNER,
    "learner_a2": LEARNER,
    "learner_b": LEARNER,
    "learner_ended": LEARNER,
    "learner_repaired": LEARNER,
    "learner_moved": LEARNER,
    "learner_c": LEARNER,
    "mentor_a": MENTOR,
    "mentor_b": MENTOR,
    "mentor_former": MENTOR,
    "mentor_new": MENTOR,
    "coord_a": COORDINATOR,
    "coord_a2": COORDINATOR,
    "coord_b": COORDINATOR,
    "coord_ab": COORDINATOR,
    "coord_unassigned": COORDINATOR,
    "admin": ADMIN,
}
LEARNERS = frozenset(a for a, role in ACCOUNTS.items() if role == LEARNER)
MENTORS = frozenset(a for a, role in ACCOUNTS.items() if role == MENTOR)
COORDINATORS = frozenset(a for a, role in ACCOUNTS.items() if role == COORDINATOR)
EVERYBODY = frozenset(a for a, role in ACCOUNTS.items() if role is not None)

# Who manages each centre: its assigned coordinators and the admin (not coord_unassigned for C,
# though her own centre_id says C; not coord_unassigned for A either).
STAFF_OF_A = frozenset({"coord_a", "coord_a2", "coord_ab", "admin"})
STAFF_OF_B = frozenset({"coord_b", "coord_ab", "coord_unassigned", "admin"})
STAFF_OF_C = frozenset({"admin"})
NOBODY: frozenset[str] = frozenset()


def expect(
    ok: Iterable[str] = (),
    *,
    roles: frozenset[str] = SIGNED_IN,
    refused: Iterable[str] = (),
    anonymous: object = "login",
) -> dict[str, object]:
    """The answer for every account, from what the rules say in words:

    anonymous visitors get `anonymous`; a role the route is not for gets 403; the accounts in
    `ok` get "ok"; those in `refused` see the object but may not do this (403); everybody else
    of an admitted role gets 404 (not theirs).
    """
    ok, refused = frozenset(ok), frozenset(refused)
    unknown = (ok | refused) - EVERYBODY
    assert not unknown, f"not an account: {unknown}"
    wrong_role = {a for a in ok | refused if ACCOUNTS[a] not in roles}
    assert not wrong_role, f"the route does not admit {wrong_role}"
    answers: dict[str, object] = {}
    for account, role in ACCOUNTS.items():
        if role is None:
            answers[account] = anonymous
        elif role not in roles:
            answers[account] = 403
        elif account in ok:
            answers[account] = "ok"
        elif account in refused:
            answers[account] = 403
        else:
            answers[account] = 404
    return answers


def everybody(answer: object) -> dict[str, object]:
    return dict.fromkeys(ACCOUNTS, answer)


@dataclass(frozen=True)
class Check:
    what: str
    method: str
    endpoint: str
    expected: dict[str, object]
    # URL variables: names of HardWorld fields (their ids) or literal values.
    args: dict[str, str] = field(default_factory=dict)


def get(what: str, endpoint: str, expected: dict[str, object], **args: str) -> Check:
    return Check(what, "GET", endpoint, expected, args)


def post(what: str, endpoint: str, expected: dict[str, object], **args: str) -> Check:
    return Check(what, "POST", endpoint, expected, args)


# --- The routes: every GET and POST of every endpoint, about centre A's paired learner. ---

ROUTE_ARGS = {
    "course_id": "sample",
    "lesson_id": "sample-practice",
    "filename": "tablet.svg",
    "run_id": "run_a",
    "learner_id": "learner_a",
    "user_id": "learner_a",
    "help_id": "help_a",
    "tandem_id": "tandem_a",
    "pairing_id": "pairing_a",
    "centre_id": "centre_a",
}


def route(method: str, endpoint: str, expected: dict[str, object], **args: str) -> Check:
    return Check(f"route {endpoint}", method, endpoint, expected, {**ROUTE_ARGS, **args})


ANYONE = expect(EVERYBODY, anonymous="ok")
SIGNED_IN_OK = expect(EVERYBODY)
TOTP_USERS = expect(COORDINATORS | {"admin"})  # learners and mentors: 404, not offered
LEARNERS_ONLY = expect(LEARNERS, roles=frozenset({LEARNER}))
MENTORS_ONLY = expect(MENTORS, roles=frozenset({MENTOR}))
ABOUT_LEARNER_A = expect({"mentor_a"} | STAFF_OF_A, roles=STAFF)
RECORD_TANDEM_A = expect({"mentor_a"}, roles=STAFF, refused=STAFF_OF_A)
COORDINATION = expect(COORDINATORS | {"admin"}, roles=CENTRE_STAFF)
LEARNER_A_ACCOUNT = expect(STAFF_OF_A, roles=CENTRE_STAFF)
ADMIN_ONLY = expect({"admin"}, roles=ADMINS)

ROUTES = [
    route("GET", "health.healthz", ANYONE),
    route("GET", "auth.login", ANYONE),
    route("POST", "auth.login", ANYONE),  # a visitor: the form again; signed in: the start
    # The second sign-in step exists only after a password was accepted.
    route("GET", "auth.login_code", everybody("login")),
    route("POST", "auth.login_code", everybody("login")),
    route("GET", "auth.change_password", SIGNED_IN_OK),
    route("POST", "auth.change_password", SIGNED_IN_OK),
    route("GET", "auth.two_factor", TOTP_USERS),
    route("GET", "auth.two_factor_qr", TOTP_USERS),  # after the GET above began the setup
    route("POST", "auth.two_factor", TOTP_USERS),
    route("GET", "learn.home", expect(EVERYBODY, anonymous="ok")),  # visitors: the welcome page
    route("GET", "learn.courses", SIGNED_IN_OK),
    route("GET", "learn.course", SIGNED_IN_OK),
    route("GET", "learn.lesson", SIGNED_IN_OK),
    route("GET", "learn.image", SIGNED_IN_OK),
    route("GET", "learn.certificate", SIGNED_IN_OK),  # everyone's own (or how far they are)
    route("GET", "learn.merkblatt", SIGNED_IN_OK, lesson_id="sample-first"),
    route("GET", "learn.mentor_guide", expect(MENTORS | COORDINATORS | {"admin"}, roles=STAFF)),
    route("POST", "learn.done", SIGNED_IN_OK, lesson_id="sample-first"),
    route("POST", "learn.check", SIGNED_IN_OK, lesson_id="sample-first"),
    route("POST", "learn.practice_start", SIGNED_IN_OK),
    route("GET", "learn.practice_step", expect({"learner_a"})),  # learner_a's own run
    route("POST", "learn.practice_step", expect({"learner_a"})),
    route("GET", "help.ask", LEARNERS_ONLY),
    route("POST", "help.ask", LEARNERS_ONLY),  # an empty form: the form again (400), not 403
    route("GET", "help.sent", expect({"learner_a"}, roles=frozenset({LEARNER}))),
    route("GET", "settings.settings", SIGNED_IN_OK),
    route("POST", "settings.settings", SIGNED_IN_OK),
    route("GET", "mentor.dashboard", MENTORS_ONLY),
    route("GET", "mentor.plan_session", MENTORS_ONLY),
    route("POST", "mentor.plan_session", MENTORS_ONLY),
    route("GET", "mentor.learner", ABOUT_LEARNER_A),
    route("POST", "mentor.reset_password", ABOUT_LEARNER_A),
    route("POST", "mentor.unlock", ABOUT_LEARNER_A),
    route("POST", "mentor.help_handled", ABOUT_LEARNER_A),
    route("GET", "mentor.session", ABOUT_LEARNER_A),
    route("POST", "mentor.session", RECORD_TANDEM_A),
    route("GET", "mentor.session_ics", ABOUT_LEARNER_A),
    route("GET", "mentor.session_summary", ABOUT_LEARNER_A),
    route("GET", "coordinate.overview", COORDINATION),
    route("GET", "coordinate.accounts_list", COORDINATION),
    route("GET", "coordinate.account_new", COORDINATION),
    route("POST", "coordinate.account_new", COORDINATION),
    route("GET", "coordinate.pairings", COORDINATION),
    route("POST", "coordinate.pairings", COORDINATION),
    route("GET", "coordinate.report", COORDINATION),
    route("GET", "coordinate.report_csv", COORDINATION),
    route("GET", "coordinate.retention_list", COORDINATION),
    route("GET", "legal.impressum", ANYONE),
    route("GET", "legal.privacy", ANYONE),
    route("GET", "legal.accessibility", ANYONE),
    route("GET", "home_screen.manifest", ANYONE, lang="de"),
    route("GET", "offline.service_worker", ANYONE),
    route("GET", "offline.offline_page", ANYONE),
    route("GET", "offline.lesson_copy", SIGNED_IN_OK),
    route("GET", "offline.course_files", SIGNED_IN_OK),
    route("GET", "coordinate.report_xlsx", COORDINATION),
    route("GET", "coordinate.card_sheet", COORDINATION),
    route("GET", "coordinate.content_due", COORDINATION),
    route("GET", "coordinate.login_card", LEARNER_A_ACCOUNT),
    route("GET", "coordinate.login_qr", LEARNER_A_ACCOUNT),
    route("GET", "coordinate.export", LEARNER_A_ACCOUNT),
    route("GET", "coordinate.delete", LEARNER_A_ACCOUNT),
    route("POST", "coordinate.account_password", LEARNER_A_ACCOUNT),
    route("POST", "coordinate.account_unlock", LEARNER_A_ACCOUNT),
    route("GET", "coordinate.person", LEARNER_A_ACCOUNT),
    route("GET", "coordinate.warning_dismiss", LEARNER_A_ACCOUNT, kind="inactive"),
    route("POST", "coordinate.warning_dismiss", LEARNER_A_ACCOUNT, kind="inactive"),
    route("GET", "admin.overview", ADMIN_ONLY),
    route("POST", "admin.overview", ADMIN_ONLY),
    route("GET", "admin.all_accounts", ADMIN_ONLY),
    route("GET", "admin.audit_log", ADMIN_ONLY),
    # Changes last: end learner_a's pairing, deactivate her, delete her, unassign coord_a.
    route("POST", "coordinate.pairing_end", LEARNER_A_ACCOUNT),
    route("POST", "coordinate.account_active", LEARNER_A_ACCOUNT),
    route("POST", "coordinate.delete", LEARNER_A_ACCOUNT),
    route("POST", "admin.unassign", ADMIN_ONLY, user_id="coord_a"),
    # Sign-out last of all: it ends the session the other requests use.
    route("POST", "auth.logout", everybody("login")),
]

# --- The hard cases (docs/access-rules.md, "Hard cases"). ---

ENDED_PAIRING = [
    # mentor_former mentored learner_ended until coord_a ended the pairing.
    get("her page", "mentor.learner", expect(STAFF_OF_A, roles=STAFF), learner_id="learner_ended"),
    get("old session", "mentor.session", expect(STAFF_OF_A, roles=STAFF), tandem_id="tandem_ended"),
    get(
        "old session, calendar",
        "mentor.session_ics",
        expect(STAFF_OF_A, roles=STAFF),
        tandem_id="tandem_ended",
    ),
    get(
        "old session, summary",
        "mentor.session_summary",
        expect(STAFF_OF_A, roles=STAFF),
        tandem_id="tandem_ended",
    ),
    post(
        "record the old session",
        "mentor.session",
        expect(roles=STAFF, refused=STAFF_OF_A),
        tandem_id="tandem_ended",
    ),
    post(
        "new password",
        "mentor.reset_password",
        expect(STAFF_OF_A, roles=STAFF),
        learner_id="learner_ended",
    ),
    post("unlock", "mentor.unlock", expect(STAFF_OF_A, roles=STAFF), learner_id="learner_ended"),
    post(
        "end the ended pairing",
        "coordinate.pairing_end",
        expect(STAFF_OF_A, roles=CENTRE_STAFF),
        pairing_id="pairing_ended",
    ),
]

RE_PAIRED = [
    # learner_repaired went from mentor_former to mentor_new.
    get(
        "her page",
        "mentor.learner",
        expect({"mentor_new"} | STAFF_OF_A, roles=STAFF),
        learner_id="learner_repaired",
    ),
    get(
        "former mentor's session (private notes)",
        "mentor.session",
        expect(STAFF_OF_A, roles=STAFF),
        tandem_id="tandem_former",
    ),
    get(
        "former mentor's session, calendar",
        "mentor.session_ics",
        expect(STAFF_OF_A, roles=STAFF),
        tandem_id="tandem_former",
    ),
    get(
        "former mentor's session, summary",
        "mentor.session_summary",
        expect(STAFF_OF_A, roles=STAFF),
        tandem_id="tandem_former",
    ),
    post(
        "record the former mentor's session",
        "mentor.session",
        expect(roles=STAFF, refused=STAFF_OF_A),
        tandem_id="tandem_former",
    ),
    get(
        "new mentor's session",
        "mentor.session",
        expect({"mentor_new"} | STAFF_OF_A, roles=STAFF),
        tandem_id="tandem_new",
    ),
    post(
        "record the new mentor's session",
        "mentor.session",
        expect({"mentor_new"}, roles=STAFF, refused=STAFF_OF_A),
        tandem_id="tandem_new",
    ),
    post(
        "help asked before the change",
        "mentor.help_handled",
        expect({"mentor_new"} | STAFF_OF_A, roles=STAFF),
        help_id="help_repaired",
    ),
    post(
        "new password",
        "mentor.reset_password",
        expect({"mentor_new"} | STAFF_OF_A, roles=STAFF),
        learner_id="learner_repaired",
    ),
    post(
        "end the former pairing (already ended)",
        "coordinate.pairing_end",
        expect(STAFF_OF_A, roles=CENTRE_STAFF),
        pairing_id="pairing_former",
    ),
    post(
        "end the new pairing",
        "coordinate.pairing_end",
        expect(STAFF_OF_A, roles=CENTRE_STAFF),
        pairing_id="pairing_new",
    ),
]

CENTRES = [
    # Two coordinators of A (coord_a, coord_a2); coord_ab has A and B; coord_unassigned lost C
    # and keeps B; her own centre_id (C) counts for nothing.
    post(
        "centre A's mentor: new password",
        "coordinate.account_password",
        expect(STAFF_OF_A, roles=CENTRE_STAFF),
        user_id="mentor_a",
    ),
    get(
        "centre A's unpaired learner: card",
        "coordinate.login_card",
        expect(STAFF_OF_A, roles=CENTRE_STAFF),
        user_id="learner_a2",
    ),
    get(
        "centre B's learner: page",
        "mentor.learner",
        expect({"mentor_b"} | STAFF_OF_B, roles=STAFF),
        learner_id="learner_b",
    ),
    get(
        "centre B's learner: card",
        "coordinate.login_card",
        expect(STAFF_OF_B, roles=CENTRE_STAFF),
        user_id="learner_b",
    ),
    get(
        "centre B's learner: export",
        "coordinate.export",
        expect(STAFF_OF_B, roles=CENTRE_STAFF),
        user_id="learner_b",
    ),
    post(
        "centre B's mentor: new password",
        "coordinate.account_password",
        expect(STAFF_OF_B, roles=CENTRE_STAFF),
        user_id="mentor_b",
    ),
    get(
        "centre C's learner: page",
        "mentor.learner",
        expect(STAFF_OF_C, roles=STAFF),
        learner_id="learner_c",
    ),
    get(
        "centre C's learner: card",
        "coordinate.login_card",
        expect(STAFF_OF_C, roles=CENTRE_STAFF),
        user_id="learner_c",
    ),
    get(
        "centre C's learner: QR",
        "coordinate.login_qr",
        expect(STAFF_OF_C, roles=CENTRE_STAFF),
        user_id="learner_c",
    ),
    get(
        "centre C's learner: export",
        "coordinate.export",
        expect(STAFF_OF_C, roles=CENTRE_STAFF),
        user_id="learner_c",
    ),
    get(
        "centre C's learner: delete page",
        "coordinate.delete",
        expect(STAFF_OF_C, roles=CENTRE_STAFF),
        user_id="learner_c",
    ),
    post(
        "centre C's learner: new password",
        "coordinate.account_password",
        expect(STAFF_OF_C, roles=CENTRE_STAFF),
        user_id="learner_c",
    ),
    post(
        "centre C's learner: deactivate",
        "coordinate.account_active",
        expect(STAFF_OF_C, roles=CENTRE_STAFF),
        user_id="learner_c",
    ),
    get(
        "a mentor's id on the learner page",
        "mentor.learner",
        expect(NOBODY, roles=STAFF),
        learner_id="mentor_a",
    ),
    get(
        "a mentor's id on the card",
        "coordinate.login_card",
        expect(NOBODY, roles=CENTRE_STAFF),
        user_id="mentor_b",
    ),
]

MOVED = [
    # learner_moved moved from A to B; her pairing with mentor_a (of A) goes on.
    get(
        "her page",
        "mentor.learner",
        expect({"mentor_a"} | STAFF_OF_B, roles=STAFF),
        learner_id="learner_moved",
    ),
    get(
        "her session held in A",
        "mentor.session",
        expect({"mentor_a"} | STAFF_OF_B, roles=STAFF),
        tandem_id="tandem_moved",
    ),
    get(
        "her card",
        "coordinate.login_card",
        expect(STAFF_OF_B, roles=CENTRE_STAFF),
        user_id="learner_moved",
    ),
    get(
        "her export",
        "coordinate.export",
        expect(STAFF_OF_B, roles=CENTRE_STAFF),
        user_id="learner_moved",
    ),
    post(
        "new password",
        "coordinate.account_password",
        expect(STAFF_OF_B, roles=CENTRE_STAFF),
        user_id="learner_moved",
    ),
    post(
        "end her pairing",
        "coordinate.pairing_end",
        expect(STAFF_OF_B, roles=CENTRE_STAFF),
        pairing_id="pairing_moved",
    ),
]

GONE = expect(NOBODY, roles=CENTRE_STAFF)  # not found for every coordinator and the admin
GONE_FOR_MENTOR_PAGES = expect(NOBODY, roles=STAFF)
DELETED = [
    get("her page", "mentor.learner", GONE_FOR_MENTOR_PAGES, learner_id="learner_deleted"),
    get("her session", "mentor.session", GONE_FOR_MENTOR_PAGES, tandem_id="tandem_deleted"),
    get(
        "her session, calendar",
        "mentor.session_ics",
        GONE_FOR_MENTOR_PAGES,
        tandem_id="tandem_deleted",
    ),
    get(
        "her session, summary",
        "mentor.session_summary",
        GONE_FOR_MENTOR_PAGES,
        tandem_id="tandem_deleted",
    ),
    get("card", "coordinate.login_card", GONE, user_id="learner_deleted"),
    get("QR", "coordinate.login_qr", GONE, user_id="learner_deleted"),
    get("export", "coordinate.export", GONE, user_id="learner_deleted"),
    get("delete page", "coordinate.delete", GONE, user_id="learner_deleted"),
    get("person page", "coordinate.person", GONE, user_id="learner_deleted"),
    post(
        "new password (mentor page)",
        "mentor.reset_password",
        GONE_FOR_MENTOR_PAGES,
        learner_id="learner_deleted",
    ),
    post(
        "unlock (mentor page)", "mentor.unlock", GONE_FOR_MENTOR_PAGES, learner_id="learner_deleted"
    ),
    post("new password", "coordinate.account_password", GONE, user_id="learner_deleted"),
    post("unlock", "coordinate.account_unlock", GONE, user_id="learner_deleted"),
    post("(re)activate", "coordinate.account_active", GONE, user_id="learner_deleted"),
    post("end her pairing", "coordinate.pairing_end", GONE, pairing_id="pairing_deleted"),
    post("delete again", "coordinate.delete", GONE, user_id="learner_deleted"),
]

NOT_IN_USE = [
    # learner_inactive (A, paired with mentor_a) is deactivated; learner_locked (B, paired with
    # mentor_b) is paused after wrong passwords. Staff see and help them as anyone else.
    get(
        "deactivated: her page",
        "mentor.learner",
        expect({"mentor_a"} | STAFF_OF_A, roles=STAFF),
        learner_id="learner_inactive",
    ),
    get(
        "deactivated: card",
        "coordinate.login_card",
        expect(STAFF_OF_A, roles=CENTRE_STAFF),
        user_id="learner_inactive",
    ),
    post(
        "deactivated: new password",
        "coordinate.account_password",
        expect(STAFF_OF_A, roles=CENTRE_STAFF),
        user_id="learner_inactive",
    ),
    post(
        "deactivated: (re)activate",
        "coordinate.account_active",
        expect(STAFF_OF_A, roles=CENTRE_STAFF),
        user_id="learner_inactive",
    ),
    get(
        "locked: her page",
        "mentor.learner",
        expect({"mentor_b"} | STAFF_OF_B, roles=STAFF),
        learner_id="learner_locked",
    ),
    post(
        "locked: unlock (mentor page)",
        "mentor.unlock",
        expect({"mentor_b"} | STAFF_OF_B, roles=STAFF),
        learner_id="learner_locked",
    ),
    post(
        "locked: unlock",
        "coordinate.account_unlock",
        expect(STAFF_OF_B, roles=CENTRE_STAFF),
        user_id="learner_locked",
    ),
]

STAFF_ACCOUNTS = [
    # Coordinators never manage coordinators or admins, not even of their own centre or
    # themselves; the admin manages everyone.
    post(
        "coord_a2 (second coordinator of A): new password",
        "coordinate.account_password",
        expect({"admin"}, roles=CENTRE_STAFF),
        user_id="coord_a2",
    ),
    post(
        "coord_a: unlock",
        "coordinate.account_unlock",
        expect({"admin"}, roles=CENTRE_STAFF),
        user_id="coord_a",
    ),
    post(
        "coord_ab: new password",
        "coordinate.account_password",
        expect({"admin"}, roles=CENTRE_STAFF),
        user_id="coord_ab",
    ),
    post(
        "coord_b: deactivate",
        "coordinate.account_active",
        expect({"admin"}, roles=CENTRE_STAFF),
        user_id="coord_b",
    ),
    post(
        "admin: unlock",
        "coordinate.account_unlock",
        expect({"admin"}, roles=CENTRE_STAFF),
        user_id="admin",
    ),
    get(
        "a coordinator's id on the learner page",
        "mentor.learner",
        expect(NOBODY, roles=STAFF),
        learner_id="coord_a",
    ),
    get(
        "coord_a2's person page",
        "coordinate.person",
        expect({"admin"}, roles=CENTRE_STAFF),
        user_id="coord_a2",
    ),
    get(
        "a coordinator's id on the card",
        "coordinate.login_card",
        expect(NOBODY, roles=CENTRE_STAFF),
        user_id="coord_a2",
    ),
    post(
        "unassign a centre that was taken away already",
        "admin.unassign",
        expect(NOBODY, roles=ADMINS),
        user_id="coord_unassigned",
        centre_id="centre_c",
    ),
    post(
        "unassign coord_ab from B",
        "admin.unassign",
        expect({"admin"}, roles=ADMINS),
        user_id="coord_ab",
        centre_id="centre_b",
    ),
]

CASES: dict[str, list[Check]] = {
    "routes": ROUTES,
    "ended pairing": ENDED_PAIRING,
    "re-paired": RE_PAIRED,
    "centres": CENTRES,
    "moved": MOVED,
    "deleted": DELETED,
    "not in use": NOT_IN_USE,
    "staff accounts": STAFF_ACCOUNTS,
}


# --- One app for the module (see the module's docstring), a fresh database for every test. ---


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory, content_dir: Path) -> Iterator[Flask]:
    """Made like conftest's `app`, once; `app` below empties its database for every test."""
    path = tmp_path_factory.mktemp("access") / "test.db"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "DATABASE_URL": os.environ.get("LEARNAPP_TEST_DATABASE_URL") or f"sqlite:///{path}",
            "CONTENT_DIR": str(content_dir),
            "CONTENT_AUTO_RELOAD": False,
        }
    )
    engine = app.extensions["learnapp_db"].engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield app
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def content_dir() -> Path:
    return Path(__file__).parent / "fixtures" / "content"


@pytest.fixture
def app(shared_app: Flask) -> Flask:
    """The shared app with an empty database and no sign-in failures counted."""
    engine = shared_app.extensions["learnapp_db"].engine
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    with shared_app.app_context():
        get_throttle().store.reset()
    return shared_app


def test_every_route_has_an_entry(app):
    listed = {(check.method, check.endpoint) for check in ROUTES}
    missing = [
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if (method, rule.endpoint) not in listed
    ]
    assert missing == [], "add these routes to the access table"


def test_the_table_names_everyone_who_can_sign_in(app, hard_world):
    """A person added to the hard world who can sign in must be added to ACCOUNTS too."""
    with app.app_context():
        users = get_session().scalars(select(User).where(User.active.is_(True))).all()
        usernames = {user.username for user in users}
    locked = hard_world.username("learner_locked")
    assert usernames - {locked} == {hard_world.username(a) for a in EVERYBODY}


def _url(app, world: HardWorld, check: Check) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == check.endpoint)
    values = {
        name: getattr(world, value) if hasattr(world, value) else value
        for name, value in check.args.items()
        if name in rule.arguments
    }
    with app.test_request_context():
        return url_for(check.endpoint, **values)


CSRF_REFUSALS = ("Das Formular war zu alt", "The form was too old")


def _outcome(response) -> object:  # type: ignore[no-untyped-def]
    """ "ok", "login", "csrf", or the status code of any other answer (403, 404, 405, 500…)."""
    code = response.status_code
    if code == 302 and urlsplit(response.headers["Location"]).path == "/login":
        return "login"
    if code == 400 and any(text in response.get_data(as_text=True) for text in CSRF_REFUSALS):
        return "csrf"
    if 200 <= code <= 400:
        return "ok"
    return code


def test_a_refused_csrf_token_is_told_apart_from_a_form_message(app, client, hard_world):
    assert Auth(client).login(hard_world.username("learner_a")).status_code == 302
    refused = client.post("/settings", data={"csrf_token": "not-the-token"})
    form_message = client.post("/settings", data={"csrf_token": Auth(client).token()})
    assert (refused.status_code, _outcome(refused)) == (400, "csrf")
    assert (form_message.status_code, _outcome(form_message)) == (400, "ok")


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("case", CASES)
def test_access(app, client, hard_world, case, account):
    if account == "anonymous":
        token = csrf_from(client.get("/login").get_data(as_text=True))
    else:
        assert Auth(client).login(hard_world.username(account)).status_code == 302
        token = csrf_from(client.get("/settings").get_data(as_text=True))
    failures = []
    for check in CASES[case]:
        url = _url(app, hard_world, check)
        if check.method == "GET":
            response = client.get(url)
        else:
            # As from a confirmation page: destructive actions act only then.
            response = client.post(url, data={"csrf_token": token, "confirm": "yes"})
        got = _outcome(response)
        response.close()
        if got != check.expected[account]:
            failures.append(
                f"{case}: {check.what}: {check.method} {url} as {account}: "
                f"expected {check.expected[account]}, got {got}"
            )
    assert failures == [], "\n".join(failures)


# --- What lists show: only the people (and tandems) of the viewer's own learners or centres. ---

A_PEOPLE = frozenset(
    {
        "learner_a",
        "learner_a2",
        "learner_ended",
        "learner_repaired",
        "learner_inactive",
        "mentor_a",
        "mentor_former",
        "mentor_new",
    }
)
B_PEOPLE = frozenset({"learner_b", "learner_moved", "learner_locked", "mentor_b"})
C_PEOPLE = frozenset({"learner_c"})
PEOPLE = frozenset(HardWorld.NAMES)  # learner_deleted too: her name must be gone everywhere
LEARNER_NAMES = frozenset(p for p in PEOPLE if p.startswith("learner_"))
MENTOR_NAMES = frozenset(p for p in PEOPLE if p.startswith("mentor_"))
CENTRE_NAMES = {"centre_a": "Zentrum A", "centre_b": "Zentrum B", "centre_c": "Zentrum C"}
CENTRE_KEYS = frozenset(CENTRE_NAMES)
# Tandems, as the "end this tandem" form each listed one has.
PAIRINGS = frozenset(
    {
        "pairing_a",
        "pairing_ended",
        "pairing_former",
        "pairing_new",
        "pairing_moved",
        "pairing_deleted",
    }
)
PAIRINGS_OF_A = frozenset({"pairing_a", "pairing_new"})
PAIRINGS_OF_B = frozenset({"pairing_moved"})


@dataclass(frozen=True)
class Shows:
    """On `endpoint`, `account` sees the things in `shown`, and none of the rest of `among`."""

    account: str
    endpoint: str
    shown: frozenset[str]
    among: frozenset[str]
    args: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)  # the query string, as `args`

    @property
    def id(self) -> str:
        asked = "".join(f"-{name}={value}" for name, value in self.query.items())
        return f"{self.endpoint}-{self.account}{asked}"


def _mentor_lists(account: str, learners: Iterable[str]) -> list[Shows]:
    """The dashboard and the planning form list the same learners: the paired ones."""
    return [
        Shows(account, endpoint, frozenset(learners), LEARNER_NAMES)
        for endpoint in ("mentor.dashboard", "mentor.plan_session")
    ]


def _centre_lists(
    account: str, people: frozenset[str], tandems: frozenset[str], centres: Iterable[str]
) -> list[Shows]:
    """The accounts list, the Tandems page, the report's centres."""
    return [
        Shows(account, "coordinate.accounts_list", people, PEOPLE),
        Shows(account, "coordinate.pairings", tandems, PEOPLE | PAIRINGS),
        Shows(account, "coordinate.report", frozenset(centres), CENTRE_KEYS),
    ]


# The Tandems page: active people of one centre in its form (the first by name unless another
# of the viewer's is asked for), active tandems of all the viewer's centres in its list (with
# learner_inactive's); centre B's list has the moved learner with her mentor from centre A.
TANDEMS_OF_A = A_PEOPLE | PAIRINGS_OF_A
TANDEMS_OF_B = B_PEOPLE | {"mentor_a"} | PAIRINGS_OF_B
# The people of the active tandems of A and B, as the list names them (centre C has none).
IN_TANDEMS_OF_A = frozenset(
    {"mentor_a", "learner_a", "mentor_new", "learner_repaired", "learner_inactive"}
)
# The accounts list names each learner's current mentor: the moved learner's is mentor_a.
ACCOUNTS_OF_B = B_PEOPLE | {"mentor_a"}
SHOWS = [
    *_mentor_lists("mentor_a", {"learner_a", "learner_moved", "learner_inactive"}),
    *_mentor_lists("mentor_b", {"learner_b", "learner_locked"}),
    *_mentor_lists("mentor_former", set()),
    *_mentor_lists("mentor_new", {"learner_repaired"}),
    *_centre_lists("coord_a", A_PEOPLE, TANDEMS_OF_A, {"centre_a"}),
    *_centre_lists("coord_a2", A_PEOPLE, TANDEMS_OF_A, {"centre_a"}),
    *_centre_lists("coord_b", ACCOUNTS_OF_B, TANDEMS_OF_B, {"centre_b"}),
    *_centre_lists("coord_unassigned", ACCOUNTS_OF_B, TANDEMS_OF_B, {"centre_b"}),
    *_centre_lists(
        "coord_ab", A_PEOPLE | B_PEOPLE, TANDEMS_OF_A | TANDEMS_OF_B, {"centre_a", "centre_b"}
    ),
    *_centre_lists(
        "admin", A_PEOPLE | B_PEOPLE | C_PEOPLE, TANDEMS_OF_A | TANDEMS_OF_B, CENTRE_KEYS
    ),
    # Another centre's form: asked for by the admin, C's people; by a coordinator not of C,
    # ignored (her first centre, A, and never C's people).
    Shows(
        "admin",
        "coordinate.pairings",
        C_PEOPLE | IN_TANDEMS_OF_A | PAIRINGS_OF_A | TANDEMS_OF_B,
        PEOPLE | PAIRINGS,
        query={"centre": "centre_c"},
    ),
    Shows(
        "coord_ab",
        "coordinate.pairings",
        TANDEMS_OF_A | TANDEMS_OF_B,
        PEOPLE | PAIRINGS,
        query={"centre": "centre_c"},
    ),
    # A learner is told who her mentor is: the current one only.
    Shows("learner_a", "settings.settings", frozenset({"mentor_a"}), MENTOR_NAMES),
    Shows("learner_ended", "settings.settings", frozenset(), MENTOR_NAMES),
    Shows("learner_repaired", "settings.settings", frozenset({"mentor_new"}), MENTOR_NAMES),
    Shows("learner_moved", "settings.settings", frozenset({"mentor_a"}), MENTOR_NAMES),
    # The former mentor's private notes: for the centre's coordinators, not the new mentor.
    Shows(
        "mentor_new",
        "mentor.learner",
        frozenset(),
        frozenset({"former_notes"}),
        {"learner_id": "learner_repaired"},
    ),
    Shows(
        "coord_a2",
        "mentor.session",
        frozenset({"former_notes"}),
        frozenset({"former_notes"}),
        {"tandem_id": "tandem_former"},
    ),
]


def _text(world: HardWorld, key: str) -> str:
    if key == "former_notes":
        return world.FORMER_NOTES
    if key in CENTRE_NAMES:
        return CENTRE_NAMES[key]
    if key.startswith("pairing_"):
        return f'id="pairing-{getattr(world, key)}"'
    return world.NAMES[key]


@pytest.mark.parametrize("shows", SHOWS, ids=[s.id for s in SHOWS])
def test_lists_show_only_their_people(app, client, hard_world, shows):
    assert Auth(client).login(hard_world.username(shows.account)).status_code == 302
    url = _url(app, hard_world, Check(shows.id, "GET", shows.endpoint, {}, shows.args))
    query = {name: getattr(hard_world, value, value) for name, value in shows.query.items()}
    response = client.get(url, query_string=query)
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    seen = {key for key in shows.among if _text(hard_world, key) in page}
    assert sorted(seen - shows.shown) == [], f"{url} as {shows.account} shows what it must not"
    assert sorted(shows.shown - seen) == [], f"{url} as {shows.account} leaves out"


# --- Deactivated, locked and deleted accounts cannot sign in; staff can help the first two. ---


def test_accounts_not_in_use_cannot_sign_in(app, hard_world):
    def sign_in(name: str) -> int:
        return Auth(app.test_client()).login(name).status_code

    assert sign_in("learnerinactive") == 401
    assert sign_in("learnerlocked") == 429  # the right password, still paused
    assert sign_in("learnerdeleted") == 401  # her username is gone with her data

    mentor, coordinator = app.test_client(), app.test_client()
    assert Auth(mentor).login("mentorb").status_code == 302
    assert Auth(coordinator).login("coorda").status_code == 302
    unlock = Auth(mentor).post(f"/mentor/learners/{hard_world.learner_locked}/unlock")
    assert unlock.status_code == 302
    assert sign_in("learnerlocked") == 302

    for user_id, answer in ((hard_world.learner_inactive, 302), (hard_world.learner_deleted, 404)):
        response = Auth(coordinator).post(f"/coordinate/accounts/{user_id}/active", {"active": "1"})
        assert response.status_code == answer
    assert sign_in("learnerinactive") == 302
    with app.app_context():
        deleted = get_session().get(User, hard_world.learner_deleted)
        assert deleted is not None and not deleted.active and deleted.display_name == "—"
