"""A second factor (TOTP) for coordinators and admins: set up, sign in with it, required."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from learnapp.access import ADMIN, COORDINATOR, LEARNER
from learnapp.auth import services
from learnapp.db import get_session
from learnapp.models import User
from tests.helpers import PASSWORD, csrf_from

SECRET_ON_PAGE = re.compile(r'<code class="secret-key">([A-Z2-7 ]+)</code>')


def _set_up(client) -> str:  # type: ignore[no-untyped-def]
    """Turn TOTP on through the page; returns the secret."""
    page = client.get("/two-factor?lang=en").get_data(as_text=True)
    secret = SECRET_ON_PAGE.search(page).group(1).replace(" ", "")
    with client.get("/two-factor/qr.svg") as qr:
        assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
        assert b"<script" not in qr.data
    response = client.post(
        "/two-factor",
        data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).now()},
    )
    assert response.status_code == 302
    return secret


def _password_step(client, username: str) -> object:  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/login?lang=en").get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )


def _code_step(client, code: str):  # type: ignore[no-untyped-def]
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
