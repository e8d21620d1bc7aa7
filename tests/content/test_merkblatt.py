"""A lesson's Merkblatt: the marked sections and the warning boxes, nothing else, for learners
and staff; a lesson without marks has none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CONTENT

LESSON = """---
id: sample-sheet
title: Mit Merkblatt
summary: S
order: 5
minutes: 2
checked: 2026-11-20
---

Einleitung, die nicht auf das Merkblatt gehört.

!!! tip "Tipp"
    Einleitung als Tipp.

## So geht es {: .merkblatt }

1. Erster Schritt zum Merken.
2. Zweiter Schritt zum Merken.

### Ein Unterabschnitt

Gehört noch dazu.

## Hintergrund

Hintergrund, der nicht auf das Merkblatt gehört.

!!! warning "Achtung"
    Geben Sie nie Ihre PIN weiter.

Schlusswort, das nicht auf das Merkblatt gehört.
"""
URL = "/courses/sample/sample-sheet/merkblatt"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (root / "sample" / "de" / "05-merkblatt.md").write_text(LESSON, "utf-8")
    return root


def test_the_merkblatt_holds_the_marked_steps_and_the_warnings_only(client, auth, learner):
    auth.login("erika")
    reply = client.get(URL)
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    for wanted in (
        "Mit Merkblatt",
        "Erster Schritt zum Merken",
        "Gehört noch dazu",
        "Geben Sie nie Ihre PIN weiter",
        "data-print",
    ):
        assert wanted in page, wanted
    assert "So geht es" in page and "{: .merkblatt }" not in page and ".merkblatt }" not in page
    for unwanted in ("Einleitung", "Hintergrund, der", "Schlusswort"):
        assert unwanted not in page, unwanted
    lesson = client.get("/courses/sample/sample-sheet").get_data(as_text=True)
    assert URL in lesson  # the lesson links to its Merkblatt
    assert "{: .merkblatt }" not in lesson  # the mark itself is not shown


def test_a_lesson_without_marks_has_no_merkblatt(client, auth, learner):
    auth.login("erika")
    assert client.get("/courses/sample/sample-second/merkblatt").status_code == 404
    assert "/merkblatt" not in client.get("/courses/sample/sample-second").get_data(as_text=True)


def test_courses_check_warns_when_a_merkblatt_is_too_long(app, runner, content_dir):
    app.config["CONTENT_AUTO_RELOAD"] = True  # a real check is a new process: it reads anew
    path = content_dir / "sample" / "de" / "05-merkblatt.md"
    long_step = "3. " + " ".join(["Wort"] * 230) + "\n"
    path.write_text(LESSON.replace("2. Zweiter Schritt zum Merken.\n", "2. Zweiter.\n" + long_step))
    output = runner.invoke(args=["courses", "check"]).output
    assert "05-merkblatt.md:2: warning: the Merkblatt has" in output
