"""Sessions end where they should: sign-out, new password, reset, deactivation, idle tablets."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from learnapp.auth import services, sessions
from learnapp.db import get_session
from learnapp.models import User
from tests.helpers import PASSWORD, csrf_from

NEW_PASSWORD = "Gartenbank-Regen-7"


def _stolen_copy(app, client):  # type: ignore[no-untyped-def]
    """A second browser holding a copy of the current session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    assert other.get("/").status_code == 200
    return other


def _change(app, username: str, change) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db = get_session()
        user = db.scalars(select(User).where(User.username == username)).one()
        change(user)
        db.commit()


def test_sign_in_renews_the_session(client, auth, learner):
    client.get("/login?lang=en")
    before = client.get_cookie("session").value
    auth.login("erika")
    after = client.get_cookie("session").value
    assert before != after
    # what a visitor chose (the language) is kept
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "how",
    [
        "sign-out",
        "password change",
        "reset by a mentor",
        "deactivation",
    ],
)
def test_every_way_of_ending_sessions_ends_a_copied_cookie(app, client, auth, learner, how):
    auth.login("erika")
    other = _stolen_copy(app, client)
    if how == "sign-out":
        auth.logout()
    elif how == "password change":
        page = client.get("/password").get_data(as_text=True)
        response = client.post(
            "/password",
            data={
                "csrf_token": csrf_from(page),
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password_again": NEW_PASSWORD,
            },
        )
        assert response.status_code == 302
        assert client.get("/").status_code == 200  # this browser stays signed in
    elif how == "reset by a mentor":
        _change(app, "erika", lambda u: services.change_password(u, NEW_PASSWORD, True))
    else:
        _change(app, "erika", lambda u: (setattr(u, "active", False), services.end_all_sessions(u)))
    # to the sign-in page: not a redirect a live session also gets (e.g. to /password)
    answer = other.get("/courses")  # "/" welcomes visitors; a signed-in page shows the end
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?"), how


def test_must_change_password_leads_to_the_password_page_from_everywhere(
    app, client, auth, learner
):
    _change(app, "erika", lambda u: services.change_password(u, "Sonne-Garten-47", True))
    assert auth.login("erika", "Sonne-Garten-47").status_code == 302
    for path in ("/", "/courses", "/settings", "/courses/sample/sample-first"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/password", path
    assert client.get("/healthz").status_code == 200
    with client.get("/static/css/app.css") as static:
        assert static.status_code == 200
    page = client.get("/password?lang=en").get_data(as_text=True)
    assert 'name="current_password"' not in page  # the temporary password was just typed
    assert 'autocomplete="new-password"' in page and "onpaste" not in page
    response = client.post(
        "/password",
        data={
            "csrf_token": csrf_from(page),
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    with app.app_context():
        user = get_session().scalars(select(User).where(User.username == "erika")).one()
        assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    # and the sign-out form still works while a change is due
    _change(app, "erika", lambda u: setattr(u, "must_change_password", True))
    assert auth.post("/logout", token_from="/password").status_code == 302


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"current_password": "wrong-one-1"}, "This is not your current password"),
        ({"new_password": "short", "new_password_again": "short"}, "at least 8 characters"),
        ({"new_password": "password1", "new_password_again": "password1"}, "Many people use"),
        ({"new_password": "Erika", "new_password_again": "Erika"}, "at least 8"),
        ({"new_password_again": "something-else-2"}, "not the same"),
    ],
)
def test_change_password_explains_problems_next_to_the_field(
    client, auth, learner, fields, message
):
    auth.login("erika")
    page = client.get("/password?lang=en").get_data(as_text=True)
    data = {
        "csrf_token": csrf_from(page),
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    } | fields
    response = client.post("/password", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'class="field-error"' in html


def test_password_equal_to_username_is_refused(client, auth, make_user):
    make_user(username="gartenzaun")
    auth.login("gartenzaun")
    page = client.get("/password?lang=en").get_data(as_text=True)
    response = client.post(
        "/password",
        data={
            "csrf_token": csrf_from(page),
            "current_password": PASSWORD,
            "new_password": "GartenZaun",
            "new_password_again": "GartenZaun",
        },
    )
    assert response.status_code == 400
    assert "must not be the same as the username" in response.get_data(as_text=True)


def test_an_idle_session_ends_kindly_and_nothing_is_lost(app, client, auth, learner, monkeypatch):
    auth.login("erika")
    client.get("/?lang=en")
    token = auth.token("/courses/sample/sample-practice")
    done = client.post("/courses/sample/sample-practice/done", data={"csrf_token": token})
    assert done.status_code == 302
    later = time.time() + app.config["IDLE_TIMEOUT_MINUTES"] * 60 + 5
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    response = client.get("/courses/sample/sample-first")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/courses/sample/sample-first")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were away for a while" in page and "Everything you did is saved" in page
    assert "second" not in page.split("</h1>")[0]  # no countdown anywhere
    # after signing in again, the lesson marked done is still done
    auth.login("erika")
    lesson = client.get("/courses/sample/sample-practice").get_data(as_text=True)
    assert "Mark as not done" in lesson


def test_activity_keeps_a_session_alive(app, client, auth, learner, monkeypatch):
    auth.login("erika")
    start = time.time()
    step = app.config["IDLE_TIMEOUT_MINUTES"] * 60 * 0.6
    for n in range(1, 4):  # a request every 0.6 timeouts: never idle for a whole timeout
        monkeypatch.setattr(sessions.time, "time", lambda n=n: start + n * step)
        assert client.get("/").status_code == 200


def test_an_idle_form_post_returns_to_its_page_after_sign_in(
    app, client, auth, learner, monkeypatch
):
    auth.login("erika")
    token = auth.token("/courses/sample/sample-first")
    later = time.time() + app.config["IDLE_TIMEOUT_MINUTES"] * 60 + 5
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    response = client.post(
        "/courses/sample/sample-first/done",
        data={"csrf_token": token},
        headers={"Referer": "http://localhost/courses/sample/sample-first"},
    )
    assert response.headers["Location"] == "/login?next=/courses/sample/sample-first"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/courses/sample", "/courses/sample"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/%0a/evil.example", "/%0a/evil.example"),  # stays a path on our site
        ("///evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("data:text/html,x", "/"),
        ("http:/evil.example", "/"),
        (" /courses", "/"),
        ("/courses/\u2028", "/courses/%E2%80%A8"),  # stays a path, percent-encoded
    ],
)
def test_next_only_goes_to_our_own_paths(client, learner, target, expected):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "erika", "password": PASSWORD, "csrf_token": token},
    )
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert location == expected


def test_safe_next_refuses_control_characters():
    assert sessions.safe_next("/ok/path?x=1") == "/ok/path?x=1"
    for bad in ("/\x00/evil", "/\x7f", "/\r\n/evil", "//evil", "/\\evil", "", None, "evil"):
        assert sessions.safe_next(bad) is None
