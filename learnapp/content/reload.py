"""Publishing without a restart: each worker picks up changed lesson files by itself.

At most once per CONTENT_RELOAD_SECONDS a worker compares the content files' names, sizes and
change times with those of the library it serves; `flask courses reload` touches a stamp file
that every worker compares (one stat) at each request, so all of them read the courses anew at
their next request. A new library replaces the old one only as a whole. A lesson whose new file
is broken keeps its last good version (the problem is logged and `flask courses check` names it):
a learner never meets an error page or a vanished lesson because an author saved a mistake.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from learnapp.content.library import Library, file_signature, order_lessons

log = logging.getLogger(__name__)
STAMP_FILE = "content-reload.stamp"


@dataclass
class ReloadState:
    """When this worker last looked at the files, and the stamp it saw then."""

    last_scan: float
    stamp: int


def stamp_path(app: Flask) -> Path:
    configured = app.config.get("CONTENT_RELOAD_STAMP")
    return Path(configured) if configured else Path(app.instance_path) / STAMP_FILE


def stamp_of(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def touch_stamp(app: Flask) -> Path:
    """`flask courses reload`: every worker reads the courses anew at its next request."""
    path = stamp_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{time.time_ns()}\n", encoding="utf-8")
    return path


def new_state(app: Flask) -> ReloadState:
    return ReloadState(time.monotonic(), stamp_of(stamp_path(app)))


def should_reload(app: Flask, state: ReloadState, library: Library) -> bool:
    """True when the stamp was touched, or (at most once a period) the files changed."""
    stamp = stamp_of(stamp_path(app))
    if stamp != state.stamp:
        state.stamp = stamp
        state.last_scan = time.monotonic()
        return True
    if time.monotonic() - state.last_scan < app.config["CONTENT_RELOAD_SECONDS"]:
        return False
    state.last_scan = time.monotonic()
    return file_signature(library.root, library.languages) != library.signature


def keep_last_good(previous: Library, fresh: Library) -> Library:
    """`fresh`, with every lesson or course whose file is now broken as it was in `previous`."""
    broken = {problem.path for problem in fresh.problems if problem.severity == "error"}
    if not broken:
        return fresh
    for course_id, old_course in previous.courses.items():
        course = fresh.courses.get(course_id)
        if course is None:
            if old_course.folder / "course.yaml" in broken:
                fresh.courses[course_id] = old_course
                for lesson_id in old_course.all_lesson_ids:
                    fresh.lesson_course.setdefault(lesson_id, course_id)
                log.warning(
                    "course %s: its file is broken, the last good version is kept", course_id
                )
            continue
        changed = False
        for lang, lessons in old_course.lessons.items():
            for lesson_id, lesson in lessons.items():
                if lesson.path in broken:
                    course.lessons.setdefault(lang, {})[lesson_id] = lesson
                    fresh.lesson_course.setdefault(lesson_id, course_id)
                    changed = True
                    log.warning("%s is broken: its last good version is kept", lesson.path)
        if changed:
            order_lessons(course)
    return fresh
