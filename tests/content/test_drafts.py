"""Draft lessons: invisible and uncounted for learners, marked "Draft" for staff."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from learnapp.access import COORDINATOR, MENTOR
from learnapp.content.parser import parse_lesson_file
from learnapp.db import get_session
from learnapp.learn import services
from learnapp.models import User
from tests.conftest import FIXTURE_CONTENT

DRAFT = """---
id: sample-draft
title: {title}
summary: Noch nicht fertig.
order: 4
minutes: 2
status: draft
---

Entwurfstext.
"""
DRAFT_URL = "/courses/sample/sample-draft"
COUNT = re.compile(r"(\d+) (?:von|of) (\d+)")


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (root / "sample" / "de" / "04-entwurf.md").write_text(
        DRAFT.format(title="Ein Entwurf"), encoding="utf-8"
    )
    (root / "sample" / "en" / "04-draft.md").write_text(
        DRAFT.format(title="A draft"), encoding="utf-8"
    )
    return root


def test_a_learner_neither_sees_nor_counts_nor_reaches_a_draft(client, auth, learner):
    auth.login("erika")
    course_page = client.get("/courses/sample").get_data(as_text=True)
    assert "sample-draft" not in course_page and "Ein Entwurf" not in course_page
    assert client.get(DRAFT_URL).status_code == 404
    assert (
        auth.post(f"{DRAFT_URL}/done", token_from="/courses/sample/sample-first").status_code == 404
    )
    courses = client.get("/courses").get_data(as_text=True)
    assert COUNT.search(courses).groups() == ("0", "3")  # three published lessons, not four
    last = client.get("/courses/sample/sample-practice").get_data(as_text=True)
    assert "sample-draft" not in last  # "Next" after the last published lesson is the overview


def test_a_learner_who_finished_the_published_lessons_earns_the_certificate(
    app, client, auth, learner
):
    with app.app_context():
        session = get_session()
        user = session.get(User, learner.id)
        for lesson_id in ("sample-first", "sample-second", "sample-practice"):
            services.mark_done(session, user, "sample", lesson_id)
        session.commit()
    auth.login("erika")
    courses = client.get("/courses").get_data(as_text=True)
    assert COUNT.search(courses).groups() == ("3", "3")
    assert client.get("/courses/sample/certificate").status_code == 200
    page = client.get("/courses/sample").get_data(as_text=True)
    assert "/courses/sample/certificate" in page


@pytest.mark.parametrize("role", [MENTOR, COORDINATOR])
def test_staff_see_a_draft_with_its_badge(client, auth, make_user, role):
    make_user(role=role, username="staff")
    auth.login("staff")
    course_page = client.get("/courses/sample").get_data(as_text=True)
    assert "Ein Entwurf" in course_page
    assert course_page.count('class="draft-badge"') == 1
    draft = client.get(DRAFT_URL)
    assert draft.status_code == 200
    page = draft.get_data(as_text=True)
    assert 'class="draft-badge"' in page and "Entwurf" in page
    assert "4 von 4" in page or "4 of 4" in page
    published = client.get("/courses/sample/sample-first").get_data(as_text=True)
    assert 'class="draft-badge"' not in published


def test_status_must_be_draft_or_published(tmp_path):
    path = tmp_path / "01.md"
    path.write_text(DRAFT.format(title="T").replace("status: draft", "status: fertig"))
    lesson, problems = parse_lesson_file(path, "sample", "de")
    assert lesson is not None and lesson.is_draft  # kept hidden until fixed
    assert [(p.line, p.message) for p in problems] == [
        (7, "'status' must be one of published, draft")
    ]
    path.write_text(DRAFT.format(title="T").replace("status: draft\n", ""))
    lesson, problems = parse_lesson_file(path, "sample", "de")
    assert lesson is not None and not lesson.is_draft and not problems


@pytest.mark.parametrize(
    ("lang", "words", "foreign"),
    [
        ("de", "Schreiben Sie die Lektion hier", "Write the lesson"),
        ("en", "Write the lesson", "Schreiben"),
    ],
)
def test_courses_new_writes_a_draft_in_the_lessons_language(
    runner, content_dir, lang, words, foreign
):
    result = runner.invoke(args=["courses", "new", "sample", "Neue Lektion", "--lang", lang])
    assert result.exit_code == 0, result.output
    [created] = (content_dir / "sample" / lang).glob("05-*.md")
    text = created.read_text(encoding="utf-8")
    assert words in text and foreign not in text
    assert re.search(r"^status: draft$", text, re.M)
    assert re.search(r"^checked:$", text, re.M)  # only a person sets that date
    lesson, problems = parse_lesson_file(created, "sample", lang)
    assert lesson is not None and lesson.is_draft and lesson.checked is None
    assert not [p for p in problems if p.severity == "error"], problems


def test_check_warns_on_a_published_lesson_without_a_checked_date(runner):
    output = runner.invoke(args=["courses", "check"]).output
    unchecked = [line for line in output.splitlines() if "has no 'checked' date" in line]
    assert any("sample/de/02-zweite.md:2: warning:" in line for line in unchecked), output
    assert not any("04-entwurf.md" in line for line in unchecked)  # a draft need not be checked
    assert not any("01-erste.md" in line for line in unchecked)
