"""The one place Markdown becomes HTML: python-markdown renders, bleach sanitises."""

from __future__ import annotations

import re
from collections.abc import Callable

import bleach
import markdown
from markupsafe import Markup, escape

from learnapp.i18n import text_direction

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "blockquote",
        "br",
        "code",
        "dd",
        "div",
        "dl",
        "dt",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES: dict[str, list[str]] = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height"],
    "div": ["class"],
    "p": ["class"],
    "span": ["class"],
    "h2": ["id"],
    "h3": ["id"],
    "h4": ["id"],
    "h5": ["id"],
    "h6": ["id"],
    "th": ["align"],
    "td": ["align"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})
# A class attribute may only name our admonition styles, nothing an author could abuse.
ALLOWED_CLASSES = frozenset({"admonition", "admonition-title", "tip", "note", "warning", "mentor"})
LESSON_LINK = re.compile(r"\]\(lesson:([a-z0-9-]+)\)")
# Authors' comments (fact citations: <!-- fact: id -->) never reach a page; removed with the
# space before them, so "Satz. <!-- … --> Satz." reads as "Satz. Satz." (read aloud too).
AUTHOR_COMMENT = re.compile(r"[ \t]*<!--.*?-->", re.DOTALL)
MARKDOWN_EXTENSIONS = ["tables", "admonition", "attr_list", "toc", "sane_lists"]


def _attribute_filter(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    return name != "class" or all(c in ALLOWED_CLASSES for c in value.split())


_cleaner = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_attribute_filter,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


# --- Left-to-right islands in right-to-left text ---
#
# In an Arabic sentence a phone number "0441 123 456" would be shown with its groups in the
# wrong order ("456 123 0441"), a web address or an IBAN with its parts turned around, and
# brackets around a German term ("(Ihr Konto ist gesperrt)") on the wrong sides.
# Each is wrapped in <bdi dir="ltr"> (isolated, left to right) in the text between tags only:
# never inside a tag's attributes, code, pre, kbd, samp or an existing bdi.

# A tag, its attribute values quoted (a ">" inside quotes does not end it).
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
_SKIP_INSIDE = frozenset({"code", "pre", "kbd", "samp", "bdi", "script", "style"})
_ISLAND = re.compile(
    r"""
      (?:https?://|www\.)[^\s<>"]*[^\s<>".,;:!?)»“”]            # a web address
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                              # an e-mail address
    | (?<![\w@.-])(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[^\s<>"]*[^\s<>".,;:!?)])?(?![\w-])
                                                                # a domain: sparkasse.de/x
    | \b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b   # an IBAN
    | (?<![\w+])(?:\+|\(0)?\d[\d)]*(?:[ /.-]\d+){1,6}(?![\w])        # a phone number
    | \b(?=[A-Z0-9-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)+\b               # a code: AB12-CD34
    """,
    re.VERBOSE,
)
# Then, in the text between those: a run of Latin words, such as the German terms kept beside
# the translation ("(Bürgeramt)"), never the inside of a character reference (&amp;).
_LATIN_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ſ][\wÀ-ÖØ-öø-ÿĀ-ſ'’-]*(?:\.[A-Za-zÀ-ÖØ-öø-ÿĀ-ſ]+)*"
_LATIN_RUN = re.compile(rf"(?<![&#\w]){_LATIN_WORD}(?:[ \u00a0]+{_LATIN_WORD})*")


def _ltr(text: str) -> str:
    return f'<bdi dir="ltr">{text}</bdi>'


def _wrap_islands(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in _ISLAND.finditer(text):
        out.append(_LATIN_RUN.sub(lambda m: _ltr(m.group(0)), text[position : match.start()]))
        out.append(_ltr(match.group(0)))
        position = match.end()
    out.append(_LATIN_RUN.sub(lambda m: _ltr(m.group(0)), text[position:]))
    return "".join(out)


def ltr_islands(html: str) -> str:
    """Phone numbers, IBANs, web and e-mail addresses, codes and runs of Latin words (the
    German terms beside a translation) in `html` kept left to right inside right-to-left
    text. Tags, their attributes and character references are copied unchanged."""
    out: list[str] = []
    skipping: list[str] = []  # open elements whose text is left alone
    position = 0
    for tag in _TAG.finditer(html):
        text = html[position : tag.start()]
        out.append(text if skipping else _wrap_islands(text))
        out.append(tag.group(0))
        name = re.match(r"</?\s*([A-Za-z0-9]+)", tag.group(0))
        if name and name.group(1).lower() in _SKIP_INSIDE:
            if tag.group(0).startswith("</"):
                if skipping:
                    skipping.pop()
            elif not tag.group(0).endswith("/>"):
                skipping.append(name.group(1).lower())
        position = tag.end()
    rest = html[position:]
    out.append(rest if skipping else _wrap_islands(rest))
    return "".join(out)


def ltr_text(text: object, lang: str | None) -> Markup:
    """Plain text (a title, a practice screen's message), escaped, with its islands kept left
    to right when `lang` is written right to left (templates: text|ltr_islands(lang))."""
    html = str(escape(text))
    if lang and text_direction(lang) == "rtl":
        html = ltr_islands(html)
    return Markup(html)  # noqa: S704 - escaped above; only <bdi dir="ltr"> added


def render_markdown(
    source: str,
    resolve_lesson: Callable[[str], str | None] | None = None,
    *,
    right_to_left: bool = False,
) -> Markup:
    """Render author Markdown to sanitised HTML; `lesson:ID` links go through resolve_lesson.
    In a right-to-left lesson, numbers, addresses and codes stay left to right (ltr_islands)."""
    source = AUTHOR_COMMENT.sub("", source)
    if resolve_lesson is not None:
        source = LESSON_LINK.sub(lambda m: f"]({resolve_lesson(m.group(1)) or '#'})", source)
    html = markdown.markdown(
        source,
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs={"toc": {"permalink": False}},
        output_format="html",
    )
    html = _cleaner.clean(html)
    if right_to_left:
        html = ltr_islands(html)  # adds only <bdi dir="ltr"> around text
    return Markup(html)  # noqa: S704 - sanitised by the allowlist above


def render_plain(text: str) -> Markup:
    """Short author text (feedback, explanations): inline Markdown, same sanitiser."""
    return render_markdown(text)
