"""Commands: demo data, course checks, new lessons, users."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from learnapp.db import get_session
from learnapp.models import User

DEMO_LINE = re.compile(r"^(learner|mentor|coordinator|admin): (\S+) / (\S+)$", re.M)


def test_demo_load_refuses_outside_debug_or_demo_mode(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "demo mode" in result.output


def test_demo_load_prints_each_account_and_they_can_sign_in(app, runner, auth):
    app.config["DEMO_MODE"] = True
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    accounts = DEMO_LINE.findall(result.output)
    assert {role for role, _, _ in accounts} == {"learner", "mentor", "coordinator", "admin"}
    again = runner.invoke(args=["demo", "load"])  # idempotent
    assert DEMO_LINE.findall(again.output) == accounts
    role, username, password = accounts[0]
    assert auth.login(username, password).status_code == 302
    home = auth.client.get("/").get_data(as_text=True)
    assert "sample-practice" in home  # the demo learner continues at lesson 3


def test_courses_check_passes_on_good_content(runner):
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


@pytest.fixture
def content_dir(tmp_path: Path, request) -> Path:
    if "broken" not in request.node.name and "new_lesson" not in request.node.name:
        return Path(__file__).parent / "fixtures" / "content"
    root = tmp_path / "content"
    course = root / "demo"
    (course / "de").mkdir(parents=True)
    (course / "images").mkdir()
    (course / "course.yaml").write_text("id: demo\norder: 1\ntitle:\n  de: Demo\n  en: Demo\n")
    if "broken" in request.node.name:
        (course / "de" / "01.md").write_text(
            "---\nid: one\ntitle: T\nsummary: S\norder: 1\nminutes: 3\n---\n\n"
            "![](images/missing.svg)\n\n[x](lesson:nowhere)\n"
        )
        (course / "de" / "02.md").write_text("---\nid: [bad\n---\n")
    return root


def test_courses_check_reports_path_line_and_fails_on_errors_broken(runner):
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 1
    out = result.output
    assert "demo/de/01.md:9: error: picture 'images/missing.svg' has no alt text" in out
    assert "demo/de/01.md:9: error: picture 'images/missing.svg' does not exist" in out
    assert "demo/de/01.md:11: error: link to unknown lesson 'lesson:nowhere'" in out
    assert "demo/de/02.md:2: error: Zeile 2: hier stimmt die Schreibweise nicht." in out
    assert "lesson 'one' has no 'en' translation" in out


def test_courses_new_lesson_creates_a_valid_file(app, runner, content_dir):
    result = runner.invoke(args=["courses", "new", "demo", "Sichere Passwörter"])
    assert result.exit_code == 0, result.output
    [created] = (content_dir / "demo" / "de").glob("*.md")
    assert created.name.startswith("01-sichere-passwoerter")
    assert re.search(r"^id: demo-sichere-passwoerter-[0-9a-f]{4}$", created.read_text(), re.M)
    # a real `flask courses check` is a new process: it reads the folder anew, and so must this
    app.config["CONTENT_AUTO_RELOAD"] = True
    check = runner.invoke(args=["courses", "check"])
    # the new file was checked, as a draft
    assert "1 courses, 1 lessons (1 drafts):" in check.output, check.output
    errors = [line for line in check.output.splitlines() if ": error:" in line]
    # the only error: the English version is still to be written
    assert len(errors) == 1 and errors[0].endswith("has no 'en' translation"), errors


def test_courses_new_for_an_unknown_course(runner):
    result = runner.invoke(args=["courses", "new", "nope", "Title"])
    assert result.exit_code != 0 and "No course 'nope'" in result.output


def test_users_create(app, runner, centre):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Paul",
            "--role",
            "mentor",
            "--name",
            "Paul M",
            "--centre",
            str(centre.id),
        ],
        input="long-enough-pw\nlong-enough-pw\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = get_session().scalars(select(User).where(User.username == "paul")).one()
        assert user.role == "mentor" and user.check_password("long-enough-pw")
    dup = runner.invoke(args=["users", "create", "paul"], input="long-enough-pw\nlong-enough-pw\n")
    assert dup.exit_code != 0 and "User 'paul' exists already." in dup.output
