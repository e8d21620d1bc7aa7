"""The facts register (courses/facts.yaml): unique ids, complete entries, and every id a
bundled lesson cites with `<!-- fact: ID -->` is in it."""

import datetime
import re
from pathlib import Path

import yaml

from learnapp.paths import PROJECT_ROOT

COURSES = PROJECT_ROOT / "courses"
REGISTER = COURSES / "facts.yaml"
FIELDS = {"id", "statement", "source", "checked"}
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CITATION = re.compile(r"<!--\s*fact:\s*(\S+?)\s*-->")


def register() -> list[dict]:
    return yaml.safe_load(REGISTER.read_text(encoding="utf-8"))


def cited_ids(paths: list[Path]) -> dict[str, list[str]]:
    """Each cited id with the files citing it."""
    cited: dict[str, list[str]] = {}
    for path in paths:
        for fact_id in CITATION.findall(path.read_text(encoding="utf-8")):
            cited.setdefault(fact_id, []).append(str(path.relative_to(COURSES)))
    return cited


def lesson_files() -> list[Path]:
    return sorted((COURSES / "content").glob("*/*/*.md"))


def test_register_ids_are_unique_kebab_case():
    ids = [fact["id"] for fact in register()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert [i for i in ids if not KEBAB.match(i)] == []


def test_every_fact_has_statement_source_and_date():
    for fact in register():
        assert set(fact) == FIELDS, fact["id"]
        assert fact["statement"].strip() and fact["source"].strip(), fact["id"]
        assert isinstance(fact["checked"], datetime.date), fact["id"]


def test_every_cited_fact_is_in_the_register():
    known = {fact["id"] for fact in register()}
    cited = cited_ids(lesson_files())
    assert cited, "the lessons cite no facts at all"
    unknown = {fact_id: files for fact_id, files in cited.items() if fact_id not in known}
    assert unknown == {}


def test_an_unknown_citation_is_found(tmp_path):
    lesson = tmp_path / "lesson.md"
    lesson.write_text("Text.\n<!-- fact: no-such-fact -->\n", encoding="utf-8")
    assert set(CITATION.findall(lesson.read_text(encoding="utf-8"))) == {"no-such-fact"}


def test_translations_cite_the_same_facts():
    by_lesson: dict[tuple[str, str], dict[str, set[str]]] = {}
    for path in lesson_files():
        course, lang, _file = path.parts[-3:]
        text = path.read_text(encoding="utf-8")
        lesson_id = re.search(r"^id: (\S+)", text, re.M)
        assert lesson_id, path
        key = (course, lesson_id.group(1))
        by_lesson.setdefault(key, {})[lang] = set(CITATION.findall(text))
    differ = {
        key: langs
        for key, langs in by_lesson.items()
        if len(langs) > 1 and len({frozenset(ids) for ids in langs.values()}) > 1
    }
    assert differ == {}
