"""Kept fragments never change a page: every page is the same with and without them.

Two people who differ in everything a page can show (name, role, language, text size,
contrast, reading speed, done lessons, a mentor and meetings, a pending message, help requests,
even the script root the app is reached under) each get every learner page twice: with
nothing kept, and with the fragments kept, first drawn for the OTHER person. The two must be
the same HTML but for values that are random per request: the CSRF token (signed with a time)
and the page's one-time number (a fresh uuid per view: the self-check's submission and the
help form's key). Nothing else is normalised.

The second half plants a person's data into each fragment template and shows the page fails
instead of keeping it.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import ChoiceLoader, DictLoader, UndefinedError

from learnapp.access import LEARNER, MENTOR
from learnapp.clock import local_now
from learnapp.content import EXTENSION_KEY, load_library
from learnapp.db import get_session
from learnapp.fragments import fragment_cache, fragment_environment
from learnapp.hyphenation import SOFT_HYPHEN
from learnapp.learn import services
from learnapp.models import Centre, HelpRequest, Pairing, TandemSession, User
from learnapp.models.mentoring import PLACE_CENTRE
from learnapp.paths import TEMPLATES_DIR
from tests.conftest import FIXTURE_CONTENT
from tests.helpers import PASSWORD, Auth, csrf_from

# Any CSRF field: ours and WTForms' (name="csrf_token" type="hidden" value="…").
CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*? value=")[^"]+"')
SUBMISSION_VALUE = re.compile(r'(name="(?:submission|form_key)" value=")[0-9a-f]{32}"')
PLAIN_LESSON = """---
id: sample-plain
title: Eine Lektion ohne Fragen
summary: Nur Text.
order: 4
minutes: 2
---

Nur Text, mit einem Verweis auf [die erste Lektion](lesson:sample-first).
"""


def normalise(page: str) -> str:
    """Only what is random per request: the CSRF token and the page's one-time number."""
    page = CSRF_VALUE.sub(r'\1CSRF"', page)
    return SUBMISSION_VALUE.sub(r'\1SUBMISSION"', page)


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """The test course plus a plain lesson in German only (English readers see the notice)."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (root / "sample" / "de" / "04-plain.md").write_text(PLAIN_LESSON, encoding="utf-8")
    return root


@dataclass
class Person:
    """One signed-in person with their own browser, reaching the app under `script_root`."""

    app: Flask
    username: str
    script_root: str
    client: FlaskClient = field(init=False)
    flash_before_each_view: bool = False
    practice_path: str = ""
    results_path: str = ""

    def __post_init__(self) -> None:
        self.client = self.app.test_client()
        token = csrf_from(self.get("/login"))
        reply = self.client.post(
            "/login",
            data={"username": self.username, "password": PASSWORD, "csrf_token": token},
            base_url=self.base_url,
        )
        assert reply.status_code == 302

    @property
    def base_url(self) -> str:
        return "http://localhost" + self.script_root

    def get(self, path: str) -> str:
        reply = self.client.get(path, base_url=self.base_url)
        assert reply.status_code in (200, 404), (path, reply.status_code)
        return reply.get_data(as_text=True)

    def post(self, path: str, data: dict[str, str] | None = None) -> str:
        token = csrf_from(self.get("/settings"))
        reply = self.client.post(
            path, data={"csrf_token": token, **(data or {})}, base_url=self.base_url
        )
        assert reply.status_code == 302, (path, reply.status_code)
        return reply.headers["Location"].removeprefix(self.script_root)

    def view(self, path: str) -> str:
        if self.flash_before_each_view:  # "Well done!" is waiting on the next page
            self.post("/courses/sample/sample-first/done")
        return self.get(path)


def make_person(app: Flask, centre_id: int, **fields: object) -> int:
    with app.app_context():
        db = get_session()
        user = User(centre_id=centre_id, **fields)
        user.set_password(PASSWORD)
        db.add(user)
        db.commit()
        return user.id


def make_learner_like_anna(app: Flask, centre_id: int, mentor_id: int, **fields: object) -> int:
    """A learner with large high-contrast text, slow reading, two lessons done, a mentor with
    a meeting coming up and a help request."""
    learner = make_person(
        app, centre_id, role=LEARNER, text_size=200, contrast="high", speech_rate=75, **fields
    )
    with app.app_context():
        db = get_session()
        db.add(Pairing(mentor_id=mentor_id, learner_id=learner))
        db.add(
            TandemSession(
                mentor_id=mentor_id,
                learner_id=learner,
                starts_at=local_now() + timedelta(days=2),
                place=PLACE_CENTRE,
                centre_id=centre_id,
                next_steps="Fotos verschicken üben",
            )  # fmt: skip
        )
        db.add(HelpRequest(learner_id=learner, course_id="sample", lesson_id="sample-second"))
        user = db.get_one(User, learner)
        services.mark_done(db, user, "sample", "sample-first")
        services.mark_done(db, user, "sample", "sample-practice")
        db.commit()
    return learner


@pytest.fixture
def people(app: Flask, centre: Centre) -> dict[str, Person]:
    """Anna (learner, German, under /app, a message waiting, see make_learner_like_anna), and
    others who differ from her: Bernd in everything but the script root (a mentor in English
    with small text), Carla likewise but a learner, Dora in everything that is hers alone
    (name, text, speed, nothing done, no mentor, no message) but in the same language and
    role, Anke only in the language, and Anna herself in a second browser that reaches the
    app at the root."""
    mia = make_person(app, centre.id, username="mia", display_name="Mia Mentorin", role=MENTOR)
    make_learner_like_anna(
        app, centre.id, mia, username="anna", display_name="Anna Älter-Groß", locale="de"
    )
    make_learner_like_anna(
        app, centre.id, mia, username="anke", display_name="Anna Älter-Groß", locale="en"
    )
    make_person(
        app, centre.id, username="bernd", display_name="Bernd <b>Beispiel</b>", role=MENTOR,
        locale="en", text_size=125, contrast="normal", speech_rate=125,
    )  # fmt: skip
    make_person(
        app, centre.id, username="dora", display_name="Dora <i>Dreher</i>", role=LEARNER,
        locale="de", text_size=125, contrast="normal", speech_rate=125,
    )  # fmt: skip
    make_person(
        app, centre.id, username="carla", display_name="Carla Neu", role=LEARNER, locale="en",
        text_size=100, contrast="normal", speech_rate=None,
    )  # fmt: skip
    people = {
        "anna": Person(app, "anna", "/app", flash_before_each_view=True),
        "anna at the root": Person(app, "anna", "", flash_before_each_view=True),
        "anke": Person(app, "anke", "/app", flash_before_each_view=True),
        "bernd": Person(app, "bernd", "/app"),
        "carla": Person(app, "carla", "/app"),
        "dora": Person(app, "dora", "/app"),
    }
    for person in people.values():
        run = person.post("/courses/sample/sample-practice/practice")
        person.practice_path = run
        person.results_path = person.post(
            "/courses/sample/sample-first/check",
            {"submission": uuid.uuid4().hex, "q-q1": "0", "q-q2": "false"},
        ).split("#")[0]
    return people


PAGES: dict[str, Callable[[Person], str]] = {
    "lesson with a self-check": lambda p: "/courses/sample/sample-first",
    "lesson beside its German original": lambda p: "/courses/sample/sample-first?german=side",
    "lesson with a required self-check": lambda p: "/courses/sample/sample-second",
    "plain lesson (German only)": lambda p: "/courses/sample/sample-plain",
    "practice scenario's lesson": lambda p: "/courses/sample/sample-practice",
    "practice step": lambda p: p.practice_path,
    "self-check results": lambda p: p.results_path,
    "course": lambda p: "/courses/sample",
    "course list": lambda p: "/courses",
    "certificate": lambda p: "/courses/sample/certificate",
    "settings (site header)": lambda p: "/settings",
    "not found (site header)": lambda p: "/courses/nowhere",
}
# The home page is for learners only: there the other person is Carla.
LEARNER_PAGES: dict[str, Callable[[Person], str]] = {"home": lambda p: "/"}


def read_courses_anew(app: Flask) -> None:
    """A fresh library (new generation, no lesson HTML kept): as when an author saves."""
    old = app.extensions[EXTENSION_KEY]
    app.extensions[EXTENSION_KEY] = load_library(old.root, old.default_lang)


def keeping(app: Flask, on: bool) -> None:
    app.jinja_env.auto_reload = not on  # while templates reload, nothing is kept
    read_courses_anew(app)
    with app.app_context():
        fragment_cache().clear()


def differential(app: Flask, one: Person, other: Person, path_of: Callable[[Person], str]) -> None:
    assert one is not other
    for person in (one, other):
        person.view(path_of(person))  # first visits write what later views only read
    keeping(app, on=False)
    without = {id(person): person.view(path_of(person)) for person in (one, other)}
    with app.app_context():
        assert len(fragment_cache()) == 0
    kept: dict[int, str] = {}
    for first, second in ((other, one), (one, other)):
        keeping(app, on=True)
        first.view(path_of(first))  # the other person's view fills the cache
        kept[id(second)] = second.view(path_of(second))
    with app.app_context():
        assert len(fragment_cache()) > 0  # the page did use kept fragments
    for person in (one, other):
        assert normalise(kept[id(person)]) == normalise(without[id(person)]), (
            f"{person.username}'s page under '{person.script_root}/' differs when kept"
        )
    assert normalise(without[id(one)]) != normalise(without[id(other)])


# Anna and someone who differs in everything but the script root, in everything but what
# fragments are kept by, only in the script root, only in the language: a fragment that shows
# something of its person, or a key that forgot one of them, shows in one of these.
OTHERS = ["bernd", "dora", "anna at the root", "anke"]


@pytest.mark.parametrize("other", OTHERS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_the_same_with_and_without_kept_fragments(
    app: Flask, people: dict[str, Person], page: str, other: str
) -> None:
    differential(app, people["anna"], people[other], PAGES[page])


@pytest.mark.parametrize("other", ["carla", "dora", "anna at the root", "anke"])
@pytest.mark.parametrize("page", LEARNER_PAGES)
def test_learner_pages_are_the_same_with_and_without_kept_fragments(
    app: Flask, people: dict[str, Person], page: str, other: str
) -> None:
    differential(app, people["anna"], people[other], LEARNER_PAGES[page])


def test_each_person_sees_their_own_values_on_a_kept_page(people: dict[str, Person]) -> None:
    """The differential test compares like with like; this shows what "like" contains."""
    anna, bernd = people["anna"], people["bernd"]
    bernd.view("/courses/sample/sample-first")
    page = anna.view("/courses/sample/sample-first")
    assert 'class="text-200 contrast-high"' in page and 'data-rate="0.75"' in page
    assert '<html lang="de"' in page and "Gut gemacht" in page and "Ich brauche Hilfe" in page
    # at 200 % text long words carry soft hyphens (learnapp/hyphenation.py)
    assert "Sie haben diese Lektion geschafft" in page.replace(SOFT_HYPHEN, "")
    # Under /app every link is below /app, the lesson's own `lesson:` link too.
    assert 'href="/app/courses/sample/sample-second">der zweiten Lektion</a>' in page
    assert 'action="/app/logout"' in page and 'href="/courses' not in page
    other = bernd.view("/courses/sample/sample-first")
    assert 'class="text-125 contrast-normal"' in other and 'data-rate="1.25"' in other
    assert 'href="/app/courses/sample/sample-second">the second lesson</a>' in other
    at_root = people["anna at the root"].view("/courses/sample/sample-first")
    assert 'href="/courses/sample/sample-second">der zweiten Lektion</a>' in at_root
    assert "My learners" in other and "I need help" not in other and "Anna" not in other


# Each fragment template, with a page that draws it.
FRAGMENT_PAGES = {
    "fragments/course_card.html": "/courses",
    "fragments/_progress.html": "/courses",
    "fragments/main_menu.html": "/settings",
    "fragments/site_header.html": "/settings",
    "fragments/page_links.html": "/settings",
    "fragments/skip_link.html": "/settings",
    "fragments/course_trail.html": "/courses/sample/sample-first",
    "fragments/_trail.html": "/courses/sample/sample-first",
    "fragments/lesson_article.html": "/courses/sample/sample-first",
    "fragments/quiz_questions.html": "/courses/sample/sample-first",
    "fragments/done_form.html": "/courses/sample/sample-first",
    "fragments/practice_start.html": "/courses/sample/sample-practice",
    "fragments/pager.html": "/courses/sample/sample-first",
    "fragments/lesson_main.html": "/courses/sample/sample-first",
}
PLANTED = [
    "{{ current_user.display_name }}",
    "{{ session.get('_user_id') }}",
    "{{ request.path }}",
    "{{ g.csrf_token }}",
    "{{ csrf_token() }}",
    "{{ get_flashed_messages()|length }}",
    "{{ config.SECRET_KEY }}",
    "{{ html_classes }}",
    "{{ page_lang }}",
]


def test_every_fragment_template_has_a_page_here() -> None:
    fragments = {
        path.relative_to(TEMPLATES_DIR).as_posix()
        for path in (TEMPLATES_DIR / "fragments").glob("*.html")
    }
    assert fragments == set(FRAGMENT_PAGES)


@pytest.mark.parametrize("planted", PLANTED)
@pytest.mark.parametrize("template", FRAGMENT_PAGES)
def test_a_person_planted_into_a_fragment_fails_instead_of_being_kept(
    app: Flask, client: FlaskClient, auth: Auth, learner: User, template: str, planted: str
) -> None:
    source = (TEMPLATES_DIR / template).read_text(encoding="utf-8")
    if "{% macro" in source:  # plant it inside the macro, where it is drawn
        source = re.sub(r"(\{% macro [^%]*%\})", r"\1" + planted, source, count=1)
    else:
        source += planted
    auth.login("erika")  # the sign-in page draws fragments too: sign in before planting
    files = app.jinja_loader
    assert files is not None
    app.jinja_loader = ChoiceLoader([DictLoader({template: source}), files])
    with app.app_context():  # forget what was drawn and compiled from the real files
        fragment_cache().clear()
        environment = fragment_environment(app)
        assert environment.cache is not None
        environment.cache.clear()
    with pytest.raises(UndefinedError):
        client.get(FRAGMENT_PAGES[template])
