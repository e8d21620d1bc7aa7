"""`flask courses check` warns when a lesson's text is longer than four tablet screens."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnapp.content.lesson_length import MAX_SCREENS, estimated_screens

HEAD = "---\nid: {id}\ntitle: T\nsummary: S\norder: {order}\nminutes: 5\n---\n\n"
PARAGRAPH = "Das Tablet ist ein kleiner Computer. Sie tippen mit dem Finger auf das Bild.\n\n"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    course = tmp_path / "content" / "demo"
    (course / "de").mkdir(parents=True)
    (course / "images").mkdir()
    (course / "course.yaml").write_text("id: demo\norder: 1\ntitle:\n  de: Demo\n  en: Demo\n")
    lessons = {
        "01-kurz.md": HEAD.format(id="short", order=1) + PARAGRAPH * 10,
        "02-lang.md": HEAD.format(id="long", order=2) + PARAGRAPH * 60,
        # Long only with the mentor box, which a learner does not see: no warning.
        "03-mentor.md": HEAD.format(id="mentor", order=3)
        + PARAGRAPH * 10
        + '!!! mentor "Für Mentoren"\n'
        + "    " * 1
        + "    ".join(PARAGRAPH.replace("\n\n", "\n") for _ in range(100)),
    }
    for name, text in lessons.items():
        (course / "de" / name).write_text(text, encoding="utf-8")
    return tmp_path / "content"


def test_a_long_lesson_gets_a_warning(runner):
    result = runner.invoke(args=["courses", "check"])
    long_lines = [line for line in result.output.splitlines() if "long: about" in line]
    assert len(long_lines) == 1, result.output
    assert "demo/de/02-lang.md:1: warning: long: about" in long_lines[0]
    assert "tablet screens of text (at most 4)" in long_lines[0]


def test_the_estimate_follows_the_measurement():
    """60 short paragraphs: 4,620 characters and 60 blocks, about 4.2 screens by the model."""
    assert estimated_screens(PARAGRAPH * 60) > MAX_SCREENS
    assert estimated_screens(PARAGRAPH * 10) < 1
    assert estimated_screens("![Bild](images/a.svg)") > estimated_screens("Bild")
