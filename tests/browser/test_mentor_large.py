"""The mentor's pages at the size of a class: 25 learners, several struggling.

At every viewport and at 200 % text no text is squeezed (room for 8 characters a line at
least), every image loads, and on a tablet the first screen of the dashboard names all 25
learners. axe-core, touch targets and sideways scrolling: their rows in the page table.
"""

from __future__ import annotations

import pytest

from tests.browser.accounts import CLASS_NAMES
from tests.browser.checks import VIEWPORTS
from tests.browser.narrow_text import squeezed
from tests.browser.pages import BY_ID
from tests.browser.test_pages import apply_setting

ROWS = ["mentor:dashboard, 25 learners", "mentor:struggling learner"]

IMAGES_LOADED = """() => [...document.images]
    .filter((img) => !img.complete || img.naturalWidth === 0)
    .map((img) => img.currentSrc || img.src)"""

NAMES_ON_FIRST_SCREEN = """(names) => names.filter((name) =>
    [...document.querySelectorAll("main a")].some((a) =>
        a.innerText.trim() === name && a.getBoundingClientRect().bottom <= innerHeight))"""


@pytest.mark.parametrize("page_id", ROWS)
def test_nothing_squeezed_at_any_size(show, page_id):
    page = show(BY_ID[page_id]).page
    problems = [f"image did not load: {src}" for src in page.evaluate(IMAGES_LOADED)]
    for setting in ("default", "large"):
        apply_setting(page, setting)
        for name, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            problems += [f"{setting}, {name}: {block}" for block in squeezed(page)]
    assert not problems, "\n  ".join(problems)


def test_a_tablet_screen_names_the_whole_class_urgent_first(show):
    page = show(BY_ID[ROWS[0]]).page
    page.set_viewport_size(VIEWPORTS["tablet portrait"])
    shown = page.evaluate(NAMES_ON_FIRST_SCREEN, list(CLASS_NAMES))
    assert sorted(shown) == sorted(CLASS_NAMES)
    first = page.locator(".urgent-list > li").first.inner_text()
    assert "Bittet um Hilfe" in first


def test_the_probe_finds_a_squeezed_value(show):
    """The bug this guards against, planted: a label as wide as the card leaves its value a
    sliver, and the probe names it."""
    page = show(BY_ID[ROWS[0]]).page
    page.evaluate(
        """() => {
            const facts = document.createElement("dl");
            facts.style.cssText =
                "display: grid; grid-template-columns: max-content 1fr; width: 30rem";
            facts.innerHTML =
                "<dt>Wissensfragen, die zweimal oder öfter falsch beantwortet wurden</dt>" +
                "<dd id='planted'>Do., 3. Dez. 2026</dd>";
            document.querySelector("main").append(facts);
        }"""
    )
    page.set_viewport_size(VIEWPORTS["tablet portrait"])
    assert any("dd#planted" in block for block in squeezed(page))
