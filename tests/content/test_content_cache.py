"""The parsed library kept between starts: only while files, languages and code are the same."""

import os
from pathlib import Path

import pytest

from learnapp.content import cache
from learnapp.content.cache import load_cached
from learnapp.content.library import load_library

COURSE = "id: demo\norder: 1\ntitle:\n  de: Demo\n  en: Demo\n"
LESSON = "---\nid: {id}\ntitle: {title}\nsummary: S\norder: 1\nminutes: 3\n---\n\nText.\n"
SERVED = ("de", "en")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for name, text in {
        "demo/course.yaml": COURSE,
        "demo/de/01.md": LESSON.format(id="one", title="Eins"),
        "demo/en/01.md": LESSON.format(id="one", title="One"),
    }.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "instance" / cache.FILE_NAME


@pytest.fixture
def parses(monkeypatch):  # type: ignore[no-untyped-def]
    """Counts the real parses; a load from the cache parses nothing."""
    calls: list[Path] = []
    original = cache.load_library

    def counting(root, default_lang, languages=None):  # type: ignore[no-untyped-def]
        calls.append(root)
        return original(root, default_lang, languages)

    monkeypatch.setattr(cache, "load_library", counting)
    return calls


def title(library, lang: str = "de") -> str:  # type: ignore[no-untyped-def]
    return library.courses["demo"].lessons[lang]["one"].title


def test_a_second_start_reads_the_cache_and_gets_the_same_library(root, cache_file, parses):
    first = load_cached(root, "de", SERVED, cache_file)
    second = load_cached(root, "de", SERVED, cache_file)
    assert len(parses) == 1 and cache_file.is_file()
    assert second.courses == first.courses == load_library(root, "de", SERVED).courses
    assert second.problems == first.problems
    assert second.lesson_course == first.lesson_course == {"one": "demo"}
    assert second.signature == first.signature and second.languages == SERVED
    assert second.generation != first.generation  # what was drawn from the first is not reused


def test_an_edit_that_keeps_size_and_change_time_is_still_seen(root, cache_file, parses):
    load_cached(root, "de", SERVED, cache_file)
    lesson = root / "demo" / "de" / "01.md"
    stat = lesson.stat()
    lesson.write_text(LESSON.format(id="one", title="Zwei"), encoding="utf-8")  # same size
    os.utime(lesson, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert title(load_cached(root, "de", SERVED, cache_file)) == "Zwei"
    assert len(parses) == 2


def test_a_touched_file_new_file_or_removed_file_is_parsed_anew(root, cache_file, parses):
    load_cached(root, "de", SERVED, cache_file)
    lesson = root / "demo" / "de" / "01.md"
    os.utime(lesson, ns=(lesson.stat().st_atime_ns, lesson.stat().st_mtime_ns + 10**9))
    touched = load_cached(root, "de", SERVED, cache_file)
    assert touched.courses["demo"].lessons["de"]["one"].mtime_ns == lesson.stat().st_mtime_ns
    (root / "demo" / "en" / "02.md").write_text(LESSON.format(id="two", title="Two"), "utf-8")
    assert "two" in load_cached(root, "de", SERVED, cache_file).courses["demo"].lessons["en"]
    (root / "demo" / "en" / "02.md").unlink()
    assert "two" not in load_cached(root, "de", SERVED, cache_file).courses["demo"].lessons["en"]
    assert len(parses) == 4


def test_an_unserved_folder_does_not_invalidate_but_serving_it_does(root, cache_file, parses):
    load_cached(root, "de", SERVED, cache_file)
    (root / "demo" / "xx").mkdir()
    (root / "demo" / "xx" / "01.md").write_text(LESSON.format(id="one", title="X"), "utf-8")
    load_cached(root, "de", SERVED, cache_file)
    assert len(parses) == 1
    assert title(load_cached(root, "de", (*SERVED, "xx"), cache_file), "xx") == "X"
    assert len(parses) == 2


def test_new_loader_code_invalidates(root, cache_file, parses, monkeypatch):
    load_cached(root, "de", SERVED, cache_file)
    monkeypatch.setattr(cache, "code_version", lambda: "another release")
    load_cached(root, "de", SERVED, cache_file)
    assert len(parses) == 2


def test_the_code_version_follows_the_loader_source(tmp_path, monkeypatch):
    package = tmp_path / "package"
    package.mkdir()
    (package / "parser.py").write_text("A = 1\n")
    monkeypatch.setattr(cache, "PACKAGE", package)
    cache.code_version.cache_clear()
    before = cache.code_version()
    (package / "parser.py").write_text("A = 2\n")
    cache.code_version.cache_clear()
    try:
        assert cache.code_version() != before
    finally:
        monkeypatch.undo()
        cache.code_version.cache_clear()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data.replace(b"demo", b"dem\xff", 1),  # a changed byte in the pickle
        lambda data: data.replace(b"Eins", b"Fins"),  # still a valid pickle, other content
        lambda data: b"garbage",
        lambda data: b"",
    ],
    ids=["truncated", "flipped", "still-valid", "garbage", "empty"],
)
def test_a_damaged_cache_file_is_ignored_and_written_anew(root, cache_file, parses, damage):
    good = load_cached(root, "de", SERVED, cache_file)
    cache_file.write_bytes(damage(cache_file.read_bytes()))
    again = load_cached(root, "de", SERVED, cache_file)
    assert again.courses == good.courses and len(parses) == 2
    load_cached(root, "de", SERVED, cache_file)
    assert len(parses) == 2  # the rewritten file serves the next start


def test_no_cache_file_and_an_unwritable_place_still_load(root, tmp_path, parses):
    assert title(load_cached(root, "de", SERVED, None)) == "Eins"
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert title(load_cached(root, "de", SERVED, blocked / cache.FILE_NAME)) == "Eins"


def test_the_app_keeps_its_cache_in_the_configured_place_and_can_switch_it_off(app, tmp_path):
    from learnapp.content import cache_file

    app.config["CONTENT_CACHE_FILE"] = ""
    assert cache_file(app) == Path(app.instance_path) / cache.FILE_NAME
    app.config["CONTENT_CACHE_FILE"] = "off"
    assert cache_file(app) is None
    app.config["CONTENT_CACHE_FILE"] = str(tmp_path / "x.cache")
    assert cache_file(app) == tmp_path / "x.cache"
