"""Soft hyphens in long words, so large text breaks a word only where a hyphen belongs.

Browsers hyphenate (`hyphens: auto`) only with a dictionary for the page's language, and not
every browser has one (Debian's Chromium has none; some tablets lack one for Turkish or
Polish). A word wider than the line then breaks between any two letters ("Einstellunge|n").
So the server marks the hyphenation points of long words with soft hyphens (U+00AD): invisible
unless the line breaks there, ignored by screen readers and by the browser's search.

Only the text between tags is touched: never attributes (form values, links, tokens), never
the inside of script, style, textarea, pre, code, kbd, title or option, and never a word that
touches a digit, a dot or an @ (addresses, usernames, codes). How long a word must be follows
the reader's text size: at 175 % and 200 % a heading line holds about eight letters on a phone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.wrappers import Response

from learnapp import content, hyphenation_patterns

SOFT_HYPHEN = "\u00ad"
# Words of this many letters or more get their hyphenation points; by the reader's text size.
SHORTEST_WORD = {100: 18, 125: 15, 150: 12, 175: 8, 200: 8}
# Elements whose text is shown or sent exactly as written.
VERBATIM = frozenset({"script", "style", "textarea", "pre", "code", "kbd", "title", "option"})
TAG = re.compile(r"(<[^>]*>)")
TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
# A word (or a compound with hyphens) with a part of at least N letters, not touching a digit,
# an @, a slash, an entity or a domain's dot; short words are not even looked at.
LONG_WORD = (
    r"(?<![\w@/.&#\-\u00ad])(?:[^\W\d_]+-)*[^\W\d_]{%d,}(?:-[^\W\d_]+)*(?![\w@/\u00ad-]|\.\w)"
)


@lru_cache(maxsize=50_000)
def hyphenate_word(word: str, lang: str) -> str:
    dictionary = hyphenation_patterns.for_language(lang)
    if dictionary is None:
        return word
    # "Online-Banking": each part on its own; the hyphen is a break point already.
    return "-".join(dictionary.inserted(part, hyphen=SOFT_HYPHEN) for part in word.split("-"))


@lru_cache(maxsize=16)
def _long_words(shortest: int) -> re.Pattern[str]:
    return re.compile(LONG_WORD % shortest)


def hyphenate_text(text: str, lang: str, shortest: int) -> str:
    return _long_words(shortest).sub(lambda found: hyphenate_word(found.group(0), lang), text)


def hyphenate_html(html: str, lang: str, shortest: int) -> str:
    """`html` with soft hyphens in the long words of its text (not its tags or verbatim parts)."""
    if not hyphenation_patterns.has_dictionary(lang):
        return html
    parts = TAG.split(html)
    verbatim_depth = 0
    for index, part in enumerate(parts):
        if index % 2 == 1:  # a tag
            found = TAG_NAME.match(part)
            if found and found.group(2).lower() in VERBATIM and not part.endswith("/>"):
                verbatim_depth += -1 if found.group(1) else 1
                verbatim_depth = max(verbatim_depth, 0)
        elif verbatim_depth == 0 and len(part) >= shortest:  # most parts are blank lines
            parts[index] = hyphenate_text(part, lang, shortest)
    return "".join(parts)


# Languages whose everyday words run long (Russian, Ukrainian, Polish, Turkish): their words are
# marked from 8 letters at every text size, so a page that a reader enlarges in the browser,
# or a narrow phone, still breaks them at hyphenation points.
LONG_WORDED = frozenset({"ru", "uk", "pl", "tr"})


def shortest_word(lang: str) -> int:
    if lang in LONG_WORDED:
        return SHORTEST_WORD[200]
    size = 100
    if current_user and current_user.is_authenticated:
        size = current_user.text_size
    return SHORTEST_WORD.get(size, SHORTEST_WORD[100])


def hyphenate_page(response: Response) -> Response:
    if (
        response.status_code != 200
        or response.mimetype != "text/html"
        or response.direct_passthrough
        or response.is_streamed
    ):
        return response
    html = response.get_data(as_text=True)
    lang = str(get_locale())
    hyphenated = hyphenate_html(html, lang, shortest_word(lang))
    if hyphenated != html:
        response.set_data(hyphenated)
    return response


def init_app(app: Flask) -> None:
    # The patterns read are kept where the parsed courses are (none when that is switched off).
    kept = content.cache_file(app)
    hyphenation_patterns.keep_in(kept.parent if kept is not None else None)
    app.after_request(hyphenate_page)
