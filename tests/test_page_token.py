"""The page's CSRF token: signed once per session secret and kept, still accepted, never kept
when tokens are to expire."""

from __future__ import annotations

import re
import time

from flask import Flask

from tests.helpers import Auth

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LESSON = "/courses/sample/sample-first"


def tokens(auth: Auth, path: str) -> list[str]:
    return TOKEN.findall(auth.client.get(path).get_data(as_text=True))


def test_every_form_of_a_page_and_the_next_page_carry_the_same_signed_token(
    app: Flask, auth: Auth, learner: object
) -> None:
    auth.login("erika")
    first = tokens(auth, LESSON)
    time.sleep(1.1)  # itsdangerous stamps whole seconds: signed anew, it would differ
    second = tokens(auth, "/settings")
    assert len(first) >= 3  # sign out, Done, help
    assert set(first) == set(second) and len(set(first)) == 1
    # …and the kept token is accepted: Done goes through.
    reply = auth.client.post(LESSON + "/done", data={"csrf_token": first[0]})
    assert reply.status_code == 302


def test_tokens_that_expire_are_signed_anew_for_each_page(
    app: Flask, auth: Auth, learner: object
) -> None:
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    auth.login("erika")
    first = tokens(auth, LESSON)[0]
    time.sleep(1.1)  # itsdangerous stamps whole seconds
    assert tokens(auth, LESSON)[0] != first


def test_no_page_shows_the_mark_of_a_kept_form(app: Flask, auth: Auth, learner: object) -> None:
    """Kept fragments hold a mark for their forms' token; every page fills it in."""
    auth.login("erika")
    for path in (LESSON, "/courses/sample/sample-practice", "/", "/courses", "/settings"):
        page = auth.client.get(path).get_data(as_text=True)
        assert "data-page-field" not in page, path
        assert all(token for token in TOKEN.findall(page)), path
