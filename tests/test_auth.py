"""Signing in and out through the real forms."""

import pytest

from tests.helpers import PASSWORD, csrf_from

WRONG = "The username or the password is not right"


def test_sign_in_lands_on_home(client, auth, learner):
    response = auth.login("erika")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_username_is_not_case_sensitive(client, auth, learner):
    assert auth.login("  Erika ").status_code == 302


@pytest.mark.parametrize("username", ["erika", "nobody"])
def test_wrong_password_gives_the_same_message_whether_the_user_exists(
    client, auth, learner, username
):
    client.get("/login?lang=en")
    response = auth.login(username, "wrong-password")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert WRONG in page
    # the message sits next to the password field and is tied to it
    assert 'aria-describedby="password-error"' in page


def test_empty_fields_get_their_own_messages(client):
    client.get("/login?lang=en")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    page = client.post("/login", data={"csrf_token": token}).get_data(as_text=True)
    assert "Please enter your username." in page and "Please enter your password." in page


def test_post_without_csrf_token_is_refused(client, learner):
    client.get("/login?lang=en")
    response = client.post("/login", data={"username": "erika", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form was too old or incomplete." in response.get_data(as_text=True)
    home = client.get("/courses")  # the right password did not sign her in
    assert home.status_code == 302 and home.headers["Location"].startswith("/login?")


def test_deactivated_user_cannot_sign_in(client, auth, make_user):
    make_user(username="gone", active=False)
    assert auth.login("gone").status_code == 401


def test_pages_need_sign_in(client):
    response = client.get("/courses/sample/sample-first")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


# Where `next=` may lead after sign-in: tests/security/test_sessions.py.


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client, auth, learner, app):
    auth.login("erika")
    stolen = client.get_cookie("session").value
    assert auth.logout().status_code == 302
    other = app.test_client()
    other.set_cookie("session", stolen)
    for browser in (client, other):  # other: the old cookie no longer signs anyone in
        home = browser.get("/courses")  # "/" welcomes visitors; this page needs sign-in
        assert home.status_code == 302 and home.headers["Location"].startswith("/login?")


def test_sign_in_survives_an_app_restart(client, auth, learner, app, tmp_path):
    from learnapp import create_app

    auth.login("erika")
    cookie = client.get_cookie("session").value
    restarted = create_app(dict(app.config))
    second = restarted.test_client()
    second.set_cookie("session", cookie)
    assert second.get("/").status_code == 200
    restarted.extensions["learnapp_db"].engine.dispose()


def test_username_from_login_card_is_filled_in(client):
    page = client.get("/login?username=erika").get_data(as_text=True)
    assert 'value="erika"' in page
