"""What the accessibility statement says is tested on every page, and its known limits.

Each check names the code in tests/browser/ that performs it; tests/test_legal_pages.py fails
when that code is gone, so the statement cannot promise a test the suite no longer runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class PageCheck:
    performed_by: str  # a piece of tests/browser/test_pages.py that runs this check
    description: LazyString


STANDARD = "WCAG 2.2 AA / EN 301 549 / BITV 2.0"

CHECKED_ON_EVERY_PAGE: tuple[PageCheck, ...] = (
    PageCheck(
        "axe_violations(",
        _l("Automatic WCAG 2.2 AA test (axe-core) with normal settings, high contrast, 200 % text"),
    ),
    PageCheck(
        '"targets"',
        _l("Every button and link is at least 48 × 48 pixels, so it is easy to tap"),
    ),
    PageCheck('"textSizes"', _l("No text is smaller than 20 pixels")),
    PageCheck(
        "sideways(",
        _l("Nothing scrolls sideways on tablets, phones and at 320 pixels, also at 200 % text"),
    ),
    PageCheck('"lineLengths"', _l("Lines of lesson text stay short enough to read easily")),
    PageCheck(
        "visit.offsite",
        _l("No page loads anything from other websites"),
    ),
    PageCheck("visit.errors", _l("No page shows a script error")),
)

KNOWN_LIMITS: tuple[LazyString, ...] = (
    _l(
        "The practice exercises imitate real apps and web pages. They are pictures of a screen "
        "with words; a screen reader reads the words, not how the picture looks."
    ),
    _l(
        "Read-aloud uses the voice of the tablet. Where the tablet has no voice for the "
        "language, the lesson can only be read."
    ),
    _l("Lessons are not available in sign language or in Leichte Sprache (easy-to-read German)."),
)
