"""Pages go out gzip-compressed to a browser that accepts it, and only then."""

from __future__ import annotations

import gzip
import re

from flask.testing import FlaskClient

from tests.helpers import Auth

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
ONE_TIME_KEY = re.compile(r'value="[0-9a-f]{32}"')


def main_part(page: str) -> str:
    """The page's main part without its one-time form keys (new on every page)."""
    return ONE_TIME_KEY.sub("", page.split("<main")[1].split("</main>")[0])


def test_a_page_is_compressed_for_a_browser_that_accepts_it(client: FlaskClient) -> None:
    plain = client.get("/login")
    packed = client.get("/login", headers=GZIP)
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "gzip"
    assert (
        "Accept-Encoding" in plain.headers["Vary"] and "Accept-Encoding" in packed.headers["Vary"]
    )
    assert int(packed.headers["Content-Length"]) == len(packed.data)
    assert len(packed.data) < len(plain.data) / 2
    # the same page, but for its one-time tokens
    unpacked = gzip.decompress(packed.data).decode()
    assert unpacked.count("<form") == plain.get_data(as_text=True).count("<form")
    assert "</html>" in unpacked


def test_a_learners_lesson_arrives_whole(client: FlaskClient, auth: Auth, learner) -> None:  # type: ignore[no-untyped-def]
    auth.login(learner.username)
    path = "/courses/sample/sample-first"
    plain = client.get(path).get_data(as_text=True)
    packed = client.get(path, headers=GZIP)
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert main_part(gzip.decompress(packed.data).decode()) == main_part(plain)


def test_errors_and_redirects_are_left_alone(client: FlaskClient) -> None:
    missing = client.get("/no-such-page", headers=GZIP)
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers
    redirect = client.get("/courses", headers=GZIP)
    assert redirect.status_code == 302 and "Content-Encoding" not in redirect.headers
