"""The one place Markdown becomes HTML: python-markdown renders, bleach sanitises."""

from __future__ import annotations

import re
from collections.abc import Callable

import bleach
import markdown
from markupsafe import Markup

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


def render_markdown(
    source: str, resolve_lesson: Callable[[str], str | None] | None = None
) -> Markup:
    """Render author Markdown to sanitised HTML; `lesson:ID` links go through resolve_lesson."""
    source = AUTHOR_COMMENT.sub("", source)
    if resolve_lesson is not None:
        source = LESSON_LINK.sub(lambda m: f"]({resolve_lesson(m.group(1)) or '#'})", source)
    html = markdown.markdown(
        source,
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs={"toc": {"permalink": False}},
        output_format="html",
    )
    return Markup(_cleaner.clean(html))  # noqa: S704 - sanitised by the allowlist above


def render_plain(text: str) -> Markup:
    """Short author text (feedback, explanations): inline Markdown, same sanitiser."""
    return render_markdown(text)
