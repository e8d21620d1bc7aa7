"""Course cards (title, progress bar, certificate link): fragments kept per state.

A card depends only on the course, the language, how many of its lessons are done and where it
is shown, so two learners with the same progress share it. The home page and the course list
show every course: drawing each card on every request was half of those pages' time.
"""

from __future__ import annotations

from markupsafe import Markup

from learnapp import fragments
from learnapp.content.library import Library
from learnapp.learn.services import CourseProgress

TEMPLATE = "fragments/course_card.html"


def course_cards(
    library: Library,
    items: list[CourseProgress],
    lang: str,
    heading: str = "h2",
    with_summary: bool = False,
) -> list[Markup]:
    """One card per course; `library` is the one the items were counted from."""
    return [
        fragments.draw(
            TEMPLATE,
            lang=lang,
            library=library,
            course_id=item.course.id,
            done=item.done,
            total=item.total,
            heading=heading,
            with_summary=with_summary,
        )
        for item in items
    ]
