"""The page a learner asked for help from: only a learner page of this app, never another site.

The "Help" link carries the page it was tapped on (`?from=/courses/safety/phishing`). What
arrives is a visitor's text, so it is kept and linked back to only when it is the path of one
of the learner pages below, matched against the app's own routes; anything else (another
host, "//evil.example", "javascript:", a path of no page) is dropped, never stored or linked.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from learnapp.content import get_library

MAX_LENGTH = 300  # HelpRequest.origin_path
LESSON_PAGES = frozenset({"learn.lesson", "learn.practice_step"})
LEARNER_PAGES = LESSON_PAGES | {
    "learn.home",
    "learn.courses",
    "learn.course",
    "learn.certificate",
    "settings.settings",
}


@dataclass(frozen=True)
class Origin:
    """A checked learner page: its path inside the app, its route and its lesson, if any."""

    path: str
    endpoint: str
    course_id: str = ""
    lesson_id: str = ""


def parse(value: str | None) -> Origin | None:
    """The learner page `value` names (as the browser sees it, with the script root), or None."""
    if not value or len(value) > MAX_LENGTH or not value.isprintable() or "\\" in value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    root = request.script_root
    if root and not (parts.path == root or parts.path.startswith(root + "/")):
        return None
    path = parts.path[len(root) :] or "/"
    if path.startswith("//"):
        return None
    adapter = current_app.create_url_adapter(request)
    if adapter is None:
        return None
    try:
        endpoint, arguments = adapter.match(path, method="GET")
    except (HTTPException, RequestRedirect):
        return None
    if endpoint not in LEARNER_PAGES:
        return None
    origin = Origin(path=path, endpoint=endpoint)
    if endpoint in LESSON_PAGES:
        course_id, lesson_id = str(arguments["course_id"]), str(arguments["lesson_id"])
        if get_library().lesson_course.get(lesson_id) == course_id:
            origin = Origin(path, endpoint, course_id, lesson_id)
    return origin


def link(origin_path: str) -> str:
    """The address of a stored origin for this request (the app may be mounted under a root)."""
    return request.script_root + origin_path
