"""A content tree of 300 lessons: the real courses plus generated ones (fixed seed).

Generated lessons reuse the text and self-checks of the real (non-practice) lessons in both
languages, with new ids and without pictures, so they parse, render and weigh like real ones.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from learnapp.paths import CONTENT_DIR

LANGS = ("de", "en")
LESSONS_PER_COURSE = 30
IMAGE_LINE = re.compile(r"^!\[.*\]\(images/[^)]*\)\s*$", re.MULTILINE)
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def _split(path: Path) -> tuple[dict[str, str], str]:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    assert match, f"{path}: no front matter"
    fields = {}
    for line in match.group(1).splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields, text[match.end() :]


def _real_text_lessons() -> list[dict[str, tuple[dict[str, str], str]]]:
    """Every real lesson that is not a practice scenario, in both languages."""
    found = []
    for course in sorted(p for p in CONTENT_DIR.iterdir() if p.is_dir()):
        by_id: dict[str, dict[str, tuple[dict[str, str], str]]] = {}
        for lang in LANGS:
            for path in sorted((course / lang).glob("*.md")):
                fields, body = _split(path)
                if fields.get("type") == "scenario":
                    continue
                by_id.setdefault(fields["id"], {})[lang] = (fields, body)
        found.extend(v for v in by_id.values() if set(v) == set(LANGS))
    return found


def build(target: Path, total_lessons: int = 300, seed: int = 2026) -> int:
    """Write the tree into `target` (replaced); returns the number of lesson ids."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(CONTENT_DIR, target)
    # The real courses carry more languages than the bench serves; their size is set here.
    for folder in target.glob("*/*"):
        if folder.is_dir() and folder.name not in (*LANGS, "images") and any(folder.glob("*.md")):
            shutil.rmtree(folder)
    real = sum(1 for _ in target.glob(f"*/{LANGS[0]}/*.md"))
    sources = _real_text_lessons()
    rng = random.Random(seed)
    course_number, made = 0, 0
    while real + made < total_lessons:
        course_number += 1
        course_id = f"practice-{course_number:02d}"
        folder = target / course_id
        for lang in LANGS:
            (folder / lang).mkdir(parents=True)
        (folder / "course.yaml").write_text(
            f"id: {course_id}\norder: {10 + course_number}\n"
            f"title:\n  de: Vertiefung {course_number}\n  en: Going further {course_number}\n"
            f"summary:\n  de: Mehr Übung mit bekannten Themen.\n"
            f"  en: More practice with familiar topics.\n",
            encoding="utf-8",
        )
        for position in range(1, LESSONS_PER_COURSE + 1):
            if real + made >= total_lessons:
                break
            source = rng.choice(sources)
            lesson_id = f"{course_id}-lesson-{position:02d}"
            for lang in LANGS:
                fields, body = source[lang]
                body = IMAGE_LINE.sub("", body)
                title = fields["title"].strip('"')
                (folder / lang / f"{position:02d}-lesson.md").write_text(
                    "---\n"
                    f"id: {lesson_id}\n"
                    "type: lesson\n"
                    f'title: "{title} ({course_number}.{position})"\n'
                    f"summary: {fields['summary']}\n"
                    f"order: {position}\n"
                    f"minutes: {fields.get('minutes', '5')}\n"
                    f"checked: {fields.get('checked', '2026-11-20')}\n"
                    "quiz_required: false\n"
                    "---\n" + body,
                    encoding="utf-8",
                )
            made += 1
    return real + made
