"""Publishing without a restart: a running server (no auto-reload) picks up changed lesson files
within CONTENT_RELOAD_SECONDS or at once after `flask courses reload`, and a broken file keeps its
lesson's last good version."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from learnapp.content import EXTENSION_KEY, RELOAD_KEY, reload
from tests.conftest import FIXTURE_CONTENT

LESSON_URL = "/courses/sample/sample-first"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


@pytest.fixture
def server(app, tmp_path):  # type: ignore[no-untyped-def]
    """The app as in production: no auto-reload, its own stamp file."""
    assert not app.config["CONTENT_AUTO_RELOAD"]
    app.config["CONTENT_RELOAD_STAMP"] = str(tmp_path / "stamp")
    app.config["CONTENT_RELOAD_SECONDS"] = 60
    app.extensions[RELOAD_KEY] = reload.new_state(app)
    return app


def lesson_file(content_dir: Path) -> Path:
    return content_dir / "sample" / "de" / "01-erste.md"


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def page(client) -> str:  # type: ignore[no-untyped-def]
    reply = client.get(LESSON_URL)
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


def test_courses_reload_makes_the_next_request_read_the_files(
    server, client, auth, learner, content_dir
):
    auth.login("erika")
    assert "die erste" in page(client)
    rewrite(lesson_file(content_dir), "die erste", "die neu geschriebene")
    assert "die erste" in page(client)  # within the minute, no scan: the old text
    result = server.test_cli_runner().invoke(args=["courses", "reload"])
    assert result.exit_code == 0, result.output
    assert "die neu geschriebene" in page(client)


def test_a_changed_file_is_found_once_the_period_is_over(
    server, client, auth, learner, content_dir
):
    auth.login("erika")
    before = server.extensions[EXTENSION_KEY]
    page(client)
    rewrite(lesson_file(content_dir), "die erste", "die neu geschriebene")
    server.extensions[RELOAD_KEY].last_scan -= 61  # a minute went by
    assert "die neu geschriebene" in page(client)
    after = server.extensions[EXTENSION_KEY]
    assert after is not before and after.generation != before.generation
    assert "die neu geschriebene" in page(client)  # and no second read without a change
    assert server.extensions[EXTENSION_KEY] is after


def test_a_broken_file_keeps_the_last_good_lesson(
    server, client, auth, learner, content_dir, caplog
):
    auth.login("erika")
    assert "die erste" in page(client)
    rewrite(lesson_file(content_dir), "title: Die erste Lektion", 'title: "Die erste Lektion')
    server.config["CONTENT_RELOAD_SECONDS"] = 0
    with caplog.at_level(logging.WARNING):
        shown = page(client)
    assert "die erste" in shown  # the last good version, not a 404 or a 500
    assert "sample-first" in client.get("/courses/sample").get_data(as_text=True)
    assert any("01-erste.md" in record.getMessage() for record in caplog.records)
    check = server.test_cli_runner().invoke(args=["courses", "check"])
    assert check.exit_code == 1 and "01-erste.md:3: error: Zeile 3:" in check.output
    # once repaired, the new text is served
    rewrite(lesson_file(content_dir), 'title: "Die erste Lektion', "title: Die erste Lektion")
    rewrite(lesson_file(content_dir), "die erste", "die reparierte")
    assert "die reparierte" in page(client)


def test_a_broken_course_file_keeps_the_course(server, client, auth, learner, content_dir):
    auth.login("erika")
    course_file = content_dir / "sample" / "course.yaml"
    course_file.write_text("id: [sample\n", "utf-8")
    server.config["CONTENT_RELOAD_SECONDS"] = 0
    assert "die erste" in page(client)
    assert client.get("/courses/sample").status_code == 200
