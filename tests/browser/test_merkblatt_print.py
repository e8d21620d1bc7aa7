"""Every bundled lesson's Merkblatt prints on exactly one A4 page (Chromium's own PDF)."""

from __future__ import annotations

from learnapp.content import get_library
from learnapp.content.handout import handout_source
from tests.browser.test_print import pdf_pages


def merkblatt_paths(app) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        library = get_library()
        return [
            f"/courses/{course.id}/{lesson_id}/merkblatt"
            for course in library.ordered_courses
            for lesson_id in course.lesson_ids
            if (lesson := course.lessons.get("de", {}).get(lesson_id)) is not None
            and handout_source(lesson) is not None
        ]


def test_every_merkblatt_prints_on_one_a4_page(browsing, live_server):
    paths = merkblatt_paths(live_server.app)
    assert len(paths) >= 20, paths  # the bundled lessons have their warnings marked
    page = browsing.open("learner-default").page
    too_long = {}
    for path in paths:
        page.goto(path)
        count = pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True))
        if count != 1:
            too_long[path] = count
    assert too_long == {}
    page.emulate_media(media="print")
    assert not page.locator(".site-header").first.is_visible()
    assert not page.locator("button[data-print]").first.is_visible()
