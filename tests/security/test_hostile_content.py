"""Hostile text in lesson files, quizzes, scenarios and display names never becomes active."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from learnapp.access import ADMIN, COORDINATOR, LEARNER, MENTOR
from learnapp.db import get_session
from learnapp.models import CoordinatorCentre, Pairing, User
from tests.helpers import PASSWORD, csrf_from
from tests.security.hostile import VECTORS, active_content, assert_no_active_content

# YAML cannot carry a NUL character; the Markdown body still gets every vector as it is.
YAML_VECTORS = [v.replace("\u0000", "") for v in VECTORS]
SCREEN_KINDS = ("chat", "sms", "email", "browser", "call")


def _front_matter(lesson_id: str, order: int, title: str, summary: str, kind: str = "") -> str:
    data = {
        "id": lesson_id,
        "title": title,
        "summary": summary,
        "order": order,
        "minutes": 3,
    }
    if kind:
        data["type"] = kind
    return "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n\n"


def _quiz(vectors: list[str]) -> list[dict]:
    questions: list[dict] = []
    for number, vector in enumerate(vectors, 1):
        questions.append(
            {
                "id": f"q{number}",
                "type": "single",
                "question": vector,
                "answers": [
                    {"text": vector, "correct": True, "why": vector},
                    {"text": "Nein " + vector, "why": "**" + vector + "**"},
                ],
            }
        )
    questions.append(
        {
            "id": "tf",
            "type": "truefalse",
            "question": vectors[0],
            "answer": True,
            "why": vectors[-1],
        }
    )
    return questions


def _screen(kind: str, v: str) -> dict:
    messages = [{"from": "them", "time": v, "text": v}, {"from": "me", "text": v}]
    return {
        "chat": {"kind": "chat", "contact": v, "messages": messages},
        "sms": {"kind": "sms", "sender": v, "messages": messages},
        "email": {
            "kind": "email",
            "from_name": v,
            "from_address": v,
            "subject": v,
            "body": f"{v}\n\n{v}",
            "button": v,
        },
        "browser": {
            "kind": "browser",
            "address": v,
            "heading": v,
            "text": v,
            "secure": True,
            "fields": [{"label": v, "value": v}],
            "button": v,
        },
        "call": {"kind": "call", "caller": v, "text": v},
    }[kind]


def _scenario(vectors: list[str]) -> dict:
    """Five steps, one per kind of screen, each full of its own vector; two endings."""
    steps: dict[str, dict] = {}
    for index, kind in enumerate(SCREEN_KINDS):
        v = vectors[index % len(vectors)]
        following = SCREEN_KINDS[index + 1] if index + 1 < len(SCREEN_KINDS) else "end-safe"
        steps[kind] = {
            "screen": _screen(kind, v),
            "prompt": v,
            "choices": [
                {"label": v, "next": following, "feedback": v},
                {"label": "x" + v, "next": "end-unsafe", "feedback": "*" + v + "*"},
            ],
        }
    steps["end-safe"] = {"end": "safe", "title": vectors[0], "text": vectors[-1]}
    steps["end-unsafe"] = {"end": "unsafe", "title": vectors[-1], "text": "[x](" + vectors[0] + ")"}
    return {"start": "chat", "steps": steps}


def _strings(data: object) -> int:
    """How many texts a structure holds (each one a hostile input)."""
    if isinstance(data, dict):
        return sum(_strings(value) for value in data.values())
    if isinstance(data, list):
        return sum(_strings(value) for value in data)
    return 1 if isinstance(data, str) else 0


PRACTICE_GROUPS = [YAML_VECTORS[i : i + 5] for i in range(0, len(YAML_VECTORS), 5)]


def write_hostile_course(root: Path) -> int:
    """A course whose every author-written text is hostile; returns how many inputs it holds."""
    course = root / "hostile"
    (course / "de").mkdir(parents=True)
    (course / "images").mkdir()
    titles = {"de": YAML_VECTORS[0], "en": YAML_VECTORS[1]}
    (course / "course.yaml").write_text(
        yaml.safe_dump(
            {"id": "hostile", "order": 1, "title": titles, "summary": titles}, allow_unicode=True
        ),
        encoding="utf-8",
    )
    quiz = _quiz(YAML_VECTORS)
    (course / "de" / "01-body.md").write_text(
        _front_matter("hostile-body", 1, YAML_VECTORS[2], YAML_VECTORS[3])
        + "\n\n".join(VECTORS)
        + "\n\n```quiz\n"
        + yaml.safe_dump(quiz, allow_unicode=True)
        + "```\n",
        encoding="utf-8",
    )
    inputs = 4 + 2 + len(VECTORS) + _strings(quiz)
    for number, group in enumerate(PRACTICE_GROUPS, start=2):
        scenario = _scenario(group)
        (course / "de" / f"{number:02d}-practice.md").write_text(
            _front_matter(f"hostile-practice-{number}", number, group[0], group[-1], "scenario")
            + "\n\n".join(group)
            + "\n\n```scenario\n"
            + yaml.safe_dump(scenario, allow_unicode=True)
            + "```\n",
            encoding="utf-8",
        )
        inputs += 2 + len(group) + _strings(scenario)
    return inputs


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    write_hostile_course(root)
    return root


def _check(client, path: str, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    html = response.get_data(as_text=True)
    assert_no_active_content(html, path)
    assert "xss-53xss-53" not in html, "author text was run as a template"
    return html


def _markers(text: str) -> set[str]:
    """The vectors (by their xss-N marker) whose text is in a page."""
    return set(re.findall(r"xss-\d+", text))


def test_every_hostile_lesson_parses_and_none_is_lost(app):
    from learnapp.content import get_library

    with app.app_context():
        library = get_library()
    course = library.courses["hostile"]
    assert len(course.lesson_ids) == 1 + len(PRACTICE_GROUPS), library.problems[:5]


def test_hostile_lessons_quizzes_and_scenarios_render_inert(client, auth, learner):
    auth.login("erika")
    for path in ("/", "/courses", "/courses/hostile"):
        _check(client, path)
    lesson = _check(client, "/courses/hostile/hostile-body")
    # inert because shown as text, not because dropped: every vector's marker is on the page
    assert _markers(lesson) == _markers(" ".join(VECTORS))

    # quiz: answers with errors shown (nothing chosen), then graded with feedback
    token = auth.token("/courses/hostile/hostile-body")
    page = client.post(
        "/courses/hostile/hostile-body/check",
        data={"csrf_token": token, "submission": "a" * 32},
    )
    assert page.status_code == 200
    errors = page.get_data(as_text=True)
    assert_no_active_content(errors, "quiz errors")
    assert errors.count('class="field-error"') == len(YAML_VECTORS) + 1  # one per question
    answers = {f"q-q{n}": "0" for n in range(1, len(YAML_VECTORS) + 1)} | {"q-tf": "true"}
    graded = client.post(
        "/courses/hostile/hostile-body/check",
        data={"csrf_token": token, "submission": "b" * 32, **answers},
    )
    assert graded.status_code == 302
    _check(client, graded.headers["Location"])


@pytest.mark.parametrize("number", range(2, 2 + len(PRACTICE_GROUPS)))
def test_each_hostile_scenario_walks_through_inert(client, auth, learner, number):
    auth.login("erika")
    lesson = f"/courses/hostile/hostile-practice-{number}"
    _check(client, lesson)
    started = auth.post(lesson + "/practice", token_from=lesson)
    run = started.headers["Location"]
    for step in SCREEN_KINDS:
        html = _check(client, run)
        assert f'name="step" value="{step}"' in html, f"the run is not at step {step}"
        answer = client.post(run, data={"csrf_token": csrf_from(html), "step": step, "choice": "0"})
        # a refused choice also redirects to the run (with a notice): the next round's
        # step check and the ending below tell the two apart
        assert answer.status_code == 302 and answer.headers["Location"] == run, step
    ending = _check(client, run)  # the ending, with the last choice's feedback
    assert 'class="card ending ending-safe"' in ending, "the walk did not reach the safe ending"


def test_inert_check_finds_raw_vectors():
    """The checker itself: each vector pasted raw into a page is caught (or is plain text)."""
    plain_text_in_html = {27, 37, 38, 39, 42, 43, 48, 53, 54, 59, 60}
    for number, vector in enumerate(VECTORS, start=1):
        found = active_content(f"<!doctype html><title>t</title><p>{vector}</p>")
        assert bool(found) != (number in plain_text_in_html), (number, vector)


@pytest.fixture
def hostile_people(app, centre):  # type: ignore[no-untyped-def]
    """A learner for every vector, named with it (one password hash shared, for speed); ids."""
    password_hash = generate_password_hash(PASSWORD)
    with app.app_context():
        session = get_session()
        for number, vector in enumerate(YAML_VECTORS):
            session.add(
                User(
                    username=f"h{number}",
                    display_name=vector[:120],
                    role=LEARNER,
                    centre_id=centre.id,
                    password_hash=password_hash,
                )
            )
        session.commit()
        ids = list(session.scalars(select(User.id).where(User.username.like("h%"))))
    return ids


@pytest.mark.parametrize("role", [LEARNER, MENTOR, COORDINATOR, ADMIN])
def test_hostile_display_names_are_inert_on_every_simple_page(
    app, client, auth, make_user, centre, hostile_people, role
):
    """Every page without URL parameters, seen by each role, with hostile names around."""
    viewer = make_user(role=role, username="viewer", display_name=YAML_VECTORS[0][:120])
    with app.app_context():  # the hostile learners are the mentor's, in the coordinator's centre
        session = get_session()
        if role == MENTOR:
            session.add_all(Pairing(mentor_id=viewer.id, learner_id=id_) for id_ in hostile_people)
        if role == COORDINATOR:
            session.add(CoordinatorCentre(coordinator_id=viewer.id, centre_id=centre.id))
        session.commit()
    auth.login("viewer")
    paths = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    )
    checked, shown = 0, set()
    for path in paths:
        response = client.get(path)
        response.close()  # a file (the service worker's script) answers with an open file
        if response.status_code == 200 and response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            assert_no_active_content(html, f"{role} {path}")
            shown |= _markers(html)
            checked += 1
    assert checked >= 3
    if role != LEARNER:  # staff see the learners' names somewhere: the names were tested
        names = _markers(" ".join(vector[:120] for vector in YAML_VECTORS))
        assert names <= shown, sorted(names - shown)
