"""While authors write (auto-reload), a saved change shows on reload; a broken file shows why."""

from pathlib import Path

import pytest

LESSON = "---\nid: live\ntitle: Live\nsummary: S\norder: 1\nminutes: 3\n---\n\n{body}\n"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    course = tmp_path / "content" / "demo"
    (course / "de").mkdir(parents=True)
    (course / "course.yaml").write_text("id: demo\norder: 1\ntitle:\n  de: Demo\n  en: Demo\n")
    (course / "de" / "01.md").write_text(LESSON.format(body="Erste Fassung."))
    return tmp_path / "content"


def test_saved_changes_and_errors_show_on_reload(app, client, auth, learner, content_dir):
    app.config["CONTENT_AUTO_RELOAD"] = True
    lesson_file = content_dir / "demo" / "de" / "01.md"
    auth.login("erika")
    assert "Erste Fassung." in client.get("/courses/demo/live").get_data(as_text=True)

    lesson_file.write_text(LESSON.format(body="Die zweite, längere Fassung."))
    assert "Die zweite, längere Fassung." in client.get("/courses/demo/live").get_data(as_text=True)

    lesson_file.write_text("---\nid: live\ntitle: [broken\norder: 1\n---\nText\n")
    broken = client.get("/courses/demo/live")
    page = broken.get_data(as_text=True)
    assert broken.status_code == 200
    assert "demo/de/01.md:4: error: Zeile 4: " in page

    lesson_file.write_text(
        LESSON.format(body="Repariert.") + "\n```quiz\n- id: q1\n  type: single\n```\n"
    )
    repaired = client.get("/courses/demo/live").get_data(as_text=True)
    assert "Repariert." in repaired  # the text still shows …
    assert "quiz q1" in repaired  # … with the problem of its quiz block above it


def test_without_auto_reload_a_missing_lesson_is_simply_not_found(client, auth, learner):
    auth.login("erika")
    assert client.get("/courses/demo/nothing").status_code == 404
