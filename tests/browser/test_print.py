"""Printing: lessons and certificates come out in large print without navigation or buttons,
breaking pages at sensible places; a certificate fills exactly one A4 page.
"""

from __future__ import annotations

import re

import pytest

from learnapp.content import get_library
from tests.browser.accounts import CENTRE, FINISHED_COURSE, NAMES
from tests.browser.pages import CERTIFICATE, TEXT_LESSON

PDF_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")
SCREEN_ONLY = (
    ".site-header", ".site-footer", ".skip-link", ".breadcrumb", ".pager", ".read-aloud",
    ".done-box", ".certificate-actions", "#quiz button[type=submit]", ".signout",
)  # fmt: skip
PT = 96 / 72  # CSS pixels per point


def pdf_pages(pdf: bytes) -> int:
    return len(PDF_PAGE.findall(pdf))


def printed(page) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """Which screen-only parts are still visible with print styles on."""
    page.emulate_media(media="print")
    parts = {
        selector: page.locator(selector).first.is_visible()
        for selector in SCREEN_ONLY
        if page.locator(selector).count()
    }
    # every page has at least the header and the footer: none found means nothing was checked
    assert {".site-header", ".site-footer"} <= set(parts), parts
    return parts


def test_certificate_prints_on_one_a4_page(browsing, live_server):
    page = browsing.open("learner-default").page
    page.goto(CERTIFICATE)
    assert pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True)) == 1
    assert not any(printed(page).values()), printed(page)
    text = " ".join(page.inner_text("article.certificate").split())
    with live_server.app.app_context():
        title = get_library().courses[FINISHED_COURSE].title("de", "de")
    for part in (NAMES["learner"], title, f"{CENTRE[0]}, {CENTRE[1]}", "Urkunde", "Datum"):
        assert part in text
    assert re.search(r"\d{1,2}\. \w+ \d{4}", text), (
        "the date is written out, e.g. 26. November 2026"
    )

    # 200 % text and high contrast on screen (the classes the server sets for them): still one
    # page, black on white.
    page.evaluate("document.documentElement.className = 'text-200 contrast-high'")
    assert pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True)) == 1
    body = "getComputedStyle(document.body)"
    colours = page.evaluate(f"() => [{body}.color, {body}.backgroundColor]")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]


def test_pdf_page_count_is_measured_right(browsing):
    """The page counter itself: a page forced to break twice has three pages."""
    page = browsing.open(None).page
    page.set_content(
        "<p>one</p><p style='break-before: page'>two</p><p style='break-before: page'>three</p>"
    )
    assert pdf_pages(page.pdf()) == 3


def test_print_button_appears_only_with_javascript(browsing):
    page = browsing.open("learner-default").page
    page.goto(CERTIFICATE)
    assert page.is_visible("button[data-print]")
    plain = browsing.open("learner-default", javascript=False).page
    plain.goto(CERTIFICATE)
    assert not plain.is_visible("button[data-print]")


def test_lesson_prints_in_large_print_without_controls(browsing):
    page = browsing.open("learner-large").page  # 200 % on screen: paper gets its own size
    page.goto(TEXT_LESSON)
    pdf = page.pdf(prefer_css_page_size=True)
    still_shown = {selector for selector, shown in printed(page).items() if shown}
    assert not still_shown, still_shown
    sizes = page.eval_on_selector_all(
        ".lesson-body p, .lesson-body li",
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))",
    )
    assert sizes and min(sizes) >= 16 * PT - 0.1, "body text prints at 16 pt or more"
    assert page.is_visible("#quiz .question"), "the self-check prints as a worksheet"
    styles = page.evaluate(
        """() => ({
            headings: [...document.querySelectorAll('.lesson-body h2')].map(
                (h) => getComputedStyle(h).breakAfter),
            boxes: [...document.querySelectorAll('.admonition, .question, .lesson-body img')].map(
                (b) => getComputedStyle(b).breakInside),
        })"""
    )
    assert styles["headings"] and set(styles["headings"]) == {"avoid"}
    assert styles["boxes"] and set(styles["boxes"]) == {"avoid"}
    assert 1 <= pdf_pages(pdf) <= 8


def test_certificate_waits_until_every_lesson_is_done(browsing):
    page = browsing.open("learner-default").page
    response = page.goto("/courses/government/certificate")
    assert response.status == 200
    assert page.locator("article.certificate").count() == 0
    assert page.is_visible(".progress-text") and page.locator("progress").count() == 1
    done, total = (int(n) for n in re.findall(r"\d+", page.inner_text(".progress-text")))
    assert done < total, (done, total)  # "3 von 9 Lektionen erledigt": not yet all
    assert page.goto("/courses/no-such-course/certificate").status == 404


def test_finished_course_leads_to_its_certificate(browsing):
    page = browsing.open("learner-default").page
    page.goto(f"/courses/{FINISHED_COURSE}")
    with page.expect_navigation():
        page.click(".certificate-card a")
    assert page.url.endswith(CERTIFICATE)
    page.goto("/")
    assert page.locator(f"a[href='{CERTIFICATE}']").count() == 1


# Pages made to be printed by mentors and coordinators, with the most pages they may take.
PRINTED = [
    pytest.param("mentor", "/mentor/sessions/{tandem}/summary", 2, id="tandem summary"),
    pytest.param("coordinator", "/coordinate/learners/{learner}/card", 1, id="login card"),
    # Six cards to a page; the browser tests' accounts are all made today.
]


@pytest.mark.parametrize(("role", "path", "most_pages"), PRINTED)
def test_staff_printouts_are_clean_and_short(browsing, role, path, most_pages):
    page = browsing.open(f"{role}-default").page
    response = page.goto(path.format(**browsing.server.ids))
    assert response.ok, f"{path} answered {response.status}"
    # The largest screen text (the class the server sets for it) must not matter on paper.
    page.evaluate("document.documentElement.className = 'text-200 contrast-high'")
    pages = pdf_pages(page.pdf(prefer_css_page_size=True))
    assert 1 <= pages <= most_pages
    still_shown = {selector for selector, shown in printed(page).items() if shown}
    assert not still_shown, still_shown
    visible_controls = page.eval_on_selector_all(
        "main button, main input:not([type=hidden]), main select, main textarea, main nav",
        "els => els.filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 80))",
    )
    assert not visible_controls, visible_controls
    sizes = page.eval_on_selector_all(
        "main p, main li, main dd, main td",
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))",
    )
    assert sizes and min(sizes) >= 14 * PT - 0.1, "printed text is large (14 pt and more)"
