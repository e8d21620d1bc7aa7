"""A server reads only the language folders it serves; `flask courses check` reads them all.

And the fast YAML path (libyaml) gives the same lessons as the precise pure-Python one.
"""

from pathlib import Path

import pytest
import yaml

from learnapp.content import yaml_lines
from learnapp.content.library import file_signature, load_library
from learnapp.content.yaml_lines import precise_parsing
from learnapp.paths import CONTENT_DIR

COURSE = "id: demo\norder: 1\ntitle:\n  de: Demo\n  en: Demo\n"
GOOD = "---\nid: {id}\ntitle: T\nsummary: S\norder: 1\nminutes: 3\n---\n\nText.\n"
BROKEN = "---\nid: one\ntitle: T\nsummary: S\ntitle: U\norder: 1\n---\nText\n"


def tree(root: Path) -> Path:
    """demo/{de,en} good, demo/xx broken YAML, and an unserved folder of a course-less folder."""
    files = {
        "demo/course.yaml": COURSE,
        "demo/de/01.md": GOOD.format(id="one"),
        "demo/en/01.md": GOOD.format(id="one"),
        "demo/xx/01.md": BROKEN,
        "loose/xx/01.md": GOOD.format(id="loose"),
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    return tree(tmp_path / "content")


def test_unserved_language_folders_are_never_listed_or_read(content_dir, monkeypatch):
    listed: list[Path] = []
    for name in ("iterdir", "glob", "rglob", "read_bytes", "read_text"):
        original = getattr(Path, name)

        def spy(self, *args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            listed.append(self)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Path, name, spy)
    library = load_library(content_dir, "de", ("de", "en"))
    file_signature(content_dir, library.languages)
    monkeypatch.undo()

    assert [str(p) for p in library.problems] == []
    assert set(library.courses["demo"].lessons) == {"de", "en"}
    assert not [p for p in listed if "xx" in p.parts], "a folder of an unserved language was read"


def test_serving_the_broken_language_reports_it_with_its_line(content_dir):
    library = load_library(content_dir, "de", ("de", "en", "xx"))
    errors = sorted(str(p) for p in library.problems if p.severity == "error")
    assert len(errors) == 2, errors
    assert "demo/xx/01.md:5: error: Zeile 5: „title“ steht zweimal" in errors[0]
    assert "loose/xx/01.md:1: error: unknown course" in errors[1]
    assert set(library.courses["demo"].lessons) == {"de", "en"}


def test_the_default_language_is_always_read(content_dir):
    assert load_library(content_dir, "de", ("en",)).languages == ("de", "en")


def test_a_change_in_an_unserved_folder_does_not_touch_the_signature(content_dir):
    before = file_signature(content_dir, ("de", "en"))
    (content_dir / "demo" / "xx" / "02.md").write_text(BROKEN, encoding="utf-8")
    assert file_signature(content_dir, ("de", "en")) == before
    (content_dir / "demo" / "en" / "02.md").write_text(GOOD.format(id="two"), encoding="utf-8")
    assert file_signature(content_dir, ("de", "en")) != before


def test_app_serving_de_and_en_starts_clean_and_check_reads_every_folder(app, runner):
    from learnapp.content import EXTENSION_KEY

    assert app.extensions[EXTENSION_KEY].problems == []
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 1
    assert "demo/xx/01.md:5: error: Zeile 5: „title“ steht zweimal" in result.output
    assert "loose/xx/01.md:1: error: unknown course" in result.output


def test_fast_and_precise_parsing_give_equal_lessons_on_the_bundled_courses():
    assert yaml.__with_libyaml__ and yaml_lines._FastLineLoader is not yaml_lines._LineLoader
    fast = load_library(CONTENT_DIR, "de")
    with precise_parsing():
        precise = load_library(CONTENT_DIR, "de")
    assert fast.courses and fast.courses == precise.courses
    assert fast.problems == precise.problems
    assert sum(len(lessons) for c in fast.courses.values() for lessons in c.lessons.values()) > 50


def test_precise_parsing_uses_the_pure_python_parser(monkeypatch):
    used: list[type] = []
    original = yaml.load

    def spy(text, Loader):  # type: ignore[no-untyped-def]  # noqa: N803 - PyYAML's name
        used.append(Loader)
        return original(text, Loader=Loader)  # noqa: S506 - SafeLoader subclasses only

    monkeypatch.setattr(yaml, "load", spy)
    with precise_parsing():
        yaml_lines.load_with_lines("a: 1\n")
    yaml_lines.load_with_lines("a: 1\n")
    assert used == [yaml_lines._LineLoader, yaml_lines._FastLineLoader]
