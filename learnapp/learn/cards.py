"""Course cards (title, progress bar, certificate link), drawn once per state and kept.

A card depends only on the course, the language, how many of its lessons are done and where it
is shown, so two learners with the same progress share it. The home page and the course list
show every course: drawing each card on every request was half of those pages' time.
"""

from __future__ import annotations

from flask import get_template_attribute, request
from markupsafe import Markup

from learnapp.content import get_library
from learnapp.learn.services import CourseProgress
from learnapp.page_shells import templates_reload

MACROS = "learn/_macros.html"


def course_card(
    item: CourseProgress, lang: str, default_lang: str, heading: str, with_summary: bool
) -> Markup:
    """The card's HTML, from the cache or drawn by the `draw_course_card` macro."""
    library = get_library()
    key = (request.script_root, item.course.id, lang, item.done, item.total, heading, with_summary)

    def draw(_marks):  # type: ignore[no-untyped-def]
        macro = get_template_attribute(MACROS, "draw_course_card")
        return macro(item, lang, default_lang, heading, with_summary)

    # The macro's output is escaped template output, kept as it was drawn.
    return Markup(library.cards.fill(key, {}, draw, keep=not templates_reload()))
