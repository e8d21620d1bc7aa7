"""The course library: every course and lesson parsed once, rendered lazily, cached."""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from learnapp.content.drafts import draft_ids
from learnapp.content.lesson_parts import lesson_parts, sections
from learnapp.content.model import Course, Lesson, Problem
from learnapp.content.parser import parse_course_file, parse_lesson_file
from learnapp.content.render import render_markdown
from learnapp.i18n import text_direction

log = logging.getLogger(__name__)
COURSE_FILE = "course.yaml"
HEADING_ID = re.compile(r'(<h[1-6]) id="[^"]*"')
LESSON_SUFFIX = ".md"
IMAGES_FOLDER = "images"
# Each library read gets the next number: anything drawn from its content is kept under it, so
# nothing drawn from an older read can be served once the courses were read anew.
_generations = itertools.count(1)


@dataclass
class Library:
    root: Path
    default_lang: str
    # The language folders read (the served languages); None: every folder there is.
    languages: tuple[str, ...] | None = None
    courses: dict[str, Course] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # lesson id -> course id, for `lesson:ID` links and lookups by id alone
    lesson_course: dict[str, str] = field(default_factory=dict)
    signature: tuple = ()
    # Where each lesson id was last found, kept across reloads: when an author breaks a file,
    # its address can still show what is wrong with it.
    last_known_path: dict[str, Path] = field(default_factory=dict)
    generation: int = field(default_factory=lambda: next(_generations))
    _rendered: dict[tuple[Path, int, str, str, str], Markup] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ordered_courses(self) -> list[Course]:
        return sorted(self.courses.values(), key=lambda course: (course.order, course.id))

    def problems_for(self, path: Path) -> list[Problem]:
        return [problem for problem in self.problems if problem.path == path]

    def problems_of_lesson(self, lesson_id: str) -> list[Problem]:
        """Problems of the file where this lesson was last seen (for a broken lesson's page)."""
        path = self.last_known_path.get(lesson_id)
        return self.problems_for(path) if path else []

    def lesson_url_path(self, lesson_id: str, script_root: str = "") -> str | None:
        """The address of a lesson by id alone, under the app's script root (`/app/courses/…`)."""
        course_id = self.lesson_course.get(lesson_id)
        return f"{quote(script_root)}/courses/{course_id}/{lesson_id}" if course_id else None

    def render(self, lesson: Lesson, part: str | None = None, *, script_root: str) -> Markup:
        """HTML of a lesson body (or of a part of it, e.g. a practice ending's text), rendered
        on first use and kept until the file changes.

        `lesson:ID` links point below `script_root` (request.script_root: where the app is
        mounted), so the HTML is kept per script root too.
        """
        source = lesson.body if part is None else part
        return self._render_source(lesson, source, "part" if part else "body", script_root)

    def render_for_reader(
        self, lesson: Lesson, *, staff: bool, script_root: str
    ) -> tuple[Markup, Markup]:
        """A lesson's text and its sources, each as HTML; mentor boxes only when `staff`."""
        parts = lesson_parts(lesson.body, staff=staff)
        audience = "staff" if staff else "learner"
        return (
            self._render_source(lesson, parts.text, f"text:{audience}", script_root),
            self._render_source(lesson, parts.sources, "sources", script_root),
        )

    def render_alongside(
        self, lesson: Lesson, original: Lesson, *, staff: bool, script_root: str
    ) -> list[tuple[Markup, Markup]]:
        """A translated lesson's text section by section (cut at its `## ` headings), each with
        the same section of the German original; the whole text and the whole original when
        the sections do not match (the parity check reports that). Mentor boxes only when
        `staff`, as in `render_for_reader`. The German sections' headings carry no ids: the
        page's ids stay the translation's."""
        audience = "staff" if staff else "learner"
        own = sections(lesson_parts(lesson.body, staff=staff).text)
        german = sections(lesson_parts(original.body, staff=staff).text)
        if len(own) != len(german):
            own, german = ["\n".join(own)], ["\n".join(german)]
        return [
            (
                self._render_source(lesson, mine, f"section:{audience}", script_root),
                self._render_source(original, theirs, f"german:{audience}", script_root),
            )
            for mine, theirs in zip(own, german, strict=True)
        ]

    def _render_source(self, lesson: Lesson, source: str, kind: str, script_root: str) -> Markup:
        key = (lesson.path, lesson.mtime_ns, kind, source, script_root)
        html = self._rendered.get(key)
        if html is None:
            html = render_markdown(
                source,
                lambda lesson_id: self.lesson_url_path(lesson_id, script_root),
                right_to_left=text_direction(lesson.lang) == "rtl",
            )
            if kind.startswith("german:"):
                html = Markup(HEADING_ID.sub(r"\1", str(html)))  # noqa: S704 - sanitised HTML
            with self._lock:
                self._rendered[key] = html
        return html


def served_languages(languages: Collection[str], default_lang: str) -> tuple[str, ...]:
    """The language folders a server reads: its languages and its default one."""
    return tuple(sorted({*languages, default_lang}))


def _lang_dirs(course_folder: Path, languages: tuple[str, ...] | None) -> Iterator[Path]:
    """A course's language folders: the named ones (nothing else is listed), or all of them."""
    if languages is None:
        for folder in sorted(course_folder.iterdir()):
            if folder.is_dir() and folder.name != IMAGES_FOLDER:
                yield folder
        return
    for lang in languages:
        folder = course_folder / lang
        if folder.is_dir():
            yield folder


def content_files(root: Path, languages: tuple[str, ...] | None) -> Iterator[Path]:
    """Every course file and every lesson file in the language folders read, in order."""
    if not root.is_dir():
        return
    for course_folder in sorted(p for p in root.iterdir() if p.is_dir()):
        course_file = course_folder / COURSE_FILE
        if course_file.is_file():
            yield course_file
        for lang_dir in _lang_dirs(course_folder, languages):
            yield from sorted(p for p in lang_dir.glob(f"*{LESSON_SUFFIX}") if p.is_file())


def file_signature(root: Path, languages: tuple[str, ...] | None = None) -> tuple:
    """Names, sizes and change times of the content files read: changes when an author saves.

    Only the folders of `languages` are looked into; a folder of another language costs one
    directory entry, its files are never listed.
    """
    entries = []
    for path in content_files(root, languages):
        stat = path.stat()
        entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def load_library(
    root: Path, default_lang: str, languages: Collection[str] | None = None
) -> Library:
    """Parse the content tree; broken files are recorded as problems, never raised.

    `languages`: the lesson folders to read (a server's LANGUAGES); None reads every language
    folder there is (`flask courses check`, tools). Other folders are never opened.
    """
    served = served_languages(languages, default_lang) if languages is not None else None
    library = Library(
        root=root,
        default_lang=default_lang,
        languages=served,
        signature=file_signature(root, served),
    )
    if not root.is_dir():
        library.problems.append(Problem(root, 1, "content folder does not exist"))
        return library

    for course_file in sorted(root.glob(f"*/{COURSE_FILE}")):
        course, problems = parse_course_file(course_file)
        library.problems.extend(problems)
        if course is None:
            continue
        if course.id in library.courses:
            library.problems.append(
                Problem(course_file, 1, f"course id '{course.id}' is used by another course too")
            )
            continue
        library.courses[course.id] = course
        _load_lessons(library, course)

    _report_orphans(library)
    for course in library.courses.values():
        order_lessons(course)
    for problem in library.problems:
        if problem.severity == "error":
            log.warning("content problem: %s", problem)
    return library


def _load_lessons(library: Library, course: Course) -> None:
    for lang_dir in _lang_dirs(course.folder, library.languages):
        for lesson_file in sorted(lang_dir.glob(f"*{LESSON_SUFFIX}")):
            lesson, problems = parse_lesson_file(lesson_file, course.id, lang_dir.name)
            library.problems.extend(problems)
            if lesson is None:
                continue
            owner = library.lesson_course.get(lesson.id)
            in_same_lang = course.lessons.get(lesson.lang, {}).get(lesson.id)
            if (owner is not None and owner != course.id) or in_same_lang is not None:
                library.problems.append(
                    Problem(lesson_file, 2, f"lesson id '{lesson.id}' is already used elsewhere")
                )
                continue
            library.lesson_course[lesson.id] = course.id
            library.last_known_path[lesson.id] = lesson_file
            course.lessons.setdefault(lesson.lang, {})[lesson.id] = lesson


def _report_orphans(library: Library) -> None:
    """Lesson files in a folder without a usable course file belong to an unknown course."""
    known = {course.folder for course in library.courses.values()}
    for course_folder in sorted(p for p in library.root.iterdir() if p.is_dir()):
        if course_folder in known:
            continue
        for lang_dir in _lang_dirs(course_folder, library.languages):
            for lesson_file in sorted(lang_dir.glob(f"*{LESSON_SUFFIX}")):
                library.problems.append(
                    Problem(lesson_file, 1, "unknown course: its folder has no valid course.yaml")
                )


def order_lessons(course: Course) -> None:
    seen: dict[str, tuple[int, str]] = {}
    for lessons in course.lessons.values():
        for lesson in lessons.values():
            seen.setdefault(lesson.id, (lesson.order, lesson.id))
    course.all_lesson_ids = [lesson_id for lesson_id, _ in sorted(seen.items(), key=lambda i: i[1])]
    course.draft_ids = draft_ids(course)
    course.lesson_ids = [i for i in course.all_lesson_ids if i not in course.draft_ids]
