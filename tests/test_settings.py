"""Preferences are stored on the account and applied by the server on the next page."""

import pytest
from sqlalchemy import select

from learnapp.db import get_session
from learnapp.models import User
from tests.helpers import Auth


def save(auth, **fields):
    data = {"text_size": "100", "contrast": "normal", "language": "de", **fields}
    return auth.post("/settings", data)


def test_preferences_apply_on_the_next_page_and_on_another_device(client, auth, learner, app):
    auth.login("erika")
    assert save(auth, text_size="175", contrast="high", language="en").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr" class="text-175 contrast-high">' in page
    other = app.test_client()
    Auth(other).login("erika")
    assert 'class="text-175 contrast-high"' in other.get("/courses").get_data(as_text=True)


@pytest.mark.parametrize(
    "fields",
    [
        {"text_size": "250"},
        {"text_size": "abc"},
        {"contrast": "neon"},
        {"language": "xx"},
        {"text_size": ""},
        {"language": "de' OR 1=1"},
    ],
)
def test_values_outside_the_allowed_set_are_refused(client, auth, learner, app, fields):
    auth.login("erika")
    response = save(auth, **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for name in fields:  # the refused field says so itself
        assert f'<p class="field-error" id="{name}-error">' in page, name
    with app.app_context():
        user = get_session().scalars(select(User).where(User.username == "erika")).one()
        assert (user.text_size, user.contrast, user.locale) == (100, "normal", None)


def test_language_switch_changes_the_interface(client, auth, learner):
    auth.login("erika")
    save(auth, language="en")  # away from the default (German) first, then back
    english = client.get("/").get_data(as_text=True)
    assert "Sign out" in english and "Abmelden" not in english
    save(auth, language="de")
    german = client.get("/").get_data(as_text=True)
    assert "Abmelden" in german and "Sign out" not in german


def test_language_before_sign_in_follows_lang_then_the_browser(client):
    assert '<html lang="de"' in client.get("/login").get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en"' in english.get_data(as_text=True)
    client.get("/login?lang=en")
    assert '<html lang="en"' in client.get("/login").get_data(as_text=True)
    client.get("/login?lang=klingon")
    assert '<html lang="en"' in client.get("/login").get_data(as_text=True)


def test_error_pages_speak_the_learners_language(client, auth, learner):
    auth.login("erika")
    save(auth, language="en")
    assert "Page not found" in client.get("/courses/none").get_data(as_text=True)
    save(auth, language="de")
    assert "<h1>Seite nicht gefunden</h1>" in client.get("/courses/none").get_data(as_text=True)
