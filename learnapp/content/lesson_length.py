"""How many tablet screens a lesson's text fills, estimated for `flask courses check`.

Measured in Chromium on 2026-12-06: each bundled lesson (22 German, 22 English, learner's view,
no mentor boxes or sources) on a 10-inch tablet, 810 × 1080 CSS px, text at 100 % (20 px), the
height of the lesson text (`.lesson-body`). Fitted by least squares to the Markdown's length,
its blocks (paragraphs, list items, headings, table rows) and pictures:

    height ≈ 135 px + 0.58 px per character + 26 px per block + 180 px per picture

within 222 px (0.2 screens) for every lesson, 55 px on average. The text was 1.8 to 4.0 screens
long; the whole page (with header, self-check, "Done" and Previous/Next) adds about one more.
"""

from __future__ import annotations

import re

from learnapp.content.lesson_parts import lesson_parts
from learnapp.content.render import render_markdown

SCREEN_HEIGHT_PX = 1080  # the tablet in portrait, CSS pixels
MAX_SCREENS = 4
BASE_PX, PX_PER_CHARACTER, PX_PER_BLOCK, PX_PER_PICTURE = 135, 0.58, 26, 180
BLOCK = re.compile(r"<(p|li|h2|h3|tr)\b")
PICTURE = re.compile(r"<img\b")


def estimated_screens(body: str) -> float:
    """The tablet screens a learner scrolls through to read this lesson body at 100 % text."""
    text = lesson_parts(body, staff=False).text
    html = str(render_markdown(text))
    height = (
        BASE_PX
        + PX_PER_CHARACTER * len(text)
        + PX_PER_BLOCK * len(BLOCK.findall(html))
        + PX_PER_PICTURE * len(PICTURE.findall(html))
    )
    return height / SCREEN_HEIGHT_PX
