"""Temporary passwords: random and easy to type, shown with their end, used once, expiring."""

from __future__ import annotations

import math
import re
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_time
from flask import Flask
from flask.testing import FlaskClient

from learnapp import accounts
from learnapp.auth import services
from learnapp.db import get_session
from learnapp.models import User
from learnapp.models.base import utcnow
from tests.helpers import Auth
from tests.world import World

SHAPE = re.compile(r"^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$")
BERLIN = ZoneInfo("Europe/Berlin")


def test_random_with_at_least_60_bits_and_no_look_alikes():
    alphabet = accounts.TEMPORARY_ALPHABET
    assert len(set(alphabet)) == len(alphabet) and not set(alphabet) & set("0O1lI")
    signs = accounts.TEMPORARY_GROUPS * accounts.TEMPORARY_GROUP_LENGTH
    assert signs * math.log2(len(alphabet)) >= 60
    made = [accounts.temporary_password() for _ in range(3000)]
    assert all(SHAPE.match(password) for password in made), made[:5]
    assert not set("".join(made)) & set("0O1lI")
    assert len(set(made)) == len(made)  # 2**60 possibilities: no repeats in a few thousand
    assert set("".join(made).replace("-", "")) == set(alphabet)  # every sign is used


def _give_password(client: FlaskClient, world: World, lang: str = "de") -> tuple[str, str]:
    """The coordinator sets a new temporary password for learner_a; the page and password."""
    Auth(client).login("coorda")
    response = Auth(client).post(
        f"/coordinate/accounts/{world.learner_a}/password?lang={lang}",
        {"confirm": "yes"},
        token_from="/coordinate/accounts",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    match = re.search(r'class="password-display">([^<]+)<', page)
    assert match
    return page, match.group(1)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_page_says_until_when_on_the_centres_clock(app, client, world, lang):
    page, _password = _give_password(client, world, lang)
    with app.app_context():
        user = get_session().get(User, world.learner_a)
        assert user is not None and user.password_expires_at is not None
        expires = user.password_expires_at
    assert timedelta(days=14) - timedelta(minutes=1) < expires - utcnow() <= timedelta(days=14)
    local = expires.replace(tzinfo=UTC).astimezone(BERLIN)
    assert format_date(local, "full", locale=lang) in page
    assert format_time(local, "short", locale=lang) in page


def _sign_in(app: Flask, password: str) -> int:
    return Auth(app.test_client()).login("learnera", password).status_code


@pytest.mark.parametrize(
    ("late", "works"),
    [
        pytest.param(timedelta(seconds=-1), True, id="a second before"),
        pytest.param(timedelta(0), False, id="exactly then"),
        pytest.param(timedelta(days=1), False, id="a day late"),
    ],
)
def test_it_expires_after_the_configured_days(app, client, world, monkeypatch, late, works):
    app.config["TEMPORARY_PASSWORD_DAYS"] = 3
    _page, password = _give_password(client, world)
    with app.app_context():
        user = get_session().get(User, world.learner_a)
        assert user is not None and user.password_expires_at is not None
        expires = user.password_expires_at
    assert expires - utcnow() <= timedelta(days=3)
    monkeypatch.setattr(services, "utcnow", lambda: expires + late)
    browser = app.test_client()
    response = Auth(browser).login("learnera", password)
    if works:
        assert response.status_code == 302
        assert browser.get("/").headers["Location"] == "/password"  # own password first
    else:
        assert response.status_code == 401
        assert "Dieses vorläufige Passwort gilt nicht mehr" in response.get_data(as_text=True)


def test_it_works_only_once(app, client, world):
    _page, password = _give_password(client, world)
    first = app.test_client()
    assert Auth(first).login("learnera", password).status_code == 302
    # she walks away without choosing her own password; the same one never works again
    assert _sign_in(app, password) == 401
    # the first session can still choose the new password, which then works
    token = Auth(first).token("/password")
    new = "Garten Kaffee Wolke Mond"
    response = first.post(
        "/password",
        data={"csrf_token": token, "new_password": new, "new_password_again": new},
    )
    assert response.status_code == 302
    assert _sign_in(app, new) == 302
    assert _sign_in(app, password) == 401
    with app.app_context():
        user = get_session().get(User, world.learner_a)
        assert user is not None and user.password_expires_at is None
        assert not user.must_change_password
