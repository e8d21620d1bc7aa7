"""A second factor (TOTP) for coordinators and admins: set up, sign in with it, required."""

from __future__ import annotations

import base64
import re
import time

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, text
from werkzeug.test import TestResponse

from learnapp.access import ADMIN, COORDINATOR, LEARNER
from learnapp.auth import sealed, services
from learnapp.db import get_session
from learnapp.models import User
from tests.helpers import PASSWORD, csrf_from

SECRET_ON_PAGE = re.compile(r'<code class="secret-key">([A-Z2-7 ]+)</code>')


def _set_up(client: FlaskClient) -> str:
    """Turn TOTP on through the page; returns the secret."""
    page = client.get("/two-factor?lang=en").get_data(as_text=True)
    secret = SECRET_ON_PAGE.search(page).group(1).replace(" ", "")
    with client.get("/two-factor/qr.svg") as qr:
        assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
        assert b"<script" not in qr.data
    response = client.post(
        "/two-factor",
        data={
            "csrf_token": csrf_from(page),
            "code": pyotp.TOTP(secret).now(),
            "current_password": PASSWORD,
        },
    )
    assert response.status_code == 302
    return secret


@pytest.mark.parametrize("password", ["", "wrong-password"])
def test_turning_it_on_asks_for_the_password_again(app, client, auth, make_user, password):
    make_user(role=COORDINATOR, username="petra")
    auth.login("petra")
    page = client.get("/two-factor?lang=en").get_data(as_text=True)
    assert 'autocomplete="current-password"' in page
    secret = SECRET_ON_PAGE.search(page).group(1).replace(" ", "")
    data = {"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now()}
    response = client.post("/two-factor?lang=en", data=data | {"current_password": password})
    assert response.status_code == 400
    said = "Please enter your password." if not password else "not your current password"
    assert said in response.get_data(as_text=True)
    with app.app_context():
        user = get_session().scalars(select(User).where(User.username == "petra")).one()
        assert user.totp_secret is None
    # the same code with the right password turns it on
    response = client.post("/two-factor", data=data | {"current_password": PASSWORD})
    assert response.status_code == 302


def _password_step(client: FlaskClient, username: str) -> TestResponse:
    token = csrf_from(client.get("/login?lang=en").get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )


def _code_step(client: FlaskClient, code: str) -> TestResponse:
    page = client.get("/login/code?lang=en").get_data(as_text=True)
    return client.post("/login/code", data={"csrf_token": csrf_from(page), "code": code})


def test_coordinator_turns_it_on_and_then_needs_a_code(app, client, auth, make_user):
    make_user(role=COORDINATOR, username="petra")
    auth.login("petra")
    secret = _set_up(client)
    auth.post("/logout", token_from="/two-factor")

    response = _password_step(client, "petra")
    assert response.headers["Location"] == "/login/code"
    waiting = client.get("/courses")  # not signed in yet
    assert waiting.status_code == 302 and waiting.headers["Location"].startswith("/login?")
    page = client.get("/login/code?lang=en").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert _code_step(client, "000000").status_code == 401
    # the next step's code, so it is not the one used while setting up
    code = pyotp.TOTP(secret).at(time.time() + 30)
    response = _code_step(client, code)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/courses").status_code == 200

    # a code is accepted only once
    auth.post("/logout", token_from="/two-factor")
    _password_step(client, "petra")
    assert _code_step(client, code).status_code == 401


def test_learners_have_no_second_factor_page(client, auth, learner):
    auth.login("erika")
    assert client.get("/two-factor").status_code == 404


def test_required_by_the_deployment(app, client, auth, make_user):
    app.config["TOTP_REQUIRED_ROLES"] = [ADMIN]
    make_user(role=ADMIN, username="admin")
    auth.login("admin")
    for path in ("/", "/settings", "/courses"):
        response = client.get(path)
        assert response.headers["Location"] == "/two-factor", path
    assert "needs a second step" in client.get("/two-factor?lang=en").get_data(as_text=True)
    _set_up(client)
    assert client.get("/courses").status_code == 200
    # and it cannot be turned off
    page = client.get("/two-factor?lang=en").get_data(as_text=True)
    assert "stays on" in page
    token = csrf_from(page)
    assert client.post("/two-factor", data={"csrf_token": token, "code": "1"}).status_code == 403


def test_turning_it_off_needs_a_current_code(app, client, auth, make_user):
    make_user(role=ADMIN, username="admin")
    auth.login("admin")
    secret = _set_up(client)
    page = client.get("/two-factor?lang=en").get_data(as_text=True)
    token = csrf_from(page)
    assert client.post("/two-factor", data={"csrf_token": token, "code": "123"}).status_code == 400
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert client.post("/two-factor", data={"csrf_token": token, "code": code}).status_code == 302
    with app.app_context():
        assert (
            get_session().scalars(select(User).where(User.username == "admin")).one().totp_secret
            is None
        )


def test_the_second_step_expires(client, make_user, monkeypatch):
    from learnapp.auth import sessions

    make_user(role=COORDINATOR, username="petra", totp_secret=pyotp.random_base32())
    _password_step(client, "petra")
    later = time.time() + sessions.SECOND_STEP_SECONDS + 1
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 56 78"])
def test_totp_step_refuses_malformed_codes(code):
    assert services.totp_step(pyotp.random_base32(), code) is None


def test_totp_step_allows_one_step_of_clock_drift():
    secret = pyotp.random_base32()
    now = time.time()
    for drift in (-30, 0, 30):
        assert services.totp_step(secret, pyotp.TOTP(secret).at(now + drift), now=now) is not None
    assert services.totp_step(secret, pyotp.TOTP(secret).at(now + 120), now=now) is None


def test_a_learner_role_is_never_asked(app, client, auth, learner):
    app.config["TOTP_REQUIRED_ROLES"] = [COORDINATOR, ADMIN]
    auth.login("erika")
    assert client.get("/").status_code == 200
    assert LEARNER not in app.config["TOTP_REQUIRED_ROLES"]


def test_the_database_holds_the_secret_only_encrypted(app, client, auth, make_user):
    make_user(role=COORDINATOR, username="petra")
    auth.login("petra")
    secret = _set_up(client)
    engine = app.extensions["learnapp_db"].engine
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT totp_secret FROM user_account WHERE username = 'petra'")
        ).scalar_one()
    assert stored.startswith("v1:") and secret not in stored
    assert secret not in base64.urlsafe_b64decode(stored[3:]).decode("latin-1")
    with app.app_context():  # the app reads it back as it was
        user = get_session().scalars(select(User).where(User.username == "petra")).one()
        assert user.totp_secret == secret


def test_a_secret_sealed_with_another_key_is_refused_not_skipped(app, make_user):
    make_user(role=COORDINATOR, username="petra", totp_secret=pyotp.random_base32())
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-0123"
    with app.app_context(), pytest.raises(sealed.SealError):
        get_session().scalars(select(User).where(User.username == "petra")).one()
    app.config["SECRET_KEY_FALLBACKS"] = ["test-secret-key-that-is-long-enough-0123456789"]
    with app.app_context():  # an old key kept as a fallback still opens it
        assert get_session().scalars(select(User).where(User.username == "petra")).one()
