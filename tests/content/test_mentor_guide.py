"""A course's mentor guide gathers the lessons' `!!! mentor` notes for mentors and staff."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from learnapp.access import COORDINATOR, MENTOR
from tests.conftest import FIXTURE_CONTENT

LESSON = """---
id: sample-guide
title: Mit Hinweis
summary: S
order: 5
minutes: 2
{status}
---

Text für Lernende, nicht für den Leitfaden.

!!! mentor "Für Mentorinnen und Mentoren"
    Zeigen Sie die Einstellung {marker} am eigenen Gerät.

Schluss.
"""
URL = "/courses/sample/mentor-guide"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    lessons = root / "sample" / "de"
    (lessons / "05-guide.md").write_text(LESSON.format(status="", marker="EINS"), "utf-8")
    draft = LESSON.format(status="status: draft", marker="ENTWURF").replace(
        "sample-guide", "sample-guide-draft"
    )
    (lessons / "06-guide-draft.md").write_text(draft, "utf-8")
    return root


@pytest.mark.parametrize("role", [MENTOR, COORDINATOR])
def test_the_guide_holds_the_mentor_notes_of_published_lessons(client, auth, make_user, role):
    make_user(role=role, username="staff")
    auth.login("staff")
    reply = client.get(URL)
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert "Zeigen Sie die Einstellung EINS am eigenen Gerät." in page
    assert "Mit Hinweis" in page and "data-print" in page
    assert "Text für Lernende" not in page and "Schluss." not in page
    assert "ENTWURF" not in page  # a draft's notes wait until it is published


def test_learners_may_not_read_the_guide(client, auth, learner):
    auth.login("erika")
    assert client.get(URL).status_code == 403
