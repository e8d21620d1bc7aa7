"""The browser table in Arabic (right to left) and Russian (Cyrillic), and the mirrored layout.

The learner's pages and the visitor's are checked as tests/browser/test_pages.py checks them
(axe-core, touch targets, text sizes, no sideways scrolling down to 320 px, at default, high
contrast and 200 % text) and for squeezed text (the letter-by-letter probe), with the
browser asking for Arabic or Russian: the learners of the table choose no language, so their
pages follow the browser's. Where a lesson is not yet written in the language, the German one
is shown with a notice, inside the Arabic or Russian page.

Arabic also proves that the layout mirrors: "Next" left of "Previous", "Help" on the left
(where a right-to-left reader looks for the controls at the end of the bar), arrows pointing
the way of reading, and phone numbers and IBANs in Arabic text still read left to right.
"""

from __future__ import annotations

import pytest

from learnapp.content.render import render_markdown
from tests.browser.checks import VIEWPORTS, narrow_text
from tests.browser.pages import BY_ID, TEXT_LESSON, PageSpec
from tests.browser.test_pages import apply_setting, large_text_view, page_problems

LANGUAGES = ("ar", "ru")
# Every page a learner meets on the way through a course, and the visitor's first pages.
CHECKED = (
    "anonymous:welcome",
    "anonymous:sign-in",
    "learner:home",
    "learner:courses",
    "learner:course",
    "learner:text lesson",
    "learner:lesson with pictures",
    "learner:quiz feedback",
    "learner:practice chat",
    "learner:practice web page",
    "learner:practice e-mail",
    "learner:practice letter",
    "learner:practice call with hang-up",
    "learner:settings",
    "learner:help page",
    "learner:certificate",
)
ROWS = [
    pytest.param(BY_ID[page_id], lang, id=f"{lang}-{page_id}")
    for lang in LANGUAGES
    for page_id in CHECKED
]


def open_in(show, spec: PageSpec, lang: str):  # type: ignore[no-untyped-def]
    visit = show(spec, locale=lang)
    page_lang = visit.page.evaluate("document.documentElement.lang")
    assert page_lang == lang, f"{spec.path} came in {page_lang}"
    return visit


@pytest.mark.parametrize(("spec", "lang"), ROWS)
def test_page_in_another_language(show, spec, lang):
    visit = open_in(show, spec, lang)
    direction = visit.page.evaluate("document.documentElement.dir")
    assert direction == ("rtl" if lang == "ar" else "ltr")
    problems = page_problems(visit, spec, large_text_view(show, spec, locale=lang))
    for setting in ("default", "large"):
        apply_setting(visit.page, setting)
        for name, viewport in VIEWPORTS.items():
            visit.page.set_viewport_size(viewport)
            problems += [f"{setting}, {name}: {found}" for found in narrow_text(visit.page)]
    assert not problems, f"{spec.path} ({lang}):\n  " + "\n  ".join(problems)


BOX = (
    "(selector) => { const r = document.querySelector(selector).getBoundingClientRect();"
    " return {left: r.left, right: r.right, top: r.top}; }"
)


def test_the_arabic_layout_mirrors(show):
    visit = open_in(show, BY_ID["learner:text lesson"], "ar")
    page = visit.page
    box = lambda selector: page.evaluate(BOX, selector)  # noqa: E731
    previous, following = box(".pager a[rel=prev]"), box(".pager a[rel=next]")
    assert following["right"] <= previous["left"], "Next must be left of Previous"
    width = page.viewport_size["width"]
    help_link, brand = box(".help-link"), box(".brand")
    assert help_link["left"] < width / 2 < brand["left"], "Help on the left, the name on the right"
    assert help_link["right"] < brand["left"]
    arrows = page.evaluate(
        "() => [...document.querySelectorAll('.pager .icon-arrow')]"
        ".map((a) => getComputedStyle(a).transform)"
    )
    assert arrows and all(a.startswith("matrix(-1") for a in arrows), arrows
    # The same page in German: not mirrored (the check above can fail).
    german = show(BY_ID["learner:text lesson"]).page
    assert (
        german.evaluate(BOX, ".pager a[rel=next]")["left"]
        > german.evaluate(BOX, ".pager a[rel=prev]")["right"]
    )


# Where each group of a value starts on the screen, left to right: ordered when it reads LTR.
GROUP_LEFTS = """([selector, groups]) => {
  const host = document.querySelector(selector);
  const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
  const lefts = [];
  for (const group of groups) {
    walker.currentNode = host;
    let node;
    while ((node = walker.nextNode())) {
      const at = node.data.indexOf(group);
      if (at >= 0) {
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + group.length);
        lefts.push(range.getBoundingClientRect().left);
        break;
      }
    }
  }
  return lefts;
}"""
ISLANDS = (
    "اتصلوا بالبنك على الرقم 0441 123 456 فقط.\n\n"
    "الآيبان DE89 3704 0044 0532 0130 00 مكتوب على البطاقة.\n\n"
    "الموقع الصحيح هو www.sparkasse-ol.de وليس غيره.\n"
)
VALUES = {
    "0441 123 456": ["0441", "123", "456"],
    "DE89 3704 0044 0532 0130 00": ["DE89", "3704", "0130"],
    "www.sparkasse-ol.de": ["www", "sparkasse", "de"],
}


def test_phone_numbers_ibans_and_addresses_read_left_to_right_in_arabic_text(show):
    """The lesson text as the renderer makes it for an Arabic lesson, in the Arabic page;
    the same text without the islands shows the fault they prevent."""
    visit = open_in(show, BY_ID["learner:text lesson"], "ar")
    page = visit.page
    page.set_viewport_size(VIEWPORTS["tablet portrait"])
    page.evaluate(
        """([withIslands, without]) => {
            const article = document.querySelector("article.lesson");
            article.lang = "ar"; article.dir = "rtl";
            const body = article.querySelector(".lesson-body");
            body.innerHTML =
              `<div id="islands">${withIslands}</div><div id="plain">${without}</div>`;
        }""",
        [
            str(render_markdown(ISLANDS, right_to_left=True)),
            str(render_markdown(ISLANDS)),
        ],
    )
    for value, groups in VALUES.items():
        lefts = page.evaluate(GROUP_LEFTS, ["#islands", groups])
        assert len(lefts) == len(groups) and lefts == sorted(lefts), f"{value}: {lefts}"
    direction = page.evaluate(
        "() => [...document.querySelectorAll('#islands bdi')]"
        ".map((b) => getComputedStyle(b).direction)"
    )
    assert direction == ["ltr"] * 3
    plain = page.evaluate(GROUP_LEFTS, ["#plain", VALUES["0441 123 456"]])
    assert plain != sorted(plain), "without the island the groups of the number turn around"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", [VIEWPORTS["tablet portrait"], VIEWPORTS["phone"]])
def test_screenshots_of_a_lesson(show, screenshot_dir, lang, viewport):
    """For the eye: a lesson and a practice screen in Arabic and Russian, tablet and phone."""
    for page_id, name in (("learner:text lesson", "lesson"), ("learner:practice chat", "chat")):
        visit = open_in(show, BY_ID[page_id], lang)
        visit.page.set_viewport_size(viewport)
        path = screenshot_dir / f"{name}-{lang}-{viewport['width']}x{viewport['height']}.png"
        visit.page.screenshot(path=str(path), full_page=False)
        assert path.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("lang", "text", "wanted"),
    [
        ("de", None, []),
        # the lesson itself is written in the language now: its bold headings fetch the 700
        ("ar", "كونوا حذرين من الرسائل الغريبة.", ["noto-sans-arabic-400", "noto-sans-arabic-700"]),
        ("ru", "Будьте осторожны.", ["noto-sans-cyrillic-400", "noto-sans-cyrillic-700"]),
    ],
)
def test_a_page_fetches_only_the_font_of_its_script(browsing, lang, text, wanted):
    """German fetches no font at all; Arabic text the Arabic subsets (regular and bold), Russian
    the Cyrillic ones, and never the other script's."""
    visit = browsing.open("learner-default", fresh=True, locale=lang)  # a cold cache
    visit.page.goto(TEXT_LESSON)
    if text:
        visit.page.evaluate(
            "(text) => { const p = document.createElement('p'); p.textContent = text;"
            " document.querySelector('.lesson-body').prepend(p); }",
            text,
        )
    visit.page.evaluate("document.fonts.ready.then(() => true)")
    visit.page.wait_for_load_state("networkidle")
    fonts = sorted(
        url.rsplit("/", 1)[1].split(".")[0] for url in visit.requests if url.endswith(".woff2")
    )
    assert fonts == wanted
