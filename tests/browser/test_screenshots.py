"""Screenshots of every learner page (and the key staff pages) at tablet size, in German, written
on every run to tests/browser/screenshots/.

`make screenshots` (LEARNAPP_UPDATE_SCREENSHOTS=1) also copies them to docs/screenshots/, the
set the README shows. Only the visible screen is taken, which keeps the files small.
"""

from __future__ import annotations

import os
import shutil

import pytest

from learnapp.paths import PROJECT_ROOT
from tests.browser.pages import BY_ID, SCREENSHOTS

DOCS = PROJECT_ROOT / "docs" / "screenshots"


def take(page, screenshot_dir, name: str) -> None:  # type: ignore[no-untyped-def]
    """The visible screen as <name>.png; copied to docs/screenshots/ by `make screenshots`."""
    target = screenshot_dir / f"{name}.png"
    page.screenshot(path=str(target), animations="disabled", caret="hide")
    assert target.stat().st_size > 1000
    if os.environ.get("LEARNAPP_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, DOCS / target.name)


@pytest.mark.parametrize(
    ("page_id", "name", "viewport"), SCREENSHOTS, ids=[s[1] for s in SCREENSHOTS]
)
def test_screenshot(show, screenshot_dir, page_id, name, viewport):
    visit = show(BY_ID[page_id])
    if viewport:
        visit.page.set_viewport_size(viewport)
    take(visit.page, screenshot_dir, name)


# A translated lesson at tablet size (the browser asks for the language; the table's learners
# choose none, so their pages follow it): right to left in Arabic, Latin in Turkish.
TRANSLATED = [("ar", "lesson-arabic"), ("tr", "lesson-turkish")]


@pytest.mark.parametrize(("lang", "name"), TRANSLATED, ids=[n for _, n in TRANSLATED])
def test_translated_lesson_screenshot(show, screenshot_dir, lang, name):
    visit = show(BY_ID["learner:text lesson"], locale=lang)
    assert visit.page.evaluate("document.documentElement.lang") == lang
    assert visit.page.locator("article p.notice[role=note]").count() == 0, "not translated"
    take(visit.page, screenshot_dir, name)
