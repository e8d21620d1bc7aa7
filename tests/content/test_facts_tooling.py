"""The facts register in `flask courses check` and `flask courses due`, and the coordinators'
page of lessons and facts to re-check."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from learnapp.access import COORDINATOR
from learnapp.clock import local_now
from learnapp.content.due import months_before
from tests.conftest import FIXTURE_CONTENT

REGISTER = """- id: fresh-fact
  statement: Eine Tatsache, die neu geprüft wurde.
  source: Eine Quelle (https://example.org)
  checked: {fresh}
- id: old-fact
  statement: Eine Tatsache, die lange nicht geprüft wurde.
  source: Eine Quelle (https://example.org)
  checked: 2020-01-15
"""
TODAY = local_now().date()


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """The sample course with the register next to it; the first lesson cites both facts."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (tmp_path / "facts.yaml").write_text(REGISTER.format(fresh=TODAY.isoformat()), "utf-8")
    for name in ("de/01-erste.md", "en/01-first.md"):
        lesson = root / "sample" / name
        text = lesson.read_text("utf-8")
        lesson.write_text(text + "\nText.\n<!-- fact: fresh-fact -->\n<!-- fact: old-fact -->\n")
    return root


def check_output(runner) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["courses", "check"])
    return result.exit_code, result.output.splitlines()


def test_a_fact_rechecked_after_the_lesson_is_a_warning_not_an_error(runner):
    code, lines = check_output(runner)
    assert code == 0, lines
    newer = [line for line in lines if "re-checked on" in line]
    assert len(newer) == 2, lines  # the German and the English lesson, the fresh fact only
    assert all("fact 'fresh-fact'" in line and ": warning:" in line for line in newer)
    assert all("2026-11-20" in line for line in newer)  # the lesson's own date


def test_an_unknown_cited_fact_fails_the_check_with_its_line(runner, content_dir):
    lesson = content_dir / "sample" / "de" / "02-zweite.md"
    lines = lesson.read_text("utf-8").split("\n")
    lines.insert(9, "<!-- fact: no-such-fact -->")  # file line 10
    lesson.write_text("\n".join(lines), "utf-8")
    code, output = check_output(runner)
    assert code == 1
    assert any(
        line.endswith(
            "sample/de/02-zweite.md:10: error: cited fact 'no-such-fact' is not in "
            "the facts register"
        )
        for line in output
    ), output


@pytest.mark.parametrize("missing", ["statement", "source", "checked"])
def test_an_incomplete_register_entry_fails_the_check(runner, content_dir, missing):
    register = content_dir.parent / "facts.yaml"
    # drop the field from the first entry only (the second keeps all four)
    text = REGISTER.format(fresh=TODAY.isoformat())
    first, second = text.split("- id: old-fact")
    first = "\n".join(line for line in first.split("\n") if not line.startswith(f"  {missing}:"))
    register.write_text(first + "- id: old-fact" + second, "utf-8")
    code, output = check_output(runner)
    assert code == 1
    assert any(f"facts.yaml:1: error: register entry has no {missing}" in line for line in output)


def test_the_register_can_be_named_in_the_settings(app, runner, tmp_path):
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("- id: fresh-fact\n  statement: S\n  source: Q\n  checked: 2020-01-01\n")
    app.config["FACTS_FILE"] = str(elsewhere)
    code, output = check_output(runner)
    assert code == 1  # old-fact is not in this register
    assert any("cited fact 'old-fact' is not in the facts register" in line for line in output)


def test_courses_due_lists_old_and_unchecked_lessons_and_old_facts(runner):
    output = runner.invoke(args=["courses", "due", "--months", "6"]).output
    lines = output.splitlines()
    assert "fact old-fact (facts.yaml:5): 2020-01-15" in lines
    assert not any("fresh-fact" in line for line in lines)
    # sample-second and the practice have no date; sample-first was checked on 2026-11-20
    assert "lesson sample-second (sample/de/02-zweite.md): never checked" in lines
    assert "lesson sample-practice (sample/en/03-practice.md): never checked" in lines
    first_is_due = months_before(TODAY, 6) > date(2026, 11, 20)
    assert any(line.startswith("lesson sample-first ") for line in lines) == first_is_due
    assert lines[-1].startswith(f"{len(lines) - 1} due for a re-check")


def test_the_coordinators_page_shows_the_same(client, auth, make_user):
    make_user(role=COORDINATOR, username="coord")
    auth.login("coord")
    page = client.get("/coordinate/content-due?months=6").get_data(as_text=True)
    assert "old-fact" in page and "facts.yaml:5" in page
    assert "fresh-fact" not in page
    assert "sample/de/02-zweite.md" in page
    recent = client.get("/coordinate/content-due?months=120").get_data(as_text=True)
    assert "old-fact" not in recent and "sample/de/02-zweite.md" in recent  # never checked


def test_months_before_keeps_the_day_or_the_months_last_day():
    assert months_before(date(2026, 12, 6), 6) == date(2026, 6, 6)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 15) == date(2024, 12, 15)
