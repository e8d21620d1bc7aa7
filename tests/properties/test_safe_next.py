"""The `next` redirect after sign-in (learnapp/auth/sessions.py safe_next) never leaves the site.

The judge reads a Location the way a browser does (WHATWG URL parsing: leading and trailing
C0 controls and spaces stripped, tabs and newlines removed anywhere, a backslash read as a
slash in http(s) URLs), then resolves it against the sign-in page with urllib. It is stricter
than a browser in one point: a Location with any scheme counts as leaving, because safe_next
promises a path.
"""

from __future__ import annotations

import re
import string
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.urls import iri_to_uri

from learnapp.auth.sessions import safe_next
from tests.helpers import PASSWORD, csrf_from

SIGN_IN_PAGE = "https://site.example/login"
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")

SLOW_OK = [HealthCheck.too_slow]  # a busy shared machine must not fail the run


def as_a_browser_reads_it(location: str) -> str:
    cleaned = _TAB_OR_NEWLINE.sub("", location.strip(_C0_AND_SPACE))
    return cleaned.replace("\\", "/")


def stays_on_site(location: str) -> bool:
    read = as_a_browser_reads_it(location)
    if _SCHEME.match(read) or read.startswith("//"):
        return False
    target = urlsplit(urljoin(SIGN_IN_PAGE, read))
    return target.scheme == "https" and target.netloc == "site.example"


def test_the_judge_itself_bites():
    for leaving in (
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\t//evil.example",
        " //evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "https://evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "\x01javascript:alert(1)",
        "java\tscript:alert(1)",
    ):
        assert not stays_on_site(leaving), leaving
    for staying in ("/", "/courses", "/%2F/evil", "/a//b", "/\uff0f\uff0fevil", "/?next=//x"):
        assert stays_on_site(staying), staying


TRICKY = "/\\%:.@?#&=;~ \t\n\r\x00\x01\x0b\x0c\x1b\x1f\x7f\x85\u00a0\u2028\u3000\ufeff"
TRICKY += "\uff0f\u2215\u2044\u29f8\ufe68\uff3c\u3002\uff0e\uff1a" + "evilhtpsjEXAMPLE2F5Cc0"
FRAGMENTS = (
    "/",
    "//",
    "\\",
    "/\\",
    "\\/",
    "%2F",
    "%2f",
    "%5C",
    "%09",
    "%00",
    "evil.example",
    "@evil.example",
    "http:",
    "https:",
    "javascript:",
    "data:",
    "..",
    "./",
    " ",
    "\t",
    "\n",
    "\x00",
    "\uff0f",
    "\u2215",
)
targets = st.one_of(
    st.text(),
    st.text(alphabet=TRICKY, max_size=16),
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=TRICKY, max_size=3)), max_size=8
    ).map("".join),
)
VECTORS = (
    "//evil.example",
    "////evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    "https:evil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,x",
    "/\uff0fevil.example",
    "\uff0f\uff0fevil.example",
    "/\u2215evil.example",
    "\u2215\u2215evil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\x0b/evil.example",
    "/@evil.example",
    "/.//evil.example",
)


@settings(max_examples=500, deadline=None, suppress_health_check=SLOW_OK)
@given(target=targets)
@example(target="")
def test_whatever_comes_in_the_result_is_none_or_a_path_on_this_site(target):
    result = safe_next(target)
    if result is None:
        return
    assert result.startswith("/"), result
    assert stays_on_site(result), f"{target!r} -> {result!r} leaves the site"
    assert stays_on_site(iri_to_uri(result)), "as sent in the Location header"


@pytest.mark.parametrize("target", VECTORS)
def test_each_known_trick_is_refused_or_stays_on_site(target):
    result = safe_next(target)
    assert result is None or stays_on_site(result), (target, result)


@pytest.mark.parametrize(
    "target", ["//evil.example", "/\\evil.example", "\t//evil.example", "https:evil.example"]
)
def test_the_classic_tricks_are_refused_outright(target):
    assert safe_next(target) is None


SEGMENT = st.text(alphabet=string.ascii_letters + string.digits + "-._~%", min_size=1, max_size=8)


@settings(max_examples=200, deadline=None, suppress_health_check=SLOW_OK)
@given(
    segments=st.lists(SEGMENT, max_size=4),
    query=st.lists(st.tuples(SEGMENT, SEGMENT), max_size=2),
)
def test_ordinary_paths_come_back_unchanged(segments, query):
    path = "/" + "/".join(segments)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query)
    assert safe_next(path) == path


FORM = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _sign_in_with_next(app, target: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login",
        query_string={"next": target},
        data={"username": "erika", "password": PASSWORD, "csrf_token": token},
    )


def _landing_problem(app, target: str) -> str | None:
    response = _sign_in_with_next(app, target)
    if response.status_code == 400 and "\x00" in target:
        return None  # a NUL anywhere in the request is refused at the door
    if response.status_code != 302:
        return f"{target!r}: status {response.status_code}"
    location = response.headers["Location"]
    if not stays_on_site(location):
        return f"{target!r} sent the browser to {location!r}"
    wanted = safe_next(target)
    if location != (iri_to_uri(wanted) if wanted else "/"):
        return f"{target!r}: Location {location!r} is not what safe_next allowed ({wanted!r})"
    return None


def test_the_sign_in_form_redirects_on_site(app, learner):
    """Every known trick through the real form (one app for all: each is a fresh browser)."""
    problems = [_landing_problem(app, t) for t in (*VECTORS, "/courses/sample", "/courses?x=1")]
    assert not [p for p in problems if p], problems
    assert _sign_in_with_next(app, "/courses?x=1").headers["Location"] == "/courses?x=1"


@FORM
@given(target=targets.filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t)))
def test_any_next_through_the_sign_in_form_lands_on_site(app, learner, target):
    assert _landing_problem(app, target) is None
