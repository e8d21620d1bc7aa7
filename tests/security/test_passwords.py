"""The password policy: length, the shipped list of common passwords, not the username."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField

from learnapp.auth.passwords import AcceptablePassword, common_passwords, password_problem
from learnapp.demo import DEMO_ACCOUNTS


@pytest.fixture
def ctx(app):  # type: ignore[no-untyped-def]
    with app.test_request_context("/"), force_locale("en"):
        yield


@pytest.mark.parametrize(
    "password",
    ["Sonnenblume-42", "correct-horse-battery", "Garten Kaffee Wolke", "ÄÖÜ äöü ß 12", "x" * 200],
)
def test_good_passwords_pass_without_composition_rules(ctx, password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("", "at least 8"),
        ("kurz", "at least 8"),
        ("1234567", "at least 8"),
        ("x" * 201, "at most 200"),
        ("password", "Many people use"),
        ("PassWord1", "Many people use"),
        ("12345678", "Many people use"),
        ("passwort123", "Many people use"),
        ("Sonnenschein", "Many people use"),
        ("qwertz123", "Many people use"),
    ],
)
def test_weak_passwords_get_a_plain_reason(app, password, fragment):
    with app.test_request_context("/"):
        from flask_babel import force_locale

        with force_locale("en"):
            problem = password_problem(password)
    assert problem is not None and fragment in problem


def test_demo_passwords_pass(ctx):
    for _role, username, _name, password in DEMO_ACCOUNTS:
        assert password_problem(password, username=username) is None


def test_the_username_is_not_a_password(ctx):
    assert "username" in (password_problem("Erika.Meyer", username="erika.meyer") or "")
    assert password_problem("Erika.Meyer", username="someone") is None


def test_the_list_ships_with_the_project_and_is_large():
    words = common_passwords()
    assert len(words) > 10_000 and "password" in words and "passwort" in words
    assert all(len(word) >= 8 for word in words)


def test_messages_are_translated_to_german(app):
    with app.test_request_context("/?lang=de"):
        from flask_babel import force_locale

        with force_locale("de"):
            problem = password_problem("kurz")
    assert problem and "Zeichen" in problem


class _Form(FlaskForm):
    username = StringField()
    password = PasswordField(validators=[AcceptablePassword("username")])


class _FormWithCallable(FlaskForm):
    password = PasswordField(validators=[AcceptablePassword(lambda form: "gartenzwerg7")])


def test_wtforms_validator(app):
    app.config["WTF_CSRF_ENABLED"] = False
    with app.test_request_context("/", method="POST"):
        form = _Form(MultiDict({"username": "rosengarten", "password": "Rosengarten"}))
        assert not form.validate() and form.password.errors
        form = _Form(MultiDict({"username": "rosengarten", "password": "Tulpen-Beet-9"}))
        assert form.validate()
        assert not _FormWithCallable(MultiDict({"password": "GartenZwerg7"})).validate()
        assert not _Form(MultiDict({"password": "iloveyou"})).validate()
