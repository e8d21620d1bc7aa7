"""Password refusals in the learner's language, the validator's username sources, certificates."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField

from learnapp.auth.passwords import AcceptablePassword, password_problem
from learnapp.content import get_library
from learnapp.db import get_session
from learnapp.learn import certificates, services
from learnapp.models import User
from tests.helpers import PASSWORD

LESSONS = ("sample-first", "sample-second", "sample-practice")

TOO_LONG = (
    "x" * 201,
    "Bitte wählen Sie ein Passwort mit höchstens 200 Zeichen.",
    "Please choose a password with at most 200 characters.",
)
SAME_AS_USERNAME = (
    "Rosengarten",
    "Das Passwort darf nicht gleich dem Benutzernamen sein. Bitte wählen Sie ein anderes.",
    "The password must not be the same as the username. Please choose another one.",
)
COMMON = (
    "passwort123",
    "Dieses Passwort benutzen viele Menschen, deshalb ist es leicht zu erraten. "
    "Bitte wählen Sie ein anderes, zum Beispiel drei Wörter, die Sie sich merken können.",
    "Many people use this password, so it is easy to guess. "
    "Please choose another one, for example three words you remember.",
)
REFUSALS = pytest.mark.parametrize(
    ("password", "german", "english"),
    [TOO_LONG, SAME_AS_USERNAME, COMMON],
    ids=["too-long", "same-as-username", "common"],
)


@REFUSALS
def test_password_refusal_is_the_translated_sentence(app, password, german, english):
    with app.test_request_context("/"):
        with force_locale("de"):
            assert password_problem(password, username="rosengarten") == german
        with force_locale("en"):
            assert password_problem(password, username="rosengarten") == english


@REFUSALS
@pytest.mark.parametrize("locale", [None, "en"], ids=["default-german", "english"])
def test_change_password_page_shows_the_refusal_in_the_learners_language(
    client, auth, make_user, locale, password, german, english
):
    make_user(username="rosengarten", locale=locale)
    expected, unexpected = (english, german) if locale == "en" else (german, english)
    auth.login("rosengarten")
    response = auth.post(
        "/password",
        {"current_password": PASSWORD, "new_password": password, "new_password_again": password},
        token_from="/password",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert expected in page and unexpected not in page


class _LoginForm(FlaskForm):
    login = StringField()
    password = PasswordField(validators=[AcceptablePassword(lambda form: form.login.data)])


class _FormWithoutUsernameField(FlaskForm):
    password = PasswordField(validators=[AcceptablePassword("username")])


def test_validator_asks_the_callable_with_the_form_being_checked(app):
    app.config["WTF_CSRF_ENABLED"] = False
    with app.test_request_context("/", method="POST"):
        form = _LoginForm(MultiDict({"login": "sommerwiese", "password": "Sommerwiese"}))
        assert not form.validate() and form.password.errors
        assert _LoginForm(
            MultiDict({"login": "sommerwiese", "password": "Tulpen-Beet-9"})
        ).validate()


def test_validator_naming_a_field_the_form_lacks_checks_only_length_and_list(app):
    app.config["WTF_CSRF_ENABLED"] = False
    with app.test_request_context("/", method="POST"):
        assert _FormWithoutUsernameField(MultiDict({"password": "Tulpen-Beet-9"})).validate()
        form = _FormWithoutUsernameField(MultiDict({"password": "iloveyou"}))
        assert not form.validate() and form.password.errors


def _finish(session, user: User, lesson_ids=LESSONS) -> None:  # type: ignore[no-untyped-def]
    for lesson_id in lesson_ids:
        services.mark_done(session, user, "sample", lesson_id)
    session.commit()


def test_certificate_counts_only_the_learners_own_lessons(app, make_user):
    erika = make_user(username="erika")
    other = make_user(username="hans")
    with app.app_context():
        session = get_session()
        course = get_library().courses["sample"]
        _finish(session, session.get(User, other.id))
        _finish(session, session.get(User, erika.id), LESSONS[:1])
        mine = certificates.certificate_for(session, session.get(User, erika.id), course)
        assert not mine.earned and (mine.done, mine.total) == (1, 3)
        theirs = certificates.certificate_for(session, session.get(User, other.id), course)
        assert theirs.earned and (theirs.done, theirs.total) == (3, 3)


def test_certificate_page_of_another_learners_course_is_not_awarded(client, auth, make_user, app):
    make_user(username="erika")
    other = make_user(username="hans")
    with app.app_context():
        session = get_session()
        _finish(session, session.get(User, other.id))
    auth.login("erika")
    page = client.get("/courses/sample/certificate?lang=en").get_data(as_text=True)
    assert 'class="certificate"' not in page and "0 of 3 lessons done" in page


def test_certificate_names_the_course_it_was_earned_for(app, make_user):
    learner = make_user(username="erika")
    with app.app_context():
        session = get_session()
        course = get_library().courses["sample"]
        user = session.get(User, learner.id)
        _finish(session, user)
        assert certificates.certificate_for(session, user, course).course is course


def test_learner_without_a_centre_gets_a_certificate_without_a_centre_line(
    client, auth, make_user, app
):
    learner = make_user(username="erika", locale="en")
    with app.app_context():
        session = get_session()
        user = session.get(User, learner.id)
        user.centre_id = None
        session.commit()
        _finish(session, user)
        course = get_library().courses["sample"]
        user = session.scalars(select(User).where(User.id == learner.id)).one()
        assert certificates.certificate_for(session, user, course).centre == ""
    auth.login("erika")
    page = client.get("/courses/sample/certificate").get_data(as_text=True)
    assert 'class="certificate"' in page and "Erika Test" in page
    assert "<dt>Centre</dt>" not in page
