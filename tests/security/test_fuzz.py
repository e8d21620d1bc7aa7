"""Property-based tests: any input to any form, or to the content parser, never gives a 500.

A form answers with success (2xx/3xx) or with a 4xx page that explains the problem in words
(an error next to a field, or the friendly error page). To cover a new form, add one row to
FORMS: where it posts, which fields it knows, who signs in, where its CSRF token comes from.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from flask_wtf.i18n import translations as wtforms_translations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learnapp.access import COORDINATOR, LEARNER
from learnapp.auth.passwords import MAX_LENGTH, MIN_LENGTH
from learnapp.content.parser import parse_lesson_file
from learnapp.content.render import render_markdown
from tests.helpers import csrf_from
from tests.security.hostile import VECTORS, assert_no_active_content

EXAMPLES = 40
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


Say = Callable[[], str]  # a message, in the language of the request it is called in


def said(msgid: str, **params: object) -> Say:
    """One of the app's own messages."""
    return lambda: gettext(msgid, **params)


def wtforms_said(msgid: str, plural: str = "", **params: int) -> Say:
    """One of WTForms' built-in messages (from WTForms' own catalogue)."""
    if plural:
        return lambda: wtforms_translations.ngettext(msgid, plural, params["max"]) % params
    return lambda: wtforms_translations.gettext(msgid)


# The friendly 400 page: for a form without its CSRF token, and for a NUL character anywhere
# in a form (refused before anything else looks at the form).
FORM_TOO_OLD = said(
    "The form was too old or incomplete. Please go back, reload the page and try again."
)
NOT_UNDERSTOOD = said("The request could not be understood. Please go back and try again.")
REFUSALS = (
    said(
        "For your safety, signing in with this name is paused for a while, because the "
        "password was wrong several times. Please ask your mentor or the centre: "
        "they can unlock it for you."
    ),
    said("Please wait a few seconds, then try again."),
)
NOT_A_CHOICE = wtforms_said("Not a valid choice.")


def too_long(limit: int) -> Say:
    return wtforms_said(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        max=limit,
    )


@dataclass(frozen=True)
class FormCase:
    name: str
    path: str  # where the form posts; "{run}" is filled with a practice run of the user
    fields: tuple[str, ...]
    role: str | None = LEARNER  # None: nobody signed in
    token_from: str | None = None  # the page whose CSRF token is used (default: path)
    # What the form may say at a field when it refuses input that came with a valid token.
    # Empty: such input is never refused with a 4xx (only a missing token is).
    explanations: tuple[Say, ...] = ()


LESSON = "/courses/sample/sample-first"
PRACTICE = "/courses/sample/sample-practice"
FORMS = [
    FormCase(
        "sign-in",
        "/login",
        ("username", "password"),
        role=None,
        explanations=(
            said(
                "The username or the password is not right. Please try again, "
                "or ask your mentor for help."
            ),
            *REFUSALS,
        ),
    ),
    FormCase(
        "settings",
        "/settings",
        ("text_size", "contrast", "language", "speech_rate"),
        explanations=(
            said("Please choose a text size."),
            said("Please choose a contrast."),
            said("Please choose a language."),
            NOT_A_CHOICE,
        ),
    ),
    FormCase(
        "quiz check",
        LESSON + "/check",
        ("submission", "q-q1", "q-q2"),
        token_from=LESSON,
        explanations=(
            said("Please choose an answer."),
            said("This answer is not one of the choices. Please choose again."),
        ),
    ),
    FormCase("done", LESSON + "/done", ("undo",), token_from=LESSON),
    FormCase("practice start", PRACTICE + "/practice", (), token_from=PRACTICE),
    FormCase("practice step", PRACTICE + "/practice/{run}", ("step", "choice")),
    FormCase(
        "password change",
        "/password",
        ("current_password", "new_password", "new_password_again"),
        explanations=(
            said("Please enter your current password."),
            said("Please enter a new password."),
            said("Please enter the new password a second time."),
            said("The two new passwords are not the same. Please try again."),
            said("This is not your current password. Please try again."),
            said(
                "Please choose a password with at least %(min)s characters. "
                "A short sentence or three words you remember are good.",
                min=MIN_LENGTH,
            ),
            said("Please choose a password with at most %(max)s characters.", max=MAX_LENGTH),
            said("The password must not be the same as the username. Please choose another one."),
            said(
                "Many people use this password, so it is easy to guess. "
                "Please choose another one, for example three words you remember."
            ),
            too_long(MAX_LENGTH),
            *REFUSALS,
        ),
    ),
    FormCase(
        "second factor",
        "/two-factor",
        ("code", "current_password"),
        role=COORDINATOR,
        explanations=(
            said("Please enter the six digits from your app."),
            said("This code is not right. Please look at the app and try again."),
            too_long(20),
            said("Please enter your password."),
            said("This is not your current password. Please try again."),
            too_long(MAX_LENGTH),
            *REFUSALS,
        ),
    ),
]

# Texts of every kind: random Unicode (no lone surrogates: they cannot be sent), hostile
# markup, numbers, very long strings, near-valid values.
texts = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.sampled_from(VECTORS).map(lambda v: v.replace("\x00", "")),
    st.sampled_from(["", "0", "-1", "1", "125", "999999999999", "true", "high", "de", "en"]),
    st.sampled_from(["a" * 32, "0" * 32, "message", "end-safe", "x" * 5000]),
    st.text(string.printable, min_size=100, max_size=2000),
)


@st.composite
def form_data(draw, fields: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """Some of the known fields (one or more values each), sometimes unknown ones too."""
    data: dict[str, list[str]] = {}
    for name in fields:
        if draw(st.booleans()):
            data[name] = draw(st.lists(texts, min_size=1, max_size=3))
    extra = draw(
        st.dictionaries(st.text(string.ascii_letters + "-_", max_size=12), texts, max_size=2)
    )
    for name, value in extra.items():
        data.setdefault(name, [value])
    return data


PAGE_LANGUAGE = re.compile(r'<html lang="([^"]+)"')
FIELD_ERROR = re.compile(r'<p class="field-error"[^>]*>(.*?)</p>', re.S)
LEAD = re.compile(r'<p class="lead">(.*?)</p>', re.S)


def _unexplained(app, page: str, case: FormCase, payload: dict, token_sent: bool) -> str:  # type: ignore[no-untyped-def]
    """What a 4xx page fails to tell the person ("" when it explains the problem in words).

    A NUL character gets the friendly "not understood" page; a missing token the "form too
    old" page; anything else must be named at a field, in words this form uses, in the page's
    language.
    """
    language = PAGE_LANGUAGE.search(page)
    if language is None:
        return "the page has no language"
    with app.test_request_context(), force_locale(language.group(1)):
        not_understood, form_too_old = NOT_UNDERSTOOD(), FORM_TOO_OLD()
        known = sorted((say() for say in case.explanations), key=len, reverse=True)
    nul = any("\x00" in key + "".join(values) for key, values in payload.items())
    if nul or not token_sent:
        wanted = not_understood if nul else form_too_old
        leads = [html.unescape(lead).strip() for lead in LEAD.findall(page)]
        return "" if leads == [wanted] else f"the error page should say {wanted!r}: {leads}"
    errors = [html.unescape(error) for error in FIELD_ERROR.findall(page)]
    if not errors:
        return "no error at any field"
    for error in errors:
        rest = error
        for message in known:
            rest = rest.replace(message, "")
        if rest.strip() or not error.strip():
            return f"a field error this form does not say: {error!r}"
    return ""


@pytest.mark.parametrize("case", FORMS, ids=[case.name for case in FORMS])
def test_any_input_to_any_form_is_answered_without_a_server_error(
    app, client, auth, make_user, case
):
    if case.role is not None:
        make_user(role=case.role, username="fuzzer")
        assert auth.login("fuzzer").status_code == 302
    path = case.path
    if "{run}" in path:
        started = auth.post(PRACTICE + "/practice", token_from=PRACTICE)
        path = started.headers["Location"]
    token_page = case.token_from or path
    seen: dict[int, int] = {}

    @FUZZ
    @given(data=form_data(case.fields), with_token=st.booleans().map(lambda b: b or None))
    def check(data, with_token):  # type: ignore[no-untyped-def]
        payload = dict(data)
        page = client.get(token_page)
        token_sent = bool(with_token and page.status_code == 200)
        if token_sent:
            payload["csrf_token"] = [csrf_from(page.get_data(as_text=True))]
        response = client.post(path, data=payload)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, (case.name, data)
        if 400 <= response.status_code < 500:
            problem = _unexplained(app, response.get_data(as_text=True), case, payload, token_sent)
            assert not problem, (case.name, response.status_code, problem, data)

    check()
    assert sum(seen.values()) >= 10
    # half the examples go without a token: the explanation check above did run
    assert any(400 <= status < 500 for status in seen), seen


def test_the_explanations_are_messages_the_app_really_has(app):
    """A misspelt message in FORMS would never match a page: each one has its translation."""
    sayings = {FORM_TOO_OLD, NOT_UNDERSTOOD} | {say for case in FORMS for say in case.explanations}
    for say in sayings:
        with app.test_request_context(), force_locale("en"):
            english = say()
        with app.test_request_context(), force_locale("de"):
            german = say()
        assert english and german != english, english


def test_any_query_string_on_pages_is_harmless(client, auth, make_user):
    make_user(username="fuzzer")
    auth.login("fuzzer")

    @FUZZ
    @given(
        path=st.sampled_from(["/", "/login", LESSON, "/courses", PRACTICE]),
        query=st.dictionaries(
            st.sampled_from(["next", "lang", "checked", "username", "x"]), texts, max_size=3
        ),
    )
    def check(path, query):  # type: ignore[no-untyped-def]
        response = client.get(path, query_string=query)
        assert response.status_code < 500


# --- The content parser: any file gives a lesson or problems with line numbers, never a crash.

front_matter = st.dictionaries(
    st.sampled_from(["id", "title", "summary", "order", "minutes", "type", "checked", "x"]),
    st.one_of(texts, st.integers(), st.booleans(), st.none(), st.lists(texts, max_size=2)),
    max_size=7,
)


@st.composite
def lesson_files(draw):  # type: ignore[no-untyped-def]
    import yaml

    head = draw(
        st.one_of(
            front_matter.map(lambda d: "---\n" + yaml.safe_dump(d, allow_unicode=True) + "---\n"),
            texts,
        )
    )
    body = draw(texts)
    block = draw(st.sampled_from(["", "```quiz\n", "```scenario\n"]))
    inner = draw(
        st.one_of(
            texts,
            st.lists(
                st.dictionaries(
                    st.sampled_from(["id", "type", "question", "answers", "answer", "why"]),
                    st.one_of(texts, st.booleans(), st.lists(st.dictionaries(texts, texts))),
                ),
                max_size=3,
            ).map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
        )
    )
    closing = draw(st.sampled_from(["```\n", "", "``"]))
    return head + "\n" + body + "\n" + block + (inner + "\n" + closing if block else "")


@FUZZ
@given(source=lesson_files())
def test_the_lesson_parser_never_crashes(tmp_path_factory, source):
    path = Path(tmp_path_factory.mktemp("lesson")) / "01-x.md"
    path.write_text(source, encoding="utf-8")
    lesson, problems = parse_lesson_file(path, "course", "de")
    assert lesson is not None or problems
    for problem in problems:
        assert problem.line >= 1 and problem.path == path


@FUZZ
@given(raw=st.binary(max_size=300))
def test_the_lesson_parser_survives_bytes_that_are_not_text(tmp_path_factory, raw):
    path = Path(tmp_path_factory.mktemp("lesson")) / "01-x.md"
    path.write_bytes(raw)
    lesson, problems = parse_lesson_file(path, "course", "de")
    assert lesson is not None or problems


@FUZZ
@given(source=st.lists(texts, max_size=6).map("\n\n".join))
def test_rendered_markdown_is_always_inert(source):
    html = str(render_markdown(source))
    assert_no_active_content(f"<!doctype html><title>t</title><div>{html}</div>")
