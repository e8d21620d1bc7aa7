"""The main menu is kept per language, role and page; the bar with its token is each person's."""

from __future__ import annotations

import re

from learnapp.access import MENTOR
from learnapp.fragments import fragment_cache
from tests.helpers import csrf_from

SIGN_OUT = re.compile(
    r'<form[^>]*class="signout"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"'
)


def current_link(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', page)


def test_the_menu_marks_the_page_one_is_on(client, auth, learner):
    auth.login("erika")
    assert current_link(client.get("/").get_data(as_text=True)) == ["/"]
    assert current_link(client.get("/settings").get_data(as_text=True)) == ["/settings"]
    assert current_link(client.get("/courses/sample").get_data(as_text=True)) == ["/courses"]
    assert current_link(client.get("/").get_data(as_text=True)) == ["/"]


def test_the_sign_out_token_is_this_sessions_own_and_works(app, client, auth, learner):
    auth.login("erika")
    other = app.test_client()
    token = csrf_from(other.get("/login").get_data(as_text=True))
    other.post(
        "/login",
        data={"username": "erika", "password": "correct-horse-battery", "csrf_token": token},
    )
    mine = SIGN_OUT.search(client.get("/").get_data(as_text=True)).group(1)
    theirs = SIGN_OUT.search(other.get("/").get_data(as_text=True)).group(1)
    assert mine != theirs
    assert client.post("/logout", data={"csrf_token": mine}).status_code == 302
    home = client.get("/courses")  # signed out: back to the sign-in page
    assert home.status_code == 302 and home.headers["Location"].startswith("/login?")


def test_each_role_and_language_gets_its_own_menu(app, client, auth, learner, make_user):
    make_user(role=MENTOR, username="jonas")
    auth.login("jonas")
    mentor_page = client.get("/courses").get_data(as_text=True)
    assert "Meine Lernenden" in mentor_page and ">Start<" not in mentor_page
    auth.logout()
    auth.login("erika")
    learner_page = client.get("/courses").get_data(as_text=True)
    assert "Meine Lernenden" not in learner_page and ">Start<" in learner_page
    auth.logout()
    login_page = client.get("/login?lang=en").get_data(as_text=True)
    assert 'class="signout"' not in login_page and "main-nav" not in login_page


def test_nothing_drawn_is_kept_while_templates_reload(app, client, auth, learner):
    """While someone edits templates (debug), every fragment is drawn from the files anew."""
    app.jinja_env.auto_reload = True
    auth.login("erika")
    assert client.get("/courses/sample/sample-first").status_code == 200
    assert client.get("/").status_code == 200
    with app.app_context():
        assert len(fragment_cache()) == 0
    app.jinja_env.auto_reload = False
    client.get("/courses/sample/sample-first")
    client.get("/")
    with app.app_context():
        # every page: style sheets, skip link; lesson: its header, the lesson below it; home:
        # its header, a card
        assert len(fragment_cache()) == 6
